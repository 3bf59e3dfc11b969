import type pg from 'pg';

/**
 * Where the data keys of persons live, wrapped by the master key: a port, so a key-management service can take the
 * place of the table later (docs/privacy.md). Destroying a key is final: the row stays as a tombstone (when and for
 * which erasure) and no key is ever created again for that owner.
 */
export interface DataKeyStore {
  /** The wrapped key of each owner asked: a buffer, `destroyed`, or absent when none was ever created. */
  wrappedKeys(owners: readonly string[]): Promise<Map<string, Buffer | 'destroyed'>>;
  /** Stores `wrapped` as the owner's key unless one exists (or was destroyed); returns the owner's key as stored. */
  createIfAbsent(owner: string, wrapped: Buffer, masterKeyId: string): Promise<Buffer | 'destroyed'>;
  /** Destroys the owner's key (a tombstone when there was none); true when a key was destroyed by this call. */
  destroy(owner: string, reason: string): Promise<boolean>;
  /** Destroys the keys of owners in `owners` that still have one; how many were destroyed. */
  destroyEach(owners: readonly string[], reason: string): Promise<number>;
}

/** The key store's schema: its own, apart from the event log and the read models, so no rebuild ever touches it. */
export const DATA_KEY_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS privacy;
CREATE TABLE IF NOT EXISTS privacy.data_keys (
  owner text PRIMARY KEY,
  wrapped bytea,
  master_key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  destroyed_for text,
  CONSTRAINT data_key_destroyed_or_held CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
);`;

/** The data keys in a table of the register's Postgres (the embedded default). */
export class PostgresDataKeyStore implements DataKeyStore {
  private schemaReady: Promise<void> | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** Creates the schema once per process (idempotent; concurrent starts are serialised by an advisory lock). */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= (async () => {
      const client = await this.pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', ['privacy.data_keys']);
        try {
          await client.query(DATA_KEY_SCHEMA_SQL);
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['privacy.data_keys']);
        }
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.schemaReady = null;
      throw error;
    });
    return this.schemaReady;
  }

  async wrappedKeys(owners: readonly string[]): Promise<Map<string, Buffer | 'destroyed'>> {
    await this.ensureSchema();
    const found = new Map<string, Buffer | 'destroyed'>();
    if (owners.length === 0) return found;
    const { rows } = await this.pool.query<{ owner: string; wrapped: Buffer | null }>(
      'SELECT owner, wrapped FROM privacy.data_keys WHERE owner = ANY($1::text[])',
      [[...new Set(owners)]],
    );
    for (const row of rows) found.set(row.owner, row.wrapped ?? 'destroyed');
    return found;
  }

  async createIfAbsent(owner: string, wrapped: Buffer, masterKeyId: string): Promise<Buffer | 'destroyed'> {
    await this.ensureSchema();
    await this.pool.query('INSERT INTO privacy.data_keys (owner, wrapped, master_key_id) VALUES ($1, $2, $3) ON CONFLICT (owner) DO NOTHING', [
      owner,
      wrapped,
      masterKeyId,
    ]);
    return (await this.wrappedKeys([owner])).get(owner)!;
  }

  async destroy(owner: string, reason: string): Promise<boolean> {
    return (await this.destroyEach([owner], reason)) > 0;
  }

  async destroyEach(owners: readonly string[], reason: string): Promise<number> {
    await this.ensureSchema();
    if (owners.length === 0) return 0;
    const unique = [...new Set(owners)];
    const { rowCount } = await this.pool.query(
      `UPDATE privacy.data_keys SET wrapped = NULL, destroyed_at = now(), destroyed_for = $2 WHERE owner = ANY($1::text[]) AND wrapped IS NOT NULL`,
      [unique, reason],
    );
    // A tombstone for an owner that never had a key, so none can be created for it afterwards.
    await this.pool.query(
      `INSERT INTO privacy.data_keys (owner, wrapped, master_key_id, destroyed_at, destroyed_for)
       SELECT o, NULL, 'none', now(), $2 FROM unnest($1::text[]) AS o ON CONFLICT (owner) DO NOTHING`,
      [unique, reason],
    );
    if ((rowCount ?? 0) > 0) {
      // The old row versions still hold the wrapped keys until the table is rewritten: rewrite it now (small table).
      await this.pool.query('VACUUM (FULL) privacy.data_keys');
    }
    return rowCount ?? 0;
  }
}
