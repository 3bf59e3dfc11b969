import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { deterministicEventId, type EventToAppend, PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { auditTrailProjection } from './audit.projection.js';
import { AuditQueries } from './audit.queries.js';

function event(streamId: string, index: number, associationId: string | null, type?: string, data: Record<string, unknown> = {}): EventToAppend {
  const commandId = randomUUID();
  return {
    id: deterministicEventId(commandId, streamId, index),
    type: type ?? (index === 0 ? 'EnterpriseRegistered' : 'EnterpriseRenamed'),
    data,
    metadata: {
      actor: { userId: `clerk-${index}`, role: 'ADMIN', associationId },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2026-03-02T08:00:00.000+08:00',
    },
  };
}

const P = 'PSN0123456789ABCDEF';
const Q = 'PSNZZZZZZZZZZZZZZZZ';

describe('audit trail queries', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let audit: AuditQueries;

  beforeAll(async () => {
    database = await createTestDatabase('audit-queries');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    dataSource = createReadModelDataSource({ url: database.url, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
    // Registered by an admin of wuhan-cia, renamed by one of yueyang-ucca; another registered by an actor of no association.
    await store.append('enterprise-A', [event('enterprise-A', 0, 'wuhan-cia'), event('enterprise-A', 1, 'yueyang-ucca')], { expectedRevision: 'no_stream' });
    await store.append('enterprise-B', [event('enterprise-B', 0, null)], { expectedRevision: 'no_stream' });
    // Streams naming person P: by stream id, by a subject id in the data, by a sealed value's owner nested in a list.
    await store.append(`creditConduct-${P}`, [event(`creditConduct-${P}`, 0, 'wuhan-cia', 'CreditConductRecorded', { subjectId: P })], { expectedRevision: 'no_stream' });
    await store.append(`creditApplication-wuhan-cia:c1:${P}`, [event(`creditApplication-wuhan-cia:c1:${P}`, 0, 'wuhan-cia', 'CreditApplicationFiled', {})], {
      expectedRevision: 'no_stream',
    });
    await store.append('personIdentity-abc', [event('personIdentity-abc', 0, 'wuhan-cia', 'PersonIdentityReserved', { identityKey: 'abc', personId: P })], {
      expectedRevision: 'no_stream',
    });
    await store.append('creditCycle-wuhan-cia:c1', [event('creditCycle-wuhan-cia:c1', 0, 'wuhan-cia', 'Noted', { notes: [{ by: { sealed: 'aes-256-gcm/1', owner: P } }] })], {
      expectedRevision: 'no_stream',
    });
    // Not P: another person, an id inside longer text, an id with a suffix, a key that looks like one.
    await store.append(`creditConduct-${Q}`, [event(`creditConduct-${Q}`, 0, 'wuhan-cia', 'CreditConductRecorded', { subjectId: Q, note: `about ${P}`, [P]: 1 })], {
      expectedRevision: 'no_stream',
    });
    await store.append(`creditApplication-wuhan-cia:c1:${P}X`, [event(`creditApplication-wuhan-cia:c1:${P}X`, 0, 'wuhan-cia', 'CreditApplicationFiled', { subjectId: `${P}X` })], {
      expectedRevision: 'no_stream',
    });
    const { events } = await store.readAll({ limit: 100 });
    await dataSource.transaction((tx) => auditTrailProjection.apply(events, tx));
    audit = new AuditQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  it("answers the association of whoever recorded each stream's first event, leaving out streams the trail does not hold", async () => {
    expect(await audit.firstRecorderAssociations(['enterprise-A', 'enterprise-B', 'enterprise-C'])).toEqual(
      new Map([
        ['enterprise-A', 'wuhan-cia'],
        ['enterprise-B', null],
      ]),
    );
    expect(await audit.firstRecorderAssociations([])).toEqual(new Map());
  });

  it('answers every stream naming a person, in its stream id or anywhere in the data, and nothing that only mentions the id in text', async () => {
    expect(await audit.streamsNaming(P)).toEqual([`creditApplication-wuhan-cia:c1:${P}`, `creditConduct-${P}`, 'creditCycle-wuhan-cia:c1', 'personIdentity-abc']);
    expect(await audit.streamsNaming(Q)).toEqual([`creditConduct-${Q}`]);
    expect(await audit.streamsNaming('PSN0000000000000000')).toEqual([]);
  });

  it('finds them through the person index, not by reading the trail', async () => {
    const plan = await dataSource.transaction(async (tx) => {
      // The table is tiny here, so the planner would scan it; forbid that to see the index answer the predicate.
      await tx.query('SET LOCAL enable_seqscan = off');
      return (await tx.query(
        'EXPLAIN SELECT DISTINCT stream_id FROM audit_event WHERE audit_person_ids(stream_id, data) @> ARRAY[$1]::text[] ORDER BY stream_id',
        [P],
      )) as { 'QUERY PLAN': string }[];
    });
    expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('audit_event_person_idx');
  });
});
