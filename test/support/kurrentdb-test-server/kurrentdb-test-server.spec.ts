import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import kurrent from '@kurrent/kurrentdb-client';
import type { KurrentDBClient, Position as LogPosition, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { KurrentDbEventStore } from '#eventstore';
import { KurrentDbTestServer } from './kurrentdb-test-server.js';

const { KurrentDBClient: Client, jsonEvent, excludeSystemEvents, WrongExpectedVersionError, StreamNotFoundError, NO_STREAM, START, FORWARDS } = kurrent;

/**
 * The harness's behaviour where it could differ from a real server, each as KurrentDB documents it for the Node
 * client (https://docs.kurrent.io/clients/node/: "Appending events", "Reading events", "Catch-up subscriptions",
 * "Server-side filtering") and as the client's own code decodes it (dist/utils/CommandError.js,
 * dist/streams/utils/Subscription.js). The contract suite then proves the adapter on top of it.
 */
describe('the KurrentDB protocol test server', () => {
  let server: KurrentDbTestServer;
  let client: KurrentDBClient;

  beforeAll(async () => {
    server = await KurrentDbTestServer.start();
    client = Client.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client?.dispose();
    await server?.stop();
  });

  const event = (type = 'Happened', data: Record<string, unknown> = {}) => jsonEvent({ id: randomUUID(), type, data });

  async function readAll(from: LogPosition | typeof START): Promise<ResolvedEvent[]> {
    const events: ResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: from, direction: FORWARDS })) events.push(resolved);
    return events;
  }

  it('refuses a multi-stream append off its expected revision as WrongExpectedVersionError naming the stream, and writes nothing', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await client.multiStreamAppend([{ streamName: a, expectedState: NO_STREAM, events: [event()] }]);

    const refused = client.multiStreamAppend([
      { streamName: b, expectedState: NO_STREAM, events: [event()] },
      { streamName: a, expectedState: NO_STREAM, events: [event()] },
    ]);

    await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(refused).rejects.toMatchObject({ streamName: a, expectedState: 'no_stream', actualState: 0n });
    const readB = async () => {
      for await (const resolved of client.readStream(b)) return resolved;
      return null;
    };
    await expect(readB()).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('gives the events of one write one commit position and rising prepare positions; a forwards read from a position includes it', async () => {
    const streamName = `p-${randomUUID()}`;
    await client.multiStreamAppend([{ streamName, expectedState: NO_STREAM, events: [event('A'), event('B'), event('C')] }]);
    const recorded: ResolvedEvent[] = [];
    for await (const resolved of client.readStream(streamName)) recorded.push(resolved);
    const positions = recorded.map((r) => r.event!.position!);
    expect(new Set(positions.map((p) => p.commit)).size).toBe(1);
    expect(positions[0]!.prepare < positions[1]!.prepare && positions[1]!.prepare < positions[2]!.prepare).toBe(true);

    const fromSecond = await readAll(positions[1]!);
    expect(fromSecond.slice(0, 2).map((r) => r.event!.type)).toEqual(['B', 'C']);
  });

  it('starts a subscription after its position, sends caught-up once the past is delivered, then live events', async () => {
    const streamName = `s-${randomUUID()}`;
    await client.multiStreamAppend([{ streamName, expectedState: NO_STREAM, events: [event('First'), event('Second')] }]);
    const [first] = (await readAll(START)).filter((r) => r.event?.streamId === streamName);

    const seen: string[] = [];
    const subscription = client.subscribeToAll({ fromPosition: first!.event!.position! });
    let live!: () => void;
    const gotLive = new Promise<void>((resolve) => (live = resolve));
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    subscription.on('data', (resolved: ResolvedEvent) => {
      if (resolved.event?.streamId !== streamName) return;
      seen.push(resolved.event.type);
      if (resolved.event.type === 'Live') live();
    });
    await new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
    await client.multiStreamAppend([{ streamName, expectedState: 1n, events: [event('Live')] }]);
    await gotLive;
    await subscription.unsubscribe();

    expect(seen).toEqual(['Second', 'caughtUp', 'Live']);
  });

  it('sends checkpoints to a filtered subscription whose filter matches nothing', async () => {
    const before = (await readAll(START)).length;
    // System events only (type `$…`): excluded by the filter, but scanned.
    for (let i = 0; i < 3; i++) await client.multiStreamAppend([{ streamName: `sys-${randomUUID()}`, expectedState: NO_STREAM, events: [event('$scanned')] }]);
    const checkpoints: LogPosition[] = [];
    const delivered: string[] = [];
    let reached!: () => void;
    const enough = new Promise<void>((resolve) => (reached = resolve));
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: excludeSystemEvents({
        maxSearchWindow: 1,
        checkpointInterval: 1,
        checkpointReached: (_s, position) => {
          checkpoints.push(position);
          if (checkpoints.length >= before + 3) reached();
        },
      }),
    });
    subscription.on('data', (resolved: ResolvedEvent) => delivered.push(resolved.event!.type));
    await enough;
    await subscription.unsubscribe();

    expect(delivered.every((type) => !type.startsWith('$'))).toBe(true);
    const last = checkpoints.at(-1)!;
    const [head] = await (async () => {
      const events: ResolvedEvent[] = [];
      for await (const r of client.readAll({ fromPosition: kurrent.END, direction: kurrent.BACKWARDS, maxCount: 1 })) events.push(r);
      return events;
    })();
    expect(last).toEqual(head!.event!.position);
  });

  it('answers appendToStream (v1 Append) off its revision with WrongExpectedVersionError, and an exact re-send with success writing nothing', async () => {
    const streamName = `v1-${randomUUID()}`;
    const first = [event('A'), event('B')];
    const written = await client.appendToStream(streamName, first, { streamState: NO_STREAM });
    expect(written).toMatchObject({ success: true, nextExpectedRevision: 1n });

    const refused = client.appendToStream(streamName, [event()], { streamState: 0n });
    await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(refused).rejects.toMatchObject({
      streamName,
      expectedState: 0n,
      actualState: 1n,
    });
    // The documented idempotence: the same ids at the same expected revision are not written twice.
    await expect(client.appendToStream(streamName, first, { streamState: NO_STREAM })).resolves.toMatchObject({ success: true, nextExpectedRevision: 1n });
    const recorded: string[] = [];
    for await (const resolved of client.readStream(streamName)) recorded.push(resolved.event!.id);
    expect(recorded).toEqual(first.map((e) => e.id));
    expect(server.calls).toContain('Streams.Append');
  });

  it("records a re-sent multi-stream append again: it keeps no de-duplication window there, so re-sends are the adapter's to detect", async () => {
    const streamName = `d-${randomUUID()}`;
    const once = event();
    await client.multiStreamAppend([{ streamName, expectedState: kurrent.ANY, events: [once] }]);
    await client.multiStreamAppend([{ streamName, expectedState: kurrent.ANY, events: [once] }]);
    const recorded: string[] = [];
    for await (const resolved of client.readStream(streamName)) recorded.push(resolved.event!.id);
    expect(recorded).toEqual([once.id, once.id]);
  });
});

describe('the KurrentDB adapter when its server restarts', () => {
  it('resumes its subscription after the last delivered event when the connection drops or the server ends it, and appends again once the server is back', async () => {
    const server = await KurrentDbTestServer.start();
    const store = new KurrentDbEventStore({ connectionString: server.connectionString, attempts: 20, initialDelayMs: 20, maxDelayMs: 200 });
    const metadata = { actor: { userId: 'u', role: 'ADMIN' }, commandId: 'c', correlationId: 'c', causationId: 'c', recordedAt: '2025-03-01T08:00:00.000Z' };
    const streamId = `member-${randomUUID()}`;
    const received: number[] = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    const subscription = store.subscribe({ after: null }, async (events) => {
      for (const e of events) if (e.streamId === streamId) received.push(e.revision);
      for (const w of waiters) if (received.length >= w.count) w.resolve();
    });
    const until = (count: number) => new Promise<void>((resolve) => (received.length >= count ? resolve() : waiters.push({ count, resolve })));
    try {
      await store.append(streamId, [{ id: randomUUID(), type: 'A', data: {}, metadata }], { expectedRevision: 'no_stream' });
      await until(1);

      await server.restart();
      await store.append(streamId, [{ id: randomUUID(), type: 'B', data: {}, metadata }], { expectedRevision: 0 });
      await until(2);

      // A subscription the server ends without an error is resumed the same way.
      server.endSubscriptions();
      await store.append(streamId, [{ id: randomUUID(), type: 'C', data: {}, metadata }], { expectedRevision: 1 });
      await until(3);

      expect(received).toEqual([0, 1, 2]);
      expect(store.state().status).toBe('connected');
    } finally {
      await subscription.stop();
      await store.close();
      await server.stop();
    }
  });
});
