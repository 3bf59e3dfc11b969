import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type AwardRulebook, type AwardsEvent, awardEditionStreamId, awardEntryStreamId, awardRulebookStreamId, type PanelDrawRecord } from '#domain/awards';
import type { SealedValue } from '#domain/shared';
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

/** An objector's name as the command path stores it: an envelope under the objection's own key (fixed bytes here). */
const sealed = (objectionId: string): SealedValue =>
  ({ sealed: 'aes-256-gcm/1', owner: `awardObjector:${A}:${ED}:${objectionId}`, iv: 'AAAAAAAAAAAAAAAA', data: Buffer.from(`x-${objectionId}`).toString('base64'), tag: 'AAAAAAAAAAAAAAAAAAAAAA==' }) as SealedValue;
const rulebookStream = awardRulebookStreamId(A, 'huanghe');
const RULEBOOK_V1 = { ...rulebook, referenceNumber: '武建协〔2026〕5号', effectiveFrom: '2026-01-01' } as AwardRulebook;
const RULEBOOK_V2 = { ...RULEBOOK_V1, version: 2, referenceNumber: '武建协〔2026〕30号', effectiveFrom: '2026-07-01', noticeDays: 10 } as AwardRulebook;
const objection = (entryId: string, objectionId: string, objector: unknown, filedOn: string): AwardsEvent => ({
  type: 'AwardObjectionFiled',
  data: { ...key, entryId, objectionId, objector: objector as SealedValue, grounds: `异议 ${objectionId}`, evidenceReference: objectionId === 'obj-2' ? 'EV-2' : null, filedOn },
});
const resolved = (entryId: string, objectionId: string, outcome: 'UPHELD' | 'DISMISSED', resolvedOn: string): AwardsEvent => ({
  type: 'AwardObjectionResolved',
  data: { ...key, entryId, objectionId, outcome, reasons: `复核 ${objectionId}`, resolvedOn },
});

const history: RecordedEvent[] = [
  at(rulebookStream, { type: 'AwardRulebookVersionDefined', data: { associationId: A, rulebook: RULEBOOK_V1, definedOn: '2026-02-20' } }, '2026-02-20T02:00:00.000Z'),
  at(rulebookStream, { type: 'AwardRulebookVersionPinned', data: { associationId: A, rulebookId: 'huanghe', version: 1, editionId: ED } }, '2026-03-01T02:00:00.000Z'),
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
  at(entry('e-1'), objection('e-1', 'obj-1', sealed('obj-1'), '2026-05-03'), '2026-05-03T02:00:00.000Z'),
  at(entry('e-2'), objection('e-2', 'obj-2', sealed('obj-2'), '2026-05-04'), '2026-05-04T02:00:00.000Z'),
  // From before objectors were sealed: the name in plain is not copied into the read model.
  at(entry('e-2'), objection('e-2', 'obj-3', '某个人', '2026-05-05'), '2026-05-05T02:00:00.000Z'),
  at(entry('e-1'), resolved('e-1', 'obj-1', 'DISMISSED', '2026-05-06'), '2026-05-06T02:00:00.000Z'),
  at(entry('e-2'), resolved('e-2', 'obj-2', 'UPHELD', '2026-05-07'), '2026-05-07T02:00:00.000Z'),
  at(entry('e-2'), resolved('e-2', 'obj-3', 'DISMISSED', '2026-05-08'), '2026-05-08T02:00:00.000Z'),
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
  at(rulebookStream, { type: 'AwardRulebookVersionDefined', data: { associationId: A, rulebook: RULEBOOK_V2, definedOn: '2026-06-10' } }, '2026-06-10T02:00:00.000Z'),
  at(rulebookStream, { type: 'AwardRulebookVersionPinned', data: { associationId: A, rulebookId: 'huanghe', version: 2, editionId: 'huanghe-22' } }, '2026-07-01T02:00:00.000Z'),
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

  const TABLES = [
    'award_edition', 'award_entry', 'award_panel_draw', 'award_panel_member', 'award_ranking', 'award_result', 'award_objection', 'award_rulebook_version', 'award_rulebook_pin',
  ];
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

  it('keeps each objection with its sealed objector, and answers them by status, by entry and as recorded by an instant', async () => {
    await project([history]);
    const now = new Date('2026-12-01T00:00:00.000Z');
    const all = await queries.objections(A, ED, { asOf: now });
    expect(all.totalCount).toBe(3);
    expect(all.edges.map((e) => [e.node.entryId, e.node.objectionId, e.node.status, e.node.filedOn, e.node.resolvedOn, e.node.reasons, e.node.evidenceReference])).toEqual([
      ['e-1', 'obj-1', 'DISMISSED', '2026-05-03', '2026-05-06', '复核 obj-1', null],
      ['e-2', 'obj-2', 'UPHELD', '2026-05-04', '2026-05-07', '复核 obj-2', 'EV-2'],
      ['e-2', 'obj-3', 'DISMISSED', '2026-05-05', '2026-05-08', '复核 obj-3', null],
    ]);
    expect(all.edges.map((e) => e.node.applicantCode)).toEqual([FIRM, OTHER, OTHER]);
    expect(all.edges[0]!.node.objector).toEqual(sealed('obj-1'));
    expect(all.edges[2]!.node.objector).toBeNull();
    expect(all.edges[1]!.node.filedAt).toEqual(new Date('2026-05-04T02:00:00.000Z'));
    expect(all.edges[1]!.node.resolvedAt).toEqual(new Date('2026-05-07T02:00:00.000Z'));

    expect((await queries.objections(A, ED, { asOf: now, status: 'DISMISSED' })).edges.map((e) => e.node.objectionId)).toEqual(['obj-1', 'obj-3']);
    expect((await queries.objections(A, ED, { asOf: now, entryId: 'e-2', status: 'UPHELD' })).edges.map((e) => e.node.objectionId)).toEqual(['obj-2']);

    // As recorded on 5 May: obj-3 not yet filed, obj-1 and obj-2 still open (their resolutions came later).
    const early = await queries.objections(A, ED, { asOf: new Date('2026-05-04T12:00:00.000Z') });
    expect(early.edges.map((e) => [e.node.objectionId, e.node.status, e.node.reasons, e.node.resolvedOn, e.node.resolvedAt])).toEqual([
      ['obj-1', 'OPEN', null, null, null],
      ['obj-2', 'OPEN', null, null, null],
    ]);
    expect((await queries.objections(A, ED, { asOf: new Date('2026-05-06T12:00:00.000Z'), status: 'OPEN' })).edges.map((e) => e.node.objectionId)).toEqual(['obj-2', 'obj-3']);

    const firstPage = await queries.objections(A, ED, { asOf: now }, 2);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const second = await queries.objections(A, ED, { asOf: now }, 2, firstPage.pageInfo.endCursor);
    expect(second.edges.map((e) => e.node.objectionId)).toEqual(['obj-3']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await queries.objectionsOf(A, ED, ['e-1'], now)).map((o) => o.objectionId)).toEqual(['obj-1']);
  });

  it('keeps every rulebook version as defined, when the next takes effect, and the editions pinned to each', async () => {
    await project([history]);
    const book = await queries.rulebook(A, 'huanghe');
    expect(book?.versions.map((v) => [v.version, v.referenceNumber, v.effectiveFrom, v.supersededOn, v.definedOn, v.rulebook.noticeDays ?? null])).toEqual([
      [1, '武建协〔2026〕5号', '2026-01-01', '2026-07-01', '2026-02-20', null],
      [2, '武建协〔2026〕30号', '2026-07-01', null, '2026-06-10', 10],
    ]);
    expect(book?.versions.map((v) => v.editions.map((e) => [e.editionId, e.title]))).toEqual([[[ED, '第二十一届黄鹤奖']], [['huanghe-22', null]]]);
    expect(book?.versions[0]!.rulebook).toEqual(RULEBOOK_V1);
    expect((await queries.rulebooks(A)).map((r) => [r.rulebookId, r.versions.length])).toEqual([['huanghe', 2]]);
    expect(await queries.rulebook(A, 'nowhere')).toBeNull();
    expect(await queries.rulebooks('another-assoc')).toEqual([]);
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
