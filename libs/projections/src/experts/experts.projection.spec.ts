import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type ExpertEvent, type ExpertSpecialty, expertStreamId } from '#domain/experts';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { expertsProjection } from './experts.projection.js';
import { ExpertQueries } from './experts.queries.js';

const A = 'wuhan-cia';
const B = 'yueyang-cia';
// Ids chosen so that their order by code point differs from their order of enrolment.
const E1 = 'EXP00000000000000Z1';
const E2 = 'EXP0000000000000001';
const E3 = 'EXP0000000000000002';
const EMPLOYER = '91420100177678329F';
const FIRM = '91420100177678330L';
const ENTRY = { kind: 'AWARD_ENTRY', id: 'chutian-2026:E-0007' } as const;

const record = eventRecorder();
const at = (expertId: string, revision: number, event: ExpertEvent, day: string, associationId = A): RecordedEvent =>
  record(expertStreamId(associationId, expertId), revision, event, `${day}T02:00:00.000Z`, { associationId, userId: `${associationId}-clerk` });

const enrolled = (expertId: string, personId: string, specialties: ExpertSpecialty[], associationId = A): ExpertEvent => ({
  type: 'ExpertEnrolled',
  data: {
    associationId,
    expertId,
    personId,
    specialties,
    employerCode: EMPLOYER,
    title: '高级工程师',
    userId: null,
    enrolledOn: '2026-03-01',
    enrolledBy: 'clerk',
  },
});
const entry = (expertId: string, sourceEventId: string, round = 1) => ({
  associationId: A,
  expertId,
  reference: ENTRY,
  round,
  sourceEventId,
  recordedOn: '2026-04-01',
  recordedBy: 'awards-clerk',
});

const history: RecordedEvent[] = [
  at(E1, 0, enrolled(E1, 'PSN0000000000000001', ['BUILDING_CONSTRUCTION', 'SAFETY']), '2026-03-01'),
  at(E2, 0, enrolled(E2, 'PSN0000000000000002', ['COST']), '2026-03-01'),
  at(E3, 0, enrolled(E3, 'PSN0000000000000003', ['SAFETY'], B), '2026-03-01', B),
  at(E1, 1, { type: 'ExpertConflictDeclared', data: { associationId: A, expertId: E1, conflictId: 'c-2', enterpriseCode: FIRM, reason: '曾任职', from: '2026-01-01', to: '2026-06-30', declaredBy: 'clerk' } }, '2026-03-02'),
  at(E1, 2, { type: 'ExpertConflictDeclared', data: { associationId: A, expertId: E1, conflictId: 'c-1', enterpriseCode: EMPLOYER, reason: '本单位', from: '2026-01-01', to: '2026-12-31', declaredBy: 'clerk' } }, '2026-03-02'),
  at(E1, 3, { type: 'ExpertConflictDeclared', data: { associationId: A, expertId: E1, conflictId: 'c-3', enterpriseCode: FIRM, reason: '亲属', from: '2026-02-01', to: '2026-02-28', declaredBy: 'clerk' } }, '2026-03-02'),
  at(E1, 4, { type: 'ExpertConflictWithdrawn', data: { associationId: A, expertId: E1, conflictId: 'c-3', reason: '亲属已离职', withdrawnOn: '2026-03-03', withdrawnBy: 'clerk' } }, '2026-03-03'),
  at(E1, 5, { type: 'ExpertAssigned', data: entry(E1, 'awardPanel-1@3') }, '2026-04-01'),
  at(E1, 6, { type: 'ExpertScoreRecorded', data: { ...entry(E1, 'awardEntry-7@9'), criterion: 'QUALITY', points: '87.5' } }, '2026-04-02'),
  at(E1, 7, { type: 'ExpertAssigned', data: entry(E1, 'awardPanel-1@5', 2) }, '2026-04-03'),
  at(E1, 8, { type: 'ExpertRecused', data: { ...entry(E1, 'awardPanel-1@6', 2), reason: '曾参与复核' } }, '2026-04-03'),
  at(E2, 1, { type: 'ExpertSuspended', data: { associationId: A, expertId: E2, reason: '年度考核不合格', effectiveOn: '2026-04-05', decidedBy: 'clerk' } }, '2026-04-05'),
  at(E2, 2, { type: 'ExpertProfileChanged', data: { associationId: A, expertId: E2, changes: { specialties: ['SAFETY', 'COST'], title: '正高级工程师' }, changedOn: '2026-04-06', changedBy: 'clerk' } }, '2026-04-06'),
];

describe('the expert pool read model', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queries: ExpertQueries;

  beforeAll(async () => {
    database = await createTestDatabase('experts');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    queries = new ExpertQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const project = async (batches: readonly (readonly RecordedEvent[])[]) => {
    await dataSource.query('TRUNCATE expert, expert_conflict, expert_history');
    for (const batch of batches) await dataSource.transaction((tx) => expertsProjection.apply(batch, tx));
  };
  const contents = async () => ({
    experts: await dataSource.query('SELECT * FROM expert ORDER BY expert_id'),
    conflicts: await dataSource.query('SELECT * FROM expert_conflict ORDER BY expert_id, conflict_id'),
    history: await dataSource.query('SELECT * FROM expert_history ORDER BY expert_id, revision'),
  });

  it('holds each expert’s profile and standing, by register id only', async () => {
    await project([history]);
    expect(await queries.byId(E2)).toMatchObject({
      associationId: A,
      personId: 'PSN0000000000000002',
      status: 'SUSPENDED',
      specialties: ['SAFETY', 'COST'],
      title: '正高级工程师',
      statusReason: '年度考核不合格',
      statusSince: '2026-04-05',
      revision: 2,
    });
    expect(await queries.byId('EXP0000000000000009')).toBeNull();
  });

  it('lists an association’s pool by expert id, narrowed by status and specialty', async () => {
    await project([history]);
    const ids = async (filter: Parameters<ExpertQueries['list']>[1]) => (await queries.list(A, filter)).edges.map((e) => e.node.expertId);
    expect(await ids({})).toEqual([E2, E1]);
    expect(await ids({ specialty: 'SAFETY' })).toEqual([E2, E1]);
    expect(await ids({ specialty: 'COST', status: 'ACTIVE' })).toEqual([]);
    expect(await ids({ status: 'ACTIVE' })).toEqual([E1]);
    const first = await queries.list(A, {}, 1);
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect((await queries.list(A, {}, 1, first.pageInfo.endCursor)).edges.map((e) => e.node.expertId)).toEqual([E1]);
  });

  it('answers an expert’s assignments, recusals and scores in the order recorded', async () => {
    await project([history]);
    const steps = (await queries.history(E1)).map((h) => [h.kind, h.reference.id, h.round, h.sourceEventId, h.points, h.reason]);
    expect(steps).toEqual([
      ['ASSIGNED', ENTRY.id, 1, 'awardPanel-1@3', null, null],
      ['SCORED', ENTRY.id, 1, 'awardEntry-7@9', '87.5', null],
      ['ASSIGNED', ENTRY.id, 2, 'awardPanel-1@5', null, null],
      ['RECUSED', ENTRY.id, 2, 'awardPanel-1@6', null, '曾参与复核'],
    ]);
    expect(await queries.history(E2)).toEqual([]);
  });

  it('snapshots a pool in expert-id order with the conflicts in force on the date, the same every time', async () => {
    await project([history]);
    const snapshot = await queries.poolSnapshot(A, { onDate: '2026-05-01' });
    expect(snapshot).toEqual([
      { expertId: E2, personId: 'PSN0000000000000002', specialties: ['SAFETY', 'COST'], employerCode: EMPLOYER, status: 'SUSPENDED', conflicts: [] },
      {
        expertId: E1,
        personId: 'PSN0000000000000001',
        specialties: ['BUILDING_CONSTRUCTION', 'SAFETY'],
        employerCode: EMPLOYER,
        status: 'ACTIVE',
        conflicts: [
          { enterpriseCode: EMPLOYER, reason: '本单位', from: '2026-01-01', to: '2026-12-31' },
          { enterpriseCode: FIRM, reason: '曾任职', from: '2026-01-01', to: '2026-06-30' },
        ],
      },
    ]);
    // A withdrawn conflict never counts; an expired one no longer does.
    expect((await queries.poolSnapshot(A, { onDate: '2026-02-15' }))[1]!.conflicts.map((c) => c.reason)).toEqual(['本单位', '曾任职']);
    expect((await queries.poolSnapshot(A, { onDate: '2026-07-01' }))[1]!.conflicts.map((c) => c.reason)).toEqual(['本单位']);
    expect((await queries.poolSnapshot(A, { specialty: 'BUILDING_CONSTRUCTION', onDate: '2026-05-01' })).map((e) => e.expertId)).toEqual([E1]);
    expect((await queries.poolSnapshot(B, { onDate: '2026-05-01' })).map((e) => e.expertId)).toEqual([E3]);
    expect(await queries.poolSnapshot(A, { onDate: '2026-05-01' })).toEqual(snapshot);
  });

  it('gives the same rows event by event, in one batch, and when a batch is delivered twice', async () => {
    await project([history]);
    const once = await contents();
    await project(history.map((event) => [event]));
    expect(await contents()).toEqual(once);
    await project([history.slice(0, 6), history.slice(0, 6), history.slice(6), history.slice(4)]);
    expect(await contents()).toEqual(once);
  });
});
