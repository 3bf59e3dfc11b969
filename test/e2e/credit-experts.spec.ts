// Credit-evaluation scorers drawn from the expert pool (ADR 0024), over real HTTP: two persons of the register enrolled
// as experts with sign-in user ids, assigned to a cycle by expert id, scoring with their own EXPERT tokens (one
// application at a time and in bulk), the expert history showing the cycle assignment and every score; a declared
// conflict on a firm refusing that expert's score on its application; a suspended expert neither assigned nor scoring;
// another association's admin refused before validation; malformed values refused on their fields; a re-sent credit
// command completing a history left short and recording nothing twice. No refusal writes anything.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreditFacts, EventSourcedCommands, executeOnApplication } from '#application';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'yueyang-ucca';
const OTHER = 'wuhan-cia';
const CYCLE = 'yy-credit-2026';
const EMPLOYER = withCheckCharacter('91430600MA4L0E001');
const [FIRM_A, FIRM_B] = [withCheckCharacter('91430600MA4L0A001'), withCheckCharacter('91430600MA4L0B001')] as [string, string];
const PERSONS = [
  { name: '周文斌', identityCardNumber: '430602198203151231', phone: null, address: null },
  { name: '陈晓红', identityCardNumber: '43060219880926234X', phone: null, address: null },
];
const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });

const ENROL = `mutation ($input: EnrolExpertInput!) { enrolExpert(input: $input) { expertId } }`;
const ASSIGN = `mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { duplicate revision } }`;
const SCORE = `mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { duplicate } }`;
const SCORE_MANY = `mutation ($input: ScoreCreditApplicationsInput!) { scoreCreditApplications(input: $input) { __typename } }`;
const CYCLE_SCORERS = `query ($a: String!, $c: String!) { creditCycle(associationId: $a, cycleId: $c) { scorers { scorerId body employerCode expertId } } }`;
const HISTORY = `query ($a: String!, $e: ID!) { expertHistory(associationId: $a, expertId: $e) { kind referenceKind referenceId round sourceEventId criterion points recordedBy } }`;
const DECLARE = `mutation ($input: DeclareExpertConflictInput!) { declareExpertConflict(input: $input) { __typename } }`;
const SUSPEND = `mutation ($input: ExpertStatusChangeInput!) { suspendExpert(input: $input) { __typename } }`;

type HistoryEntry = { kind: string; referenceKind: string; referenceId: string; round: number; sourceEventId: string; criterion: string | null; points: string | null; recordedBy: string };

const rulebook = {
  associationId: ASSOC,
  rulebookId: 'yy-credit',
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2026〕1号',
  effectiveFrom: '2026-01-01',
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'SELF_DISCIPLINE', name: '行业自律', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'MARKET_CONDUCT', name: '市场行为', category: '主管部门评价', maxPoints: 92, body: 'DEPARTMENT', evidenceRequired: false },
  ],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [],
  dynamicRules: [],
};

describe('credit scorers drawn from the expert pool, over the API', () => {
  const clock = new FixedClock('2026-03-02T02:00:00.000Z');
  let service: TestService;
  let secretary: GraphQLClient;
  let outsider: GraphQLClient;
  let zhou: GraphQLClient;
  let chen: GraphQLClient;
  let eventCount: () => Promise<number>;
  let history: (expertId: string) => Promise<HistoryEntry[]>;
  const expertIds: string[] = [];
  const listed = (subjectId: string, ...entries: [code: string, points: number][]) => ({ subjectId, scores: entries.map(([code, points]) => ({ code, points })) });
  const scores = (subjectId: string, ...entries: [code: string, points: number][]) => ({ ...key(subjectId), scores: listed(subjectId, ...entries).scores });

  beforeAll(async () => {
    service = await startTestService({ clock });
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'yy-sec-liu' });
    outsider = service.client('ADMIN', { associationId: OTHER, userId: 'wh-sec-wang' });
    zhou = service.client('EXPERT', { associationId: ASSOC, userId: 'expert-zhou' });
    chen = service.client('EXPERT', { associationId: ASSOC, userId: 'expert-chen' });
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    history = async (expertId) => (await secretary.ok<{ expertHistory: HistoryEntry[] }>(HISTORY, { a: ASSOC, e: expertId })).expertHistory;
    for (const [associationId, admin] of [[ASSOC, secretary], [OTHER, outsider]] as const) {
      await admin.ok(`mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { revision } }`, {
        input: { associationId, name: `${associationId} 建筑业协会`, regionCode: '430600', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
      });
    }
    for (const [code, name] of [[EMPLOYER, '岳阳建设工程质量检测中心'], [FIRM_A, '岳阳市第一建筑工程有限公司'], [FIRM_B, '湖南巴陵建设有限公司']]) {
      await secretary.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code, name, legalRepresentative: '刘强', regionCode: '430602', ownership: 'PRIVATE', sizeClass: 'MEDIUM' },
      });
    }
    for (const [n, person] of PERSONS.entries()) {
      const { registerPerson } = await secretary.ok<{ registerPerson: { personId: string } }>(`mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId } }`, {
        input: { associationId: ASSOC, ...person },
      });
      const { enrolExpert } = await secretary.ok<{ enrolExpert: { expertId: string } }>(ENROL, {
        input: { associationId: ASSOC, personId: registerPerson.personId, specialties: ['QUALITY'], employerCode: EMPLOYER, title: '高级工程师', userId: ['expert-zhou', 'expert-chen'][n] },
      });
      expertIds.push(enrolExpert.expertId);
    }
    await secretary.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: rulebook });
    await secretary.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, title: '2026年度信用评价', rulebookId: 'yy-credit', rulebookVersion: 1,
        assessmentFrom: '2024-01-01', assessmentTo: '2025-12-31', filingFrom: '2026-03-01', filingTo: '2026-03-31', eligibility: 'ALL',
      },
    });
    for (const subjectId of [FIRM_A, FIRM_B]) {
      await secretary.ok(`mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { duplicate } }`, { input: { ...key(subjectId), selfAssessment: [] } });
    }
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('assigns two experts of the pool by expert id, with their sign-in and employer read from the pool, and records the assignment in their history', async () => {
    const [zhouId, chenId] = expertIds as [string, string];
    const commandId = randomUUID();
    const first = await secretary.ok<{ assignCreditScorer: { duplicate: boolean } }>(ASSIGN, { input: { associationId: ASSOC, cycleId: CYCLE, expertId: zhouId, body: 'ASSOCIATION', commandId } });
    expect(first.assignCreditScorer.duplicate).toBe(false);
    await secretary.ok(ASSIGN, { input: { associationId: ASSOC, cycleId: CYCLE, expertId: chenId, body: 'ASSOCIATION' } });
    // A re-sent assignment is answered as the first and records nothing twice, in the cycle or the history.
    const before = await eventCount();
    const again = await secretary.ok<{ assignCreditScorer: { duplicate: boolean } }>(ASSIGN, { input: { associationId: ASSOC, cycleId: CYCLE, expertId: zhouId, body: 'ASSOCIATION', commandId } });
    expect(again.assignCreditScorer.duplicate).toBe(true);
    expect(await eventCount()).toBe(before);

    const { creditCycle } = await secretary.ok<{ creditCycle: { scorers: unknown[] } }>(CYCLE_SCORERS, { a: ASSOC, c: CYCLE });
    expect(creditCycle.scorers).toEqual([
      { scorerId: 'expert-zhou', body: 'ASSOCIATION', employerCode: EMPLOYER, expertId: zhouId },
      { scorerId: 'expert-chen', body: 'ASSOCIATION', employerCode: EMPLOYER, expertId: chenId },
    ]);
    for (const expertId of expertIds) {
      expect(await history(expertId)).toEqual([
        { kind: 'ASSIGNED', referenceKind: 'CREDIT_CYCLE', referenceId: CYCLE, round: 1, sourceEventId: expect.any(String), criterion: null, points: null, recordedBy: 'yy-sec-liu' },
      ]);
    }
  });

  it('takes the scores of an expert signed in with their own EXPERT token, one application and in bulk, each in their history', async () => {
    const zhouId = expertIds[0]!;
    await zhou.ok(SCORE, { input: scores(FIRM_A, ['SELF_DISCIPLINE', 4]) });
    await zhou.ok(SCORE_MANY, { input: { associationId: ASSOC, cycleId: CYCLE, applications: [listed(FIRM_A, ['OVERALL', 3]), listed(FIRM_B, ['SELF_DISCIPLINE', 2], ['OVERALL', 4])] } });
    const entries = await history(zhouId);
    expect(entries.map(({ kind, referenceKind, referenceId, round, criterion, points, recordedBy }) => ({ kind, referenceKind, referenceId, round, criterion, points, recordedBy }))).toEqual([
      { kind: 'ASSIGNED', referenceKind: 'CREDIT_CYCLE', referenceId: CYCLE, round: 1, criterion: null, points: null, recordedBy: 'yy-sec-liu' },
      { kind: 'SCORED', referenceKind: 'CREDIT_APPLICATION', referenceId: `${CYCLE}/${FIRM_A}`, round: 1, criterion: 'SELF_DISCIPLINE', points: '4', recordedBy: 'expert-zhou' },
      { kind: 'SCORED', referenceKind: 'CREDIT_APPLICATION', referenceId: `${CYCLE}/${FIRM_A}`, round: 1, criterion: 'OVERALL', points: '3', recordedBy: 'expert-zhou' },
      { kind: 'SCORED', referenceKind: 'CREDIT_APPLICATION', referenceId: `${CYCLE}/${FIRM_B}`, round: 1, criterion: 'SELF_DISCIPLINE', points: '2', recordedBy: 'expert-zhou' },
      { kind: 'SCORED', referenceKind: 'CREDIT_APPLICATION', referenceId: `${CYCLE}/${FIRM_B}`, round: 1, criterion: 'OVERALL', points: '4', recordedBy: 'expert-zhou' },
    ]);
    // Each score names the credit event it follows from: the application's CreditIndicatorScored.
    const scored = await service.pool.query<{ id: string }>(`SELECT event_id::text AS id FROM es_events WHERE event_type = 'CreditIndicatorScored' ORDER BY global_position`);
    expect(entries.slice(1).map((e) => e.sourceEventId)).toEqual(scored.rows.map((r) => r.id));
  });

  it("refuses the score of an expert with a conflict declared on the firm, saying which, and writes nothing", async () => {
    const chenId = expertIds[1]!;
    await secretary.ok(DECLARE, { input: { associationId: ASSOC, expertId: chenId, conflictId: 'c-bailing', enterpriseCode: FIRM_B, reason: '曾任该公司技术负责人', from: '2025-07-01', to: '2026-06-30' } });
    const before = await eventCount();
    const refused = await scenario().when({ as: chen, query: SCORE, variables: { input: scores(FIRM_B, ['SELF_DISCIPLINE', 3]) } }).thenRefuses({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_CONFLICT_OF_INTEREST' });
    expect(refused.message).toContain('c-bailing');
    expect(await eventCount()).toBe(before);
    // The conflict names one firm: the same expert scores another.
    await chen.ok(SCORE, { input: scores(FIRM_A, ['SELF_DISCIPLINE', 3]) });
    expect((await history(chenId)).map((e) => [e.kind, e.referenceId])).toEqual([['ASSIGNED', CYCLE], ['SCORED', `${CYCLE}/${FIRM_A}`]]);
  });

  it('completes a history left short when the credit command is re-sent, and records nothing twice', async () => {
    const chenId = expertIds[1]!;
    const commandId = randomUUID();
    const input = scores(FIRM_A, ['OVERALL', 2]);
    // The score is written but the history step never ran (as when the process stops between the two).
    const host = service.service.host;
    await executeOnApplication(host.get(EventSourcedCommands), host.get(CreditFacts), {
      command: { type: 'ScoreCreditIndicators', ...input },
      actor: { userId: 'expert-chen', role: 'EXPERT', associationId: ASSOC },
      commandId,
    }, []);
    expect(await history(chenId)).toHaveLength(2);
    const resent = await chen.ok<{ scoreCreditIndicators: { duplicate: boolean } }>(SCORE, { input: { ...input, commandId } });
    expect(resent.scoreCreditIndicators.duplicate).toBe(true);
    expect((await history(chenId)).slice(2).map((e) => [e.kind, e.criterion, e.points])).toEqual([['SCORED', 'OVERALL', '2']]);
    const before = await eventCount();
    await chen.ok(SCORE, { input: { ...input, commandId } });
    expect(await eventCount()).toBe(before);
    expect(await history(chenId)).toHaveLength(3);
  });

  it('neither assigns nor takes the scores of a suspended expert, writing nothing', async () => {
    const chenId = expertIds[1]!;
    await secretary.ok(SUSPEND, { input: { associationId: ASSOC, expertId: chenId, reason: '年度考核不合格' } });
    const before = await eventCount();
    await scenario()
      .when({ as: secretary, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: chenId, body: 'DEPARTMENT' } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_EXPERT_NOT_ACTIVE' });
    await scenario().when({ as: chen, query: SCORE, variables: { input: scores(FIRM_A, ['OVERALL', 1]) } }).thenRefuses({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_EXPERT_NOT_ACTIVE' });
    expect(await eventCount()).toBe(before);
  });

  it("refuses another association's admin before validating, and malformed values on their fields, writing nothing", async () => {
    const before = await eventCount();
    await scenario()
      .when({ as: outsider, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: expertIds[0], body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'FORBIDDEN' });
    // Authorised first: the same admin's malformed input is still FORBIDDEN, not a field error.
    await scenario()
      .when({ as: outsider, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: 'not-an-expert', body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'FORBIDDEN' });
    await scenario()
      .when({ as: secretary, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: 'EXP-zhou', body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'BAD_USER_INPUT', fields: ['expertId'] });
    await scenario()
      .when({ as: secretary, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: expertIds[0], scorerId: 'expert-zhou', employerCode: FIRM_A, body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'BAD_USER_INPUT', fields: ['scorerId', 'employerCode'] });
    await scenario()
      .when({ as: secretary, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'BAD_USER_INPUT', fields: ['scorerId'] });
    // A well-formed id the pool does not hold.
    await scenario()
      .when({ as: secretary, query: ASSIGN, variables: { input: { associationId: ASSOC, cycleId: CYCLE, expertId: 'EXP0000000000000000', body: 'ASSOCIATION' } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'CREDIT_SCORER_EXPERT_NOT_IN_POOL' });
    expect(await eventCount()).toBe(before);
  });
});
