/*
 * The Yueyang Urban-Rural Construction Association's 2020 credit rating, through GraphQL: 255 applicant firms
 * (特级 8, 一级 25, 二级 108, 三级 110, specialist 3, labour 1; 120 members of the association, 135 not), the
 * association scoring its two indicators (8 points together: 39 firms the full 8, the rest 1–6), a department
 * officer scoring the department's, thresholds that give the published 131 AAA, 76 AA and 48 A; then a major
 * accident downgrades one firm. The 120 admissions are written through the membership deciders and the real
 * command handler (the events the membership mutations write), to keep the set-up short.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { creditApplicationStreamId } from '#domain/credit';
import { associationDecider, associationStreamId, admitMemberDecider, membershipDecider, membershipStreamId } from '#domain/membership';
import { type Actor, withCheckCharacter } from '#domain/shared';
import { comparePositions, type Position } from '#eventstore';
import { CommandHandler, FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'yueyang-ucca';
const CYCLE = 'rating-2020';
const FIRMS = 255;
const CONCURRENCY = 8;

const code = (i: number) => withCheckCharacter(`91430600MA${String(i).padStart(7, '0')}`);
const codes = Array.from({ length: FIRMS }, (_, i) => code(i));
/** 120 members and 135 non-members, spread over the list (8 of every 17 firms). */
const isMember = (i: number) => i % 17 < 8;
const members = codes.filter((_, i) => isMember(i));
const [A_MEMBER, A_NON_MEMBER] = [code(1), code(8)];
const SECRETARIAT: Actor = { userId: 'yy-secretariat', role: 'ADMIN', associationId: ASSOC };

/** 特级 8, 一级 25, 二级 108, 三级 110, specialist contractors 3, labour subcontractor 1. */
function qualificationOf(i: number): { category: string; grade: string; specialty: string } {
  if (i < 8) return { category: 'GENERAL_CONTRACTING', grade: 'SPECIAL', specialty: '建筑工程' };
  if (i < 33) return { category: 'GENERAL_CONTRACTING', grade: 'GRADE_1', specialty: '建筑工程' };
  if (i < 141) return { category: 'GENERAL_CONTRACTING', grade: 'GRADE_2', specialty: '建筑工程' };
  if (i < 251) return { category: 'GENERAL_CONTRACTING', grade: 'GRADE_3', specialty: '市政公用工程' };
  if (i < 254) return { category: 'SPECIALIST_CONTRACTING', grade: 'GRADE_1', specialty: '钢结构工程' };
  return { category: 'LABOUR_SUBCONTRACTING', grade: 'UNGRADED', specialty: '施工劳务' };
}

/** 39 firms (a spread-out choice: 7 is coprime to 255) get the association's full 8 points; the rest 1–6. */
const associationPoints = (i: number) => ((i * 7) % FIRMS < 39 ? 8 : 1 + (i % 6));
/** The published result: the first 131 firms AAA, the next 76 AA, the last 48 A. */
const targetGrade = (i: number) => (i < 131 ? 'AAA' : i < 207 ? 'AA' : 'A');
const targetTotal = { AAA: 93, AA: 85, A: 70 } as const;

const rulebook = {
  associationId: ASSOC,
  rulebookId: 'yy-enterprise-credit',
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳城建协〔2020〕12号',
  effectiveFrom: '2021-01-01',
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'SELF_DISCIPLINE', name: '行业自律', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'MARKET_CONDUCT', name: '市场行为', category: '主管部门评价', maxPoints: 46, body: 'DEPARTMENT', evidenceRequired: true },
    { code: 'QUALITY_SAFETY', name: '质量安全', category: '主管部门评价', maxPoints: 46, body: 'DEPARTMENT', evidenceRequired: true },
  ],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
    { grade: 'B', minPoints: 40 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [{ conductCode: 'MAJOR_SAFETY_ACCIDENT', effect: 'CAP', capGrade: 'A' }],
  dynamicRules: [
    { conductCode: 'MAJOR_SAFETY_ACCIDENT', action: 'DOWNGRADE', levels: 1 },
    { conductCode: 'BRIBERY', action: 'REVOKE' },
  ],
};

const BULK = `considered written unchanged refused refusals { subjectId rule message } readModelCurrent`;

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

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, n) => items.slice(n * size, (n + 1) * size));
}

interface Bulk {
  considered: number;
  written: number;
  unchanged: number;
  refused: number;
  refusals: { subjectId: string; rule: string }[];
}

describe('the Yueyang 2020 credit rating over GraphQL', () => {
  const clock = new FixedClock('2021-03-01T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let expert: GraphQLClient;
  let officer: GraphQLClient;
  let auditor: GraphQLClient;
  const downgraded = code(5);
  let beforeAccident: string;
  let afterAccident: string;

  const bulk = async (client: GraphQLClient, name: string, input: string, variables: Record<string, unknown>): Promise<Bulk> =>
    (await client.ok<Record<string, Bulk>>(`mutation ($input: ${input}!) { ${name}(input: $input) { ${BULK} } }`, { input: variables }))[name]!;

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'yy-secretariat' });
    expert = service.client('EXPERT', { userId: 'yy-assoc-expert' });
    officer = service.client('EXPERT', { userId: 'yy-housing-bureau' });
    auditor = service.client('AUDITOR', { userId: 'yy-auditor' });
    await inParallel(codes, async (c, i) => {
      await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code: c, name: `岳阳建设工程有限公司${String(i).padStart(3, '0')}`, legalRepresentative: '刘一', regionCode: '430602', ownership: 'PRIVATE', sizeClass: 'MEDIUM' },
      });
      await admin.ok(`mutation ($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, { input: { code: c, ...qualificationOf(i) } });
    });
    await admitMembers();
  }, 120_000);

  /** Registers the association and admits its 120 member firms (application, then a council admission). */
  async function admitMembers(): Promise<void> {
    const handler = new CommandHandler(service.service.runtime.store, clock);
    let last: Position | null = null;
    const note = (position: Position | null) => {
      if (position !== null && comparePositions(position, last) > 0) last = position;
    };
    const bodies = ['COUNCIL', 'SECRETARIAT'] as const;
    note(
      (
        await handler.handle(associationDecider, associationStreamId(ASSOC), {
          command: { type: 'RegisterAssociation', associationId: ASSOC, name: '岳阳市城乡建设协会', regionCode: '430600', deemedWithdrawalYears: 2, admissionBodies: [...bodies] },
          actor: SECRETARIAT,
        })
      ).position,
    );
    await inParallel(members, async (enterpriseCode, n) => {
      const stream = membershipStreamId(ASSOC, enterpriseCode);
      await handler.handle(membershipDecider, stream, {
        command: { type: 'ApplyForMembership', associationId: ASSOC, enterpriseCode, appliedOn: '2019-03-01', associationRegistered: true, enterpriseRegistered: true },
        actor: SECRETARIAT,
      });
      const admitted = await handler.handleAcross(admitMemberDecider, {
        command: {
          type: 'AdmitMember',
          associationId: ASSOC,
          enterpriseCode,
          tier: 'MEMBER',
          certificateNumber: `岳城建协会员-${String(n + 1).padStart(3, '0')}`,
          admittedOn: '2019-04-01',
          decision: { body: 'COUNCIL', reference: '岳城建协〔2019〕3号', decidedOn: '2019-04-01' },
          admissionBodies: [...bodies],
        },
        actor: SECRETARIAT,
      });
      note(admitted.position);
    });
    if (last === null || !(await service.service.runtime.waiter.waitFor(last, ['membership-register'], 30_000))) {
      throw new Error('The membership read model did not catch up with the admissions.');
    }
  }

  afterAll(async () => {
    await service?.stop();
  });

  it('defines the rulebook and opens the cycle on it, after which the version can no longer change', async () => {
    const defined = await admin.ok<{ defineCreditRulebook: { rulebook: { version: number; thresholds: { grade: string }[] } } }>(
      `mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { rulebook { version thresholds { grade minPoints } } } }`,
      { input: rulebook },
    );
    expect(defined.defineCreditRulebook.rulebook).toMatchObject({ version: 1, thresholds: [{ grade: 'AAA' }, { grade: 'AA' }, { grade: 'A' }, { grade: 'B' }] });

    const opened = await admin.ok<{ openCreditCycle: { cycle: { rulebookVersion: number; status: string } } }>(
      `mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { cycle { rulebookVersion status } } }`,
      {
        input: {
          associationId: ASSOC,
          cycleId: CYCLE,
          title: '2020年度岳阳市建筑业企业信用评价',
          rulebookId: rulebook.rulebookId,
          rulebookVersion: 1,
          assessmentFrom: '2019-01-01',
          assessmentTo: '2020-12-31',
          filingFrom: '2021-03-01',
          filingTo: '2021-03-31',
          eligibility: 'ALL',
        },
      },
    );
    expect(opened.openCreditCycle.cycle).toEqual({ rulebookVersion: 1, status: 'OPEN' });

    const amend = await admin.request(`mutation ($input: AmendCreditRulebookInput!) { amendCreditRulebook(input: $input) { revision } }`, {
      input: { ...rulebook, version: 1, reason: '调整阈值', thresholds: [{ grade: 'AAA', minPoints: 95 }] },
    });
    expect(amend.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_RULEBOOK_VERSION_IN_USE' });

    for (const scorer of [
      { scorerId: 'yy-assoc-expert', body: 'ASSOCIATION', employerCode: null },
      { scorerId: 'yy-housing-bureau', body: 'DEPARTMENT', employerCode: null },
      { scorerId: 'yy-conflicted-expert', body: 'ASSOCIATION', employerCode: code(0) },
    ]) {
      await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, { input: { associationId: ASSOC, cycleId: CYCLE, ...scorer } });
    }
  });

  it('files 255 applications with their self-assessments, one per firm', async () => {
    const applications = codes.map((subjectId) => ({ subjectId, selfAssessment: [{ code: 'SELF_DISCIPLINE', points: 4 }, { code: 'OVERALL', points: 4 }] }));
    const results = await Promise.all(chunks(applications, 64).map((part) => bulk(admin, 'fileCreditApplications', 'FileCreditApplicationsInput', { associationId: ASSOC, cycleId: CYCLE, applications: part })));
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(FIRMS);
    expect(results.flatMap((r) => r.refusals)).toEqual([]);
    // The cycle is open to all firms; each application records whether the firm was a member when it filed.
    const split = await service.pool.query(`SELECT member, count(*)::int AS n FROM credit_application WHERE association_id = $1 AND cycle_id = $2 GROUP BY member ORDER BY member`, [ASSOC, CYCLE]);
    expect(members).toHaveLength(120);
    expect(split.rows).toEqual([{ member: false, n: 135 }, { member: true, n: 120 }]);
  });

  it('takes only members in a members-only cycle: a non-member is refused and nothing is written, a member is accepted', async () => {
    const MEMBERS_CYCLE = 'rating-2020-members';
    await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { cycle { eligibility } } }`, {
      input: {
        associationId: ASSOC, cycleId: MEMBERS_CYCLE, title: '2020年度会员单位信用评价', rulebookId: rulebook.rulebookId, rulebookVersion: 1,
        assessmentFrom: '2019-01-01', assessmentTo: '2020-12-31', filingFrom: '2021-03-01', filingTo: '2021-03-31', eligibility: 'MEMBERS_ONLY',
      },
    });
    const file = (subjectId: string) =>
      admin.request<{ fileCreditApplication: { application: { member: boolean; status: string } } }>(
        `mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { application { member status } } }`,
        { input: { associationId: ASSOC, cycleId: MEMBERS_CYCLE, subjectId, selfAssessment: [] } },
      );
    const refused = await file(A_NON_MEMBER);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SUBJECT_NOT_ELIGIBLE' });
    const written = await service.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1`, [creditApplicationStreamId(ASSOC, MEMBERS_CYCLE, A_NON_MEMBER)]);
    expect(written.rows[0].n).toBe(0);
    expect((await file(A_MEMBER)).data?.fileCreditApplication.application).toEqual({ member: true, status: 'UNDER_REVIEW' });
    // The same non-member's application to the cycle open to all firms was taken.
    const taken = await admin.ok<{ creditApplication: { member: boolean } }>(
      `{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${A_NON_MEMBER}") { member } }`,
    );
    expect(taken.creditApplication.member).toBe(false);
  });

  it('refuses scores from a conflicted scorer, above the maximum, of the wrong body, and malformed input, writing nothing', async () => {
    const score = `mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { revision } }`;
    const key = { associationId: ASSOC, cycleId: CYCLE, subjectId: code(0) };
    const conflicted = await service.client('EXPERT', { userId: 'yy-conflicted-expert' }).request(score, { input: { ...key, scores: [{ code: 'OVERALL', points: 4 }] } });
    expect(conflicted.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_CONFLICT_OF_INTEREST' });
    const above = await expert.request(score, { input: { ...key, scores: [{ code: 'OVERALL', points: 5 }] } });
    expect(above.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORE_ABOVE_MAXIMUM' });
    const wrongBody = await expert.request(score, { input: { ...key, scores: [{ code: 'MARKET_CONDUCT', points: 40, evidenceReference: 'x' }] } });
    expect(wrongBody.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_WRONG_BODY' });
    const malformed = await expert.request(score, { input: { ...key, scores: [{ code: 'NOT_AN_INDICATOR', points: -1 }] } });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(['scores.0.code', 'scores.0.points']);
    const written = await service.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1`, [creditApplicationStreamId(ASSOC, CYCLE, code(0))]);
    expect(written.rows[0].n).toBe(1);
  });

  it('records the association’s two indicators and the department’s, then computes 131 AAA, 76 AA and 48 A', async () => {
    const association = codes.map((subjectId, i) => {
      const points = associationPoints(i);
      return { subjectId, scores: [{ code: 'SELF_DISCIPLINE', points: Math.ceil(points / 2) }, { code: 'OVERALL', points: Math.floor(points / 2) }] };
    });
    const department = codes.map((subjectId, i) => {
      const points = targetTotal[targetGrade(i)] - associationPoints(i);
      return {
        subjectId,
        scores: [
          { code: 'MARKET_CONDUCT', points: Math.ceil(points / 2), evidenceReference: `岳住建信〔2021〕${i}号-市场` },
          { code: 'QUALITY_SAFETY', points: Math.floor(points / 2), evidenceReference: `岳住建信〔2021〕${i}号-质安` },
        ],
      };
    });
    const results = await Promise.all([
      ...chunks(association, 64).map((part) => bulk(expert, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', { associationId: ASSOC, cycleId: CYCLE, applications: part })),
      ...chunks(department, 64).map((part) => bulk(officer, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', { associationId: ASSOC, cycleId: CYCLE, applications: part })),
    ]);
    expect(results.flatMap((r) => r.refusals)).toEqual([]);
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(2 * FIRMS);
    expect(codes.filter((_, i) => associationPoints(i) === 8)).toHaveLength(39);

    const completed = await bulk(admin, 'completeCreditReviews', 'CreditCycleRefInput', { associationId: ASSOC, cycleId: CYCLE });
    expect(completed).toMatchObject({ considered: FIRMS, written: FIRMS, refused: 0 });

    const cycle = await admin.ok<{ creditCycle: { applicationCount: number; gradeDistribution: { grade: string; count: number }[] } }>(
      `{ creditCycle(associationId: "${ASSOC}", cycleId: "${CYCLE}") { applicationCount gradeDistribution { grade count } } }`,
    );
    expect(cycle.creditCycle.applicationCount).toBe(FIRMS);
    expect(cycle.creditCycle.gradeDistribution).toEqual([
      { grade: 'A', count: 48 },
      { grade: 'AA', count: 76 },
      { grade: 'AAA', count: 131 },
    ]);
  });

  it('publishes the result for 7 days and issues no rating during the notice or while an objection is open', async () => {
    clock.set('2021-04-01T02:00:00.000Z');
    const started = await bulk(admin, 'startCreditNotices', 'StartCreditNoticesInput', { associationId: ASSOC, cycleId: CYCLE });
    expect(started).toMatchObject({ written: FIRMS, refused: 0 });

    clock.set('2021-04-03T02:00:00.000Z');
    await admin.ok(`mutation ($input: FileCreditObjectionInput!) { fileCreditObjection(input: $input) { revision } }`, {
      input: { associationId: ASSOC, cycleId: CYCLE, subjectId: code(200), objectionId: 'obj-1', objector: '某投标人', grounds: '质量安全得分偏高', evidenceReference: '举报材料1' },
    });
    const issue = { associationId: ASSOC, cycleId: CYCLE, certificatePrefix: 'YYXY2020', validFrom: '2021-04-08' };
    const during = await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', issue);
    expect(during).toMatchObject({ written: 0, refused: FIRMS });
    expect(new Set(during.refusals.map((r) => r.rule))).toEqual(new Set(['CREDIT_NOTICE_NOT_ENDED']));

    clock.set('2021-04-08T02:00:00.000Z');
    const after = await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', issue);
    expect(after).toMatchObject({ written: FIRMS - 1, refused: 1, refusals: [{ subjectId: code(200), rule: 'CREDIT_OBJECTION_OPEN' }] });

    await admin.ok(`mutation ($input: ResolveCreditObjectionInput!) { resolveCreditObjection(input: $input) { revision } }`, {
      input: { associationId: ASSOC, cycleId: CYCLE, subjectId: code(200), objectionId: 'obj-1', outcome: 'DISMISSED', reasons: '经核查，评分依据充分' },
    });
    const last = await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', issue);
    expect(last).toMatchObject({ written: 1, unchanged: 0, refused: 0 });

    const cycle = await auditor.ok<{ creditCycle: { ratedDistribution: { grade: string; count: number }[] } }>(
      `{ creditCycle(associationId: "${ASSOC}", cycleId: "${CYCLE}") { ratedDistribution { grade count } } }`,
    );
    expect(cycle.creditCycle.ratedDistribution).toEqual([
      { grade: 'A', count: 48 },
      { grade: 'AA', count: 76 },
      { grade: 'AAA', count: 131 },
    ]);
    const numbers = await service.pool.query(`SELECT count(DISTINCT certificate_number)::int AS n FROM credit_application WHERE cycle_id = $1`, [CYCLE]);
    expect(numbers.rows[0].n).toBe(FIRMS);
  });

  it('downgrades a firm at once when a major accident is recorded, naming the record and the rule', async () => {
    clock.set('2021-06-15T02:00:00.000Z');
    beforeAccident = clock.now().toISOString();
    clock.set('2021-06-15T06:00:00.000Z');
    const recorded = await admin.ok<{ recordCreditConduct: { conductRecord: { disclosureUntil: string }; changedRatings: { ratingGrade: string; subjectId: string }[] } }>(
      `mutation ($input: RecordCreditConductInput!) { recordCreditConduct(input: $input) { conductRecord { disclosureUntil } changedRatings { subjectId ratingGrade } } }`,
      {
        input: {
          associationId: ASSOC,
          subjectId: downgraded,
          recordId: 'yyzj-2021-017',
          code: 'MAJOR_SAFETY_ACCIDENT',
          kind: 'ADVERSE',
          severity: 'MAJOR',
          occurredOn: '2021-06-10',
          sourceAuthority: '岳阳市住房和城乡建设局',
          disclosureMonths: 24,
          penaltyMonths: 12,
          evidenceReference: '岳建罚字〔2021〕17号',
          description: '在建项目发生较大生产安全事故',
        },
      },
    );
    expect(recorded.recordCreditConduct).toEqual({ conductRecord: { disclosureUntil: '2023-06-10' }, changedRatings: [{ subjectId: downgraded, ratingGrade: 'AA' }] });
    clock.set('2021-06-16T02:00:00.000Z');
    afterAccident = clock.now().toISOString();
  });

  it('answers the rating as of an instant before and after the accident record', async () => {
    const query = `query ($ids: [String!]!, $asOf: DateTime) { creditRatingsAsOf(subjectIds: $ids, asOf: $asOf) { subjectId ratings { grade inForce status changedBy recordId rule certificateNumber validTo } } }`;
    type Answer = { creditRatingsAsOf: { subjectId: string; ratings: { grade: string; inForce: boolean; changedBy: string; recordId: string | null; rule: string | null }[] }[] };
    const tender = service.client('TENDER', { userId: 'yy-tender-system' });
    const before = await tender.ok<Answer>(query, { ids: [downgraded, code(6)], asOf: beforeAccident });
    expect(before.creditRatingsAsOf[0]!.ratings).toEqual([expect.objectContaining({ grade: 'AAA', inForce: true, changedBy: 'CreditRatingIssued', recordId: null })]);
    expect(before.creditRatingsAsOf[1]!.ratings).toEqual([expect.objectContaining({ grade: 'AAA', inForce: true })]);
    const after = await tender.ok<Answer>(query, { ids: [downgraded], asOf: afterAccident });
    expect(after.creditRatingsAsOf[0]!.ratings).toEqual([
      expect.objectContaining({ grade: 'AA', inForce: true, changedBy: 'CreditRatingDowngraded', recordId: 'yyzj-2021-017', rule: 'yy-enterprise-credit v1 MAJOR_SAFETY_ACCIDENT → DOWNGRADE 1' }),
    ]);
    const beforeIssue = await tender.ok<Answer>(query, { ids: [downgraded], asOf: '2021-04-07T02:00:00.000Z' });
    expect(beforeIssue.creditRatingsAsOf[0]!.ratings).toEqual([]);
    // An instant after valid-to, once it has passed (the register refuses an asOf in the future).
    clock.set('2023-04-08T03:00:00.000Z');
    const expired = await tender.ok<Answer>(query, { ids: [downgraded], asOf: '2023-04-08T02:00:00.000Z' });
    clock.set(afterAccident);
    expect(expired.creditRatingsAsOf[0]!.ratings).toEqual([expect.objectContaining({ grade: 'AA', inForce: false, status: 'EXPIRED' })]);
  });

  it('gives the auditor the firm’s credit history, every step with actor, authority, rule version and evidence', async () => {
    type Step = { type: string; actor: { userId: string; role: string }; authority: string | null; ruleVersion: string | null; evidence: string[] };
    const { creditHistory } = await auditor.ok<{ creditHistory: Step[] }>(
      `{ creditHistory(subjectId: "${downgraded}") { type actor { userId role } authority ruleVersion evidence } }`,
    );
    expect(creditHistory.map((s) => s.type)).toEqual([
      'CreditApplicationFiled',
      'CreditIndicatorScored',
      'CreditIndicatorScored',
      'CreditIndicatorScored',
      'CreditIndicatorScored',
      'CreditReviewCompleted',
      'CreditNoticeStarted',
      'CreditRatingIssued',
      'CreditConductRecorded',
      'CreditRatingDowngraded',
    ]);
    const scorers = creditHistory.filter((s) => s.type === 'CreditIndicatorScored').map((s) => s.actor.userId).sort();
    expect(scorers).toEqual(['yy-assoc-expert', 'yy-assoc-expert', 'yy-housing-bureau', 'yy-housing-bureau']);
    expect(creditHistory.find((s) => s.type === 'CreditReviewCompleted')).toMatchObject({ ruleVersion: 'yy-enterprise-credit v1', evidence: ['岳住建信〔2021〕5号-市场', '岳住建信〔2021〕5号-质安'] });
    expect(creditHistory.find((s) => s.type === 'CreditRatingIssued')).toMatchObject({ ruleVersion: 'yy-enterprise-credit v1', actor: { userId: 'yy-secretariat' } });
    expect(creditHistory.find((s) => s.type === 'CreditConductRecorded')).toMatchObject({ authority: '岳阳市住房和城乡建设局', evidence: ['岳建罚字〔2021〕17号'] });
    expect(creditHistory.find((s) => s.type === 'CreditRatingDowngraded')).toMatchObject({ authority: 'yy-enterprise-credit v1 MAJOR_SAFETY_ACCIDENT → DOWNGRADE 1' });
  });

  it('explains the grade indicator by indicator and recomputes it from the recorded inputs', async () => {
    const { creditExplanation } = await auditor.ok<{ creditExplanation: Record<string, unknown> }>(
      `{ creditExplanation(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${downgraded}") {
          rulebookVersion referenceNumber indicators { code name points maxPoints scorerId evidenceReference } thresholds { grade minPoints }
          vetoes { conductCode } recorded { totalPoints grade } recomputed { totalPoints thresholdGrade grade } recomputationMatches
          proposedGrade issuedGrade ratingGradeNow } }`,
    );
    const assoc = associationPoints(5);
    const dept = targetTotal.AAA - assoc;
    expect(creditExplanation).toEqual({
      rulebookVersion: 1,
      referenceNumber: '岳城建协〔2020〕12号',
      indicators: [
        { code: 'SELF_DISCIPLINE', name: '行业自律', points: Math.ceil(assoc / 2), maxPoints: 4, scorerId: 'yy-assoc-expert', evidenceReference: null },
        { code: 'OVERALL', name: '综合评价', points: Math.floor(assoc / 2), maxPoints: 4, scorerId: 'yy-assoc-expert', evidenceReference: null },
        { code: 'MARKET_CONDUCT', name: '市场行为', points: Math.ceil(dept / 2), maxPoints: 46, scorerId: 'yy-housing-bureau', evidenceReference: '岳住建信〔2021〕5号-市场' },
        { code: 'QUALITY_SAFETY', name: '质量安全', points: Math.floor(dept / 2), maxPoints: 46, scorerId: 'yy-housing-bureau', evidenceReference: '岳住建信〔2021〕5号-质安' },
      ],
      thresholds: rulebook.thresholds,
      vetoes: [],
      recorded: { totalPoints: 93, grade: 'AAA' },
      recomputed: { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' },
      recomputationMatches: true,
      proposedGrade: 'AAA',
      issuedGrade: 'AAA',
      ratingGradeNow: 'AA',
    });
  });

  it('finds a score event altered in SQL when the chain is verified', async () => {
    const stream = creditApplicationStreamId(ASSOC, CYCLE, code(7));
    await expect(service.service.runtime.store.verifyStream(stream)).resolves.toMatchObject({ intact: true });
    const victim = await service.pool.query<{ event_id: string; stream_revision: string }>(
      `SELECT event_id, stream_revision FROM es_events WHERE stream_id = $1 AND event_type = 'CreditIndicatorScored' ORDER BY stream_revision LIMIT 1`,
      [stream],
    );
    await service.pool.query(`UPDATE es_events SET data = jsonb_set(data, '{points}', '4') WHERE event_id = $1`, [victim.rows[0]!.event_id]);
    const verified = await service.service.runtime.store.verifyStream(stream);
    expect(verified).toMatchObject({ intact: false, firstBreak: { eventId: victim.rows[0]!.event_id, revision: Number(victim.rows[0]!.stream_revision), reason: 'content_hash_mismatch' } });
  });
});
