/*
 * A 三诚 evaluation of a person under PIPL, over GraphQL as `npm start` runs it: the person is a credit subject by the
 * register id of the persons register only (an identity-card number is refused on its field and never echoed, in
 * filing, conduct records, look-ups and bulk runs), the objector of the public notice is sealed in the event and the
 * read model and opened for those who may see it, and a conduct record whose disclosure period has ended is shown
 * to the auditor alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '#platform';
import type { GraphQLClient, GraphQLErrorShape } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'hubei-sz-persons';
const OTHER = 'wuhan-cia-persons';
const CYCLE = 'pm-2022';
const ID_CARD = '420106198001010015';
const UNREGISTERED = 'PSN0000000000000000';
const OBJECTOR = '李某某';
const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });

const rulebook = {
  associationId: ASSOC,
  rulebookId: 'sancheng-pm',
  title: '湖北省市政工程协会诚信项目经理评价办法',
  referenceNumber: '鄂市政协〔2022〕2号',
  effectiveFrom: '2022-01-01',
  subjectKind: 'PERSON',
  indicators: [{ code: 'PERFORMANCE', name: '履约表现', category: '协会评价', maxPoints: 100, body: 'ASSOCIATION', evidenceRequired: false }],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 3,
  noticeDays: 5,
  vetoRules: [],
  dynamicRules: [{ conductCode: 'WAGE_ARREARS', action: 'SUSPEND' }],
};

type Errors = { errors?: GraphQLErrorShape[] };
const extensionsOf = (result: Errors) => result.errors?.[0]?.extensions ?? {};
const fieldsOf = (result: Errors) => (extensionsOf(result).fieldErrors ?? []).map((e) => e.field);

const FILE = `mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { application { subjectId subjectKind status } } }`;
const RECORD = `mutation ($input: RecordCreditConductInput!) { recordCreditConduct(input: $input) { conductRecord { recordId disclosureUntil } changedRatings { ratingStatus } } }`;
const LOOKUP = `query ($ids: [String!]!) { creditRatingsAsOf(subjectIds: $ids) { subjectId code outcome enterpriseName inForce ratings { grade status } } }`;
const CONDUCT = `query ($subjectId: String!) { creditConductRecords(subjectId: $subjectId) { associationId recordId disclosureUntil } }`;
const HISTORY = `query ($subjectId: String!) { creditHistory(subjectId: $subjectId) { streamId type data } }`;

describe('a person rated in a 三诚 evaluation', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let other: GraphQLClient;
  let auditor: GraphQLClient;
  let tender: GraphQLClient;
  let expert: GraphQLClient;
  let personId: string;

  /** Every event stored, as text: what must never hold the number. */
  const stored = async () => JSON.stringify((await service.pool.query(`SELECT stream_id, data FROM es_events ORDER BY global_position`)).rows);
  const eventCount = async () => Number((await service.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events`)).rows[0]!.n);
  const record = (client: GraphQLClient, input: Record<string, unknown>) =>
    client.request<{ recordCreditConduct: { conductRecord: { recordId: string; disclosureUntil: string } | null; changedRatings: { ratingStatus: string }[] } }>(RECORD, {
      input: {
        associationId: ASSOC, subjectId: personId, recordId: 'r-1', code: 'WAGE_ARREARS', kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2022-06-01',
        sourceAuthority: '武汉市人力资源和社会保障局', disclosureMonths: 6, evidenceReference: '武人社罚〔2022〕3号', description: '拖欠农民工工资',
        ...input,
      },
    });

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    other = service.client('ADMIN', { associationId: OTHER, userId: 'wuhan-sec-zhou' });
    auditor = service.client('AUDITOR', { userId: 'audit-office-sun' });
    tender = service.client('TENDER');
    expert = service.client('EXPERT', { userId: 'expert-zhao' });
    const registered = await admin.ok<{ registerPerson: { person: { personId: string } } }>(
      `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`,
      { input: { associationId: ASSOC, name: '张建国', identityCardNumber: ID_CARD, phone: '13871234567', address: '武汉市江岸区沿江大道188号' } },
    );
    personId = registered.registerPerson.person.personId;
    await admin.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: rulebook });
    await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, title: '2022年度诚信项目经理评价', rulebookId: 'sancheng-pm', rulebookVersion: 1, assessmentFrom: '2021-01-01',
        assessmentTo: '2021-12-31', filingFrom: '2022-05-01', filingTo: '2022-05-31', eligibility: 'ALL',
      },
    });
    await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, {
      input: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'expert-zhao', body: 'ASSOCIATION' },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('files the application by register id only: an identity-card number is refused on its field, unechoed, and writes nothing', async () => {
    expect(personId).toMatch(/^PSN[0-9A-HJKMNP-TV-Z]{16}$/);
    const before = await eventCount();
    for (const subjectId of [ID_CARD, ID_CARD.toLowerCase()]) {
      const refused = await admin.request(FILE, { input: { ...key(subjectId), selfAssessment: [] } });
      expect(extensionsOf(refused).code).toBe('BAD_USER_INPUT');
      expect(fieldsOf(refused)).toEqual(['subjectId']);
      expect(JSON.stringify(refused.errors)).toMatch(/registerPerson/);
      expect(JSON.stringify(refused)).not.toContain(ID_CARD.slice(0, 17));
    }
    // A credit code is no person's id; a register id nobody holds names nobody.
    const firm = await admin.request(FILE, { input: { ...key('91420100177678329F'), selfAssessment: [] } });
    expect(fieldsOf(firm)).toEqual(['subjectId']);
    expect(extensionsOf(await admin.request(FILE, { input: { ...key(UNREGISTERED), selfAssessment: [] } }))).toMatchObject({
      code: 'RULE_VIOLATION',
      rule: 'CREDIT_SUBJECT_NOT_REGISTERED',
    });
    // The bulk run refuses the whole list on the item, before any item is filed.
    const bulk = await admin.request(`mutation ($input: FileCreditApplicationsInput!) { fileCreditApplications(input: $input) { written } }`, {
      input: { associationId: ASSOC, cycleId: CYCLE, applications: [{ subjectId: personId, selfAssessment: [] }, { subjectId: ID_CARD, selfAssessment: [] }] },
    });
    expect(fieldsOf(bulk)).toEqual(['applications.1.subjectId']);
    expect(JSON.stringify(bulk)).not.toContain(ID_CARD.slice(0, 17));
    expect(await eventCount()).toBe(before);

    const filed = await admin.ok<{ fileCreditApplication: { application: unknown } }>(FILE, { input: { ...key(personId), selfAssessment: [] } });
    expect(filed.fileCreditApplication.application).toEqual({ subjectId: personId, subjectKind: 'PERSON', status: 'UNDER_REVIEW' });
  });

  it('seals the objector of the notice in the event and the read model, and opens it for the admin and the auditor', async () => {
    await expert.ok(`mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { revision } }`, {
      input: { ...key(personId), scores: [{ code: 'PERFORMANCE', points: 93 }] },
    });
    await admin.ok(`mutation ($input: CreditApplicationRefInput!) { completeCreditReview(input: $input) { revision } }`, { input: key(personId) });
    await admin.ok(`mutation ($input: StartCreditNoticeInput!) { startCreditNotice(input: $input) { revision } }`, { input: { ...key(personId), startsOn: '2022-05-10' } });
    clock.set('2022-05-11T02:00:00.000Z');
    const objection = { ...key(personId), objectionId: 'obj-1', objector: OBJECTOR, grounds: '项目现场安全管理记录与实际不符', commandId: 'b6f0e1d2-3c4a-4b5e-8f60-718293a4b5c6' };
    const fileObjection = (input: Record<string, unknown>) =>
      admin.request<{ fileCreditObjection: { duplicate: boolean } }>(`mutation ($input: FileCreditObjectionInput!) { fileCreditObjection(input: $input) { duplicate } }`, { input });
    expect((await fileObjection(objection)).data?.fileCreditObjection.duplicate).toBe(false);
    // A re-send is recognised by the keyed digest of the name in the command hash; another name under the same id is not the same command.
    expect((await fileObjection(objection)).data?.fileCreditObjection.duplicate).toBe(true);
    expect(extensionsOf(await fileObjection({ ...objection, objector: '王某某' })).code).toBe('CONFLICT');
    const objections = `{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${personId}") { objections } }`;
    const { commandId: _commandId, ...filed } = objection;
    type Objections = { creditApplication: { objections: { objectionId: string; objector: unknown; grounds: string }[] } };
    for (const reader of [admin, auditor]) {
      expect((await reader.ok<Objections>(objections)).creditApplication.objections).toEqual([
        expect.objectContaining({ objectionId: 'obj-1', objector: OBJECTOR, grounds: filed.grounds }),
      ]);
    }
    expect(extensionsOf(await other.request(objections)).code).toBe('FORBIDDEN');

    await service.settled();
    const row = (await service.pool.query<{ objections: Record<string, { objector: unknown }> }>(`SELECT objections FROM credit_application WHERE subject_id = $1`, [personId])).rows[0]!;
    expect(row.objections['obj-1']!.objector).toMatchObject({ sealed: 'aes-256-gcm/1', owner: `objector:${ASSOC}:${CYCLE}:${personId}:obj-1` });
    expect(JSON.stringify(row)).not.toContain(OBJECTOR);
    expect(await stored()).not.toContain(OBJECTOR);

    await admin.ok(`mutation ($input: ResolveCreditObjectionInput!) { resolveCreditObjection(input: $input) { revision } }`, {
      input: { ...key(personId), objectionId: 'obj-1', outcome: 'DISMISSED', reasons: '经核实记录属实' },
    });
    clock.set('2022-05-15T02:00:00.000Z');
    await admin.ok(`mutation ($input: IssueCreditRatingInput!) { issueCreditRating(input: $input) { revision } }`, {
      input: { ...key(personId), certificateNumber: 'HBSZ-PM-2022-001', validFrom: '2022-05-16' },
    });
  });

  it('answers a look-up by register id, without the person’s name, and refuses an identity-card number in the list', async () => {
    clock.set('2022-05-20T02:00:00.000Z');
    const answers = await tender.ok<{ creditRatingsAsOf: unknown[] }>(LOOKUP, { ids: [personId, UNREGISTERED] });
    expect(answers.creditRatingsAsOf).toEqual([
      { subjectId: personId, code: personId, outcome: 'RATED', enterpriseName: null, inForce: true, ratings: [{ grade: 'AAA', status: 'ACTIVE' }] },
      { subjectId: UNREGISTERED, code: UNREGISTERED, outcome: 'NOT_REGISTERED', enterpriseName: null, inForce: false, ratings: [] },
    ]);
    const refused = await tender.request(LOOKUP, { ids: [personId, ID_CARD] });
    expect(fieldsOf(refused)).toEqual(['subjectIds.1']);
    expect(JSON.stringify(refused)).not.toContain(ID_CARD.slice(0, 17));
    for (const query of [CONDUCT, HISTORY]) {
      const byNumber = await auditor.request(query, { subjectId: ID_CARD });
      expect(fieldsOf(byNumber)).toEqual(['subjectId']);
      expect(JSON.stringify(byNumber)).not.toContain(ID_CARD.slice(0, 17));
    }
  });

  it('refuses to rate, or record conduct of, a person erased from the persons register', async () => {
    const second = service.client('ADMIN', { associationId: ASSOC, userId: 'vice-sec-li' });
    const registered = await admin.ok<{ registerPerson: { person: { personId: string } } }>(
      `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`,
      { input: { associationId: ASSOC, name: '刘某', identityCardNumber: '11010519491231002X' } },
    );
    const erased = registered.registerPerson.person.personId;
    await admin.ok(`mutation ($input: RequestPersonErasureInput!) { requestPersonErasure(input: $input) { person { personId } } }`, {
      input: {
        associationId: ASSOC, personId: erased, requestId: 'erasure-2022-001', legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT',
        decision: { body: 'SECRETARIAT', reference: '鄂市政协〔2022〕21号', decidedOn: '2022-05-31' },
      },
    });
    await second.ok(`mutation ($input: ApprovePersonErasureInput!) { approvePersonErasure(input: $input) { person { personId } } }`, {
      input: { associationId: ASSOC, personId: erased, requestId: 'erasure-2022-001' },
    });
    clock.set('2022-05-31T02:00:00.000Z');
    expect(extensionsOf(await admin.request(FILE, { input: { ...key(erased), selfAssessment: [] } }))).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SUBJECT_ERASED' });
    clock.set('2022-06-02T02:00:00.000Z');
    expect(extensionsOf(await record(admin, { subjectId: erased, recordId: 'r-erased' }))).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SUBJECT_ERASED' });
  });

  it('records conduct of a registered person only, never under an identity-card number', async () => {
    clock.set('2022-06-02T02:00:00.000Z');
    const byNumber = await record(admin, { subjectId: ID_CARD });
    expect(fieldsOf(byNumber)).toEqual(['subjectId']);
    expect(JSON.stringify(byNumber)).not.toContain(ID_CARD.slice(0, 17));
    expect(extensionsOf(await record(admin, { subjectId: UNREGISTERED }))).toMatchObject({ code: 'RULE_VIOLATION', rule: 'CREDIT_SUBJECT_NOT_REGISTERED' });
    const recorded = await record(admin, {});
    expect(recorded.data?.recordCreditConduct).toEqual({ conductRecord: { recordId: 'r-1', disclosureUntil: '2022-12-01' }, changedRatings: [{ ratingStatus: 'SUSPENDED' }] });
    // Another association's own record, and a record disclosed for the full three years.
    expect((await record(other, { associationId: OTHER, recordId: 'w-1', code: 'LATE_FILING', occurredOn: '2022-06-01' })).errors).toBeUndefined();
    expect((await record(admin, { recordId: 'r-2', code: 'LATE_FILING', disclosureMonths: 36 })).errors).toBeUndefined();
    expect(await stored()).not.toContain(ID_CARD.slice(0, 17));
  });

  it('shows a record whose disclosure period has ended to the auditor alone: not to tender systems, nor to the admins who recorded it', async () => {
    type Records = { creditConductRecords: { associationId: string; recordId: string }[] };
    type History = { creditHistory: { streamId: string; type: string; data: { recordId?: string } }[] };
    const records = async (client: GraphQLClient) => (await client.ok<Records>(CONDUCT, { subjectId: personId })).creditConductRecords.map((r) => `${r.associationId}/${r.recordId}`);
    const conductSteps = async (client: GraphQLClient) =>
      (await client.ok<History>(HISTORY, { subjectId: personId })).creditHistory.filter((s) => s.type.startsWith('CreditConduct')).map((s) => s.data.recordId);
    const suspension = async (client: GraphQLClient) =>
      (await client.ok<History>(HISTORY, { subjectId: personId })).creditHistory.filter((s) => s.type === 'CreditRatingSuspended').map((s) => s.data.recordId);

    // On the last day of its disclosure it is shown.
    clock.set('2022-12-01T02:00:00.000Z');
    expect(await records(tender)).toEqual([`${ASSOC}/r-1`, `${ASSOC}/r-2`, `${OTHER}/w-1`]);
    expect(await records(admin)).toEqual([`${ASSOC}/r-1`, `${ASSOC}/r-2`]);
    expect(await conductSteps(admin)).toEqual(['r-1', 'r-2']);

    // The next day in China (02:00 UTC is 10:00 in Beijing).
    clock.set('2022-12-02T02:00:00.000Z');
    expect(await records(tender)).toEqual([`${ASSOC}/r-2`]);
    expect(await records(admin)).toEqual([`${ASSOC}/r-2`]);
    expect(await records(other)).toEqual([]);
    expect(await conductSteps(admin)).toEqual(['r-2']);
    expect(await conductSteps(other)).toEqual([]);
    // The rating's suspension that names the record is the rating's history, and stays.
    expect(await suspension(admin)).toEqual(['r-1']);

    expect(await records(auditor)).toEqual([`${ASSOC}/r-1`, `${ASSOC}/r-2`, `${OTHER}/w-1`]);
    expect(await conductSteps(auditor)).toEqual(['r-1', 'w-1', 'r-2']);
  });
});
