import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type AwardRulebook, type AwardsEvent, awardEditionStreamId, awardEntryStreamId, type PanelDrawRecord } from '#domain/awards';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { awardsProjection } from './awards.projection.js';
import { AwardQueries } from './awards.queries.js';

const A = 'wuhan-cia';
const ED = 'huanghe-21';
const FIRM = '91420100177678329F';
const OTHER = '91420100177678330L';
const DECISION = { body: 'COMMITTEE', reference: '武建协〔2026〕9号', decidedOn: '2026-05-01', votes: { entitled: 9, present: 9, for: 8, against: 1, abstaining: 0 } };

const rulebook = {
  rulebookId: 'huanghe',
  version: 1,
  programmeKind: 'QUALITY_AWARD',
  subjectKind: 'ENTERPRISE',
  categories: [
    { code: 'BUILDING', name: '房屋建筑', places: 5, amountFen: 100_000_00 },
    { code: 'CIVIL', name: '市政', places: 5, amountFen: 50_000_00 },
  ],
  rounds: [
    { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 2, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
} as unknown as AwardRulebook;

const draw = (panel: string[], startPosition: number, endPosition: number): PanelDrawRecord => ({
  seed: 'ab'.repeat(32), pool: [], specialty: 'BUILDING_CONSTRUCTION', applicantCode: FIRM, builderCode: null, checkDate: '2026-04-01', size: panel.length,
  onPanel: [], recused: [], startPosition, panel, exclusions: [], endPosition, poolDigest: 'cd'.repeat(32),
});

const record = eventRecorder();
const revisions = new Map<string, number>();
const at = (streamId: string, event: AwardsEvent, instant: string): RecordedEvent => {
  const revision = revisions.get(streamId) ?? 0;
  revisions.set(streamId, revision + 1);
  return record(streamId, revision, event, instant, { associationId: A });
};
const edition = awardEditionStreamId(A, ED);
const entry = (id: string) => awardEntryStreamId(A, ED, id);
const key = { associationId: A, editionId: ED };
const submitted = (entryId: string, category: string, subjectId: string): AwardsEvent => ({
  type: 'AwardEntrySubmitted',
  data: { ...key, entryId, category, channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId, applicantCode: subjectId, builderCode: null, specialty: 'BUILDING_CONSTRUCTION', project: null, submittedOn: '2026-03-10' },
});
const results = [
  { entryId: 'e-1', category: 'BUILDING', rank: 1, grade: null, amountFen: 100_000_00 },
  { entryId: 'e-2', category: 'CIVIL', rank: 1, grade: null, amountFen: 50_000_00 },
];

const history: RecordedEvent[] = [
  at(edition, { type: 'AwardEditionOpened', data: { ...key, programmeCode: 'HUANGHE', title: '第二十一届黄鹤奖', year: 2026, rulebook, openedOn: '2026-03-01' } }, '2026-03-01T02:00:00.000Z'),
  at(entry('e-1'), submitted('e-1', 'BUILDING', FIRM), '2026-03-10T02:00:00.000Z'),
  at(entry('e-2'), submitted('e-2', 'CIVIL', OTHER), '2026-03-10T02:00:00.000Z'),
  at(entry('e-1'), { type: 'AwardEligibilityChecked', data: { ...key, entryId: 'e-1', checkedOn: '2026-03-11', rulebookVersion: 1, conditions: [], eligible: true } }, '2026-03-11T02:00:00.000Z'),
  at(edition, { type: 'AwardRoundOpened', data: { ...key, roundCode: 'DOCS', openedOn: '2026-04-01' } }, '2026-04-01T02:00:00.000Z'),
  at(entry('e-1'), { type: 'AwardPanelDrawn', data: { ...key, entryId: 'e-1', roundCode: 'DOCS', draw: draw(['X01', 'X02'], 0, 2) } }, '2026-04-01T03:00:00.000Z'),
  at(entry('e-1'), { type: 'AwardEntryScored', data: { ...key, entryId: 'e-1', roundCode: 'DOCS', expertId: 'X01', items: [{ code: 'QUALITY', points: 8000 }], weightedTotal: 800000, previousTotal: null } }, '2026-04-02T02:00:00.000Z'),
  at(entry('e-1'), { type: 'AwardExpertRecused', data: { ...key, entryId: 'e-1', roundCode: 'DOCS', expertId: 'X02', reason: '曾任该公司顾问', droppedScore: false } }, '2026-04-02T03:00:00.000Z'),
  at(entry('e-1'), { type: 'AwardReplacementDrawn', data: { ...key, entryId: 'e-1', roundCode: 'DOCS', replaces: 'X02', draw: { ...draw(['X03'], 2, 3), onPanel: ['X01'], recused: ['X02'] } } }, '2026-04-02T03:00:00.000Z'),
  at(edition, { type: 'AwardRoundClosed', data: { ...key, roundCode: 'DOCS', closedOn: '2026-04-10' } }, '2026-04-10T02:00:00.000Z'),
  at(
    edition,
    {
      type: 'AwardRoundRanked',
      data: {
        ...key, roundCode: 'DOCS', rulebookId: 'huanghe', rulebookVersion: 1, final: true, rankedOn: '2026-04-10', inputs: [], normalisation: [],
        ranking: [
          { entryId: 'e-1', category: 'BUILDING', rank: 1, score: { numerator: 1600000, denominator: 2 }, advances: true, grade: null },
          { entryId: 'e-2', category: 'CIVIL', rank: 1, score: { numerator: 1400000, denominator: 2 }, advances: true, grade: null },
        ],
      },
    },
    '2026-04-10T03:00:00.000Z',
  ),
  at(entry('e-1'), { type: 'AwardVoteRecorded', data: { ...key, entryId: 'e-1', roundCode: 'VOTE', ballot: 'SECRET', decision: DECISION as never, passed: true } }, '2026-05-01T02:00:00.000Z'),
  at(edition, { type: 'AwardNoticeStarted', data: { ...key, startsOn: '2026-05-02', endsOn: '2026-05-08', noticeDays: 7, results, totalFen: 150_000_00 } }, '2026-05-02T02:00:00.000Z'),
  at(edition, { type: 'AwardResultsPublished', data: { ...key, publishedOn: '2026-05-09', results, totalFen: 150_000_00 } }, '2026-05-09T02:00:00.000Z'),
  at(
    entry('e-1'),
    { type: 'AwardGranted', data: { ...key, entryId: 'e-1', certificateNumber: 'HH2026-001', category: 'BUILDING', grade: null, amountFen: 100_000_00, rank: 1, awardedOn: '2026-05-09', rulebookId: 'huanghe', rulebookVersion: 1 } },
    '2026-05-09T03:00:00.000Z',
  ),
  at(
    entry('e-1'),
    { type: 'AwardRevocationRequested', data: { ...key, entryId: 'e-1', grounds: 'FRAUD', reason: '申报材料造假', decision: DECISION as never, requestedBy: 'clerk-1', requestedOn: '2026-06-01' } },
    '2026-06-01T02:00:00.000Z',
  ),
  at(
    entry('e-1'),
    {
      type: 'AwardRevoked',
      data: {
        ...key, entryId: 'e-1', certificateNumber: 'HH2026-001', grounds: 'FRAUD', reason: '申报材料造假', decision: DECISION as never, requestedBy: 'clerk-1',
        approvedBy: 'clerk-2', revokedOn: '2026-06-02', publishedOn: '2026-06-02',
      },
    },
    '2026-06-02T02:00:00.000Z',
  ),
];

describe('the awards read model', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queries: AwardQueries;

  beforeAll(async () => {
    database = await createTestDatabase('awards');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    queries = new AwardQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const TABLES = ['award_edition', 'award_entry', 'award_panel_draw', 'award_panel_member', 'award_ranking', 'award_result'];
  const project = async (batches: readonly (readonly RecordedEvent[])[]) => {
    await dataSource.query(`TRUNCATE ${TABLES.join(', ')}`);
    for (const batch of batches) await dataSource.transaction((tx) => awardsProjection.apply(batch, tx));
  };
  const contents = async () => Promise.all(TABLES.map((t) => dataSource.query(`SELECT * FROM ${t} x ORDER BY x::text`)));

  it('holds the edition with its rounds, its notice and its published total', async () => {
    await project([history]);
    expect(await queries.edition(A, ED)).toMatchObject({
      programmeCode: 'HUANGHE',
      status: 'PUBLISHED',
      rounds: [{ roundCode: 'DOCS', kind: 'DOCUMENT_REVIEW', openedOn: '2026-04-01', closedOn: '2026-04-10', rankedOn: '2026-04-10' }],
      noticeStartsOn: '2026-05-02',
      noticeEndsOn: '2026-05-08',
      publishedOn: '2026-05-09',
      totalFen: 150_000_00,
    });
    expect((await queries.editions(A)).map((e) => e.editionId)).toEqual([ED]);
  });

  it('keeps the panel as drawn, the recusal and the replacement, and each member’s score', async () => {
    await project([history]);
    const members = await queries.panelMembers(A, ED, ['e-1']);
    expect(members.map((m) => [m.expertId, m.status, m.weightedTotal, m.recusalReason])).toEqual([
      ['X01', 'ON_PANEL', 800000, null],
      ['X02', 'RECUSED', null, '曾任该公司顾问'],
      ['X03', 'ON_PANEL', null, null],
    ]);
    const draws = await queries.panelDraws(A, ED, 'e-1');
    expect(draws.map((d) => [d.kind, d.replaces, d.draw.panel, d.draw.startPosition])).toEqual([
      ['DRAW', null, ['X01', 'X02'], 0],
      ['REPLACEMENT', 'X02', ['X03'], 2],
    ]);
    expect((await queries.entries(A, ED, { expertId: 'X02' })).edges.map((e) => e.node.entryId)).toEqual(['e-1']);
    expect((await queries.entries(A, ED, { expertId: 'X09' })).totalCount).toBe(0);
  });

  it('answers the published list as recorded by an instant: a later revocation leaves an earlier answer as it was', async () => {
    await project([history]);
    const before = await queries.publishedResults(A, ED, new Date('2026-05-20T00:00:00.000Z'));
    expect(before.results.map((r) => r.entryId)).toEqual(['e-1', 'e-2']);
    expect(before).toMatchObject({ totalFen: 150_000_00, publishedOn: '2026-05-09', revoked: [] });
    const after = await queries.publishedResults(A, ED, new Date('2026-06-03T00:00:00.000Z'));
    expect(after.results.map((r) => r.entryId)).toEqual(['e-2']);
    expect(after).toMatchObject({ totalFen: 50_000_00, revoked: [{ entryId: 'e-1', publishedOn: '2026-06-02' }] });
    const onNotice = await queries.publishedResults(A, ED, new Date('2026-05-05T00:00:00.000Z'));
    expect(onNotice).toMatchObject({ results: [], publishedOn: null, totalFen: 0 });
  });

  it('answers a firm’s award history and the earlier entries that bar a re-entry', async () => {
    await project([history]);
    const entries = await queries.awardHistory(FIRM);
    expect(entries.map((e) => [e.entryId, e.status, e.certificateNumber, e.editionTitle, e.revocation?.requestedOn, e.revocation?.publishedOn])).toEqual([
      ['e-1', 'REVOKED', 'HH2026-001', '第二十一届黄鹤奖', '2026-06-01', '2026-06-02'],
    ]);
    expect(await queries.earlierEntries(A, 'HUANGHE', FIRM, 'huanghe-22')).toEqual([{ editionId: ED, entryId: 'e-1', outcome: 'REVOKED' }]);
    expect(await queries.earlierEntries(A, 'HUANGHE', FIRM, ED)).toEqual([]);
    expect((await queries.ranking(A, ED, 'DOCS')).map((r) => [r.entryId, r.rank, r.scoreNumerator / r.scoreDenominator])).toEqual([
      ['e-1', 1, 800000],
      ['e-2', 1, 700000],
    ]);
  });

  it('gives the same rows event by event, in one batch, and when a batch is delivered twice', async () => {
    await project([history]);
    const once = await contents();
    await project(history.map((event) => [event]));
    expect(await contents()).toEqual(once);
    await project([history.slice(0, 7), history.slice(0, 7), history.slice(7), history.slice(5)]);
    expect(await contents()).toEqual(once);
  });
});
