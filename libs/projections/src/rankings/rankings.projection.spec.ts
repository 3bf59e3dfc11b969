import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import {
  type DefineRankingMethodologyVersion,
  type EligibilityEvidence,
  type RankingEditionCommand,
  type RankingEditionEvent,
  rankingEditionDeciderWith,
  rankingEditionStreamId,
  rankingMethodologyDecider,
  rankingMethodologyStreamId,
  type MethodologyVersion,
} from '#domain/rankings';
import { type DecisionRecord, withCheckCharacter } from '#domain/shared';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { readModelMigrations } from '../migrations/index.js';
import { readModelEntities } from '../read-models/index.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { Rankings1795220410000 } from './1795220410000-rankings.migration.js';
import { rankingsProjection } from './rankings.projection.js';
import { RankingsQueries } from './rankings.queries.js';

const ASSOC = 'assoc-rank';
const EDITION = 'top-2026';
const k = { associationId: ASSOC, editionId: EDITION };
const [A, B, C] = [1, 2, 3].map((n) => withCheckCharacter(`9142010000000${String(n).padStart(4, '0')}`)) as [string, string, string];
const COMMITTEE: DecisionRecord = { body: 'REVIEW_COMMITTEE', reference: '协〔2026〕20号', decidedOn: '2026-03-20', votes: null };
const good: EligibilityEvidence = { ownership: 'PRIVATE', bestQualificationGrade: 'GRADE_2', creditGrade: 'A', membershipStatus: 'ACTIVE', blacklistRecords: [] };
const at = (date: string) => new Date(`${date}T02:00:00.000Z`);

const define: DefineRankingMethodologyVersion = {
  type: 'DefineRankingMethodologyVersion',
  associationId: ASSOC,
  methodologyId: 'top',
  title: '十强企业评选办法',
  referenceNumber: '协〔2026〕2号',
  effectiveFrom: '2026-01-01',
  metrics: [
    { code: 'OUTPUT', name: '产值', weight: 70, normalisation: 'SHARE_OF_MAX', unit: '万元' },
    { code: 'TAX', name: '纳税', weight: 30, normalisation: 'MIN_MAX', unit: '万元' },
  ],
  groups: [{ code: 'ALL', name: '全部', qualificationGrades: [], listSize: 2 }],
  filters: { ownerships: ['PRIVATE'], acceptedCreditGrades: [], memberInGoodStanding: false, blacklistConductCodes: [] },
  listSize: 2,
  tieBreak: { metrics: ['OUTPUT'], thenBy: 'CREDIT_CODE' },
  noticeDays: 5,
};

// The events as the deciders decide them, recorded one instant per business day.
const record = eventRecorder();
const recorded: RecordedEvent[] = [];
const methodologyEvents = rankingMethodologyDecider.decide(define, rankingMethodologyDecider.initialState, { now: at('2026-03-01'), actor: { userId: 'admin-1', role: 'ADMIN' } });
recorded.push(record(rankingMethodologyStreamId(ASSOC, 'top'), 0, methodologyEvents[0]!, '2026-03-01T02:00:00.000Z'));
const methodology = methodologyEvents[0]!.data as MethodologyVersion;
const edition: RankingEditionEvent[] = [];
function act(command: RankingEditionCommand, date: string): void {
  const decider = rankingEditionDeciderWith({ methodology, eligibility: new Map([A, B, C].map((c) => [c, c === C ? { ...good, ownership: 'STATE_OWNED' as const } : good])) });
  const state = edition.reduce(decider.evolve, decider.initialState);
  for (const event of decider.decide(decider.parse!(command), state, { now: at(date), actor: { userId: 'admin-1', role: 'ADMIN', associationId: ASSOC } })) {
    recorded.push(record(rankingEditionStreamId(ASSOC, EDITION), edition.length, event, at(date).toISOString(), { associationId: ASSOC }));
    edition.push(event);
  }
}
const row = (enterpriseCode: string, metric: string, value: string) => ({ enterpriseCode, metric, value, source: 'STATISTICS_RETURN' as const, evidenceReference: '2025 统计年报' });
act({ type: 'OpenRankingEdition', ...k, title: '2026 十强', year: 2026, methodologyId: 'top', methodologyVersion: 1, cutOffDate: '2026-03-10' }, '2026-03-02');
act({ type: 'RecordRankingFigures', ...k, rows: [row(A, 'OUTPUT', '500'), row(A, 'TAX', '20'), row(B, 'OUTPUT', '400'), row(B, 'TAX', '40'), row(C, 'OUTPUT', '900'), row(C, 'TAX', '90')] }, '2026-03-03');
act({ type: 'CorrectRankingFigure', ...k, figureId: 2, value: '30', source: 'AUDITED_REPORT', evidenceReference: '审计报告 2025', reason: '以审计报告为准' }, '2026-03-04');
act({ type: 'ComputeRanking', ...k, tieResolutions: [] }, '2026-03-11');
act({ type: 'StartRankingNotice', ...k }, '2026-03-11');
act({ type: 'PublishRanking', ...k }, '2026-03-16');
act({ type: 'IssueRankingErratum', ...k, erratumId: 'err-1', reason: '乙企业产值漏计分包部分', decision: COMMITTEE, corrections: [{ figureId: 3, value: '650', source: 'AUDITED_REPORT', evidenceReference: '审计报告' }], exclusions: [], tieResolutions: [] }, '2026-03-20');

describe('the rankings projection and its queries', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queries: RankingsQueries;

  beforeAll(async () => {
    database = await createTestDatabase('rankings_proj');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...readModelEntities], migrations: [...readModelMigrations, Rankings1795220410000] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    // Two batches: the projection keeps its rows across them.
    await dataSource.transaction((tx) => rankingsProjection.apply(recorded.slice(0, 4), tx));
    await dataSource.transaction((tx) => rankingsProjection.apply(recorded.slice(4), tx));
    queries = new RankingsQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps the edition with its frozen methodology and its state', async () => {
    expect(await queries.edition(ASSOC, EDITION)).toMatchObject({
      status: 'PUBLISHED',
      figureCount: 8,
      computationId: 1,
      publishedVersion: 2,
      publishedOn: '2026-03-16',
      cutOffDate: '2026-03-10',
      methodology: { version: 1, listSize: 2 },
    });
    expect((await queries.methodologies(ASSOC, null)).map((m) => [m.methodologyId, m.version])).toEqual([['top', 1]]);
  });

  it('keeps every figure, a correction naming the one it replaced, exactly', async () => {
    const figures = await queries.figures(ASSOC, EDITION, A, false);
    expect(figures.map((f) => [f.figureId, f.metric, f.value, f.corrects, f.supersededBy])).toEqual([
      [1, 'OUTPUT', '500.0000', null, null],
      [2, 'TAX', '20.0000', null, 7],
      [7, 'TAX', '30.0000', 2, null],
    ]);
    expect((await queries.figures(ASSOC, EDITION, A, true)).map((f) => f.figureId)).toEqual([1, 7]);
  });

  it('answers the published list as it stood before the erratum and after it', async () => {
    const first = await queries.result(ASSOC, EDITION, true, new Date('2026-03-18T00:00:00Z'));
    expect(first).toMatchObject({ listVersion: 1, kind: 'COMPUTATION', computationId: 1, listedCount: 2, candidateCount: 3 });
    // A: 70 + 30 × (30 − 30)/(40 − 30) = 70; B: 70 × 400/500 = 56 + 30 = 86. C (state-owned) is excluded.
    expect((await queries.entries(first!, true)).map((e) => [e.enterpriseCode, e.groupRank, e.total])).toEqual([
      [B, 1, '86.0000'],
      [A, 2, '70.0000'],
    ]);
    const now = await queries.result(ASSOC, EDITION, true, null);
    expect(now).toMatchObject({ listVersion: 2, kind: 'ERRATUM', erratumId: 'err-1', erratumReason: '乙企业产值漏计分包部分', erratumDecision: COMMITTEE });
    expect((await queries.entries(now!, false)).map((e) => [e.enterpriseCode, e.total, e.excluded, e.grounds])).toEqual([
      [B, '100.0000', false, []],
      [A, '53.8462', false, []],
      [C, null, true, ['OWNERSHIP']],
    ]);
    expect(await queries.result(ASSOC, EDITION, true, new Date('2026-03-15T00:00:00Z'))).toBeNull();
  });

  it('gives a firm its history and the explanation of its place against its neighbours', async () => {
    expect((await queries.firmHistory(A, new Date('2026-03-18T00:00:00Z'))).map((h) => [h.editionId, h.listVersion, h.groupRank])).toEqual([[EDITION, 1, 2]]);
    expect((await queries.firmHistory(A, null)).map((h) => [h.listVersion, h.total])).toEqual([[2, '53.8462']]);
    const explanation = await queries.explanation(ASSOC, EDITION, A, true, null);
    expect(explanation).toMatchObject({ entry: { enterpriseCode: A, groupRank: 2, placedBy: 'TOTAL' }, above: { enterpriseCode: B }, below: null });
    expect(explanation!.summary).toContain('by the total');
    expect((await queries.explanation(ASSOC, EDITION, C, true, null))!.summary).toContain('Ownership STATE_OWNED');
    expect(await queries.explanation(ASSOC, EDITION, withCheckCharacter('91420100000000999'), true, null)).toBeNull();
  });

  it('changes nothing when the same events are delivered again', async () => {
    const tables = ['ranking_edition', 'ranking_figure', 'ranking_result', 'ranking_entry', 'ranking_list_version'];
    const before = await Promise.all(tables.map((t) => dataSource.query(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)));
    await dataSource.transaction((tx) => rankingsProjection.apply(recorded, tx));
    expect(await Promise.all(tables.map((t) => dataSource.query(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)))).toEqual(before);
  });
});
