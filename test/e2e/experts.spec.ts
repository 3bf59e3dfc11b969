// The expert pool over real HTTP, as a secretariat and the awards context use it: persons of the register enrolled as
// experts with an employer of the register, a conflict declared and withdrawn, a suspension, the history recorded by
// the drawing context through the CommandBus (a suspended expert refused, a re-sent entry recorded once) and read back
// in order, the pool snapshot a draw replays, an expert reading only their own record, another association's token
// refused and malformed values refused on their fields, with nothing written by any refusal.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { RecordExpertHistoryCommand } from '#application';
import { EXPERT_ID, type RecordExpertAssignment } from '#domain/experts';
import { type Actor, RuleViolation, withCheckCharacter } from '#domain/shared';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';
const OTHER = 'yueyang-ucca';
const EMPLOYER = withCheckCharacter('91420100MA4K2JQ51');
const REVIEWED = withCheckCharacter('91420100177678330');
const UNREGISTERED = withCheckCharacter('91420100177678999');
const PERSONS = [
  { name: '张建华', identityCardNumber: '420106198503121233', phone: '13871234567', address: null },
  { name: '李明远', identityCardNumber: '420111199007152343', phone: null, address: null },
];
const ENTRY = { kind: 'AWARD_ENTRY', id: 'chutian-2026:E-0007' } as const;
/** The drawing context's actor: the secretariat's admin, through its own use case. */
const AWARDS_ACTOR: Actor = { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC };

const EXPERT_FIELDS = 'expertId associationId personId status specialties employerCode title userId statusReason person { name } conflicts { conflictId enterpriseCode reason from to withdrawnOn }';
const ENROL = `mutation ($input: EnrolExpertInput!) { enrolExpert(input: $input) { expertId duplicate expert { ${EXPERT_FIELDS} } } }`;
const EXPERT = `query ($a: String!, $e: ID!) { expert(associationId: $a, expertId: $e) { ${EXPERT_FIELDS} } }`;
const HISTORY = `query ($a: String!, $e: ID!) { expertHistory(associationId: $a, expertId: $e) { revision kind referenceKind referenceId round sourceEventId criterion points reason recordedBy } }`;
const POOL = `query ($a: String!, $d: String!, $s: ExpertSpecialty) { expertPool(associationId: $a, onDate: $d, specialty: $s) { expertId personId status specialties employerCode conflicts { enterpriseCode reason from to } } }`;
const EXPERTS = `query ($a: String!, $s: ExpertSpecialty) { experts(associationId: $a, specialty: $s) { totalCount edges { node { expertId status } } } }`;
const DECLARE = `mutation ($input: DeclareExpertConflictInput!) { declareExpertConflict(input: $input) { expert { conflicts { conflictId withdrawnOn } } } }`;
const WITHDRAW = `mutation ($input: WithdrawExpertConflictInput!) { withdrawExpertConflict(input: $input) { expert { conflicts { conflictId withdrawnOn } } } }`;
const SUSPEND = `mutation ($input: ExpertStatusChangeInput!) { suspendExpert(input: $input) { expert { status statusReason } } }`;

describe('the expert pool over the API', () => {
  let service: TestService;
  let secretary: GraphQLClient;
  let outsider: GraphQLClient;
  let auditor: GraphQLClient;
  let zhang: GraphQLClient;
  let eventCount: () => Promise<number>;
  let record: (command: RecordExpertAssignment | Record<string, unknown>) => Promise<unknown>;
  const personIds: string[] = [];
  const expertIds: string[] = [];

  beforeAll(async () => {
    service = await startTestService();
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    outsider = service.client('ADMIN', { associationId: OTHER, userId: 'yueyang-sec' });
    auditor = service.client('AUDITOR', { userId: 'audit-office' });
    zhang = service.client('EXPERT', { associationId: ASSOC, userId: 'expert-zhang' });
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    const bus = service.service.host.get(CommandBus);
    record = (command) => bus.execute(new RecordExpertHistoryCommand(command as never, AWARDS_ACTOR));
    for (const [associationId, admin] of [[ASSOC, secretary], [OTHER, outsider]] as const) {
      await admin.ok(`mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { revision } }`, {
        input: { associationId, name: `${associationId} 建筑业协会`, regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
      });
    }
    for (const [code, name] of [[EMPLOYER, '中建三局第一建设工程有限责任公司'], [REVIEWED, '武汉市政建设集团有限公司']]) {
      await secretary.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code, name, legalRepresentative: '王强', regionCode: '420106', ownership: 'STATE_OWNED', sizeClass: 'LARGE' },
      });
    }
    for (const person of PERSONS) {
      const { registerPerson } = await secretary.ok<{ registerPerson: { personId: string } }>(`mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId } }`, {
        input: { associationId: ASSOC, ...person },
      });
      personIds.push(registerPerson.personId);
    }
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('enrols persons of the register as experts, by register id, their names from the persons register', async () => {
    const inputs = [
      { associationId: ASSOC, personId: personIds[0], specialties: ['SAFETY', 'BUILDING_CONSTRUCTION'], employerCode: EMPLOYER.toLowerCase(), title: '高级工程师', userId: 'expert-zhang' },
      { associationId: ASSOC, personId: personIds[1], specialties: ['COST'], employerCode: EMPLOYER, title: '正高级工程师' },
    ];
    for (const input of inputs) {
      const { enrolExpert } = await secretary.ok<{ enrolExpert: { expertId: string; expert: Record<string, unknown> } }>(ENROL, { input });
      expect(enrolExpert.expertId).toMatch(EXPERT_ID);
      expertIds.push(enrolExpert.expertId);
    }
    const { expert } = await secretary.ok<{ expert: Record<string, unknown> }>(EXPERT, { a: ASSOC, e: expertIds[0] });
    expect(expert).toEqual({
      expertId: expertIds[0], associationId: ASSOC, personId: personIds[0], status: 'ACTIVE', specialties: ['BUILDING_CONSTRUCTION', 'SAFETY'], employerCode: EMPLOYER,
      title: '高级工程师', userId: 'expert-zhang', statusReason: null, person: { name: PERSONS[0]!.name }, conflicts: [],
    });
    // The expert's events and rows hold the register id, never the name or the number.
    const stored = JSON.stringify((await service.pool.query(`SELECT stream_id, data FROM es_events WHERE stream_id LIKE 'expert-%'`)).rows) + JSON.stringify((await service.pool.query(`SELECT * FROM expert`)).rows);
    expect(stored).toContain(personIds[0]);
    for (const person of PERSONS) for (const value of [person.name, person.identityCardNumber]) expect(stored).not.toContain(value);
  });

  it('refuses a second enrolment of a person, an unregistered person and an unregistered employer, writing nothing', async () => {
    const before = await eventCount();
    const input = { associationId: ASSOC, personId: personIds[0], specialties: ['COST'], employerCode: EMPLOYER, title: '工程师' };
    await scenario().when({ as: secretary, query: ENROL, variables: { input } }).thenRefuses({ code: 'RULE_VIOLATION', rule: 'EXPERT_ALREADY_ENROLLED' });
    await scenario()
      .when({ as: secretary, query: ENROL, variables: { input: { ...input, personId: 'PSN0000000000000000' } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'EXPERT_PERSON_NOT_REGISTERED' });
    await scenario()
      .when({ as: outsider, query: ENROL, variables: { input: { ...input, associationId: OTHER, employerCode: UNREGISTERED } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'EXPERT_EMPLOYER_NOT_REGISTERED' });
    expect(await eventCount()).toBe(before);
  });

  it('declares and withdraws conflicts; the pool snapshot shows those in force on the date, in expert-id order, the same each time', async () => {
    const on = { associationId: ASSOC, expertId: expertIds[0] };
    await secretary.ok(DECLARE, { input: { ...on, conflictId: 'c-1', enterpriseCode: REVIEWED, reason: '配偶任该公司项目经理', from: '2026-01-01', to: '2026-12-31' } });
    await secretary.ok(DECLARE, { input: { ...on, conflictId: 'c-2', enterpriseCode: EMPLOYER, reason: '本单位', from: '2026-01-01', to: '2026-06-30' } });
    const { withdrawExpertConflict } = await secretary.ok<{ withdrawExpertConflict: { expert: { conflicts: { conflictId: string; withdrawnOn: string | null }[] } } }>(WITHDRAW, {
      input: { ...on, conflictId: 'c-2', reason: '申报有误' },
    });
    expect(withdrawExpertConflict.expert.conflicts).toEqual([
      { conflictId: 'c-1', withdrawnOn: null },
      { conflictId: 'c-2', withdrawnOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    ]);
    const { expertPool } = await secretary.ok<{ expertPool: { expertId: string; conflicts: unknown[] }[] }>(POOL, { a: ASSOC, d: '2026-05-01' });
    expect(expertPool.map((e) => e.expertId)).toEqual([...expertIds].sort());
    expect(expertPool.find((e) => e.expertId === expertIds[0])).toEqual({
      expertId: expertIds[0], personId: personIds[0], status: 'ACTIVE', specialties: ['BUILDING_CONSTRUCTION', 'SAFETY'], employerCode: EMPLOYER,
      conflicts: [{ enterpriseCode: REVIEWED, reason: '配偶任该公司项目经理', from: '2026-01-01', to: '2026-12-31' }],
    });
    expect((await secretary.ok<{ expertPool: unknown }>(POOL, { a: ASSOC, d: '2026-05-01' })).expertPool).toEqual(expertPool);
    expect((await secretary.ok<{ expertPool: { conflicts: unknown[] }[] }>(POOL, { a: ASSOC, d: '2027-01-01', s: 'SAFETY' })).expertPool).toEqual([
      expect.objectContaining({ expertId: expertIds[0], conflicts: [] }),
    ]);
  });

  it('suspends an expert, who then cannot be assigned; records an active one’s assignment, score and recusal once each, and answers them in order', async () => {
    await secretary.ok(SUSPEND, { input: { associationId: ASSOC, expertId: expertIds[1], reason: '年度考核不合格' } });
    const assignment = { type: 'RecordExpertAssignment', associationId: ASSOC, reference: ENTRY, round: 1 } as const;
    let before = await eventCount();
    await expect(record({ ...assignment, expertId: expertIds[1], sourceEventId: 'awardPanel-chutian-2026@1' })).rejects.toMatchObject({ rule: 'EXPERT_SUSPENDED' });
    await expect(record({ ...assignment, expertId: expertIds[1], sourceEventId: 'awardPanel-chutian-2026@1' })).rejects.toBeInstanceOf(RuleViolation);
    expect(await eventCount()).toBe(before);

    await record({ ...assignment, expertId: expertIds[0], sourceEventId: 'awardPanel-chutian-2026@1' });
    await record({ type: 'RecordExpertScore', associationId: ASSOC, expertId: expertIds[0], reference: ENTRY, round: 1, sourceEventId: 'awardEntry-E-0007@4', criterion: 'QUALITY', points: '87.50' });
    await record({ ...assignment, round: 2, expertId: expertIds[0], sourceEventId: 'awardPanel-chutian-2026@5' });
    await record({ type: 'RecordExpertRecusal', associationId: ASSOC, expertId: expertIds[0], reference: ENTRY, round: 2, sourceEventId: 'awardPanel-chutian-2026@6', reason: '曾参与该项目复核' });
    // The drawing context re-sends after a failure: nothing is recorded twice.
    before = await eventCount();
    await record({ ...assignment, expertId: expertIds[0], sourceEventId: 'awardPanel-chutian-2026@1' });
    expect(await eventCount()).toBe(before);

    const { expertHistory } = await auditor.ok<{ expertHistory: Record<string, unknown>[] }>(HISTORY, { a: ASSOC, e: expertIds[0] });
    expect(expertHistory.map((h) => [h.kind, h.round, h.sourceEventId, h.criterion, h.points, h.reason, h.recordedBy])).toEqual([
      ['ASSIGNED', 1, 'awardPanel-chutian-2026@1', null, null, null, 'sec-wang'],
      ['SCORED', 1, 'awardEntry-E-0007@4', 'QUALITY', '87.5', null, 'sec-wang'],
      ['ASSIGNED', 2, 'awardPanel-chutian-2026@5', null, null, null, 'sec-wang'],
      ['RECUSED', 2, 'awardPanel-chutian-2026@6', null, null, '曾参与该项目复核', 'sec-wang'],
    ]);
    expect(expertHistory.map((h) => h.revision)).toEqual([...expertHistory.map((h) => h.revision as number)].sort((a, b) => a - b));
    const { experts } = await secretary.ok<{ experts: { totalCount: number; edges: { node: { expertId: string; status: string } }[] } }>(EXPERTS, { a: ASSOC });
    expect(experts.edges.map((e) => e.node)).toEqual(expertIds.map((expertId, i) => ({ expertId, status: i === 0 ? 'ACTIVE' : 'SUSPENDED' })).sort((x, y) => (x.expertId < y.expertId ? -1 : 1)));
  });

  it('lets an expert read their own record and history (the staff fields withheld), and nobody else’s', async () => {
    const own = await zhang.ok<{ expert: Record<string, unknown> }>(EXPERT, { a: ASSOC, e: expertIds[0] });
    expect(own.expert).toMatchObject({ expertId: expertIds[0], status: 'ACTIVE', specialties: null, title: null, employerCode: null, person: { name: null } });
    expect((await zhang.ok<{ expertHistory: unknown[] }>(HISTORY, { a: ASSOC, e: expertIds[0] })).expertHistory).toHaveLength(4);
    await scenario().when({ as: zhang, query: EXPERT, variables: { a: ASSOC, e: expertIds[1] } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: zhang, query: HISTORY, variables: { a: ASSOC, e: 'EXP0000000000000000' } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: zhang, query: EXPERTS, variables: { a: ASSOC } }).thenRefuses({ code: 'FORBIDDEN' });
    // The same user id on another association's expert token is not this expert.
    const namesake = service.client('EXPERT', { associationId: OTHER, userId: 'expert-zhang' });
    await scenario().when({ as: namesake, query: EXPERT, variables: { a: ASSOC, e: expertIds[0] } }).thenRefuses({ code: 'FORBIDDEN' });
    // Authorised before validated: a malformed expert id from an expert is FORBIDDEN too, not a field error.
    await scenario().when({ as: zhang, query: EXPERT, variables: { a: ASSOC, e: 'not an expert id' } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: zhang, query: HISTORY, variables: { a: ASSOC, e: 'x'.repeat(500) } }).thenRefuses({ code: 'FORBIDDEN' });
  });

  it('refuses another association’s token on every read and write of the pool, writing nothing', async () => {
    const before = await eventCount();
    await scenario().when({ as: outsider, query: EXPERTS, variables: { a: ASSOC } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: outsider, query: EXPERT, variables: { a: ASSOC, e: expertIds[0] } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: outsider, query: HISTORY, variables: { a: ASSOC, e: expertIds[0] } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: outsider, query: POOL, variables: { a: ASSOC, d: '2026-05-01' } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: outsider, query: SUSPEND, variables: { input: { associationId: ASSOC, expertId: expertIds[0], reason: '越权' } } }).thenRefuses({ code: 'FORBIDDEN' });
    // Asking about its own association names nothing of another's pool.
    expect((await outsider.ok<{ expert: unknown }>(EXPERT, { a: OTHER, e: expertIds[0] })).expert).toBeNull();
    expect(await eventCount()).toBe(before);
  });

  it('refuses malformed values on their fields, all at once, writing nothing', async () => {
    const before = await eventCount();
    const fieldsOf = async (query: string, variables: Record<string, unknown>) => {
      const answer = await secretary.request(query, variables);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return (answer.errors?.[0]?.extensions?.fieldErrors ?? []).map((f: { field: string }) => f.field).sort();
    };
    expect(await fieldsOf(ENROL, { input: { associationId: ASSOC, personId: personIds[1], specialties: [], employerCode: '91420100MA4K2JQ51X', title: ' ' } })).toEqual([
      'employerCode',
      'specialties',
      'title',
    ]);
    expect(await fieldsOf(ENROL, { input: { associationId: ASSOC, personId: '420106198503121233', specialties: ['COST'], employerCode: EMPLOYER, title: '工程师' } })).toEqual(['personId']);
    expect(
      await fieldsOf(DECLARE, { input: { associationId: ASSOC, expertId: expertIds[0], conflictId: 'c 3', enterpriseCode: REVIEWED, reason: '亲属', from: '2026-07-01', to: '2026-06-30' } }),
    ).toEqual(['conflictId', 'to']);
    expect(await fieldsOf(POOL, { a: ASSOC, d: '2026-02-30' })).toEqual(['onDate']);
    expect(await eventCount()).toBe(before);
  });
});
