// A person's own access (PIPL Art. 45) over real HTTP: a project manager registered in the persons register, filed
// for a 三诚 evaluation and objected to during the notice; the auditor's export holds their name and identity-card
// number in plain and every event with its recorded hash; every other role is refused; after an erasure (requested
// by one admin, approved by another) the export shows them erased with the same events and hashes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { personStreamId } from '#domain/persons';
import { ERASED } from '#domain/shared';
import { FixedClock } from '#platform';
import type { GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'hubei-mea';
const CYCLE = 'sancheng-pm-2022';
const PERSON = { name: '张建国', identityCardNumber: '420106198001010015', phone: '13871234567', address: '武汉市江岸区沿江大道188号' };
const OTHER = 'yueyang-ucca';
const OBJECTOR = '刘德明';
const decision = { body: 'SECRETARIAT', reference: '鄂市政协〔2022〕21号', decidedOn: '2022-06-20' };

const EXPORT = `query ($personId: ID!) {
  personalDataExport(personId: $personId) {
    personId status associationId generatedAt
    details { name identityCardNumber phone address erased }
    streams { streamId events { eventId type revision position recordedAt hash previousHash actor { userId role associationId } commandId data } }
    sources { readModel query current streamIds }
  }
}`;

interface ExportedEvent {
  eventId: string;
  type: string;
  revision: number;
  hash: string;
  previousHash: string;
  actor: { userId: string | null; role: string; associationId: string | null };
  commandId: string;
  data: Record<string, unknown>;
}
interface Export {
  personalDataExport: {
    personId: string;
    status: string;
    associationId: string;
    generatedAt: string;
    details: { name: string | null; identityCardNumber: string | null; phone: string | null; address: string | null; erased: boolean };
    streams: { streamId: string; events: ExportedEvent[] }[];
    sources: { readModel: string | null; query: string; current: boolean; streamIds: string[] }[];
  };
}

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
  dynamicRules: [],
};

const cycle = {
  associationId: ASSOC,
  cycleId: CYCLE,
  title: '2022年度诚信项目经理评价',
  rulebookId: 'sancheng-pm',
  rulebookVersion: 1,
  assessmentFrom: '2020-01-01',
  assessmentTo: '2021-12-31',
  filingFrom: '2022-05-01',
  filingTo: '2022-05-15',
  eligibility: 'ALL',
};

describe("a person's own access: personalDataExport", () => {
  let service: TestService;
  let clock: FixedClock;
  let admin: GraphQLClient;
  let secondAdmin: GraphQLClient;
  let auditor: GraphQLClient;
  let personId: string;
  let before: Export;

  beforeAll(async () => {
    clock = new FixedClock('2022-05-03T02:00:00.000Z');
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    secondAdmin = service.client('ADMIN', { associationId: ASSOC, userId: 'vice-sec-li' });
    auditor = service.client('AUDITOR', { userId: 'audit-office-sun' });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** Every caller but the auditor: admins of the person's association and of another, a tender system, a member, an expert. */
  const others = () => [
    admin,
    service.client('ADMIN', { associationId: 'wuhan-cia' }),
    service.client('TENDER'),
    service.client('MEMBER', { associationId: ASSOC, enterpriseCode: '91420100177678329F' }),
    service.client('EXPERT', { userId: 'expert-zhao' }),
  ];

  it('refuses every role but the auditor before looking at the id, and anonymous callers', async () => {
    for (const caller of others()) {
      for (const id of ['PSN0000000000000000', PERSON.identityCardNumber]) {
        const answer = await caller.request(EXPORT, { personId: id });
        expect([answer.data, answer.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['FORBIDDEN']]);
      }
    }
    const anonymous = await auditor.as(undefined).request(EXPORT, { personId: 'PSN0000000000000000' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a malformed register id with a field error that does not repeat it, and one the register does not hold with NOT_FOUND', async () => {
    for (const malformed of [PERSON.identityCardNumber, 'psn0000000000000001', 'PSN00000000000000000', 'PSN000000000000000I']) {
      const answer = await auditor.request(EXPORT, { personId: malformed });
      expect(answer.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', fieldErrors: [expect.objectContaining({ field: 'personId' })] })]);
      expect(JSON.stringify(answer)).not.toContain(malformed);
    }
    const unknown = await auditor.request(EXPORT, { personId: 'PSN0000000000000000' });
    expect([unknown.data, unknown.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['NOT_FOUND']]);
  });

  describe('of a registered person, evaluated and objected to, then erased', () => {
    beforeAll(async () => {
      const expert = service.client('EXPERT', { userId: 'expert-zhao' });

      const registered = await admin.ok<{ registerPerson: { person: { personId: string } } }>(
        `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`,
        { input: { associationId: ASSOC, ...PERSON } },
      );
      personId = registered.registerPerson.person.personId;

      const key = { associationId: ASSOC, cycleId: CYCLE, subjectId: personId };
      await admin.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: rulebook });
      await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, { input: cycle });
      await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, {
        input: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'expert-zhao', body: 'ASSOCIATION' },
      });
      await admin.ok(`mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { duplicate } }`, { input: { ...key, selfAssessment: [] } });
      // Another association evaluates the same person (a register id is national).
      const other = service.client('ADMIN', { associationId: OTHER, userId: 'yy-sec-zhou' });
      await other.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: { ...rulebook, associationId: OTHER } });
      await other.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, { input: { ...cycle, associationId: OTHER } });
      await other.ok(`mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { duplicate } }`, {
        input: { ...key, associationId: OTHER, selfAssessment: [] },
      });
      await expert.ok(`mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { duplicate } }`, {
        input: { ...key, scores: [{ code: 'PERFORMANCE', points: 92 }] },
      });
      clock.set('2022-05-20T02:00:00.000Z');
      await admin.ok(`mutation { completeCreditReviews(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}" }) { written } }`);
      await admin.ok(`mutation { startCreditNotices(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}", startsOn: "2022-05-21" }) { written } }`);
      clock.set('2022-05-22T02:00:00.000Z');
      await admin.ok(`mutation ($input: FileCreditObjectionInput!) { fileCreditObjection(input: $input) { duplicate } }`, {
        input: { ...key, objectionId: 'obj-1', objector: OBJECTOR, grounds: '反映项目现场安全管理记录与实际不符' },
      });
      clock.set('2022-07-01T02:00:00.000Z');
      before = await auditor.ok<Export>(EXPORT, { personId });
    }, 180_000);

    /** Every event of the streams as the store recorded them, in the export's order. */
    async function recorded(streamIds: readonly string[]): Promise<[string, number, string, string][]> {
      const streams = await Promise.all(streamIds.map((id) => service.service.runtime.store.readStream(id)));
      return streams.flat().map((e): [string, number, string, string] => [e.streamId, e.revision, e.metadata.hash, e.metadata.prevHash]);
    }
    const hashes = (e: Export) => e.personalDataExport.streams.flatMap((s) => s.events.map((ev): [string, number, string, string] => [s.streamId, ev.revision, ev.hash, ev.previousHash]));

    it("gives the auditor the person's details in plain and every event of every stream naming them, with the recorded hash", async () => {
      const exported = before.personalDataExport;
      expect(exported).toMatchObject({ personId, status: 'REGISTERED', associationId: ASSOC, generatedAt: '2022-07-01T02:00:00.000Z' });
      expect(exported.details).toEqual({ ...PERSON, erased: false });
      const streamIds = exported.streams.map((s) => s.streamId);
      expect(streamIds[0]).toBe(personStreamId(personId));
      expect(streamIds[1]).toMatch(/^personIdentity-[0-9a-f]{64}$/);
      expect(streamIds).toEqual(expect.arrayContaining([`creditApplication-${ASSOC}:${CYCLE}:${personId}`, `creditApplication-${OTHER}:${CYCLE}:${personId}`]));
      expect(hashes(before)).toEqual(await recorded(streamIds));
      const [registered] = exported.streams[0]!.events;
      expect(registered).toMatchObject({ type: 'PersonRegistered', revision: 0, actor: { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC } });
      expect(registered!.data).toMatchObject({ personId, name: PERSON.name, identityCardNumber: PERSON.identityCardNumber });
      const application = exported.streams.find((s) => s.streamId === `creditApplication-${ASSOC}:${CYCLE}:${personId}`)!;
      expect(application.events.map((e) => e.type)).toEqual(expect.arrayContaining(['CreditApplicationFiled', 'CreditObjectionFiled']));
      expect(application.events.find((e) => e.type === 'CreditObjectionFiled')!.data).toMatchObject({ objector: OBJECTOR });
      expect(JSON.stringify(exported)).not.toContain('"sealed"');
      expect(exported.sources.map((s) => [s.readModel, s.current])).toEqual([
        [null, true],
        ['audit-trail', true],
      ]);
    });

    it("refuses every other role this person's export", async () => {
      for (const caller of others()) {
        const answer = await caller.request(EXPORT, { personId });
        expect([answer.data, answer.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['FORBIDDEN']]);
        expect(JSON.stringify(answer)).not.toContain(PERSON.name);
      }
    });

    it('after an erasure shows the details erased and their sealed fields as erased, with the same events and hashes', async () => {
      await admin.ok(`mutation ($input: RequestPersonErasureInput!) { requestPersonErasure(input: $input) { person { personId } } }`, {
        input: { associationId: ASSOC, personId, requestId: 'erasure-2022-007', legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision },
      });
      await secondAdmin.ok(`mutation ($input: ApprovePersonErasureInput!) { approvePersonErasure(input: $input) { person { personId } } }`, {
        input: { associationId: ASSOC, personId, requestId: 'erasure-2022-007' },
      });
      const after = (await auditor.ok<Export>(EXPORT, { personId })).personalDataExport;
      expect(after.status).toBe('ERASED');
      expect(after.details).toEqual({ name: null, identityCardNumber: null, phone: null, address: null, erased: true });
      // Every event exported before, with the same hash and link; besides them only the erasure's own.
      const afterHashes = hashes({ personalDataExport: after });
      expect(afterHashes).toEqual(expect.arrayContaining(hashes(before)));
      const added = after.streams.flatMap((st) => st.events.filter((e) => !hashes(before).some(([, , hash]) => hash === e.hash)).map((e) => e.type));
      expect(added.sort()).toEqual(['PersonErased', 'PersonErasureRequested', 'PersonIdentityReleased']);
      expect(after.streams[0]!.events.map((e) => e.type)).toEqual(['PersonRegistered', 'PersonErasureRequested', 'PersonErased']);
      expect(after.streams[0]!.events[0]!.data).toMatchObject({ personId, name: ERASED, identityCardNumber: ERASED, phone: ERASED, address: ERASED });
      expect(JSON.stringify(after)).not.toContain(PERSON.name);
      expect(JSON.stringify(after)).not.toContain(PERSON.identityCardNumber);
      expect(hashes({ personalDataExport: after })).toEqual(await recorded(after.streams.map((s) => s.streamId)));
    });
  });
});
