import type pg from 'pg';
import type { Seal, SealHead, SealRecord } from './seal.js';

/** Where seals are recorded, beside the events (Postgres: `es_seals`; KurrentDB: the `registerSeals` stream). */
export interface SealStore {
  /** Seals in sequence order after `after` (a sequence; null or absent: from the first), at most `first`. */
  list(options: { readonly after?: number | null; readonly first: number }): Promise<SealRecord[]>;
  latest(): Promise<SealRecord | null>;
  /** Records the next seal; refuses (SealConflictError) when its sequence is taken or does not follow the latest. */
  record(record: SealRecord): Promise<void>;
}

export class SealConflictError extends Error {
  override readonly name = 'SealConflictError';
  constructor(readonly sequence: number) {
    super(`seal ${sequence} is already recorded or does not follow the latest seal (another sealer ran at the same time)`);
  }
}

/** Every seal, in order, a page at a time. */
export async function allSeals(seals: SealStore, page = 500): Promise<SealRecord[]> {
  const out: SealRecord[] = [];
  for (;;) {
    const batch = await seals.list({ after: out.length === 0 ? null : out[out.length - 1]!.seal.sequence, first: page });
    out.push(...batch);
    if (batch.length < page) return out;
  }
}

type HeadTuple = [string, number, string];

export function headsToJson(heads: readonly SealHead[]): HeadTuple[] {
  return heads.map((h) => [h.streamId, h.revision, h.hash]);
}

export function headsFromJson(value: unknown): SealHead[] {
  if (!Array.isArray(value)) throw new TypeError('heads_changed is not an array');
  return value.map((entry) => {
    const [streamId, revision, hash] = entry as HeadTuple;
    return { streamId, revision, hash };
  });
}

interface SealRow {
  seal: string;
  heads_changed: string;
}

/** The Postgres event store's seals: `es_seals` (schema.ts, migration 4). */
export class PostgresSealStore implements SealStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(options: { readonly after?: number | null; readonly first: number }): Promise<SealRecord[]> {
    if (!Number.isInteger(options.first) || options.first <= 0) throw new TypeError(`invalid page size: ${options.first}`);
    const result = await this.pool.query<SealRow>(
      'SELECT seal::text AS seal, heads_changed::text AS heads_changed FROM es_seals WHERE sequence > $1 ORDER BY sequence LIMIT $2',
      [options.after ?? 0, options.first],
    );
    return result.rows.map(toRecord);
  }

  async latest(): Promise<SealRecord | null> {
    const result = await this.pool.query<SealRow>('SELECT seal::text AS seal, heads_changed::text AS heads_changed FROM es_seals ORDER BY sequence DESC LIMIT 1');
    const row = result.rows[0];
    return row ? toRecord(row) : null;
  }

  async record(record: SealRecord): Promise<void> {
    const { sequence } = record.seal;
    // One statement: inserted only when it follows the latest seal, so two sealers cannot both record one.
    const result = await this.pool.query(
      `INSERT INTO es_seals (sequence, seal, heads_changed)
       SELECT $1, $2::jsonb, $3::jsonb
        WHERE coalesce((SELECT max(sequence) FROM es_seals), 0) = $1 - 1
       ON CONFLICT (sequence) DO NOTHING`,
      [sequence, JSON.stringify(record.seal), JSON.stringify(headsToJson(record.headsChanged))],
    );
    if (result.rowCount !== 1) throw new SealConflictError(sequence);
  }
}

function toRecord(row: SealRow): SealRecord {
  return { seal: JSON.parse(row.seal) as Seal, headsChanged: headsFromJson(JSON.parse(row.heads_changed)) };
}
