/*
 * A "most promising private construction firms" edition over GraphQL, as the Wuhan association runs it: 300
 * candidate firms, all members, rated by the association's credit cycle (one rated B), one state-owned and one
 * blacklisted; figures uploaded in one bulk upload; the list of 55 computed after the cut-off, noticed, an
 * objection upheld that corrects a figure, the list computed and noticed again, published, and corrected by an
 * erratum. Recomputing from the stored events reproduces each list exactly, and `asOf` before the erratum answers
 * the first list. The memberships are written through the membership deciders and the real command handler (the
 * events the membership mutations write), to keep the set-up short; everything else goes over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DecisionReplay } from '#application';
import { associationDecider, associationStreamId, admitMemberDecider, membershipDecider, membershipStreamId } from '#domain/membership';
import { type RankingEditionEvent, rankingEditionStreamId, recomputeRankingEdition } from '#domain/rankings';
import { type Actor, withCheckCharacter } from '#domain/shared';
import { comparePositions, type Position } from '#eventstore';
import { CommandHandler, FixedClock } from '#platform';
import type { GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia-rank';
const OTHER = 'hubei-mea-rank';
const CYCLE = 'credit-2025';
const EDITION = 'promising-2026';
const FIRMS = 300;
const CONCURRENCY = 8;
const code = (i: number) => withCheckCharacter(`91420100MA${String(i).padStart(7, '0')}`);
const codes = Array.from({ length: FIRMS }, (_, i) => code(i));
/** Rated B by the credit cycle; state-owned; blacklisted on the cut-off. */
const [BELOW_A, STATE_OWNED, BLACKLISTED] = [code(1), code(2), code(3)];
const SECRETARIAT: Actor = { userId: 'wh-secretariat', role: 'ADMIN', associationId: ASSOC };
const COMMITTEE = { body: 'REVIEW_COMMITTEE', reference: '武建协评〔2026〕6号', decidedOn: '2026-04-14' };

/** Figures that give no two firms the same total: output (万元), output the year before, awards. */
const output = (i: number) => 20_000 + ((i * 7919) % 30_011);
const previous = (i: number) => output(i) - 1 - ((i * 31) % 2_000);
const awards = (i: number) => (i * 13) % 9;

const ENTRY = 'enterpriseCode excluded groupCode groupRank place listed total placedBy grounds details metrics { code value previousValue points }';
const LIST = `kind computationId erratumId listVersion listedCount candidateCount publishedOn erratumReason erratumDecisionReference entries { ${ENTRY} }`;

interface Entry {
  enterpriseCode: string;
  excluded: boolean;
  groupRank: number | null;
  listed: boolean;
  total: string | null;
  placedBy: string | null;
  grounds: string[];
  details: string[];
  metrics: { code: string; value: string; points: string }[];
}
interface List {
  kind: string;
  listVersion: number | null;
  listedCount: number;
  candidateCount: number;
  erratumReason: string | null;
  erratumDecisionReference: string | null;
  entries: Entry[];
}

async function inParallel<T>(items: readonly T[], run: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

describe('a ranking edition of 300 candidates over GraphQL', () => {
  const clock = new FixedClock('2026-01-05T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let otherAdmin: GraphQLClient;
  let auditor: GraphQLClient;
  let tender: GraphQLClient;
  let firstList: List;
  /** The firm an objection lifts onto the list, and the firm an erratum takes off it. */
  let lifted: string;
  let dropped: string;

  const mutate = <T = Record<string, unknown>>(client: GraphQLClient, name: string, input: string, variables: Record<string, unknown>, selection = 'revision duplicate') =>
    client.request<Record<string, T>>(`mutation ($input: ${input}!) { ${name}(input: $input) { ${selection} } }`, { input: variables });
  const ok = async (name: string, input: string, variables: Record<string, unknown>, selection = 'revision duplicate') => {
    const answer = await mutate(admin, name, input, variables, selection);
    expect(answer.errors).toBeUndefined();
    return answer.data![name]!;
  };
  const edition = { associationId: ASSOC, editionId: EDITION };
  const editionEvents = async () => service.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1`, [rankingEditionStreamId(ASSOC, EDITION)]);
  const list = async (client: GraphQLClient, args = '') =>
    (await client.ok<{ rankingList: List }>(`{ rankingList(associationId: "${ASSOC}", editionId: "${EDITION}"${args}) { ${LIST} } }`)).rankingList;

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'wh-secretariat' });
    otherAdmin = service.client('ADMIN', { associationId: OTHER, userId: 'hb-secretariat' });
    auditor = service.client('AUDITOR', { userId: 'wh-housing-auditor' });
    tender = service.client('TENDER', { userId: 'wh-tender' });
    await inParallel(codes, (c, i) =>
      admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code: c, name: `武汉建设工程有限公司${String(i).padStart(3, '0')}`, legalRepresentative: '张三', regionCode: '420106', ownership: c === STATE_OWNED ? 'STATE_OWNED' : 'PRIVATE', sizeClass: 'MEDIUM' },
      }),
    );
    await admitMembers();
    await rateFirms();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** Registers the association and admits every firm (application, then a council admission). */
  async function admitMembers(): Promise<void> {
    const handler = new CommandHandler(service.service.runtime.store, clock);
    let last: Position | null = null;
    const bodies = ['COUNCIL'] as const;
    await handler.handle(associationDecider, associationStreamId(ASSOC), {
      command: { type: 'RegisterAssociation', associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: [...bodies] },
      actor: SECRETARIAT,
    });
    await inParallel(codes, async (enterpriseCode, n) => {
      await handler.handle(membershipDecider, membershipStreamId(ASSOC, enterpriseCode), {
        command: { type: 'ApplyForMembership', associationId: ASSOC, enterpriseCode, appliedOn: '2019-03-01', associationRegistered: true, enterpriseRegistered: true },
        actor: SECRETARIAT,
      });
      const admitted = await handler.handleAcross(admitMemberDecider, {
        command: {
          type: 'AdmitMember', associationId: ASSOC, enterpriseCode, tier: 'MEMBER', certificateNumber: `武建协会员-${String(n + 1).padStart(3, '0')}`, admittedOn: '2019-04-01',
          decision: { body: 'COUNCIL', reference: '武建协〔2019〕3号', decidedOn: '2019-04-01' }, admissionBodies: [...bodies],
        },
        actor: SECRETARIAT,
      });
      if (admitted.position !== null && comparePositions(admitted.position, last) > 0) last = admitted.position;
    });
    if (last === null || !(await service.service.runtime.waiter.waitFor(last, ['membership-register'], 30_000))) throw new Error('The membership read model did not catch up.');
  }

  /** The association's credit cycle through its bulk operations: every firm AA (85 points), one B (50). */
  async function rateFirms(): Promise<void> {
    const expert = service.client('EXPERT', { userId: 'wh-credit-expert' });
    const officer = service.client('EXPERT', { userId: 'wh-housing-officer' });
    const bulk = async (client: GraphQLClient, name: string, input: string, variables: Record<string, unknown>) => {
      const answer = await mutate<{ refused: number }>(client, name, input, variables, 'written refused');
      expect(answer.errors).toBeUndefined();
      expect(answer.data![name]!.refused).toBe(0);
    };
    await ok('defineCreditRulebook', 'DefineCreditRulebookInput', {
      associationId: ASSOC, rulebookId: 'wh-credit', title: '武汉建筑业信用企业评价管理办法', referenceNumber: '武建协〔2025〕9号', effectiveFrom: '2025-01-01', subjectKind: 'ENTERPRISE',
      indicators: [
        { code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 50, body: 'ASSOCIATION', evidenceRequired: false },
        { code: 'COMPLIANCE', name: '合规记录', category: '主管部门评价', maxPoints: 50, body: 'DEPARTMENT', evidenceRequired: false },
      ],
      thresholds: [{ grade: 'AAA', minPoints: 90 }, { grade: 'AA', minPoints: 80 }, { grade: 'A', minPoints: 60 }, { grade: 'B', minPoints: 40 }],
      validityYears: 2, noticeDays: 5, vetoRules: [], dynamicRules: [],
    });
    await ok('openCreditCycle', 'OpenCreditCycleInput', {
      associationId: ASSOC, cycleId: CYCLE, title: '2025年度信用评价', rulebookId: 'wh-credit', rulebookVersion: 1,
      assessmentFrom: '2024-01-01', assessmentTo: '2025-12-31', filingFrom: '2026-01-01', filingTo: '2026-01-31', eligibility: 'MEMBERS_ONLY',
    });
    for (const [scorerId, body] of [['wh-credit-expert', 'ASSOCIATION'], ['wh-housing-officer', 'DEPARTMENT']]) {
      await ok('assignCreditScorer', 'AssignCreditScorerInput', { associationId: ASSOC, cycleId: CYCLE, scorerId, body });
    }
    const cycle = { associationId: ASSOC, cycleId: CYCLE };
    await bulk(admin, 'fileCreditApplications', 'FileCreditApplicationsInput', { ...cycle, applications: codes.map((subjectId) => ({ subjectId, selfAssessment: [] })) });
    const scores = (indicator: string, points: (c: string) => number) => codes.map((subjectId) => ({ subjectId, scores: [{ code: indicator, points: points(subjectId) }] }));
    await Promise.all([
      bulk(expert, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', { ...cycle, applications: scores('MANAGEMENT', (c) => (c === BELOW_A ? 25 : 45)) }),
      bulk(officer, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', { ...cycle, applications: scores('COMPLIANCE', (c) => (c === BELOW_A ? 25 : 40)) }),
    ]);
    await bulk(admin, 'completeCreditReviews', 'CreditCycleRefInput', cycle);
    await bulk(admin, 'startCreditNotices', 'StartCreditNoticesInput', cycle);
    clock.set('2026-01-10T02:00:00.000Z');
    await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', { ...cycle, certificatePrefix: 'WHXY2026', validFrom: '2026-01-10' });
    await ok('recordCreditConduct', 'RecordCreditConductInput', {
      associationId: ASSOC, subjectId: BLACKLISTED, recordId: 'blacklist-1', code: 'BLACKLISTED', kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2026-01-08',
      sourceAuthority: '武汉市城乡建设局', disclosureMonths: 24, penaltyMonths: 12, evidenceReference: '武城建〔2026〕2号', description: '列入建筑市场主体黑名单',
    }, 'revision');
  }

  it('freezes the methodology into the edition, and takes the 900 figures of 300 firms in one upload', async () => {
    clock.set('2026-01-12T02:00:00.000Z');
    const refused = await mutate(admin, 'defineRankingMethodology', 'DefineRankingMethodologyInput', { ...methodology(), metrics: methodology().metrics.map((m) => ({ ...m, weight: 30 })) });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'RANKING_WEIGHTS_NOT_100' });
    const defined = await ok('defineRankingMethodology', 'DefineRankingMethodologyInput', methodology(), 'methodology { version listSize }');
    expect(defined).toEqual({ methodology: { version: 1, listSize: 55 } });
    const opened = await ok(
      'openRankingEdition',
      'OpenRankingEditionInput',
      { ...edition, title: '2026年度武汉市最具成长性民营建筑企业', year: 2026, methodologyId: 'promising', methodologyVersion: 1, cutOffDate: '2026-03-31' },
      'edition { status cutOffDate methodology { version metrics { code weight } } }',
    );
    expect(opened).toMatchObject({ edition: { status: 'OPEN', cutOffDate: '2026-03-31', methodology: { version: 1 } } });

    const rows = codes.flatMap((enterpriseCode, i) => [
      { enterpriseCode, metric: 'OUTPUT', value: `${output(i)}.5`, source: 'STATISTICS_RETURN', evidenceReference: `2025年统计年报-${i}` },
      { enterpriseCode, metric: 'OUTPUT_GROWTH', value: `${output(i)}.5`, previousValue: String(previous(i)), source: 'AUDITED_REPORT', evidenceReference: `2025年审计报告-${i}` },
      { enterpriseCode, metric: 'AWARDS', value: String(awards(i)), source: 'CERTIFICATE', evidenceReference: `获奖证书-${i}` },
    ]);
    const recorded = await ok('recordRankingFigures', 'RecordRankingFiguresInput', { ...edition, rows }, 'revision edition { figureCount }');
    expect(recorded).toEqual({ revision: 900, edition: { figureCount: 900 } });
  });

  it('refuses a malformed row, another association and computing before the cut-off, writing nothing', async () => {
    const before = (await editionEvents()).rows[0].n;
    const row = { enterpriseCode: code(299), metric: 'OUTPUT', value: '12,5', source: 'STATISTICS_RETURN', evidenceReference: '统计年报' };
    const malformed = await mutate(admin, 'correctRankingFigure', 'CorrectRankingFigureInput', { ...edition, correction: { figureId: 1, value: '1.23456', source: 'AUDITED_REPORT', evidenceReference: '审计报告' }, reason: '更正' });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((malformed.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((e) => e.field)).toEqual(['value']);
    const badRow = await mutate(admin, 'recordRankingFigures', 'RecordRankingFiguresInput', { ...edition, rows: [{ ...row, enterpriseCode: code(298), value: '7' }, row] });
    expect(badRow.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((badRow.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((e) => e.field)).toEqual(['rows.1.value']);
    const again = await mutate(admin, 'recordRankingFigures', 'RecordRankingFiguresInput', { ...edition, rows: [{ ...row, value: '1' }] });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'RANKING_FIGURE_ALREADY_RECORDED' });
    const other = await mutate(otherAdmin, 'recordRankingFigures', 'RecordRankingFiguresInput', { ...edition, rows: [{ ...row, value: '1' }] });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const early = await mutate(admin, 'computeRanking', 'ComputeRankingInput', edition);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'RANKING_COMPUTING_BEFORE_CUT_OFF' });
    expect((await editionEvents()).rows[0].n).toBe(before);
    // Unpublished figures are the owner's and the auditors': another association's admin may not read them.
    const figures = await otherAdmin.request(`{ rankingFigures(associationId: "${ASSOC}", editionId: "${EDITION}") { figureId } }`);
    expect(figures.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('computes the list of 55 after the cut-off, excluding the firm rated below A, the state-owned and the blacklisted one with their evidence', async () => {
    clock.set('2026-04-01T02:00:00.000Z');
    const computed = await ok('computeRanking', 'ComputeRankingInput', edition, 'edition { status computationId }');
    expect(computed).toEqual({ edition: { status: 'COMPUTED', computationId: 1 } });
    const latest = await list(admin, ', latest: true, listedOnly: false');
    expect(latest).toMatchObject({ kind: 'COMPUTATION', listVersion: null, listedCount: 55, candidateCount: FIRMS });
    const excluded = latest.entries.filter((e) => e.excluded);
    expect(excluded.map((e) => [e.enterpriseCode, e.grounds])).toEqual(
      [
        [BELOW_A, ['CREDIT_GRADE']],
        [STATE_OWNED, ['OWNERSHIP']],
        [BLACKLISTED, ['BLACKLISTED']],
      ].sort(([a], [b]) => (a! < b! ? -1 : 1)),
    );
    expect(excluded.find((e) => e.enterpriseCode === BELOW_A)!.details[0]).toBe('Credit grade in force on the cut-off: B; accepted: AAA, AA, A.');
    expect(excluded.find((e) => e.enterpriseCode === BLACKLISTED)!.details[0]).toContain('blacklist-1');
    const ranked = latest.entries.filter((e) => !e.excluded);
    expect(ranked).toHaveLength(FIRMS - 3);
    expect(ranked.filter((e) => e.listed).map((e) => e.groupRank)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    // Nothing published yet: a tender system finds no list.
    const none = await tender.request(`{ rankingList(associationId: "${ASSOC}", editionId: "${EDITION}") { listVersion } }`);
    expect(none.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    lifted = ranked[55]!.enterpriseCode;
    expect(ranked[55]!.listed).toBe(false);
  });

  it('refuses a back-dated notice, takes an objection in the window, and upheld with a corrected figure computes and notices the list again', async () => {
    const backDated = await mutate(admin, 'startRankingNotice', 'StartRankingNoticeInput', { ...edition, startsOn: '2026-03-31' });
    expect(backDated.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION' });
    expect(await ok('startRankingNotice', 'StartRankingNoticeInput', edition, 'edition { status noticeStartsOn noticeEndsOn }')).toEqual({
      edition: { status: 'IN_NOTICE', noticeStartsOn: '2026-04-01', noticeEndsOn: '2026-04-07' },
    });
    clock.set('2026-04-03T02:00:00.000Z');
    await ok('fileRankingObjection', 'FileRankingObjectionInput', { ...edition, objectionId: 'objection-1', enterpriseCode: lifted, grounds: '产值漏报分包部分', evidenceReference: '补充审计报告' });
    const figures = await admin.ok<{ rankingFigures: { figureId: number; metric: string }[] }>(
      `{ rankingFigures(associationId: "${ASSOC}", editionId: "${EDITION}", enterpriseCode: "${lifted}", currentOnly: true) { figureId metric } }`,
    );
    const outputFigure = figures.rankingFigures.find((f) => f.metric === 'OUTPUT')!.figureId;
    const early = await mutate(admin, 'publishRanking', 'PublishRankingInput', edition);
    expect(early.errors?.[0]?.extensions).toMatchObject({ rule: 'RANKING_NOTICE_NOT_ENDED' });
    const upheld = await ok(
      'resolveRankingObjection',
      'ResolveRankingObjectionInput',
      { ...edition, objectionId: 'objection-1', outcome: 'UPHELD', reasons: '核实补充审计报告属实', corrections: [{ figureId: outputFigure, value: '50011', source: 'AUDITED_REPORT', evidenceReference: '补充审计报告' }] },
      'edition { status computationId }',
    );
    expect(upheld).toEqual({ edition: { status: 'OPEN', computationId: null } });
    await ok('computeRanking', 'ComputeRankingInput', edition);
    await ok('startRankingNotice', 'StartRankingNoticeInput', edition);
    const second = await list(admin, ', latest: true');
    expect(second.entries.map((e) => e.enterpriseCode)).toContain(lifted);
    expect(second.entries).toHaveLength(55);
  });

  it('publishes after the notice, then refuses any change but an erratum', async () => {
    clock.set('2026-04-10T02:00:00.000Z');
    expect(await ok('publishRanking', 'PublishRankingInput', edition, 'edition { status publishedVersion publishedOn }')).toEqual({
      edition: { status: 'PUBLISHED', publishedVersion: 1, publishedOn: '2026-04-10' },
    });
    firstList = await list(tender);
    expect(firstList).toMatchObject({ kind: 'COMPUTATION', listVersion: 1, listedCount: 55 });
    expect(firstList.entries.map((e) => e.enterpriseCode)).toContain(lifted);
    // Another association reads the published list as a published result.
    expect(await list(otherAdmin)).toEqual(firstList);
    const changed = await mutate(admin, 'excludeRankingFirm', 'ExcludeRankingFirmInput', { ...edition, enterpriseCode: lifted, grounds: '复查', decision: COMMITTEE });
    expect(changed.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'RANKING_EDITION_PUBLISHED' });
  });

  it('corrects the published list by an erratum: a new list version, the first still answerable as of before it', async () => {
    clock.set('2026-04-15T02:00:00.000Z');
    dropped = firstList.entries[0]!.enterpriseCode;
    const figures = await admin.ok<{ rankingFigures: { figureId: number; metric: string }[] }>(
      `{ rankingFigures(associationId: "${ASSOC}", editionId: "${EDITION}", enterpriseCode: "${dropped}", currentOnly: true) { figureId metric } }`,
    );
    const id = (metric: string) => figures.rankingFigures.find((f) => f.metric === metric)!.figureId;
    const erratum = await ok(
      'issueRankingErratum',
      'IssueRankingErratumInput',
      {
        ...edition, erratumId: 'erratum-1', reason: '该企业产值含非建筑业收入，经审计更正', decision: COMMITTEE,
        corrections: [
          { figureId: id('OUTPUT'), value: '2000', source: 'AUDITED_REPORT', evidenceReference: '专项审计报告' },
          { figureId: id('OUTPUT_GROWTH'), value: '2000', previousValue: '20000', source: 'AUDITED_REPORT', evidenceReference: '专项审计报告' },
        ],
      },
      'edition { status publishedVersion }',
    );
    expect(erratum).toEqual({ edition: { status: 'PUBLISHED', publishedVersion: 2 } });
    const now = await list(auditor);
    expect(now).toMatchObject({ kind: 'ERRATUM', listVersion: 2, listedCount: 55, erratumReason: '该企业产值含非建筑业收入，经审计更正', erratumDecisionReference: COMMITTEE.reference });
    expect(now.entries.map((e) => e.enterpriseCode)).not.toContain(dropped);
    expect(await list(auditor, ', asOf: "2026-04-12T00:00:00Z"')).toEqual(firstList);

    const history = async (asOf: string) =>
      (await tender.ok<{ rankingHistory: { listVersion: number; listed: boolean; groupRank: number }[] }>(`{ rankingHistory(enterpriseCode: "${dropped}"${asOf}) { listVersion listed groupRank } }`)).rankingHistory;
    expect(await history(', asOf: "2026-04-12T00:00:00Z"')).toEqual([{ listVersion: 1, listed: true, groupRank: 1 }]);
    expect((await history(''))[0]).toMatchObject({ listVersion: 2, listed: false });
  });

  it('explains a firm’s place against its neighbours and what decided it', async () => {
    const member = service.client('MEMBER', { enterpriseCode: dropped, userId: 'firm-user' });
    const { rankingExplanation: explanation } = await member.ok<{
      rankingExplanation: { listVersion: number; entry: Entry; above: Entry | null; below: Entry | null; summary: string };
    }>(`{ rankingExplanation(associationId: "${ASSOC}", editionId: "${EDITION}", enterpriseCode: "${dropped}") { listVersion summary entry { ${ENTRY} } above { ${ENTRY} } below { ${ENTRY} } } }`);
    expect(explanation.listVersion).toBe(2);
    expect(explanation.entry).toMatchObject({ enterpriseCode: dropped, listed: false, placedBy: 'TOTAL' });
    expect(explanation.entry.metrics.find((m) => m.code === 'OUTPUT')).toMatchObject({ value: '2000.0000' });
    expect(Number(explanation.above!.total)).toBeGreaterThan(Number(explanation.entry.total));
    expect(explanation.summary).toContain('it is not on the list');
    const excluded = await member.ok<{ rankingExplanation: { summary: string } }>(
      `{ rankingExplanation(associationId: "${ASSOC}", editionId: "${EDITION}", enterpriseCode: "${STATE_OWNED}") { summary } }`,
    );
    expect(excluded.rankingExplanation.summary).toContain('Ownership STATE_OWNED is not among PRIVATE');
  });

  it('reproduces every list exactly by recomputing from the stored events, and verify-decisions agrees', async () => {
    const events = (await service.service.runtime.store.readStream(rankingEditionStreamId(ASSOC, EDITION))) as unknown as RankingEditionEvent[];
    const checks = recomputeRankingEdition(events);
    expect(checks.map((c) => [c.label, c.matches])).toEqual([
      ['computation 1', true],
      ['computation 2', true],
      ['list version 2', true],
    ]);
    const listed = (entries: readonly { enterpriseCode: string; groupRank: number | null; total: string | null; listed: boolean }[]) =>
      entries.filter((e) => e.listed).map((e) => [e.enterpriseCode, e.groupRank, e.total]);
    expect(listed(checks[1]!.recomputed.entries)).toEqual(listed(firstList.entries));
    expect(listed(checks[2]!.recomputed.entries)).toEqual(listed((await list(auditor)).entries));
    const replay = await new DecisionReplay(service.service.runtime.store).run({ associationId: ASSOC });
    expect(replay.byKind.RANKING_LIST).toEqual({ checked: 3, matched: 3, mismatched: 0, notRecomputable: 0 });
  });
});

function methodology() {
  return {
    associationId: ASSOC,
    methodologyId: 'promising',
    title: '武汉市最具成长性民营建筑企业评选办法',
    referenceNumber: '武建协〔2026〕2号',
    effectiveFrom: '2026-01-01',
    metrics: [
      { code: 'OUTPUT', name: '建筑业总产值', weight: 60, normalisation: 'SHARE_OF_MAX', unit: '万元' },
      { code: 'OUTPUT_GROWTH', name: '产值增长率', weight: 30, normalisation: 'GROWTH', unit: '万元' },
      { code: 'AWARDS', name: '获奖数', weight: 10, normalisation: 'RANK_POINTS', unit: '项' },
    ],
    groups: [{ code: 'ALL', name: '全部参评企业', qualificationGrades: [], listSize: 55 }],
    filters: { ownerships: ['PRIVATE'], acceptedCreditGrades: ['AAA', 'AA', 'A'], memberInGoodStanding: true, blacklistConductCodes: ['BLACKLISTED'] },
    listSize: 55,
    tieBreak: { metrics: ['OUTPUT', 'OUTPUT_GROWTH'], thenBy: 'CREDIT_CODE' },
    noticeDays: 7,
  };
}
