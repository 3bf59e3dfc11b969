import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { EventIdConflictError } from '../errors.js';
import { deterministicEventId } from '../event-ids.js';
import type { AppendResult, EventToAppend } from '../event-store.port.js';
import { encodePosition } from './position.js';
import { appendStatement, PostgresEventStore } from './postgres-event-store.js';

function commandEvents(streamId: string, commandId: string, count = 2): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'MembershipRenewed',
    data: { index },
    metadata: {
      actor: { userId: 'u-1', role: 'ADMIN' },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2025-03-01T08:00:00.000Z',
    },
  }));
}

/** Waits until `client`'s backend is blocked on a lock (so the racing call is really in flight). */
async function waitUntilBlocked(observer: pg.Pool, blockedBy: pg.Client): Promise<void> {
  const pid = (await blockedBy.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  for (;;) {
    const blocked = await observer.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND $1 = ANY(pg_blocking_pids(a.pid))`,
      [pid],
    );
    if ((blocked.rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('Postgres event store: re-sent commands under concurrency', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let observer: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('es_idem');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    observer = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await observer?.end();
    await store?.close();
    await database?.drop();
  });

  describe('when the same command’s events are appended by two parallel calls', () => {
    it('writes them once and gives both callers the same result', async () => {
      for (const expectedRevision of ['no_stream', 'any'] as const) {
        const streamId = `renewal-${randomUUID()}`;
        const events = commandEvents(streamId, randomUUID());

        const [first, second] = await Promise.all([
          store.append(streamId, events, { expectedRevision }),
          store.append(streamId, events, { expectedRevision }),
        ]);

        expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
        const { duplicate: _a, ...firstOutcome } = first;
        const { duplicate: _b, ...secondOutcome } = second;
        expect(secondOutcome).toEqual(firstOutcome);
        expect((await store.readStream(streamId)).map((e) => e.id)).toEqual(events.map((e) => e.id));
      }
    });

    it('gives the waiting call the original result once the first commits', async () => {
      const streamId = `renewal-${randomUUID()}`;
      await store.append(streamId, commandEvents(streamId, randomUUID(), 1), { expectedRevision: 'no_stream' });
      const events = commandEvents(streamId, randomUUID());

      const first = new pg.Client({ connectionString: database.url });
      await first.connect();
      let original: AppendResult;
      let racing: Promise<AppendResult>;
      try {
        await first.query('BEGIN');
        const statement = appendStatement(streamId, events, { expectedRevision: 0 });
        const row = (await first.query(statement.text, [...statement.values])).rows[0] as {
          next_revision: string;
          last_transaction_id: string;
          last_global_position: string;
        };
        original = {
          streamId,
          nextRevision: Number(row.next_revision),
          position: encodePosition(row.last_transaction_id, row.last_global_position),
          duplicate: false,
        };
        racing = store.append(streamId, events, { expectedRevision: 0 });
        await waitUntilBlocked(observer, first);
        await first.query('COMMIT');
      } finally {
        await first.end();
      }

      await expect(racing).resolves.toEqual({ ...original, duplicate: true });
      expect(await store.streamRevision(streamId)).toBe(2);
    });
  });

  describe('when the same ids are appended to two streams at once', () => {
    it('records them on the stream that commits first and refuses the other', async () => {
      const commandId = randomUUID();
      const streamA = `a-${randomUUID()}`;
      const streamB = `b-${randomUUID()}`;
      const events = commandEvents(streamA, commandId);

      const first = new pg.Client({ connectionString: database.url });
      await first.connect();
      let racing: Promise<AppendResult>;
      try {
        await first.query('BEGIN');
        const statement = appendStatement(streamA, events, { expectedRevision: 'no_stream' });
        await first.query(statement.text, [...statement.values]);
        racing = store.append(streamB, events, { expectedRevision: 'no_stream' });
        // The racing append passed the in-function check and now waits on the unique event id.
        await waitUntilBlocked(observer, first);
        await first.query('COMMIT');
      } finally {
        await first.end();
      }

      await expect(racing).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store.streamRevision(streamA)).toBe(1);
      expect(await store.streamRevision(streamB)).toBeNull();
    });
  });
});
