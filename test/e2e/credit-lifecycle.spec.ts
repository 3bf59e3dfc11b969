import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { creditConductStreamId } from '#domain/credit';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { creditProjection, rebuildProjection } from '#projections';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'hubei-mea';
const OTHER = 'wuhan-cia';
const CYCLE = 'sancheng-2022';
const [A, B, C, LATE] = [1, 2, 3, 4].map((i) => withCheckCharacter(`91420100MA4C${String(i).padStart(5, '0')}`)) as [string, string, string, string];
const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });
const committee = { body: 'CREDIT_COMMITTEE', reference: '鄂市政协信〔2022〕3号', decidedOn: '2022-05-20' };
const APPLICATION = `status grade computedGrade ratingGrade ratingStatus certificateNumber validFrom validTo openObjections`;
const TABLES = ['credit_rulebook_version', 'credit_cycle', 'credit_application', 'credit_rating_history', 'credit_conduct_record'];

const rulebook = {
  associationId: ASSOC,
  rulebookId: 'sancheng',
  title: '湖北省市政工程协会“三诚”信用评价办法',
  referenceNumber: '鄂市政协〔2022〕1号',
  effectiveFrom: '2022-01-01',
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 50, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'COMPLIANCE', name: '合规记录', category: '主管部门评价', maxPoints: 50, body: 'DEPARTMENT', evidenceRequired: true },
  ],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 3,
  noticeDays: 5,
  vetoRules: [{ conductCode: 'FALSE_MATERIALS', effect: 'REFUSE' }],
  dynamicRules: [
    { conductCode: 'WAGE_ARREARS', action: 'SUSPEND' },
    { conductCode: 'BRIBERY', action: 'REVOKE' },
  ],
};

type Payload = { duplicate: boolean; application: Record<string, unknown> | null };

describe('a credit cycle from rulebook to expiry over GraphQL', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let secondAdmin: GraphQLClient;
  let expert: GraphQLClient;
  let officer: GraphQLClient;

  const run = async (client: GraphQLClient, name: string, input: string, variables: Record<string, unknown>) =>
    client.request<Record<string, Payload>>(`mutation ($input: ${input}!) { ${name}(input: $input) { duplicate application { ${APPLICATION} } } }`, { input: variables });
  const ok = async (client: GraphQLClient, name: string, input: string, variables: Record<string, unknown>): Promise<Payload> => {
    const result = await run(client, name, input, variables);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data![name]!;
  };
  const ruleOf = (result: { errors?: { extensions?: { code?: string; rule?: string } }[] }) => result.errors?.[0]?.extensions?.rule ?? result.errors?.[0]?.extensions?.code;
  const score = (client: GraphQLClient, subjectId: string, code: string, points: number) =>
    ok(client, 'scoreCreditIndicators', 'ScoreCreditIndicatorsInput', { ...key(subjectId), scores: [{ code, points, evidenceReference: `EV-${subjectId.slice(-4)}-${code}` }] });

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    secondAdmin = service.client('ADMIN', { associationId: ASSOC, userId: 'vice-sec-li' });
    expert = service.client('EXPERT', { userId: 'expert-zhao' });
    officer = service.client('EXPERT', { userId: 'dept-officer-qian' });
    for (const code of [A, B, C, LATE]) {
      await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code, name: `湖北市政建设有限公司${code.slice(-3)}`, legalRepresentative: '周一', regionCode: '420106', ownership: 'STATE_OWNED', sizeClass: 'LARGE' },
      });
    }
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('refuses a malformed rulebook field by field and writes nothing', async () => {
    const result = await admin.request(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, {
      input: { ...rulebook, title: '', validityYears: 9, thresholds: [{ grade: 'AAA', minPoints: 500 }] },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(['thresholds', 'title', 'validityYears']);
    const written = await service.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'credit%'`);
    expect(written.rows[0].n).toBe(0);
  });

  it('opens a cycle and takes applications in the window, a member filing only for itself', async () => {
    await admin.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: rulebook });
    await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, title: '2022年度三诚评价', rulebookId: 'sancheng', rulebookVersion: 1,
        assessmentFrom: '2020-01-01', assessmentTo: '2021-12-31', filingFrom: '2022-05-01', filingTo: '2022-05-15', eligibility: 'ALL',
      },
    });
    for (const [scorerId, body] of [['expert-zhao', 'ASSOCIATION'], ['dept-officer-qian', 'DEPARTMENT']]) {
      await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, { input: { associationId: ASSOC, cycleId: CYCLE, scorerId, body } });
    }
    const member = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: A, userId: 'firm-a' });
    const own = await ok(member, 'fileCreditApplication', 'FileCreditApplicationInput', { ...key(A), selfAssessment: [{ code: 'MANAGEMENT', points: 48 }] });
    expect(own.application).toMatchObject({ status: 'UNDER_REVIEW' });
    const other = await run(member, 'fileCreditApplication', 'FileCreditApplicationInput', { ...key(B), selfAssessment: [] });
    expect(ruleOf(other)).toBe('FORBIDDEN');
    await ok(admin, 'fileCreditApplication', 'FileCreditApplicationInput', { ...key(B), selfAssessment: [] });
    await ok(admin, 'fileCreditApplication', 'FileCreditApplicationInput', { ...key(C), selfAssessment: [] });
    clock.set('2022-05-16T02:00:00.000Z');
    expect(ruleOf(await run(admin, 'fileCreditApplication', 'FileCreditApplicationInput', { ...key(LATE), selfAssessment: [] }))).toBe('CREDIT_FILING_OUTSIDE_WINDOW');
  });

  it('computes each grade when the review completes, and refuses to complete with an indicator unscored', async () => {
    await score(expert, A, 'MANAGEMENT', 46);
    expect(ruleOf(await run(admin, 'completeCreditReview', 'CreditApplicationRefInput', key(A)))).toBe('CREDIT_INDICATORS_NOT_SCORED');
    await score(officer, A, 'COMPLIANCE', 47);
    await score(expert, B, 'MANAGEMENT', 45);
    await score(officer, B, 'COMPLIANCE', 40);
    await score(expert, C, 'MANAGEMENT', 35);
    await score(officer, C, 'COMPLIANCE', 30);
    const done = await service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' }).ok<{ completeCreditReviews: { written: number } }>(
      `mutation { completeCreditReviews(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}" }) { written } }`,
    );
    expect(done.completeCreditReviews.written).toBe(3);
    const grades = await admin.ok<{ creditApplications: { edges: { node: { subjectId: string; computedGrade: string } }[] } }>(
      `{ creditApplications(associationId: "${ASSOC}", cycleId: "${CYCLE}") { edges { node { subjectId computedGrade } } } }`,
    );
    expect(Object.fromEntries(grades.creditApplications.edges.map((e) => [e.node.subjectId, e.node.computedGrade]))).toEqual({ [A]: 'AAA', [B]: 'AA', [C]: 'A' });
  });

  it('overrides a grade only on a credit committee decision approved by a second person', async () => {
    const request = { ...key(C), toGrade: 'AA', reason: '补充材料证明质量管理优良' };
    expect(ruleOf(await run(admin, 'requestCreditGradeOverride', 'RequestCreditGradeOverrideInput', { ...request, decision: { ...committee, body: 'SECRETARIAT' } }))).toBe(
      'CREDIT_OVERRIDE_NEEDS_CREDIT_COMMITTEE',
    );
    await ok(admin, 'requestCreditGradeOverride', 'RequestCreditGradeOverrideInput', { ...request, decision: committee });
    expect(ruleOf(await run(admin, 'approveCreditGradeOverride', 'CreditApplicationRefInput', key(C)))).toBe('CREDIT_OVERRIDE_SELF_APPROVAL');
    const approved = await ok(secondAdmin, 'approveCreditGradeOverride', 'CreditApplicationRefInput', key(C));
    expect(approved.application).toMatchObject({ computedGrade: 'A', grade: 'AA' });
    const { creditExplanation } = await admin.ok<{ creditExplanation: Record<string, unknown> }>(
      `{ creditExplanation(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${C}") { recorded { grade } recomputationMatches proposedGrade override } }`,
    );
    expect(creditExplanation).toMatchObject({
      recorded: { grade: 'A' },
      recomputationMatches: true,
      proposedGrade: 'AA',
      override: { fromGrade: 'A', toGrade: 'AA', requestedBy: 'sec-wang', approvedBy: 'vice-sec-li', decision: { body: 'CREDIT_COMMITTEE' } },
    });
  });

  it('sends an upheld objection back to the scorers, and issues each rating once with its own certificate number', async () => {
    await admin.ok(`mutation { startCreditNotices(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}", startsOn: "2022-05-23" }) { written } }`);
    clock.set('2022-05-24T02:00:00.000Z');
    await ok(admin, 'fileCreditObjection', 'FileCreditObjectionInput', { ...key(B), objectionId: 'obj-b-1', objector: '某市政公司', grounds: '合规记录漏计一起处罚' });
    const upheld = await ok(admin, 'resolveCreditObjection', 'ResolveCreditObjectionInput', { ...key(B), objectionId: 'obj-b-1', outcome: 'UPHELD', reasons: '核实处罚属实，重新评分' });
    expect(upheld.application).toMatchObject({ status: 'UNDER_REVIEW', grade: null, openObjections: 0 });
    await score(officer, B, 'COMPLIANCE', 35);
    const rescored = await ok(admin, 'completeCreditReview', 'CreditApplicationRefInput', key(B));
    expect(rescored.application).toMatchObject({ computedGrade: 'AA' });
    await ok(admin, 'startCreditNotice', 'StartCreditNoticeInput', { ...key(B), startsOn: '2022-05-24' });

    clock.set('2022-05-28T02:00:00.000Z');
    const first = { ...key(A), certificateNumber: 'HBSZ-2022-001', validFrom: '2022-06-01', commandId: 'a3d8b1e4-7f6c-4c5e-9a1b-2d3e4f5a6b7c' };
    const issued = await ok(admin, 'issueCreditRating', 'IssueCreditRatingInput', first);
    expect(issued).toMatchObject({ duplicate: false, application: { ratingGrade: 'AAA', ratingStatus: 'ACTIVE', validTo: '2025-05-31', certificateNumber: 'HBSZ-2022-001' } });
    expect((await ok(admin, 'issueCreditRating', 'IssueCreditRatingInput', first)).duplicate).toBe(true);
    expect(ruleOf(await run(admin, 'issueCreditRating', 'IssueCreditRatingInput', { ...key(C), certificateNumber: 'HBSZ-2022-001' }))).toBe('CREDIT_CERTIFICATE_NUMBER_TAKEN');
    expect(ruleOf(await run(admin, 'issueCreditRating', 'IssueCreditRatingInput', { ...key(B), certificateNumber: 'HBSZ-2022-002' }))).toBe('CREDIT_NOTICE_NOT_ENDED');
    await ok(admin, 'issueCreditRating', 'IssueCreditRatingInput', { ...key(C), certificateNumber: 'HBSZ-2022-003', validFrom: '2022-06-01' });
    clock.set('2022-05-29T02:00:00.000Z');
    const b = await ok(admin, 'issueCreditRating', 'IssueCreditRatingInput', { ...key(B), certificateNumber: 'HBSZ-2022-002', validFrom: '2022-06-01' });
    expect(b.application).toMatchObject({ ratingGrade: 'AA', ratingStatus: 'ACTIVE' });
  });

  it('suspends on wage arrears and revokes on bribery, and shortens disclosure no further than 6 months', async () => {
    clock.set('2023-02-01T02:00:00.000Z');
    const conduct = (subjectId: string, recordId: string, code: string) =>
      admin.ok<{ recordCreditConduct: { changedRatings: { subjectId: string; ratingStatus: string }[] } }>(
        `mutation ($input: RecordCreditConductInput!) { recordCreditConduct(input: $input) { changedRatings { subjectId ratingStatus } } }`,
        {
          input: {
            associationId: ASSOC, subjectId, recordId, code, kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2023-01-20', sourceAuthority: '武汉市人力资源和社会保障局',
            disclosureMonths: 12, penaltyMonths: 6, evidenceReference: `${recordId}-决定书`, description: '不良行为记录',
          },
        },
      );
    expect((await conduct(A, 'hr-2023-4', 'WAGE_ARREARS')).recordCreditConduct.changedRatings).toEqual([{ subjectId: A, ratingStatus: 'SUSPENDED' }]);
    expect((await conduct(C, 'jw-2023-1', 'BRIBERY')).recordCreditConduct.changedRatings).toEqual([{ subjectId: C, ratingStatus: 'REVOKED' }]);
    const ratings = await service.client('TENDER').ok<{ creditRatingsAsOf: { subjectId: string; ratings: { status: string; inForce: boolean }[] }[] }>(
      `{ creditRatingsAsOf(subjectIds: ["${A}", "${B}", "${C}"]) { subjectId ratings { status inForce } } }`,
    );
    expect(ratings.creditRatingsAsOf.map((r) => r.ratings[0])).toEqual([
      { status: 'SUSPENDED', inForce: false },
      { status: 'ACTIVE', inForce: true },
      { status: 'REVOKED', inForce: false },
    ]);
    const reinstated = await ok(admin, 'reinstateCreditRating', 'ReinstateCreditRatingInput', {
      ...key(A),
      reason: '拖欠工资已全部清偿',
      decision: { body: 'SECRETARIAT', reference: '鄂市政协〔2023〕8号', decidedOn: '2023-01-31' },
    });
    expect(reinstated.application).toMatchObject({ ratingStatus: 'ACTIVE', ratingGrade: 'AAA' });
    expect(ruleOf(await run(admin, 'reinstateCreditRating', 'ReinstateCreditRatingInput', { ...key(B), reason: 'x', decision: committee }))).toBe('CREDIT_RATING_NOT_SUSPENDED');
    const shorten = `mutation ($input: ShortenCreditConductDisclosureInput!) { shortenCreditConductDisclosure(input: $input) { conductRecord { disclosureMonths disclosureUntil } } }`;
    for (const months of [3, 5]) {
      const tooShort = await admin.request(shorten, { input: { associationId: ASSOC, subjectId: A, recordId: 'hr-2023-4', disclosureMonths: months, rectificationEvidence: '已足额支付工资的凭证' } });
      expect(tooShort.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_DISCLOSURE_BELOW_MINIMUM' });
    }
    const shortened = await admin.ok<{ shortenCreditConductDisclosure: { conductRecord: { disclosureMonths: number; disclosureUntil: string } } }>(shorten, {
      input: { associationId: ASSOC, subjectId: A, recordId: 'hr-2023-4', disclosureMonths: 6, rectificationEvidence: '已足额支付工资的凭证' },
    });
    expect(shortened.shortenCreditConductDisclosure.conductRecord).toEqual({ disclosureMonths: 6, disclosureUntil: '2023-07-20' });
  });

  it('keeps a conduct record to the association that recorded it: another association\'s record leaves this one\'s rating as it was', async () => {
    const other = service.client('ADMIN', { associationId: OTHER, userId: 'wuhan-sec-zhou' });
    const record = (client: GraphQLClient, associationId: string, recordId: string) =>
      client.request<{ recordCreditConduct: { conductRecord: { associationId: string }; changedRatings: { subjectId: string }[] } }>(
        `mutation ($input: RecordCreditConductInput!) { recordCreditConduct(input: $input) { conductRecord { associationId } changedRatings { subjectId } } }`,
        {
          input: {
            associationId, subjectId: A, recordId, code: 'BRIBERY', kind: 'ADVERSE', severity: 'MAJOR', occurredOn: '2023-01-25', sourceAuthority: '武汉市纪律检查委员会',
            disclosureMonths: 36, evidenceReference: '武纪〔2023〕2号', description: '行贿',
          },
        },
      );
    expect((await record(other, ASSOC, 'wh-2023-9')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const recorded = await record(other, OTHER, 'wh-2023-9');
    expect(recorded.data?.recordCreditConduct).toEqual({ conductRecord: { associationId: OTHER }, changedRatings: [] });
    const application = await admin.ok<{ creditApplication: { ratingStatus: string; ratingGrade: string } }>(
      `{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${A}") { ratingStatus ratingGrade } }`,
    );
    expect(application.creditApplication).toEqual({ ratingStatus: 'ACTIVE', ratingGrade: 'AAA' });

    // An event recorded before conduct records carried their association: read as its recorder's association's.
    const stream = creditConductStreamId(A);
    await service.service.runtime.store.append(
      stream,
      [
        {
          id: randomUUID(),
          type: 'CreditConductRecorded',
          data: {
            subjectId: A, recordId: 'hb-2022-legacy', code: 'AWARD', kind: 'GOOD', severity: 'MINOR', occurredOn: '2022-12-01', sourceAuthority: '湖北省市政工程协会',
            disclosureMonths: 12, penaltyMonths: null, disclosureUntil: '2023-12-01', evidenceReference: '鄂市政协〔2022〕20号', description: '优秀企业',
          },
          metadata: {
            actor: { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC }, commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(),
            recordedAt: clock.now().toISOString(),
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    await service.settled();
    const query = `query ($subjectId: String!, $associationId: String) { creditConductRecords(subjectId: $subjectId, associationId: $associationId) { associationId recordId } }`;
    type Records = { creditConductRecords: { associationId: string; recordId: string }[] };
    expect((await admin.ok<Records>(query, { subjectId: A })).creditConductRecords).toEqual([
      { associationId: ASSOC, recordId: 'hb-2022-legacy' },
      { associationId: ASSOC, recordId: 'hr-2023-4' },
    ]);
    expect((await other.ok<Records>(query, { subjectId: A })).creditConductRecords).toEqual([{ associationId: OTHER, recordId: 'wh-2023-9' }]);
    expect((await admin.request(query, { subjectId: A, associationId: OTHER })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await service.client('AUDITOR').ok<Records>(query, { subjectId: A })).creditConductRecords.map((r) => `${r.associationId}/${r.recordId}`)).toEqual([
      `${ASSOC}/hb-2022-legacy`,
      `${ASSOC}/hr-2023-4`,
      `${OTHER}/wh-2023-9`,
    ]);
    const history = (client: GraphQLClient) =>
      client.ok<{ creditHistory: { type: string; data: { recordId?: string } }[] }>(`{ creditHistory(subjectId: "${A}") { type data } }`);
    const conductIn = async (client: GraphQLClient) =>
      (await history(client)).creditHistory.filter((s) => s.type === 'CreditConductRecorded').map((s) => s.data.recordId);
    expect(await conductIn(admin)).toEqual(['hr-2023-4', 'hb-2022-legacy']);
    expect(await conductIn(other)).toEqual(['wh-2023-9']);
  });

  it('downgrades in the annual review and shows a rating expired from the day after valid-to, before and after the expiry is recorded', async () => {
    const reviewed = await ok(admin, 'reviewCreditRating', 'ReviewCreditRatingInput', { ...key(B), reviewYear: 2023, outcome: 'DOWNGRADED', levels: 1, reason: '年度复核发现质量问题' });
    expect(reviewed.application).toMatchObject({ ratingGrade: 'A' });
    clock.set('2025-06-01T02:00:00.000Z');
    const before = await admin.ok<{ creditApplication: { ratingStatus: string } }>(`{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${B}") { ratingStatus } }`);
    expect(before.creditApplication.ratingStatus).toBe('EXPIRED');
    const job = await admin.ok<{ recordCreditExpiries: { written: number; refused: number } }>(
      `mutation { recordCreditExpiries(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}" }) { written refused } }`,
    );
    expect(job.recordCreditExpiries).toEqual({ written: 2, refused: 0 });
    const history = await service.client('AUDITOR').ok<{ creditHistory: { type: string }[] }>(`{ creditHistory(subjectId: "${B}") { type } }`);
    expect(history.creditHistory.map((s) => s.type).slice(-3)).toEqual(['CreditRatingIssued', 'CreditRatingDowngraded', 'CreditRatingExpired']);
  });

  it('lets a member read only its own explanation, and an auditor read but not act', async () => {
    const explain = (subjectId: string) => `{ creditExplanation(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${subjectId}") { recorded { grade } } }`;
    const member = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: A, userId: 'firm-a' });
    expect((await member.ok<{ creditExplanation: { recorded: { grade: string } } }>(explain(A))).creditExplanation.recorded.grade).toBe('AAA');
    expect((await member.request(explain(B))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const auditor = service.client('AUDITOR');
    expect((await auditor.ok<{ creditExplanation: { recorded: { grade: string } } }>(explain(B))).creditExplanation.recorded.grade).toBe('AA');
    expect(ruleOf(await run(auditor, 'completeCreditReview', 'CreditApplicationRefInput', key(B)))).toBe('FORBIDDEN');
  });

  it('rebuilds the credit read models from the events to exactly what the live projection wrote', async () => {
    await service.settled();
    const snapshot = async () => {
      const result: Record<string, unknown[]> = {};
      for (const table of TABLES) result[table] = (await service.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)).rows;
      return result;
    };
    const live = await snapshot();
    expect(live.credit_application).toHaveLength(3);
    const { infrastructure } = service.service;
    const result = await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, projection: creditProjection });
    expect(result.eventsReplayed).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(live);
  });
});
