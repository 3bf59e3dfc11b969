import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors.js';
import { deterministicEventId } from '../event-ids.js';
import {
  comparePositions,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '../event-store.port.js';
import { CanonicalJsonError, chainHash, contentHash, GENESIS_HASH } from '../hash-chain.js';

/**
 * The behaviour every EventStore adapter must show, written once against the port. An adapter's spec
 * calls `describeEventStoreContract('postgres', factory)`; the EventStoreDB adapter runs the very same
 * suite. Nothing here may depend on one adapter: tests use fresh stream ids, never assume an empty store,
 * and wait for visibility through the port (a subscription) rather than by sleeping.
 */
export interface EventStoreUnderTest {
  readonly store: EventStore;
  teardown(): Promise<void>;
}

const FIXED_TIME = '2025-03-01T08:00:00.000Z';

function metadata(commandId: string, extra: Record<string, unknown> = {}): EventMetadata {
  return {
    actor: { userId: 'secretary-1', role: 'ADMIN', associationId: 'assoc-sz' },
    commandId,
    correlationId: commandId,
    causationId: commandId,
    recordedAt: FIXED_TIME,
    ...extra,
  };
}

/** Events a command would produce: ids derived from the command id. */
function command(
  streamId: string,
  events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>,
  commandId: string = randomUUID(),
): EventToAppend[] {
  return events.map((event, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: event.type,
    data: event.data,
    metadata: metadata(commandId),
  }));
}

function one(streamId: string, type = 'MemberAdmitted', data: Record<string, unknown> = { n: 1 }): EventToAppend[] {
  return command(streamId, [{ type, data }]);
}

function newStream(prefix = 'member'): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Resolves once every event up to `target` is visible in the global order (readAll and subscribers),
 * by subscribing from `after` until an event at or past `target` arrives.
 */
async function visibleThrough(store: EventStore, after: Position | null, target: Position): Promise<void> {
  let reached!: () => void;
  const seen = new Promise<void>((resolve) => (reached = resolve));
  const subscription = store.subscribe({ after }, async (events) => {
    const last = events[events.length - 1];
    if (last && comparePositions(last.position, target) >= 0) reached();
  });
  try {
    await Promise.race([seen, subscription.done]);
  } finally {
    await subscription.stop();
  }
}

/** Reads the global order after `after` to its current end, in pages of `limit`. */
async function readAllPages(store: EventStore, after: Position | null, limit: number): Promise<RecordedEvent[][]> {
  const pages: RecordedEvent[][] = [];
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, limit });
    if (page.events.length === 0) {
      expect(page.position).toBe(position);
      return pages;
    }
    expect(page.position).toBe(page.events[page.events.length - 1]?.position);
    pages.push(page.events);
    position = page.position;
  }
}

/** A subscription that records what it receives and lets a test wait for a count of matching events. */
function collect(store: EventStore, after: Position | null, keep: (event: RecordedEvent) => boolean) {
  const received: RecordedEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let batches = 0;
  const subscription: Subscription = store.subscribe({ after, batchSize: 2 }, async (events) => {
    batches++;
    received.push(...events.filter(keep));
    for (const waiter of [...waiters]) {
      if (received.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return {
    received,
    subscription,
    get batches() {
      return batches;
    },
    async until(count: number): Promise<RecordedEvent[]> {
      if (received.length < count) {
        await Promise.race([
          new Promise<void>((resolve) => waiters.push({ count, resolve })),
          subscription.done.then(() => {
            throw new Error(`subscription ended after ${received.length} of ${count} events`);
          }),
        ]);
      }
      return received;
    },
  };
}

export function describeEventStoreContract(
  adapterName: string,
  factory: () => Promise<EventStoreUnderTest>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let underTest: EventStoreUnderTest;
    let store: EventStore;

    beforeAll(async () => {
      underTest = await factory();
      store = underTest.store;
    });

    afterAll(async () => {
      await underTest?.teardown();
    });

    describe('when events are appended to a new stream', () => {
      it('reads them back in revision order with their ids, types, data and metadata', async () => {
        const streamId = newStream();
        const events = command(streamId, [
          { type: 'MemberAdmitted', data: { name: '深圳市建筑业协会', grade: 'A' } },
          { type: 'DuesInvoiced', data: { amountFen: 120000, year: 2025 } },
          { type: 'DuesPaid', data: { amountFen: 120000, nested: { z: 1, a: [3, 2, 1] } } },
        ]);

        const result = await store.append(streamId, events, { expectedRevision: 'no_stream' });

        expect(result).toMatchObject({ streamId, nextRevision: 2, duplicate: false });
        const read = await store.readStream(streamId);
        expect(read.map((e) => [e.revision, e.id, e.type, e.streamId])).toEqual(
          events.map((e, i) => [i, e.id, e.type, streamId]),
        );
        expect(read.map((e) => e.data)).toEqual(events.map((e) => e.data));
        for (const [i, event] of read.entries()) {
          expect(event.metadata).toEqual({
            ...events[i]!.metadata,
            prevHash: expect.any(String),
            hash: expect.any(String),
          });
        }
        expect(read[2]!.position).toBe(result.position);
      });

      it('reads a range of revisions, both bounds inclusive', async () => {
        const streamId = newStream();
        await store.append(
          streamId,
          command(streamId, [0, 1, 2, 3, 4].map((n) => ({ type: 'Counted', data: { n } }))),
          { expectedRevision: 'no_stream' },
        );

        expect((await store.readStream(streamId, { from: 2 })).map((e) => e.revision)).toEqual([2, 3, 4]);
        expect((await store.readStream(streamId, { to: 1 })).map((e) => e.revision)).toEqual([0, 1]);
        expect((await store.readStream(streamId, { from: 1, to: 3 })).map((e) => e.revision)).toEqual([1, 2, 3]);
        expect(await store.readStream(streamId, { from: 9 })).toEqual([]);
      });

      it('reads a stream that does not exist as empty and reports no revision', async () => {
        const streamId = newStream();
        expect(await store.readStream(streamId)).toEqual([]);
        expect(await store.streamRevision(streamId)).toBeNull();
      });

      it('reports the revision of the last event', async () => {
        const streamId = newStream();
        await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        await store.append(streamId, command(streamId, [{ type: 'A', data: {} }, { type: 'B', data: {} }]), {
          expectedRevision: 0,
        });
        expect(await store.streamRevision(streamId)).toBe(2);
      });

      it('refuses data that would not read back as written, and writes nothing', async () => {
        const streamId = newStream();
        const [event] = one(streamId);
        const withDate = { ...event!, data: { paidOn: new Date(0) } as unknown as Record<string, unknown> };
        const withUndefined = { ...event!, data: { note: undefined } };
        await expect(store.append(streamId, [withDate], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          CanonicalJsonError,
        );
        await expect(store.append(streamId, [withUndefined], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          CanonicalJsonError,
        );
        expect(await store.streamRevision(streamId)).toBeNull();
      });

      it('refuses an append without events', async () => {
        const streamId = newStream();
        await expect(store.append(streamId, [], { expectedRevision: 'any' })).rejects.toThrow();
        expect(await store.streamRevision(streamId)).toBeNull();
      });
    });

    describe('when the writer states an expected revision', () => {
      async function conflict(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
        const error = await promise.then(
          () => {
            throw new Error('expected a WrongExpectedRevisionError, but the append succeeded');
          },
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        return error as WrongExpectedRevisionError;
      }

      it('accepts the exact revision of the last event and refuses any other, naming the actual one', async () => {
        const streamId = newStream();
        await store.append(streamId, command(streamId, [{ type: 'A', data: {} }, { type: 'B', data: {} }]), {
          expectedRevision: 'no_stream',
        });

        const error = await conflict(store.append(streamId, one(streamId), { expectedRevision: 0 }));
        expect(error).toMatchObject({ streamId, expected: 0, actual: 1 });
        await conflict(store.append(streamId, one(streamId), { expectedRevision: 2 }));

        await expect(store.append(streamId, one(streamId), { expectedRevision: 1 })).resolves.toMatchObject({
          nextRevision: 2,
        });
        expect((await store.readStream(streamId)).length).toBe(3);
      });

      it('refuses an exact revision on a stream that does not exist, with no actual revision', async () => {
        const streamId = newStream();
        const error = await conflict(store.append(streamId, one(streamId), { expectedRevision: 0 }));
        expect(error).toMatchObject({ streamId, expected: 0, actual: null });
        expect(await store.streamRevision(streamId)).toBeNull();
      });

      it('accepts no_stream only while the stream does not exist', async () => {
        const streamId = newStream();
        await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        const error = await conflict(store.append(streamId, one(streamId), { expectedRevision: 'no_stream' }));
        expect(error).toMatchObject({ expected: 'no_stream', actual: 0 });
      });

      it('accepts stream_exists only once the stream has an event', async () => {
        const streamId = newStream();
        const error = await conflict(store.append(streamId, one(streamId), { expectedRevision: 'stream_exists' }));
        expect(error).toMatchObject({ expected: 'stream_exists', actual: null });
        await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        await expect(
          store.append(streamId, one(streamId), { expectedRevision: 'stream_exists' }),
        ).resolves.toMatchObject({ nextRevision: 1 });
      });

      it('accepts any revision, on a new stream and on an existing one', async () => {
        const streamId = newStream();
        await expect(store.append(streamId, one(streamId), { expectedRevision: 'any' })).resolves.toMatchObject({
          nextRevision: 0,
        });
        await expect(store.append(streamId, one(streamId), { expectedRevision: 'any' })).resolves.toMatchObject({
          nextRevision: 1,
        });
      });
    });

    describe('when several writers append to one stream at the same revision', () => {
      it('lets exactly one win and tells the others the revision it produced', async () => {
        const streamId = newStream();
        await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });

        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, (_, writer) =>
            store.append(streamId, one(streamId, 'Edited', { writer }), { expectedRevision: 0 }),
          ),
        );

        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(7);
        for (const failure of lost) {
          expect(failure.reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect((failure.reason as WrongExpectedRevisionError).actual).toBe(1);
        }
        expect(await store.streamRevision(streamId)).toBe(1);
      });

      it('lets exactly one creator of a new stream win', async () => {
        const streamId = newStream();
        const attempts = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.append(streamId, one(streamId), { expectedRevision: 'no_stream' })),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        expect((await store.readStream(streamId)).length).toBe(1);
      });
    });

    describe('when a command is re-sent after it took effect', () => {
      it('returns the original outcome and writes nothing', async () => {
        const streamId = newStream();
        const events = command(streamId, [
          { type: 'A', data: { n: 1 } },
          { type: 'B', data: { n: 2 } },
        ]);
        const original = await store.append(streamId, events, { expectedRevision: 'no_stream' });

        const again = await store.append(streamId, events, { expectedRevision: 'no_stream' });

        expect(again).toEqual({ ...original, duplicate: true });
        expect((await store.readStream(streamId)).length).toBe(2);
      });

      it('returns the original outcome even after the stream moved on', async () => {
        const streamId = newStream();
        const first = command(streamId, [{ type: 'A', data: {} }]);
        const original = await store.append(streamId, first, { expectedRevision: 'no_stream' });
        await store.append(streamId, one(streamId), { expectedRevision: 0 });

        const again = await store.append(streamId, first, { expectedRevision: 'no_stream' });

        expect(again).toEqual({ ...original, duplicate: true });
        expect(await store.streamRevision(streamId)).toBe(1);
      });

      it('treats the re-sent command as a duplicate even if its content differs (ids decide)', async () => {
        const streamId = newStream();
        const commandId = randomUUID();
        const original = await store.append(streamId, command(streamId, [{ type: 'A', data: { v: 1 } }], commandId), {
          expectedRevision: 'no_stream',
        });
        const resent = command(streamId, [{ type: 'A', data: { v: 2 } }], commandId);
        await expect(store.append(streamId, resent, { expectedRevision: 'no_stream' })).resolves.toEqual({
          ...original,
          duplicate: true,
        });
        expect((await store.readStream(streamId))[0]!.data).toEqual({ v: 1 });
      });

      it('refuses an append that reuses only some recorded ids, and writes nothing', async () => {
        const streamId = newStream();
        const events = command(streamId, [
          { type: 'A', data: {} },
          { type: 'B', data: {} },
        ]);
        await store.append(streamId, events, { expectedRevision: 'no_stream' });
        const fresh = one(streamId);

        await expect(store.append(streamId, [events[1]!, ...fresh], { expectedRevision: 1 })).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        await expect(store.append(streamId, [...fresh, events[0]!], { expectedRevision: 1 })).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await store.streamRevision(streamId)).toBe(1);
      });

      it('refuses ids already recorded on another stream', async () => {
        const streamId = newStream();
        const events = one(streamId);
        await store.append(streamId, events, { expectedRevision: 'no_stream' });
        const other = newStream();

        await expect(store.append(other, events, { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await store.streamRevision(other)).toBeNull();
      });
    });

    describe('when one command appends to several streams at once', () => {
      /** A payment and the claim on its receipt number: one command id, two streams. */
      function reservation(commandId = randomUUID()) {
        const account = newStream('account');
        const receipt = newStream('receipt');
        return {
          commandId,
          account,
          receipt,
          accountEvents: command(account, [{ type: 'PaymentRecorded', data: { fen: 100 } }], commandId),
          receiptEvents: command(receipt, [{ type: 'ReceiptReserved', data: { account } }], commandId),
        };
      }

      it('records every stream at its expected revision and reports each', async () => {
        const r = reservation();
        await store.append(r.account, one(r.account, 'Invoiced'), { expectedRevision: 'no_stream' });

        const result = await store.appendMany([
          { streamId: r.account, events: r.accountEvents, expectedRevision: 0 },
          { streamId: r.receipt, events: r.receiptEvents, expectedRevision: 'no_stream' },
        ]);

        expect(result.duplicate).toBe(false);
        expect(result.streams.map((s) => [s.streamId, s.nextRevision, s.duplicate])).toEqual([
          [r.account, 1, false],
          [r.receipt, 0, false],
        ]);
        expect(result.position).toBe(result.streams.map((s) => s.position).sort(comparePositions).at(-1));
        expect((await store.readStream(r.account)).map((e) => e.type)).toEqual(['Invoiced', 'PaymentRecorded']);
        expect((await store.readStream(r.receipt)).map((e) => [e.type, e.metadata.commandId])).toEqual([['ReceiptReserved', r.commandId]]);
      });

      it('writes nothing to any stream when one of them is not at its expected revision', async () => {
        const r = reservation();
        await store.append(r.account, one(r.account, 'Invoiced'), { expectedRevision: 'no_stream' });
        await store.append(r.receipt, one(r.receipt, 'ReceiptReserved'), { expectedRevision: 'no_stream' });
        const before = await store.headPosition();

        const refused = store.appendMany([
          { streamId: r.account, events: r.accountEvents, expectedRevision: 0 },
          { streamId: r.receipt, events: r.receiptEvents, expectedRevision: 'no_stream' },
        ]);

        await expect(refused).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(refused).rejects.toMatchObject({ streamId: r.receipt, expected: 'no_stream', actual: 0 });
        expect(await store.streamRevision(r.account)).toBe(0);
        expect(await store.streamRevision(r.receipt)).toBe(0);
        // The refused events never reach the global order either.
        const after = (await readAllPages(store, before, 100)).flat();
        expect(after.filter((e) => e.metadata.commandId === r.commandId)).toEqual([]);
      });

      it('lets exactly one of two racing reservations of the same stream win', async () => {
        const shared = newStream('receipt');
        const attempts = [0, 1].map(() => {
          const commandId = randomUUID();
          const account = newStream('account');
          return store.appendMany([
            { streamId: account, events: command(account, [{ type: 'PaymentRecorded', data: {} }], commandId), expectedRevision: 'no_stream' },
            { streamId: shared, events: command(shared, [{ type: 'ReceiptReserved', data: { account } }], commandId), expectedRevision: 'no_stream' },
          ]);
        });
        const outcomes = await Promise.allSettled(attempts);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
        expect(lost.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(shared)).length).toBe(1);
      });

      it('answers a re-send with the original results and writes nothing', async () => {
        const r = reservation();
        const appends = [
          { streamId: r.account, events: r.accountEvents, expectedRevision: 'no_stream' as const },
          { streamId: r.receipt, events: r.receiptEvents, expectedRevision: 'no_stream' as const },
        ];
        const original = await store.appendMany(appends);
        await store.append(r.account, one(r.account), { expectedRevision: 0 });

        const again = await store.appendMany(appends);

        expect(again.duplicate).toBe(true);
        expect(again.streams).toEqual(original.streams.map((s) => ({ ...s, duplicate: true })));
        expect(again.position).toBe(original.position);
        expect((await store.readStream(r.account)).length).toBe(2);
        expect((await store.readStream(r.receipt)).length).toBe(1);
      });

      it('refuses an append whose ids are recorded for only some of its streams, and writes nothing', async () => {
        const r = reservation();
        await store.append(r.account, r.accountEvents, { expectedRevision: 'no_stream' });

        await expect(
          store.appendMany([
            { streamId: r.account, events: r.accountEvents, expectedRevision: 'no_stream' },
            { streamId: r.receipt, events: r.receiptEvents, expectedRevision: 'no_stream' },
          ]),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await store.streamRevision(r.receipt)).toBeNull();
      });

      it('refuses fewer than two streams, a stream named twice and an id used twice', async () => {
        const r = reservation();
        await expect(store.appendMany([{ streamId: r.account, events: r.accountEvents, expectedRevision: 'any' }])).rejects.toThrow(TypeError);
        await expect(
          store.appendMany([
            { streamId: r.account, events: r.accountEvents, expectedRevision: 'any' },
            { streamId: r.account, events: one(r.account), expectedRevision: 'any' },
          ]),
        ).rejects.toThrow(TypeError);
        await expect(
          store.appendMany([
            { streamId: r.account, events: r.accountEvents, expectedRevision: 'any' },
            { streamId: r.receipt, events: r.accountEvents, expectedRevision: 'any' },
          ]),
        ).rejects.toThrow(TypeError);
        expect(await store.streamRevision(r.account)).toBeNull();
      });

      it('chains each stream on its own, and delivers all of the events together in the global order', async () => {
        const r = reservation();
        const before = await store.headPosition();
        const listening = collect(store, before, (e) => e.metadata.commandId === r.commandId);
        try {
          await store.appendMany([
            { streamId: r.account, events: r.accountEvents, expectedRevision: 'no_stream' },
            { streamId: r.receipt, events: r.receiptEvents, expectedRevision: 'no_stream' },
          ]);
          const delivered = await listening.until(2);
          expect(delivered.map((e) => e.streamId).sort()).toEqual([r.account, r.receipt].sort());
        } finally {
          await listening.subscription.stop();
        }
        for (const streamId of [r.account, r.receipt]) {
          const [event] = await store.readStream(streamId);
          expect(event!.metadata.prevHash).toBe(GENESIS_HASH);
          expect(event!.metadata.hash).toBe(chainHash(GENESIS_HASH, streamId, 0, contentHash(event!)));
          expect((await store.verifyStream(streamId)).intact).toBe(true);
        }
      });
    });

    describe('when events are recorded', () => {
      it('chains each event to its predecessor with prevHash and hash', async () => {
        const streamId = newStream();
        await store.append(streamId, command(streamId, [{ type: 'A', data: { x: 1 } }]), {
          expectedRevision: 'no_stream',
        });
        await store.append(
          streamId,
          command(streamId, [
            { type: 'B', data: { y: '二' } },
            { type: 'C', data: { z: [1, { b: 2, a: 1 }] } },
          ]),
          { expectedRevision: 0 },
        );

        const events = await store.readStream(streamId);
        let prev = GENESIS_HASH;
        for (const event of events) {
          expect(event.metadata.prevHash).toBe(prev);
          expect(event.metadata.hash).toBe(chainHash(prev, streamId, event.revision, contentHash(event)));
          prev = event.metadata.hash;
        }
      });

      it('verifies an untouched stream and the whole store as intact', async () => {
        const streamId = newStream();
        await store.append(
          streamId,
          command(streamId, [
            { type: 'A', data: { b: 2, a: 1, 中: '文' } },
            { type: 'B', data: { list: [1.5, -0, 1e21, 'x'], empty: {}, nil: null } },
          ]),
          { expectedRevision: 'no_stream' },
        );
        await store.append(streamId, one(streamId), { expectedRevision: 1 });

        await expect(store.verifyStream(streamId)).resolves.toEqual({
          intact: true,
          streamsChecked: 1,
          eventsChecked: 3,
          firstBreak: null,
        });
        const progress: number[] = [];
        const all = await store.verifyAll({ onProgress: (n) => progress.push(n) });
        expect(all).toMatchObject({ intact: true, firstBreak: null });
        expect(all.eventsChecked).toBeGreaterThanOrEqual(3);
        expect(all.streamsChecked).toBeGreaterThanOrEqual(1);
        expect(progress.length).toBeGreaterThan(0);
      });

      it('verifies a stream that does not exist as intact and empty', async () => {
        await expect(store.verifyStream(newStream())).resolves.toEqual({
          intact: true,
          streamsChecked: 0,
          eventsChecked: 0,
          firstBreak: null,
        });
      });
    });

    describe('when reading all streams in global order', () => {
      it('returns committed events in append order, paged by opaque positions, never twice', async () => {
        const before = await store.headPosition();
        const streams = [newStream('a'), newStream('b'), newStream('c')];
        const appended: string[] = [];
        let last!: Position;
        for (let round = 0; round < 3; round++) {
          for (const streamId of streams) {
            const events = command(streamId, [
              { type: 'A', data: { round } },
              { type: 'B', data: { round } },
            ]);
            const result = await store.append(streamId, events, { expectedRevision: round === 0 ? 'no_stream' : round * 2 - 1 });
            appended.push(...events.map((e) => e.id));
            last = result.position;
          }
        }
        await visibleThrough(store, before, last);

        const pages = await readAllPages(store, before, 4);
        const ours = pages.flat().filter((e) => streams.includes(e.streamId));
        expect(ours.map((e) => e.id)).toEqual(appended);
        const positions = pages.flat().map((e) => e.position);
        for (let i = 1; i < positions.length; i++) {
          expect(comparePositions(positions[i - 1], positions[i])).toBe(-1);
        }
        expect(pages.every((page) => page.length <= 4)).toBe(true);
      });

      it('reports the head position at or after the last append, consistent with comparePositions', async () => {
        const before = await store.headPosition();
        const streamId = newStream();
        const result = await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        await visibleThrough(store, before, result.position);

        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(comparePositions(head, result.position)).toBeGreaterThanOrEqual(0);
        expect(comparePositions(before, result.position)).toBe(-1);
        expect(comparePositions(null, result.position)).toBe(-1);
        expect(comparePositions(result.position, result.position)).toBe(0);
        const [recorded] = await store.readStream(streamId);
        expect(recorded!.position).toBe(result.position);
      });

      it('counts the committed events after a position, up to a cap', async () => {
        const before = await store.headPosition();
        const streamId = newStream();
        const result = await store.append(streamId, command(streamId, [0, 1, 2].map((n) => ({ type: 'Counted', data: { n } }))), {
          expectedRevision: 'no_stream',
        });
        await visibleThrough(store, before, result.position);
        await expect(store.countEventsAfter(before, 100)).resolves.toBe(3);
        await expect(store.countEventsAfter(before, 2)).resolves.toBe(2);
        await expect(store.countEventsAfter(result.position, 100)).resolves.toBe(0);
        await expect(store.countEventsAfter(null, 1_000_000)).resolves.toBeGreaterThanOrEqual(3);
      });

      it('returns the given position when nothing follows it', async () => {
        const before = await store.headPosition();
        const streamId = newStream();
        const result = await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        await visibleThrough(store, before, result.position);
        const head = await store.headPosition();

        const rest = await readAllPages(store, head, 10);
        expect(rest.flat().filter((e) => e.streamId === streamId)).toEqual([]);
      });
    });

    describe('when subscribed to all streams', () => {
      it('delivers past events, then live ones, in order, without loss or repeat, until stopped', async () => {
        const before = await store.headPosition();
        const streamId = newStream();
        const past = command(streamId, [0, 1, 2, 3, 4].map((n) => ({ type: 'Past', data: { n } })));
        await store.append(streamId, past, { expectedRevision: 'no_stream' });

        const subscriber = collect(store, before, (e) => e.streamId === streamId);
        await subscriber.until(5);

        const live: EventToAppend[] = [];
        for (let n = 0; n < 5; n++) {
          const events = command(streamId, [{ type: 'Live', data: { n } }]);
          live.push(...events);
          await store.append(streamId, events, { expectedRevision: 4 + n });
        }
        const received = await subscriber.until(10);
        await subscriber.subscription.stop();
        await expect(subscriber.subscription.done).resolves.toBeUndefined();

        expect(received.map((e) => e.id)).toEqual([...past, ...live].map((e) => e.id));
        expect(received.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

        const batchesAtStop = subscriber.batches;
        const after = await store.append(streamId, one(streamId), { expectedRevision: 9 });
        await visibleThrough(store, before, after.position);
        expect(subscriber.received).toHaveLength(10);
        expect(subscriber.batches).toBe(batchesAtStop);
      });

      it('starts after the given position', async () => {
        const streamId = newStream();
        const first = await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });
        const second = command(streamId, [{ type: 'Second', data: {} }]);
        await store.append(streamId, second, { expectedRevision: 0 });

        const subscriber = collect(store, first.position, (e) => e.streamId === streamId);
        const received = await subscriber.until(1);
        await subscriber.subscription.stop();
        expect(received.map((e) => e.id)).toEqual([second[0]!.id]);
      });

      it('ends with the handler error when the handler fails', async () => {
        const before = await store.headPosition();
        const streamId = newStream();
        await store.append(streamId, one(streamId), { expectedRevision: 'no_stream' });

        const failure = new Error('projection failed');
        const subscription = store.subscribe({ after: before }, async (events) => {
          if (events.some((e) => e.streamId === streamId)) throw failure;
        });

        await expect(subscription.done).rejects.toBe(failure);
        await expect(subscription.stop()).resolves.toBeUndefined();
      });
    });
  });
}
