import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { KurrentDbTestServer } from '../../../test/support/kurrentdb-test-server/kurrentdb-test-server.js';
import { createTestDatabase, type TestDatabase } from '../../testing/src/postgres.js';
import { CopyAbortedError, CopyChainMismatchError, copyEvents, type CopyProgress, CopyTargetNotEmptyError } from './copy-events.js';
import { deterministicEventId } from './event-ids.js';
import type { EventStore, EventToAppend, RecordedEvent } from './event-store.port.js';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

// The copy against real stores: Postgres (the shared test cluster) and the KurrentDB adapter over gRPC to the
// protocol test server. Nothing is mocked; where a fault is needed, a real store is wrapped to fail after it wrote.

const actor = { userId: 'sec-wang', role: 'ADMIN', associationId: 'hubei-mea' };

function events(streamId: string, commandId: string, from: number, count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({
    id: deterministicEventId(commandId, streamId, i),
    type: 'DuesPaid',
    data: { amountFen: 100 * (from + i + 1), payer: '武汉某建设集团有限公司', year: 2024, tags: ['会费', i], ratio: 0.125 },
    metadata: {
      actor,
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: `2024-03-0${1 + (i % 9)}T08:00:00.${String(i % 1000).padStart(3, '0')}Z`,
      occurredAt: '2024-03-01T00:00:00.000+08:00',
      reason: { code: 'PAYMENT', note: null },
    },
  }));
}

/** A log with interleaved streams, multi-event appends and a multi-stream append. */
async function writeLog(store: EventStore, streams = 6, rounds = 5): Promise<void> {
  const ids = Array.from({ length: streams }, (_, i) => `dues-account-${i}-${randomUUID()}`);
  for (let round = 0; round < rounds; round++) {
    for (const [s, streamId] of ids.entries()) {
      const count = 1 + ((round + s) % 3);
      const revision = await store.streamRevision(streamId);
      await store.append(streamId, events(streamId, randomUUID(), round * 3, count), { expectedRevision: revision ?? 'no_stream' });
    }
    const [a, b] = [ids[round % streams]!, ids[(round + 1) % streams]!];
    const commandId = randomUUID();
    await store.appendMany([
      { streamId: a, events: events(a, commandId, 100, 1), expectedRevision: (await store.streamRevision(a))! },
      { streamId: b, events: events(b, commandId, 200, 2), expectedRevision: (await store.streamRevision(b))! },
    ]);
  }
}

async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.events.length === 0) return all;
    all.push(...page.events);
    after = page.position;
  }
}

/** What must survive a copy: everything but the position. */
const portable = (e: RecordedEvent) => ({ id: e.id, streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata });

describe('copyEvents', () => {
  let databases: TestDatabase[];
  let stores: EventStore[];
  let server: KurrentDbTestServer;

  async function postgres(): Promise<PostgresEventStore> {
    const database = await createTestDatabase('es_copy');
    databases.push(database);
    const store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    stores.push(store);
    return store;
  }

  function kurrent(): KurrentDbEventStore {
    const store = new KurrentDbEventStore({ connectionString: server.connectionString });
    stores.push(store);
    return store;
  }

  beforeEach(async () => {
    databases = [];
    stores = [];
    server = await KurrentDbTestServer.start();
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    await server.stop();
    for (const database of databases) await database.drop();
  });

  it('copies Postgres to KurrentDB and back with ids, order, metadata and hash chains intact', async () => {
    const source = await postgres();
    await writeLog(source);
    const original = await readEverything(source);
    const middle = kurrent();
    const progress: CopyProgress[] = [];
    const there = await copyEvents({ source, target: middle, batchSize: 7, onProgress: (p) => progress.push(p) });
    expect(there).toMatchObject({ eventsFound: 0, eventsCopied: original.length, duplicateAppends: 0 });
    // Consecutive events of one stream go as one append.
    expect(there.appends).toBeLessThan(original.length);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', eventsDone: original.length, eventsTotal: original.length });

    const back = await postgres();
    const result = await copyEvents({ source: middle, target: back, batchSize: 10 });
    expect(result.eventsCopied).toBe(original.length);
    const copied = await readEverything(back);
    expect(copied.map(portable)).toEqual(original.map(portable));
    await expect(back.verifyAll()).resolves.toMatchObject({ intact: true, eventsChecked: original.length });
    await expect(middle.verifyAll()).resolves.toMatchObject({ intact: true, eventsChecked: original.length });
  });

  it('writes the same log with one append per stream run as with multi-stream appends', async () => {
    const source = await postgres();
    await writeLog(source);
    const original = await readEverything(source);
    const grouped = await postgres();
    const single = kurrent();
    const many = await copyEvents({ source, target: grouped, batchSize: 50 });
    const one = await copyEvents({ source, target: single, batchSize: 50, multiStreamAppends: false });
    expect(many.appends).toBeLessThan(one.appends);
    expect((await readEverything(grouped)).map(portable)).toEqual(original.map(portable));
    expect((await readEverything(single)).map(portable)).toEqual(original.map(portable));
  });

  it('stops after the page in flight when asked, and a second run copies the rest without duplicating', async () => {
    const source = await postgres();
    await writeLog(source);
    const original = await readEverything(source);
    const target = kurrent();
    const abort = new AbortController();
    await expect(
      copyEvents({
        source,
        target,
        batchSize: 10,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'copying' && p.eventsDone >= 20) abort.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CopyAbortedError);
    expect(await readEverything(target)).toHaveLength(20);

    const resumed = await copyEvents({ source, target, batchSize: 10 });
    expect(resumed).toMatchObject({ eventsFound: 20, eventsCopied: original.length - 20 });
    expect((await readEverything(target)).map(portable)).toEqual(original.map(portable));
    // Nothing left to do: a third run finds it all.
    await expect(copyEvents({ source, target })).resolves.toMatchObject({ eventsFound: original.length, eventsCopied: 0, appends: 0 });
  });

  it('resumes after a failure between an append being written and its answer', async () => {
    const source = await postgres();
    await writeLog(source, 3, 3);
    const original = await readEverything(source);
    const target = await postgres();
    let appends = 0;
    // The real store, whose fourth append is written and then answered with a lost connection.
    const losing: EventStore = Object.create(target, {
      append: {
        value: async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          if (++appends === 4) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
          return result;
        },
      },
    }) as EventStore;
    await expect(copyEvents({ source, target: losing, batchSize: 5 })).rejects.toThrow('Connection terminated');
    const resumed = await copyEvents({ source, target, batchSize: 5 });
    expect(resumed.eventsFound).toBeGreaterThan(0);
    expect(resumed.eventsFound + resumed.eventsCopied).toBe(original.length);
    expect((await readEverything(target)).map(portable)).toEqual(original.map(portable));
    await expect(target.verifyAll()).resolves.toMatchObject({ intact: true });
  });

  it("refuses a target holding another log's events, before writing anything", async () => {
    const source = await postgres();
    await writeLog(source, 2, 2);
    const target = await postgres();
    const [first] = await readEverything(source);
    // The same stream and revision, another event.
    await target.append(first!.streamId, events(first!.streamId, randomUUID(), 0, 1), { expectedRevision: 'no_stream' });
    const error = await copyEvents({ source, target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyTargetNotEmptyError);
    expect((error as Error).message).toMatch(/not this source's \(after 0 that are\): it holds event .* where the source has/);
    expect(await readEverything(target)).toHaveLength(1);
  });

  it('refuses a target that holds more than the source', async () => {
    const source = await postgres();
    await writeLog(source, 2, 1);
    const target = await postgres();
    await copyEvents({ source, target });
    const streamId = `dues-account-late-${randomUUID()}`;
    await target.append(streamId, events(streamId, randomUUID(), 0, 1), { expectedRevision: 'no_stream' });
    await expect(copyEvents({ source, target })).rejects.toThrow(/it holds dues-account-late-.*@0 .* after the source's last event/);
  });

  it('stops at a source event altered behind the store, copying nothing of its page', async () => {
    const database = await createTestDatabase('es_copy');
    databases.push(database);
    const source = new PostgresEventStore(database.url);
    stores.push(source);
    await source.ensureSchema();
    await writeLog(source, 2, 3);
    const original = await readEverything(source);
    const victim = original[12]!;
    const sql = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountFen}', '1') WHERE event_id = $1`, [victim.id]);
    } finally {
      await sql.end();
    }
    const target = await postgres();
    const error = await copyEvents({ source, target, batchSize: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyChainMismatchError);
    expect(error).toMatchObject({ streamId: victim.streamId, revision: victim.revision, eventId: victim.id });
    expect((error as Error).message).toMatch(/does not hash to its recorded hash/);
    expect(await readEverything(target)).toHaveLength(10);
  });
});
