import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { SealJob } from '#application';
import { deterministicEventId, type EventToAppend, type Seal, SealSigningKey, verifySealSignature } from '#eventstore';
import { startTestService, type TestService } from '../support/service.js';

/*
 * The seal job as the projector runs it, and `auditSeals` over HTTP: the auditor reads every seal, oldest first, by
 * cursor, each verifying under the public key of SEAL_SIGNING_KEY; every other role is refused.
 */

const SEAL_KEY = randomBytes(32);

function notes(streamId: string, n: number): EventToAppend[] {
  const commandId = randomUUID();
  return Array.from({ length: n }, (_, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'SealTestNoted',
    data: { n: index },
    metadata: { actor: { userId: 'u', role: 'ADMIN' }, commandId, correlationId: commandId, causationId: commandId, recordedAt: '2026-03-01T08:00:00.000Z' },
  }));
}

const QUERY = `query ($first: Int!, $after: String) {
  auditSeals(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { format sequence treeSize position rootHash headsRoot headsCount previousRootHash sealedAt keyId publicKey signature } }
  }
}`;

interface SealsAnswer {
  auditSeals: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null }; edges: { cursor: string; node: Seal }[] };
}

describe('the seal job and auditSeals', () => {
  let service: TestService;
  let job: SealJob;

  beforeAll(async () => {
    service = await startTestService({ env: { SEAL_SIGNING_KEY: SEAL_KEY.toString('base64'), SEAL_INTERVAL: 'off' } });
    job = service.service.host.get(SealJob);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('is not scheduled with SEAL_INTERVAL=off, and seals on demand what the store holds, once', async () => {
    expect(job.scheduled).toBe(false);
    const store = service.service.runtime.store;
    await store.append(`sealTest-${randomUUID()}`, notes('a', 3), { expectedRevision: 'no_stream' });
    // The sealer seals what the global order shows: wait until no open transaction of the test cluster holds it back.
    await service.settled();
    const first = await job.runOnce();
    expect(first).toMatchObject({ ran: true, outcome: { created: true, record: { seal: { sequence: 1 } } } });
    const size = first.outcome!.record.seal.treeSize;
    expect(size).toBeGreaterThanOrEqual(3);
    await expect(job.runOnce()).resolves.toMatchObject({ outcome: { created: false, record: { seal: { sequence: 1 } } } });
    await store.append(`sealTest-${randomUUID()}`, notes('b', 2), { expectedRevision: 'no_stream' });
    await service.settled();
    await expect(job.runOnce()).resolves.toMatchObject({ outcome: { created: true, record: { seal: { sequence: 2, treeSize: size + 2, previousRootHash: first.outcome!.record.seal.rootHash } } } });
  });

  it('answers the auditor every seal, oldest first, by cursor, each signed by the configured key', async () => {
    const auditor = service.client('AUDITOR');
    const page = await auditor.request<SealsAnswer>(QUERY, { first: 1 });
    expect(page.errors).toBeUndefined();
    const answer = page.data!.auditSeals;
    expect(answer).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(answer.edges.map((e) => e.node.sequence)).toEqual([1]);
    const next = await auditor.request<SealsAnswer>(QUERY, { first: 5, after: answer.pageInfo.endCursor });
    expect(next.data!.auditSeals).toMatchObject({ pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    expect(next.data!.auditSeals.edges.map((e) => e.node.sequence)).toEqual([2]);
    const key = new SealSigningKey(SEAL_KEY);
    for (const { node } of [...answer.edges, ...next.data!.auditSeals.edges]) {
      expect(node).toMatchObject({ format: 'register-seal/1', publicKey: key.publicKey, keyId: key.keyId });
      // As a department checks it: the fields as answered (the time back in the ISO form it was signed in).
      expect(verifySealSignature({ ...node, sealedAt: new Date(node.sealedAt).toISOString() }, key.publicKeyRaw)).toBe(true);
    }
  });

  it('refuses every other role, and a cursor it did not hand out with a field error', async () => {
    for (const client of [service.client('ADMIN', { associationId: 'wuhan-cia' }), service.client('TENDER'), service.client('EXPERT'), service.client('MEMBER', { associationId: 'wuhan-cia', enterpriseCode: '91420100177678329F' })]) {
      const answer = await client.request<SealsAnswer>(QUERY, { first: 5 });
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const bad = await service.client('AUDITOR').request<SealsAnswer>(QUERY, { first: 5, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
