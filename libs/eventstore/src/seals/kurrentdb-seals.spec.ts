import { describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { KurrentDbTestServer } from '../../../../test/support/kurrentdb-test-server/kurrentdb-test-server.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventToAppend } from '../event-store.port.js';
import { KurrentDbEventStore } from '../kurrentdb/kurrentdb-event-store.js';
import { KurrentDbSealStore, SEAL_STREAM } from './kurrentdb-seal-store.js';
import { SealSigningKey } from './seal.js';
import { SealConflictError } from './seal-store.js';
import { sealEventStore, verifyStoreSeals } from './sealing.js';

function events(streamId: string, n: number): EventToAppend[] {
  const commandId = randomUUID();
  return Array.from({ length: n }, (_, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'DuesPaid',
    data: { amountFen: 100 * (index + 1) },
    metadata: { actor: { userId: 'u', role: 'ADMIN' }, commandId, correlationId: commandId, causationId: commandId, recordedAt: '2026-03-01T08:00:00.000Z' },
  }));
}

describe('seals on the KurrentDB store (protocol test server)', () => {
  it('records seals in their own stream, out of $all, and verifies the events against them', async () => {
    const server = await KurrentDbTestServer.start();
    const store = new KurrentDbEventStore({ connectionString: server.connectionString });
    const seals = new KurrentDbSealStore(server.connectionString);
    const key = new SealSigningKey(randomBytes(32));
    try {
      await store.append('duesAccount-a:b:2026', events('duesAccount-a:b:2026', 3), { expectedRevision: 'no_stream' });
      const first = await sealEventStore(store, seals, key, { now: () => new Date('2026-03-01T09:00:00.000Z') });
      expect(first).toMatchObject({ created: true, record: { seal: { sequence: 1, treeSize: 3 } } });
      await store.append('duesAccount-a:c:2026', events('duesAccount-a:c:2026', 2), { expectedRevision: 'no_stream' });
      const second = await sealEventStore(store, seals, key, { now: () => new Date('2026-03-01T10:00:00.000Z') });
      expect(second).toMatchObject({ created: true, record: { seal: { sequence: 2, treeSize: 5, previousRootHash: first.record.seal.rootHash } } });
      // Nothing new: the latest seal again, no third.
      await expect(sealEventStore(store, seals, key, { now: () => new Date() })).resolves.toMatchObject({ created: false, record: { seal: { sequence: 2 } } });

      // The seals are not events of the register: $all as the store reads it holds the five events only.
      const all = await store.readAll({ after: null, limit: 100 });
      expect(all.events.map((e) => e.streamId)).not.toContain(SEAL_STREAM);
      expect(all.events).toHaveLength(5);
      await expect(seals.list({ first: 10 })).resolves.toHaveLength(2);
      await expect(verifyStoreSeals(store, seals, key.publicKeyRaw)).resolves.toMatchObject({ intact: true, sealsChecked: 2, eventsChecked: 5, findings: [] });

      // A second sealer that read the same latest seal is refused.
      await expect(seals.record(second.record)).rejects.toBeInstanceOf(SealConflictError);

      // Rewritten data the seal does not cover (the chain does), the seal's own key refused by another.
      const other = new SealSigningKey(randomBytes(32));
      const foreign = await verifyStoreSeals(store, seals, other.publicKeyRaw);
      expect(foreign.intact).toBe(false);
      expect(foreign.findings[0]).toMatchObject({ kind: 'seal', seal: 1 });
    } finally {
      await seals.close();
      await store.close();
      await server.stop();
    }
  });
});
