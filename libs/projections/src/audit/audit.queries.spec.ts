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

describe("the auditor's trail: by subject, actor, recorded time and event type, in the global order", () => {
  const F = '91420100177678329F';
  const G = '91420100MA4K2JQ50X';
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let audit: AuditQueries;
  let all: { position: string; streamId: string; type: string }[];

  const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T02:00:00.000Z`;
  const recorded = (streamId: string, type: string, data: Record<string, unknown>, userId: string, day: number, associationId: string | null = 'wuhan-cia'): EventToAppend => {
    const commandId = randomUUID();
    return {
      id: deterministicEventId(commandId, streamId, 0),
      type,
      data,
      metadata: { actor: { userId, role: 'ADMIN', associationId }, commandId, correlationId: `corr-${day}`, causationId: commandId, recordedAt: at(day) },
    };
  };
  const council = { body: 'COUNCIL', reference: '协〔2026〕2号', decidedOn: '2026-03-01', votes: null };

  beforeAll(async () => {
    database = await createTestDatabase('audit-trail');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    dataSource = createReadModelDataSource({ url: database.url, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
    const write = (streamId: string, ...events: EventToAppend[]) => store.append(streamId, events, { expectedRevision: 'any' });
    await write(`enterprise-${F}`, recorded(`enterprise-${F}`, 'EnterpriseRegistered', { code: F, name: '武汉建工', registeredOn: '2026-03-01' }, 'clerk-li', 1, null));
    await write(`enterprise-${G}`, recorded(`enterprise-${G}`, 'EnterpriseRegistered', { code: G, name: '岳阳路桥', registeredOn: '2026-03-01' }, 'clerk-li', 1, null));
    await write(
      `membership-wuhan-cia:${F}`,
      recorded(`membership-wuhan-cia:${F}`, 'MembershipApplied', { associationId: 'wuhan-cia', enterpriseCode: F, appliedOn: '2026-03-02' }, 'clerk-li', 2),
      recorded(`membership-wuhan-cia:${F}`, 'MembershipAdmitted', { associationId: 'wuhan-cia', enterpriseCode: F, admittedOn: '2026-03-03', decision: council }, 'sec-wang', 3),
    );
    await write(`membership-yueyang-ucca:${G}`, recorded(`membership-yueyang-ucca:${G}`, 'MembershipApplied', { associationId: 'yueyang-ucca', enterpriseCode: G, appliedOn: '2026-03-02' }, 'clerk-zhao', 2, 'yueyang-ucca'));
    await write(`duesAccount-wuhan-cia:${F}:2026`, recorded(`duesAccount-wuhan-cia:${F}:2026`, 'DuesInvoiced', { associationId: 'wuhan-cia', enterpriseCode: F, year: 2026, invoicedOn: '2026-03-04' }, 'sec-wang', 4));
    // A cycle's own stream names no firm; the application's names the firm as its subject, the conduct file too.
    await write('creditCycle-wuhan-cia:c2026', recorded('creditCycle-wuhan-cia:c2026', 'CreditCycleOpened', { associationId: 'wuhan-cia', cycleId: 'c2026' }, 'sec-wang', 4));
    await write(
      `creditApplication-wuhan-cia:c2026:${F}`,
      recorded(`creditApplication-wuhan-cia:c2026:${F}`, 'CreditApplicationFiled', { associationId: 'wuhan-cia', cycleId: 'c2026', subjectId: F, filedOn: '2026-03-05' }, 'clerk-li', 5),
    );
    await write(`creditConduct-${F}`, recorded(`creditConduct-${F}`, 'CreditConductRecorded', { associationId: 'wuhan-cia', subjectId: F, code: 'WAGE_ARREARS', occurredOn: '2026-02-20' }, 'sec-wang', 6));
    await write(`creditConduct-${P}`, recorded(`creditConduct-${P}`, 'CreditConductRecorded', { associationId: 'wuhan-cia', subjectId: P, code: 'BRIBERY', occurredOn: '2026-02-21' }, 'sec-wang', 7));
    const { events } = await store.readAll({ limit: 100 });
    await dataSource.transaction((tx) => auditTrailProjection.apply(events, tx));
    all = events.map((e) => ({ position: e.position, streamId: e.streamId, type: e.type }));
    audit = new AuditQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  const streamsOf = (page: { edges: { node: { streamId: string } }[] }) => page.edges.map((e) => e.node.streamId);

  it('answers everything about a firm across contexts, in the global order, and nothing of another firm', async () => {
    const page = await audit.trail({ firmCode: F }, 50);
    expect(streamsOf(page)).toEqual([
      `enterprise-${F}`,
      `membership-wuhan-cia:${F}`,
      `membership-wuhan-cia:${F}`,
      `duesAccount-wuhan-cia:${F}:2026`,
      `creditApplication-wuhan-cia:c2026:${F}`,
      `creditConduct-${F}`,
    ]);
    expect(page.totalCount).toBe(6);
    const positions = page.edges.map((e) => e.node.position);
    expect(positions).toEqual([...positions].sort());
    expect(streamsOf(await audit.trail({ firmCode: G }, 50))).toEqual([`enterprise-${G}`, `membership-yueyang-ucca:${G}`]);
    expect((await audit.trail({ firmCode: '91420100MA4K2JQ511' }, 50)).totalCount).toBe(0);
  });

  it("answers a person's streams by the person index", async () => {
    expect(streamsOf(await audit.trail({ personId: P }, 50))).toEqual([`creditConduct-${P}`]);
  });

  it('narrows by actor, recorded time and event type, each alone and combined', async () => {
    expect((await audit.trail({ actorUserId: 'sec-wang' }, 50)).edges.map((e) => e.node.type)).toEqual([
      'MembershipAdmitted',
      'DuesInvoiced',
      'CreditCycleOpened',
      'CreditConductRecorded',
      'CreditConductRecorded',
    ]);
    const march4to6 = await audit.trail({ recordedFrom: new Date(at(4)), recordedTo: new Date(at(6)) }, 50);
    expect(march4to6.edges.map((e) => e.node.type)).toEqual(['DuesInvoiced', 'CreditCycleOpened', 'CreditApplicationFiled', 'CreditConductRecorded']);
    expect((await audit.trail({ eventTypes: ['MembershipApplied'] }, 50)).totalCount).toBe(2);
    const combined = await audit.trail({ firmCode: F, actorUserId: 'sec-wang', recordedFrom: new Date(at(4)), eventTypes: ['DuesInvoiced', 'CreditConductRecorded'] }, 50);
    expect(streamsOf(combined)).toEqual([`duesAccount-wuhan-cia:${F}:2026`, `creditConduct-${F}`]);
    expect((await audit.trail({ actorUserId: 'clerk-li', eventTypes: ['DuesInvoiced'] }, 50)).totalCount).toBe(0);
  });

  it('carries association, authority, effective date and the audit metadata on each entry', async () => {
    const [admitted] = (await audit.trail({ firmCode: F, eventTypes: ['MembershipAdmitted'] }, 1)).edges;
    expect(admitted!.node).toMatchObject({
      streamId: `membership-wuhan-cia:${F}`,
      revision: 1,
      associationId: 'wuhan-cia',
      authority: council,
      effectiveDate: '2026-03-03',
      actor: { userId: 'sec-wang', role: 'ADMIN', associationId: 'wuhan-cia' },
      correlationId: 'corr-3',
      recordedAt: new Date(at(3)),
    });
    expect(admitted!.node.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(admitted!.node.commandId).toMatch(/^[0-9a-f-]{36}$/);
    // A firm's registration by an actor of no association, citing no decision.
    const [registered] = (await audit.trail({ firmCode: F }, 1)).edges;
    expect(registered!.node).toMatchObject({ associationId: null, authority: null, effectiveDate: '2026-03-01' });
  });

  it('pages through the whole trail by cursor without a gap or a repeat', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<AuditQueries['trail']>> = await audit.trail({}, 3, after);
      expect(page.totalCount).toBe(all.length);
      seen.push(...page.edges.map((e) => e.node.position));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((e) => e.position));
    await expect(audit.trail({}, 3, 'not-a-cursor')).rejects.toThrow(/cursor/);
  });

  it('finds a firm by the first-event subject index and an actor by the actor index, not by reading the trail', async () => {
    const plan = (sql: string, params: unknown[]) =>
      dataSource.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        const lines = (await tx.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[];
        return lines.map((line) => line['QUERY PLAN']).join('\n');
      });
    expect(await plan('SELECT stream_id FROM audit_event WHERE revision = 0 AND audit_stream_subject(stream_id, data) = $1', [F])).toContain('audit_event_subject_idx');
    expect(await plan('SELECT position FROM audit_event WHERE actor_user_id = $1 ORDER BY position LIMIT 10', ['sec-wang'])).toContain('audit_event_actor_idx');
  });
});
