import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { contentHash, type ChainBreak, PostgresEventStore } from '#eventstore';
import type { GraphQLClient } from '#testing';
import pg from 'pg';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from '../e2e/dues-fixtures.js';

/*
 * Someone with write access to the database alters one row of the event table, one trial at a time: data, metadata
 * or a hash column rewritten, a row deleted from the middle of its stream, two rows of a stream swapping revisions or
 * positions, a row's type changed. Verification (verifyAll, what `verify-chain` runs) must find every one, in the
 * stream that was altered; each trial is undone before the next, and the store is intact again after it.
 *
 * Not tried here, because a per-stream chain cannot see them (docs/reliability.md, ADR 0003): deleting a stream's
 * last event and moving its head back, deleting a whole stream with its head, rewriting a stream from some event to
 * its end with recomputed hashes, and reordering events of different streams in the global order.
 *
 * RELIABILITY_SIZE=large runs 10,000 trials instead of 1,000; TAMPER_SEED picks the random sequence.
 */

const LARGE = process.env.RELIABILITY_SIZE === 'large';
const TRIALS = LARGE ? 10_000 : 1_000;
const SEED = Number(process.env.TAMPER_SEED ?? 20_261_202);
const ASSOC = 'tamper-cia';
const FIRMS = 16;
const YEAR = 2026;

/** An event row exactly as stored, every column as text, so that it can be put back as it was. */
interface Row {
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_revision: number;
  readonly transaction_id: string;
  readonly global_position: string;
  readonly event_type: string;
  readonly data: string;
  readonly metadata: string;
  readonly content_hash: string;
  readonly prev_hash: string;
  readonly hash: string;
  readonly recorded_at: string;
}

const ROW_COLUMNS = `event_id::text, stream_id, stream_revision::int AS stream_revision, transaction_id::text, global_position::text,
  event_type, data::text, metadata::text, content_hash, prev_hash, hash, recorded_at::text`;

/** A small deterministic generator (mulberry32), so a failing trial can be run again from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function insertRow(client: pg.PoolClient, row: Row): Promise<void> {
  await client.query(
    `INSERT INTO es_events (global_position, transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata,
                            content_hash, prev_hash, hash, recorded_at)
     OVERRIDING SYSTEM VALUE
     VALUES ($1::bigint, $2::xid8, $3, $4::bigint, $5::uuid, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12::timestamptz)`,
    [row.global_position, row.transaction_id, row.stream_id, row.stream_revision, row.event_id, row.event_type, row.data, row.metadata, row.content_hash, row.prev_hash, row.hash, row.recorded_at],
  );
}

/** Puts a stream's rows back as they were, in one statement round trip (one implicit transaction). */
async function restore(pool: pg.Pool, stream: readonly Row[]): Promise<void> {
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  await pool.query(
    `DELETE FROM es_events WHERE stream_id = ${literal(stream[0]!.stream_id)};
     INSERT INTO es_events (global_position, transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata,
                            content_hash, prev_hash, hash, recorded_at)
     OVERRIDING SYSTEM VALUE
     SELECT r.global_position::bigint, r.transaction_id::xid8, r.stream_id, r.stream_revision, r.event_id::uuid, r.event_type,
            r.data::jsonb, r.metadata::jsonb, r.content_hash, r.prev_hash, r.hash, r.recorded_at::timestamptz
       FROM jsonb_to_recordset(${literal(JSON.stringify(stream))}::jsonb) AS r(global_position text, transaction_id text, stream_id text,
            stream_revision bigint, event_id text, event_type text, data text, metadata text, content_hash text, prev_hash text,
            hash text, recorded_at text)`,
  );
}

/** A JSON value that differs from `value`, as a forger would write it. */
function altered(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}改`;
  if (typeof value === 'boolean') return !value;
  return 'forged';
}

function alterKey(object: Record<string, unknown>, pick: () => number): Record<string, unknown> {
  const keys = Object.keys(object);
  const key = keys[Math.floor(pick() * keys.length)]!;
  return { ...object, [key]: altered(object[key]) };
}

interface Tamper {
  readonly kind: string;
  /** Rows the stream must hold for this kind (two for a deletion from the middle or a swap). */
  readonly minEvents: number;
  apply(client: pg.PoolClient, stream: readonly Row[], pick: () => number): Promise<void>;
}

const hex64 = (pick: () => number) => Array.from({ length: 64 }, () => Math.floor(pick() * 16).toString(16)).join('');
const oneOf = <T,>(items: readonly T[], pick: () => number): T => items[Math.floor(pick() * items.length)]!;
/** Two distinct rows of the stream. */
function twoOf(stream: readonly Row[], pick: () => number): [Row, Row] {
  const i = Math.floor(pick() * stream.length);
  const j = (i + 1 + Math.floor(pick() * (stream.length - 1))) % stream.length;
  return [stream[i]!, stream[j]!];
}

const TAMPERS: readonly Tamper[] = [
  {
    kind: 'data changed',
    minEvents: 1,
    async apply(client, stream, pick) {
      const row = oneOf(stream, pick);
      const data = alterKey(JSON.parse(row.data) as Record<string, unknown>, pick);
      await client.query('UPDATE es_events SET data = $2::jsonb WHERE event_id = $1', [row.event_id, JSON.stringify(data)]);
    },
  },
  {
    kind: 'data changed, content hash recomputed',
    minEvents: 1,
    async apply(client, stream, pick) {
      const row = oneOf(stream, pick);
      const data = alterKey(JSON.parse(row.data) as Record<string, unknown>, pick);
      const forged = contentHash({ type: row.event_type, data, metadata: JSON.parse(row.metadata) as Record<string, unknown> } as Parameters<typeof contentHash>[0]);
      await client.query('UPDATE es_events SET data = $2::jsonb, content_hash = $3 WHERE event_id = $1', [row.event_id, JSON.stringify(data), forged]);
    },
  },
  {
    kind: 'metadata changed',
    minEvents: 1,
    async apply(client, stream, pick) {
      const row = oneOf(stream, pick);
      const metadata = JSON.parse(row.metadata) as Record<string, unknown> & { actor: Record<string, unknown> };
      const forged = pick() < 0.5 ? { ...metadata, actor: alterKey(metadata.actor, pick) } : alterKey(metadata, pick);
      await client.query('UPDATE es_events SET metadata = $2::jsonb WHERE event_id = $1', [row.event_id, JSON.stringify(forged)]);
    },
  },
  {
    kind: 'hash changed',
    minEvents: 1,
    async apply(client, stream, pick) {
      const row = oneOf(stream, pick);
      const column = oneOf(['content_hash', 'prev_hash', 'hash'] as const, pick);
      await client.query(`UPDATE es_events SET ${column} = $2 WHERE event_id = $1`, [row.event_id, hex64(pick)]);
    },
  },
  {
    kind: 'row deleted from the middle',
    minEvents: 2,
    async apply(client, stream, pick) {
      // Any event but the stream's last (deleting the last and moving the head back is out of reach of the chain).
      const row = stream[Math.floor(pick() * (stream.length - 1))]!;
      await client.query('DELETE FROM es_events WHERE event_id = $1', [row.event_id]);
    },
  },
  {
    kind: 'revisions swapped',
    minEvents: 2,
    async apply(client, stream, pick) {
      const [a, b] = twoOf(stream, pick);
      await client.query('UPDATE es_events SET stream_revision = -1 WHERE event_id = $1', [a.event_id]);
      await client.query('UPDATE es_events SET stream_revision = $2 WHERE event_id = $1', [b.event_id, a.stream_revision]);
      await client.query('UPDATE es_events SET stream_revision = $2 WHERE event_id = $1', [a.event_id, b.stream_revision]);
    },
  },
  {
    kind: 'positions swapped',
    minEvents: 2,
    async apply(client, stream, pick) {
      // The global order projections apply events in: the later event now comes first.
      const [a, b] = twoOf(stream, pick);
      await client.query('DELETE FROM es_events WHERE event_id = ANY($1::uuid[])', [[a.event_id, b.event_id]]);
      await insertRow(client, { ...a, transaction_id: b.transaction_id, global_position: b.global_position });
      await insertRow(client, { ...b, transaction_id: a.transaction_id, global_position: a.global_position });
    },
  },
  {
    kind: 'type changed',
    minEvents: 1,
    async apply(client, stream, pick) {
      const row = oneOf(stream, pick);
      const types = [...new Set(stream.map((r) => r.event_type)), 'QualificationRecorded', 'DuesWaiverGranted', 'MembershipExpelled'];
      const type = oneOf(types.filter((t) => t !== row.event_type), pick);
      await client.query('UPDATE es_events SET event_type = $2 WHERE event_id = $1', [row.event_id, type]);
    },
  },
];

describe(`${TRIALS} single-row tamperings of the event table`, () => {
  let service: TestService;
  let store: PostgresEventStore;
  let pool: pg.Pool;

  beforeAll(async () => {
    // A register with every kind of stream a member has: enterprise, membership, certificate, dues account, receipts.
    service = await startTestService();
    const admin: GraphQLClient = service.client('ADMIN', { associationId: ASSOC, userId: 'tamper-clerk' });
    const fixtures = new DuesFixtures(service);
    const firms = Array.from({ length: FIRMS }, (_, i) => memberCode('TAMPR', i + 1));
    await fixtures.association(ASSOC, []);
    await fixtures.members(ASSOC, firms.map((code) => ({ code, sizeClass: 'MEDIUM' as const, tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.settled();
    await admin.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: { associationId: ASSOC, amounts: [{ tier: 'MEMBER', annualFen: 800_000 }], effectiveFrom: '2026-01-01', decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2025〕5号', decidedOn: '2025-12-20' } },
    });
    await Promise.all(
      firms.map(async (code, i) => {
        for (const specialty of ['建筑工程', '市政公用工程', '机电工程']) {
          await admin.ok(`mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, {
            input: { code, category: 'GENERAL_CONTRACTING', specialty, grade: 'GRADE_2', certificateNumber: `D2${String(i).padStart(4, '0')}`, effectiveFrom: '2025-06-01' },
          });
        }
        await admin.ok(`mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { revision } }`, { input: { associationId: ASSOC, enterpriseCode: code, year: YEAR } });
        for (const n of [1, 2, 3]) {
          await admin.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
            input: { associationId: ASSOC, enterpriseCode: code, year: YEAR, receiptNumber: `TMP-${i}-${n}`, amountFen: 100_000 * n, paidOn: `2026-0${n + 2}-01` },
          });
        }
      }),
    );
    // Only the store is left: nothing else writes or reads while the rows are altered.
    await service.service.stop();
    store = new PostgresEventStore(service.database.url);
    pool = new pg.Pool({ connectionString: service.database.url, max: 2 });
  });

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await service?.database.drop();
  });

  it('finds every one, in the stream that was altered, and the store intact once it is undone', async () => {
    const rows = (await pool.query<Row>(`SELECT ${ROW_COLUMNS} FROM es_events ORDER BY stream_id, stream_revision`)).rows;
    const streams = new Map<string, Row[]>();
    for (const row of rows) streams.set(row.stream_id, [...(streams.get(row.stream_id) ?? []), row]);
    await expect(store.verifyAll()).resolves.toMatchObject({ intact: true, eventsChecked: rows.length });

    const pick = random(SEED);
    const tally = new Map<string, { trials: number; reasons: Record<string, number> }>();
    const missed: { trial: number; kind: string; streamId: string; found: ChainBreak | null }[] = [];
    const started = Date.now();
    for (let trial = 0; trial < TRIALS; trial++) {
      const tamper = TAMPERS[trial % TAMPERS.length]!;
      const candidates = [...streams.values()].filter((s) => s.length >= tamper.minEvents);
      const stream = oneOf(candidates, pick);
      const streamId = stream[0]!.stream_id;
      await inTransaction(pool, (client) => tamper.apply(client, stream, pick));

      const found = (await store.verifyAll()).firstBreak;
      if (found?.streamId !== streamId) missed.push({ trial, kind: tamper.kind, streamId, found });
      const counts = tally.get(tamper.kind) ?? { trials: 0, reasons: {} };
      counts.trials++;
      if (found) counts.reasons[found.reason] = (counts.reasons[found.reason] ?? 0) + 1;
      tally.set(tamper.kind, counts);

      // Undone: the stream's rows exactly as they were, and the stream verifies again (the whole table is compared below).
      await restore(pool, stream);
      const restored = await store.verifyStream(streamId);
      if (!restored.intact) throw new Error(`trial ${trial} (${tamper.kind}) was not undone: ${JSON.stringify(restored.firstBreak)}`);
    }
    const ms = Date.now() - started;

    expect(missed).toEqual([]);
    expect((await pool.query<Row>(`SELECT ${ROW_COLUMNS} FROM es_events ORDER BY stream_id, stream_revision`)).rows).toEqual(rows);
    // When RELIABILITY_REPORT is set (docs/reliability.md quotes it).
    if (process.env.RELIABILITY_REPORT) process.stderr.write(`reliability tamper: ${JSON.stringify({ trials: TRIALS, seed: SEED, events: rows.length, streams: streams.size, ms, byKind: Object.fromEntries(tally) })}\n`);
  }, LARGE ? 1_800_000 : 240_000);
});
