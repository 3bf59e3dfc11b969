import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventToAppend, RecordedEvent } from '../event-store.port.js';
import { PostgresEventStore, type NotifyMode } from './postgres-event-store.js';

// Two store instances on one database stand for two processes (the API appending, the projector
// subscribed). The subscriber's fallback poll is set to a minute, so a prompt delivery can only come
// from LISTEN/NOTIFY.

function event(streamId: string): EventToAppend[] {
  const commandId = randomUUID();
  return [
    {
      id: deterministicEventId(commandId, streamId, 0),
      type: 'ExpertRegistered',
      data: { streamId },
      metadata: {
        actor: { userId: 'u-1', role: 'ADMIN' },
        commandId,
        correlationId: commandId,
        causationId: commandId,
        recordedAt: '2025-03-01T08:00:00.000Z',
      },
    },
  ];
}

/** One subscription; `next(streamId)` resolves when an event of that stream arrives. */
function watch(subscriber: PostgresEventStore) {
  const seen = new Map<string, RecordedEvent>();
  const waiting = new Map<string, (event: RecordedEvent) => void>();
  const subscription = subscriber.subscribe({ after: null }, async (events) => {
    for (const event of events) {
      seen.set(event.streamId, event);
      waiting.get(event.streamId)?.(event);
    }
  });
  return {
    subscription,
    next(streamId: string): Promise<RecordedEvent> {
      const already = seen.get(streamId);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiting.set(streamId, resolve));
    },
  };
}

describe('Postgres event store: waking subscribers in other processes', () => {
  let database: TestDatabase;
  let admin: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('es_notify');
    admin = new pg.Pool({ connectionString: database.url, max: 2 });
    await new PostgresEventStore(admin).ensureSchema();
  });

  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  describe.each<NotifyMode>(['after_commit', 'in_transaction'])('when the writer notifies %s', (notify) => {
    it('wakes a subscriber of another store instance without waiting for its poll', async () => {
      const writer = new PostgresEventStore({ connectionString: database.url, notify });
      const subscriber = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 60_000 });
      try {
        const watcher = watch(subscriber);
        const warmUp = `expert-${randomUUID()}`;
        await writer.append(warmUp, event(warmUp), { expectedRevision: 'no_stream' });
        await watcher.next(warmUp); // caught up: from here on it sleeps until woken

        const streamId = `expert-${randomUUID()}`;
        await writer.append(streamId, event(streamId), { expectedRevision: 'no_stream' });
        await expect(watcher.next(streamId)).resolves.toMatchObject({ streamId, revision: 0 });
        await watcher.subscription.stop();
      } finally {
        await writer.close();
        await subscriber.close();
      }
    });
  });

  describe('when the listening connection is lost', () => {
    it('reconnects and still wakes the subscriber', async () => {
      const writer = new PostgresEventStore({ connectionString: database.url });
      const subscriber = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 60_000 });
      try {
        const watcher = watch(subscriber);
        const first = `expert-${randomUUID()}`;
        await writer.append(first, event(first), { expectedRevision: 'no_stream' });
        // Delivered, and with nothing left to read the subscription now sleeps until woken.
        await watcher.next(first);

        const listening = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'LISTEN es_events' AND pid <> pg_backend_pid()`,
        );
        expect(listening.rows).toHaveLength(1);
        await admin.query('SELECT pg_terminate_backend($1)', [listening.rows[0]!.pid]);

        const second = `expert-${randomUUID()}`;
        await writer.append(second, event(second), { expectedRevision: 'no_stream' });
        await expect(watcher.next(second)).resolves.toMatchObject({ streamId: second });
        await watcher.subscription.stop();
      } finally {
        await writer.close();
        await subscriber.close();
      }
    });
  });
});
