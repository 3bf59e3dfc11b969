import { describe, expect, it } from '@jest/globals';
import { describeEventStoreContract } from '../contract/event-store.contract.js';
import { KurrentDbTestServer } from '../../../../test/support/kurrentdb-test-server/kurrentdb-test-server.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';

/**
 * The shared contract suite against the KurrentDB adapter, connected over gRPC to the protocol test server (an
 * in-memory harness speaking the client's own service definitions; see its header for where it follows
 * KurrentDB's documentation, https://docs.kurrent.io/clients/node/, rather than a running server). What it cannot
 * prove, a real server can: `EVENTSTORE_URL=esdb://localhost:2113?tls=false npm run test:kurrentdb`.
 */
describeEventStoreContract('kurrentdb (protocol test server)', async () => {
  const server = await KurrentDbTestServer.start();
  const store = new KurrentDbEventStore({ connectionString: server.connectionString });
  return {
    store,
    async teardown() {
      await store.close();
      await server.stop();
    },
  };
});

describe('the KurrentDB adapter on the protocol test server', () => {
  it('writes every append as one multi-stream append with its id claims, and hides the claims from $all', async () => {
    const server = await KurrentDbTestServer.start();
    const store = new KurrentDbEventStore({ connectionString: server.connectionString });
    try {
      const metadata = { actor: { userId: 'u', role: 'ADMIN' }, commandId: 'c', correlationId: 'c', causationId: 'c', recordedAt: '2025-03-01T08:00:00.000Z' };
      const id = '0b5d1c52-5a1f-4f7e-9d63-5d0f3b0a9e11';
      await store.append('member-1', [{ id, type: 'MemberAdmitted', data: { n: 1 }, metadata }], { expectedRevision: 'no_stream' });
      expect(server.calls).toContain('StreamsService.AppendSession');
      expect(server.calls).not.toContain('Streams.Append');
      // The event, its claim and the harness's own system event are in $all; readAll shows the event alone.
      expect(server.eventCount).toBe(3);
      const all = await store.readAll({ after: null, limit: 10 });
      expect(all.events.map((e) => [e.streamId, e.id])).toEqual([['member-1', id]]);
      expect(all.events[0]!.position).toMatch(/^\d{20}:\d{20}$/);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('reports the server unreachable, by name, when it is gone', async () => {
    const server = await KurrentDbTestServer.start();
    const store = new KurrentDbEventStore({ connectionString: server.connectionString, attempts: 2, initialDelayMs: 10, pingTimeoutMs: 1_000 });
    try {
      await store.ping();
      expect(store.state()).toMatchObject({ status: 'connected', server: `127.0.0.1:${server.port}` });
      await server.stop();
      await expect(store.ping()).rejects.toMatchObject({ name: 'EventStoreUnavailableError', server: `127.0.0.1:${server.port}` });
      expect(store.state().status).toBe('unreachable');
    } finally {
      await store.close();
    }
  });
});

const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  describeEventStoreContract(`kurrentdb (real server at EVENTSTORE_URL)`, async () => {
    const store = new KurrentDbEventStore({ connectionString: realServer });
    return { store, teardown: () => store.close() };
  });
} else {
  describe('EventStore contract: kurrentdb (real server): NOT RUN, because EVENTSTORE_URL is not set', () => {
    it.todo('set EVENTSTORE_URL=esdb://localhost:2113?tls=false and run npm run test:kurrentdb');
  });
}
