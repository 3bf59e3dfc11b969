import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { deterministicEventId } from '../event-ids.js';
import { comparePositions, type EventToAppend, type Position, type RecordedEvent } from '../event-store.port.js';
import { appendStatement, PostgresEventStore } from './postgres-event-store.js';

// These tests hold transactions open on purpose. Every reader of the global order on the shared test
// cluster waits for the oldest open transaction, so each one is kept to a few milliseconds.

function events(streamId: string, type: string): EventToAppend[] {
  const commandId = randomUUID();
  return [
    {
      id: deterministicEventId(commandId, streamId, 0),
      type,
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

/** A client with a transaction open and its transaction id already assigned (so it is "older"). */
async function openTransaction(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return client;
}

describe('Postgres event store: global order while transactions are in flight', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let heldBackWaiters: Array<() => void> = [];

  /** Resolves the next time a subscription reports committed events held back by an open transaction. */
  function nextHeldBack(): Promise<void> {
    return new Promise((resolve) => heldBackWaiters.push(resolve));
  }

  beforeAll(async () => {
    database = await createTestDatabase('es_gaps');
    store = new PostgresEventStore({
      connectionString: database.url,
      onHeldBack: () => {
        const waiters = heldBackWaiters;
        heldBackWaiters = [];
        for (const resolve of waiters) resolve();
      },
    });
    await store.ensureSchema();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  function subscribeTo(streams: string[], after: Position | null) {
    const received: RecordedEvent[] = [];
    let wanted: { count: number; resolve: () => void } | null = null;
    const subscription = store.subscribe({ after }, async (batch) => {
      received.push(...batch.filter((e) => streams.includes(e.streamId)));
      if (wanted && received.length >= wanted.count) wanted.resolve();
    });
    return {
      received,
      subscription,
      until(count: number): Promise<RecordedEvent[]> {
        if (received.length >= count) return Promise.resolve(received);
        return new Promise((resolve) => {
          wanted = { count, resolve: () => resolve(received) };
        });
      },
    };
  }

  async function readAllOf(streams: string[], after: Position | null): Promise<RecordedEvent[]> {
    const page = await store.readAll({ after, limit: 1000 });
    return page.events.filter((e) => streams.includes(e.streamId));
  }

  describe('when a slow early transaction commits after a fast later one', () => {
    it('delivers both, in commit-safe order, and never the later one first', async () => {
      const before = await store.headPosition();
      const slowStream = `slow-${randomUUID()}`;
      const fastStream = `fast-${randomUUID()}`;
      const subscriber = subscribeTo([slowStream, fastStream], before);

      const slow = await openTransaction(database.url);
      let fast;
      try {
        const heldBack = nextHeldBack();
        fast = await store.append(fastStream, events(fastStream, 'Fast'), { expectedRevision: 'no_stream' });

        expect(await readAllOf([fastStream], before)).toEqual([]);
        expect(comparePositions(await store.headPosition(), fast.position)).toBe(-1);
        // What "everything written so far" means to a caller waiting for it: the fast event, held back or not.
        expect(await store.lastCommittedPosition()).toBe(fast.position);
        await heldBack; // the subscription has seen the fast event committed and is holding it back
        expect(subscriber.received).toEqual([]);

        const statement = appendStatement(slowStream, events(slowStream, 'Slow'), { expectedRevision: 'no_stream' });
        await slow.query(statement.text, [...statement.values]);
        await slow.query('COMMIT');
      } finally {
        await slow.end();
      }

      const received = await subscriber.until(2);
      await subscriber.subscription.stop();
      expect(received.map((e) => e.type)).toEqual(['Slow', 'Fast']);
      expect(received[1]!.position).toBe(fast.position);
      expect(comparePositions(received[0]!.position, received[1]!.position)).toBe(-1);
      expect((await readAllOf([slowStream, fastStream], before)).map((e) => e.type)).toEqual(['Slow', 'Fast']);
    });
  });

  describe('when an append is rolled back', () => {
    it('leaves no hole that holds back the events after it', async () => {
      const before = await store.headPosition();
      const lostStream = `lost-${randomUUID()}`;
      const keptStream = `kept-${randomUUID()}`;

      const rolledBack = await openTransaction(database.url);
      try {
        const statement = appendStatement(lostStream, events(lostStream, 'Lost'), { expectedRevision: 'no_stream' });
        await rolledBack.query(statement.text, [...statement.values]);
        await rolledBack.query('ROLLBACK');
      } finally {
        await rolledBack.end();
      }
      const kept = await store.append(keptStream, events(keptStream, 'Kept'), { expectedRevision: 'no_stream' });

      const subscriber = subscribeTo([lostStream, keptStream], before);
      const received = await subscriber.until(1);
      await subscriber.subscription.stop();
      expect(received.map((e) => e.type)).toEqual(['Kept']);
      expect((await readAllOf([lostStream, keptStream], before)).map((e) => e.position)).toEqual([kept.position]);
      expect(await store.streamRevision(lostStream)).toBeNull();
    });
  });

  describe('when a transaction that appended is still open', () => {
    it('holds readAll and the head back, and committing it lets both events through in order', async () => {
      const before = await store.headPosition();
      const openStream = `open-${randomUUID()}`;
      const laterStream = `later-${randomUUID()}`;

      const open = await openTransaction(database.url);
      let later;
      try {
        const statement = appendStatement(openStream, events(openStream, 'Open'), { expectedRevision: 'no_stream' });
        await open.query(statement.text, [...statement.values]);
        later = await store.append(laterStream, events(laterStream, 'Later'), { expectedRevision: 'no_stream' });

        expect(await readAllOf([openStream, laterStream], before)).toEqual([]);
        expect(comparePositions(await store.headPosition(), later.position)).toBe(-1);
        await open.query('COMMIT');
      } finally {
        await open.end();
      }

      const subscriber = subscribeTo([openStream, laterStream], before);
      await subscriber.until(2);
      await subscriber.subscription.stop();
      expect((await readAllOf([openStream, laterStream], before)).map((e) => e.type)).toEqual(['Open', 'Later']);
    });
  });

  describe('when a transaction that wrote elsewhere is still open', () => {
    it('holds readAll back until it ends, then lets it proceed', async () => {
      const before = await store.headPosition();
      const streamId = `after-open-${randomUUID()}`;
      const subscriber = subscribeTo([streamId], before);

      const other = await openTransaction(database.url);
      let appended;
      try {
        const heldBack = nextHeldBack();
        appended = await store.append(streamId, events(streamId, 'Waiting'), { expectedRevision: 'no_stream' });
        expect(await readAllOf([streamId], before)).toEqual([]);
        await heldBack;
        expect(subscriber.received).toEqual([]);
        await other.query('ROLLBACK');
      } finally {
        await other.end();
      }

      const received = await subscriber.until(1);
      await subscriber.subscription.stop();
      expect(received.map((e) => e.position)).toEqual([appended.position]);
      expect((await readAllOf([streamId], before)).map((e) => e.position)).toEqual([appended.position]);
    });
  });
});
