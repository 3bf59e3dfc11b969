import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors.js';
import { deterministicEventId } from '../event-ids.js';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port.js';
import { chainHash, contentHash, GENESIS_HASH } from '../hash-chain.js';
import { encodePosition } from './position.js';
import { appendStatement, PostgresEventStore } from './postgres-event-store.js';

// append() has two ways in: one plain statement for a single event at an exact revision or on a new
// stream (the common case), and es_append() for everything else, which also decides whenever the fast
// statement wrote nothing. Both take the stream head's row lock, so they must interleave safely.

function command(streamId: string, count = 1, data: Record<string, unknown> = {}): EventToAppend[] {
  const commandId = randomUUID();
  return Array.from({ length: count }, (_, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'DuesPaid',
    data: { index, ...data },
    metadata: {
      actor: { userId: 'treasurer-1', role: 'ADMIN' },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2025-03-01T08:00:00.000Z',
    },
  }));
}

/** Waits until some backend is blocked by `holder`'s transaction (so the racing call is really in flight). */
async function waitUntilBlocked(observer: pg.Pool, holder: pg.Client): Promise<void> {
  const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  for (;;) {
    const blocked = await observer.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity a WHERE $1 = ANY(pg_blocking_pids(a.pid))`,
      [pid],
    );
    if ((blocked.rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Appends with the general statement inside a transaction that stays open until `commit()`. */
async function holdAppend(url: string, streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const statement = appendStatement(streamId, events, { expectedRevision });
  const row = (await client.query(statement.text, [...statement.values])).rows[0] as {
    next_revision: string;
    last_transaction_id: string;
    last_global_position: string;
  };
  const result: AppendResult = {
    streamId,
    nextRevision: Number(row.next_revision),
    position: encodePosition(row.last_transaction_id, row.last_global_position),
    duplicate: false,
  };
  return {
    client,
    result,
    async commit() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

describe('Postgres event store: the one-event fast path and the general append', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let observer: pg.Pool;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('es_paths');
    pool = new pg.Pool({ connectionString: database.url, max: 10 });
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    // Records what append() sends, by prepared-statement name.
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { name?: string } | string;
      statements.push(typeof config === 'string' ? 'unnamed' : (config.name ?? 'unnamed'));
      return query(...args);
    };
    store = new PostgresEventStore({ pool, notify: 'none' });
    await store.ensureSchema();
    observer = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await observer?.end();
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  async function sent(action: () => Promise<unknown>): Promise<string[]> {
    statements.length = 0;
    await action();
    return [...statements];
  }

  describe('when one event is appended to a new stream or at the exact revision', () => {
    it('sends one statement, and both paths build one chain', async () => {
      const streamId = `paths-${randomUUID()}`;
      expect(await sent(() => store.append(streamId, command(streamId), { expectedRevision: 'no_stream' }))).toEqual([
        'es_append_one_new_stream',
      ]);
      expect(await sent(() => store.append(streamId, command(streamId), { expectedRevision: 0 }))).toEqual([
        'es_append_one_at_revision',
      ]);
      expect(await sent(() => store.append(streamId, command(streamId, 3), { expectedRevision: 1 }))).toEqual([
        'es_append',
      ]);
      expect(await sent(() => store.append(streamId, command(streamId), { expectedRevision: 'any' }))).toEqual([
        'es_append',
      ]);
      expect(await sent(() => store.append(streamId, command(streamId), { expectedRevision: 'stream_exists' }))).toEqual([
        'es_append',
      ]);
      const last = await store.append(streamId, command(streamId), { expectedRevision: 6 });
      expect(last).toMatchObject({ nextRevision: 7, duplicate: false });

      const events = await store.readStream(streamId);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      let prev = GENESIS_HASH;
      for (const event of events) {
        expect(event.metadata.prevHash).toBe(prev);
        expect(event.metadata.hash).toBe(chainHash(prev, streamId, event.revision, contentHash(event)));
        prev = event.metadata.hash;
      }
      expect(events[7]!.position).toBe(last.position);
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true, eventsChecked: 8 });
      const head = await observer.query('SELECT revision::int AS revision, last_hash FROM es_streams WHERE stream_id = $1', [
        streamId,
      ]);
      expect(head.rows).toEqual([{ revision: 7, last_hash: prev }]);
    });
  });

  describe('when the fast statement writes nothing', () => {
    it('reports the actual revision of an existing stream', async () => {
      const streamId = `paths-${randomUUID()}`;
      await store.append(streamId, command(streamId, 2), { expectedRevision: 'no_stream' });
      for (const expectedRevision of ['no_stream', 0, 2, 7] as const) {
        const error = await store.append(streamId, command(streamId), { expectedRevision }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: expectedRevision, actual: 1 });
      }
      expect(await store.streamRevision(streamId)).toBe(1);
    });

    it('refuses an id recorded on another stream and leaves the new stream uncreated', async () => {
      const streamId = `paths-${randomUUID()}`;
      const events = command(streamId);
      await store.append(streamId, events, { expectedRevision: 'no_stream' });
      const other = `paths-${randomUUID()}`;
      await store.append(other, command(other), { expectedRevision: 'no_stream' });
      const third = `paths-${randomUUID()}`;

      await expect(store.append(third, events, { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        EventIdConflictError,
      );
      await expect(store.append(other, events, { expectedRevision: 0 })).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store.streamRevision(third)).toBeNull();
      expect(await store.streamRevision(other)).toBe(0);
      await expect(store.verifyAll()).resolves.toMatchObject({ intact: true });
    });
  });

  describe('when a fast append races a general append still in its transaction', () => {
    it('waits for it, then returns the original result of the same event', async () => {
      const streamId = `paths-${randomUUID()}`;
      await store.append(streamId, command(streamId), { expectedRevision: 'no_stream' });
      const events = command(streamId);
      const first = await holdAppend(database.url, streamId, events, 0);
      const racing = store.append(streamId, events, { expectedRevision: 0 });
      await waitUntilBlocked(observer, first.client);
      await first.commit();
      await expect(racing).resolves.toEqual({ ...first.result, duplicate: true });
      expect(await store.streamRevision(streamId)).toBe(1);
    });

    it('waits for it, then reports the revision it produced', async () => {
      const streamId = `paths-${randomUUID()}`;
      const first = await holdAppend(database.url, streamId, command(streamId, 2), 'no_stream');
      const creating = store.append(streamId, command(streamId), { expectedRevision: 'no_stream' });
      const stale = store.append(streamId, command(streamId), { expectedRevision: 0 });
      await waitUntilBlocked(observer, first.client);
      await first.commit();
      await expect(creating).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expected: 'no_stream', actual: 1 });
      await expect(stale).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expected: 0, actual: 1 });
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true, eventsChecked: 2 });
    });
  });

  describe('when many writers append to one stream at once, by both paths', () => {
    it('keeps revisions contiguous and every prevHash right', async () => {
      const streamId = `paths-${randomUUID()}`;
      // Exact revisions, as the register appends; the other expectations race in the next case.
      const kinds = ['exact', 'exact-batch', 'exact', 'exact-batch', 'exact', 'exact'] as const;
      let written = 0;
      await Promise.all(
        kinds.map(async (kind, writer) => {
          for (let n = 0; n < 15; n++) {
            for (;;) {
              const current = await store.streamRevision(streamId);
              const count = kind === 'exact-batch' ? 2 : 1;
              const expectedRevision: ExpectedRevision = current ?? 'no_stream';
              try {
                await store.append(streamId, command(streamId, count, { writer, n }), { expectedRevision });
                written += count;
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }
        }),
      );

      const events = await store.readStream(streamId);
      expect(events).toHaveLength(written);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true, eventsChecked: written });
    });

    it('keeps global positions in revision order when writers append under any or stream_exists, in one stream or several', async () => {
      // A writer whose transaction began before it waited for the stream's lock would otherwise commit a later
      // revision at an earlier position (ES003 and the retry in a new transaction, schema.ts migration 3).
      const streamId = `paths-${randomUUID()}`;
      const other = `paths-${randomUUID()}`;
      await store.append(streamId, command(streamId), { expectedRevision: 'no_stream' });
      const kinds = ['any', 'stream_exists', 'any-batch', 'exact', 'multi', 'any', 'multi', 'stream_exists'] as const;
      let written = 1;
      await Promise.all(
        kinds.map(async (kind, writer) => {
          for (let n = 0; n < 12; n++) {
            for (;;) {
              try {
                if (kind === 'multi') {
                  await store.appendMany([
                    { streamId: other, events: command(other, 1, { writer, n }), expectedRevision: 'any' },
                    { streamId, events: command(streamId, 1, { writer, n }), expectedRevision: 'any' },
                  ]);
                } else {
                  const expectedRevision: ExpectedRevision = kind === 'exact' ? ((await store.streamRevision(streamId)) ?? 'no_stream') : kind === 'any-batch' ? 'any' : kind;
                  await store.append(streamId, command(streamId, kind === 'any-batch' ? 2 : 1, { writer, n }), { expectedRevision });
                }
                written += kind === 'any-batch' ? 2 : 1;
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }
        }),
      );
      const events = await store.readStream(streamId);
      expect(events).toHaveLength(written);
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true, eventsChecked: written });
      await expect(store.verifyStream(other)).resolves.toMatchObject({ intact: true });
      const all = await store.verifyAll();
      expect(all.intact).toBe(true);
    });
  });
});
