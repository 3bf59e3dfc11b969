// The persons register over real HTTP, as secretariats and as hostile clients use it: three persons registered with
// real check characters, a duplicate number refused naming the register id that holds it, look-up by number, a
// correction and its re-send, an erasure requested by one admin and approved by another, and after it nothing
// personal left and the number free again; other associations, other roles and malformed numbers refused with
// nothing written and no number or name repeated.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PersonKeyReconciler } from '#application';
import { approvePersonErasureDecider, PERSON_ID, personDecider, personStreamId } from '#domain/persons';
import { CommandHandler } from '#platform';
import { PersonsQueries } from '#projections';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';
const OTHER = 'yueyang-ucca';
// Names, numbers (17 digits and their GB 11643-1999 check character) and contacts as a secretariat types them.
const ZHANG = { name: '张伟', identityCardNumber: '420106198503121233', phone: '13871234567', address: '武汉市武昌区中南路99号' };
const LI = { name: '李娜', identityCardNumber: '420111199007152343', phone: '027-87654321', address: '武汉市洪山区珞喻路1037号' };
const LIU = { name: '刘洋', identityCardNumber: '42010619850312125x', phone: null, address: null };
const MALFORMED = { badChecksum: '420106198503121234', seventeen: '42010619850312123', letters: '4201061985O312123X' };

const PERSON_FIELDS = 'personId status associationId erased registeredOn erasedOn name phone address identityCardNumberMasked pendingErasure { requestId legalBasis requester requestedBy }';
const REGISTER = `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId duplicate person { ${PERSON_FIELDS} } } }`;
const CORRECT = `mutation ($input: CorrectPersonDetailsInput!) { correctPersonDetails(input: $input) { duplicate person { name phone address } } }`;
const REQUEST = `mutation ($input: RequestPersonErasureInput!) { requestPersonErasure(input: $input) { requestId person { pendingErasure { requestId legalBasis requester requestedBy } } } }`;
const APPROVE = `mutation ($input: ApprovePersonErasureInput!) { approvePersonErasure(input: $input) { person { ${PERSON_FIELDS} } } }`;
const PERSON = `query ($personId: ID!) { person(personId: $personId) { ${PERSON_FIELDS} } }`;
const BY_NUMBER = `query ($n: String!) { personByIdentityCardNumber(identityCardNumber: $n) { personId name identityCardNumberMasked } }`;
const DECISION = { body: 'SECRETARIAT', reference: '武建协〔2026〕11号', decidedOn: '2026-02-27' };

type PersonAnswer = Record<string, unknown> & { personId: string };

describe('the persons register over the API', () => {
  let service: TestService;
  let secretary: GraphQLClient;
  let viceSecretary: GraphQLClient;
  let outsider: GraphQLClient;
  let auditor: GraphQLClient;
  let eventCount: () => Promise<number>;
  const ids: string[] = [];

  beforeAll(async () => {
    service = await startTestService();
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    viceSecretary = service.client('ADMIN', { associationId: ASSOC, userId: 'vice-sec-li' });
    outsider = service.client('ADMIN', { associationId: OTHER, userId: 'yueyang-sec' });
    auditor = service.client('AUDITOR', { userId: 'audit-office' });
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    await secretary.ok(`mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { revision } }`, {
      input: { associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('registers three persons under register ids that reveal nothing, their details sealed and shown opened to the secretariat', async () => {
    for (const person of [ZHANG, LI, LIU]) {
      const { registerPerson } = await secretary.ok<{ registerPerson: { personId: string; person: PersonAnswer } }>(REGISTER, { input: { associationId: ASSOC, ...person } });
      expect(registerPerson.personId).toMatch(PERSON_ID);
      expect(registerPerson.person.personId).toBe(registerPerson.personId);
      ids.push(registerPerson.personId);
    }
    const { person } = await secretary.ok<{ person: PersonAnswer }>(PERSON, { personId: ids[0] });
    expect(person).toEqual({
      personId: ids[0], status: 'REGISTERED', associationId: ASSOC, erased: false, registeredOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), erasedOn: null,
      name: ZHANG.name, phone: ZHANG.phone, address: ZHANG.address, identityCardNumberMasked: '4201**********1233', pendingErasure: null,
    });
    // A lower-case x was read as X.
    expect((await secretary.ok<{ person: PersonAnswer }>(PERSON, { personId: ids[2] })).person).toMatchObject({ name: LIU.name, phone: null, identityCardNumberMasked: '4201**********125X' });
    // Nothing in plain at rest: not in the log, not in the read model.
    const stored = JSON.stringify((await service.pool.query(`SELECT data FROM es_events`)).rows) + JSON.stringify((await service.pool.query(`SELECT * FROM person`)).rows);
    for (const person of [ZHANG, LI]) for (const value of [person.name, person.identityCardNumber, person.phone, person.address]) expect(stored).not.toContain(value);
  });

  it('refuses a second registration of a number, naming the register id that holds it and never the number, writing nothing', async () => {
    const before = await eventCount();
    const error = await scenario()
      .when({ as: viceSecretary, query: REGISTER, variables: { input: { associationId: ASSOC, ...ZHANG, name: '张 伟' } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'PERSON_ALREADY_REGISTERED' });
    expect(error.message).toContain(ids[0]);
    expect(JSON.stringify(error)).not.toContain(ZHANG.identityCardNumber.slice(0, 10));
    expect(await eventCount()).toBe(before);
  });

  it('finds a person by identity-card number (as typed, lower-case x too), and answers null for a number nobody holds', async () => {
    const found = (as: GraphQLClient, n: string) => as.ok<{ personByIdentityCardNumber: { personId: string; name: string | null } | null }>(BY_NUMBER, { n });
    expect((await found(secretary, ` ${LI.identityCardNumber} `)).personByIdentityCardNumber).toEqual({ personId: ids[1], name: LI.name, identityCardNumberMasked: '4201**********2343' });
    expect((await found(auditor, LIU.identityCardNumber)).personByIdentityCardNumber?.personId).toBe(ids[2]);
    expect((await found(secretary, '11010519491231002X')).personByIdentityCardNumber).toBeNull();
    // Another association's admin learns what `person` would tell it for that id: the public fields, nothing personal.
    expect((await found(outsider, LI.identityCardNumber)).personByIdentityCardNumber).toEqual({ personId: ids[1], name: null, identityCardNumberMasked: null });
  });

  it('corrects the phone and clears the address; the same command id sent again answers the first outcome and writes nothing', async () => {
    const input = { associationId: ASSOC, personId: ids[0], phone: '0730-8123456', address: null, commandId: '6f1c0c56-5b7e-4c51-9d3c-3a9c0f1e2a10' };
    const first = await secretary.ok<{ correctPersonDetails: { duplicate: boolean; person: Record<string, unknown> } }>(CORRECT, { input });
    expect(first.correctPersonDetails).toEqual({ duplicate: false, person: { name: ZHANG.name, phone: '0730-8123456', address: null } });
    const before = await eventCount();
    const again = await secretary.ok<{ correctPersonDetails: { duplicate: boolean; person: Record<string, unknown> } }>(CORRECT, { input });
    expect(again.correctPersonDetails).toEqual({ ...first.correctPersonDetails, duplicate: true });
    expect(await eventCount()).toBe(before);
  });

  it('answers a registration sent again under its command id with the same register id, writing nothing', async () => {
    const input = { associationId: ASSOC, name: '陈静', identityCardNumber: '430602197811203459', phone: '13907301234', address: null, commandId: '0d7c3f2a-8f4b-4a3e-b1f4-6d1e2c3b4a59' };
    const first = await secretary.ok<{ registerPerson: { personId: string; duplicate: boolean } }>(REGISTER, { input });
    const before = await eventCount();
    const again = await secretary.ok<{ registerPerson: { personId: string; duplicate: boolean } }>(REGISTER, { input });
    expect(again.registerPerson).toMatchObject({ personId: first.registerPerson.personId, duplicate: true });
    expect(await eventCount()).toBe(before);
  });

  it("refuses other associations' admins, other roles and malformed numbers, writing nothing and repeating no number or name", async () => {
    const before = await eventCount();
    const correction = { associationId: ASSOC, personId: ids[0], phone: '13871230000' };
    await scenario().when({ as: outsider, query: CORRECT, variables: { input: correction } }).thenRefuses({ code: 'FORBIDDEN' });
    // With its own association: past the guard, and not related to the person.
    await scenario().when({ as: outsider, query: CORRECT, variables: { input: { ...correction, associationId: OTHER } } }).thenRefuses({ code: 'RULE_VIOLATION', rule: 'PERSON_NOT_RELATED' });
    await scenario()
      .when({ as: outsider, query: REQUEST, variables: { input: { associationId: OTHER, personId: ids[0], legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision: DECISION } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'PERSON_NOT_RELATED' });
    const tender = service.client('TENDER', { userId: 'tender-platform' });
    const member = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: '91420100177678329F', userId: 'firm' });
    const expert = service.client('EXPERT', { userId: 'expert-zhao' });
    for (const as of [tender, member, expert]) {
      await scenario().when({ as, query: REGISTER, variables: { input: { associationId: ASSOC, ...LI } } }).thenRefuses({ code: 'FORBIDDEN' });
      await scenario().when({ as, query: BY_NUMBER, variables: { n: LI.identityCardNumber } }).thenRefuses({ code: 'FORBIDDEN' });
    }
    for (const as of [member, expert]) await scenario().when({ as, query: PERSON, variables: { personId: ids[1] } }).thenRefuses({ code: 'FORBIDDEN' });
    // A tender system sees the public fields only.
    expect((await tender.ok<{ person: PersonAnswer }>(PERSON, { personId: ids[1] })).person).toMatchObject({ status: 'REGISTERED', name: null, phone: null, address: null, identityCardNumberMasked: null });
    for (const n of Object.values(MALFORMED)) {
      const refused = await scenario()
        .when({ as: secretary, query: REGISTER, variables: { input: { associationId: ASSOC, name: '王芳', identityCardNumber: n } } })
        .thenRefuses({ code: 'BAD_USER_INPUT', fields: ['identityCardNumber'] });
      expect(JSON.stringify(refused)).not.toContain(n.slice(0, 12));
      expect(JSON.stringify(refused)).not.toContain('王芳');
      const lookedUp = await scenario().when({ as: secretary, query: BY_NUMBER, variables: { n } }).thenRefuses({ code: 'BAD_USER_INPUT', fields: ['identityCardNumber'] });
      expect(JSON.stringify(lookedUp)).not.toContain(n.slice(0, 12));
    }
    expect(await eventCount()).toBe(before);
  });

  it('erases a person on a request approved by a second admin: nothing personal left, the number free for a new register id', async () => {
    const requested = await secretary.ok<{ requestPersonErasure: { requestId: string; person: { pendingErasure: Record<string, unknown> } } }>(REQUEST, {
      input: { associationId: ASSOC, personId: ids[1], legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision: DECISION },
    });
    const { requestId } = requested.requestPersonErasure;
    expect(requested.requestPersonErasure.person.pendingErasure).toEqual({ requestId, legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', requestedBy: 'sec-wang' });
    const before = await eventCount();
    await scenario()
      .when({ as: secretary, query: APPROVE, variables: { input: { associationId: ASSOC, personId: ids[1], requestId } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'PERSON_ERASURE_SELF_APPROVAL' });
    expect(await eventCount()).toBe(before);

    const approved = await viceSecretary.ok<{ approvePersonErasure: { person: PersonAnswer } }>(APPROVE, { input: { associationId: ASSOC, personId: ids[1], requestId } });
    const erased = { personId: ids[1], status: 'ERASED', erased: true, name: null, phone: null, address: null, identityCardNumberMasked: null, pendingErasure: null };
    expect(approved.approvePersonErasure.person).toMatchObject(erased);
    expect((await auditor.ok<{ person: PersonAnswer }>(PERSON, { personId: ids[1] })).person).toMatchObject({ ...erased, erasedOn: expect.stringMatching(/^\d{4}-/) });
    expect(await service.service.runtime.personalData.isErased(ids[1]!)).toBe(true);
    // The number no longer leads to the erased register id, and registering it again gives a new one.
    expect((await secretary.ok<{ personByIdentityCardNumber: unknown }>(BY_NUMBER, { n: LI.identityCardNumber })).personByIdentityCardNumber).toBeNull();
    const again = await secretary.ok<{ registerPerson: { personId: string } }>(REGISTER, { input: { associationId: ASSOC, ...LI } });
    expect(again.registerPerson.personId).toMatch(PERSON_ID);
    expect(again.registerPerson.personId).not.toBe(ids[1]);
    await scenario()
      .when({ as: secretary, query: CORRECT, variables: { input: { associationId: ASSOC, personId: ids[1], phone: '13800000000' } } })
      .thenRefuses({ code: 'RULE_VIOLATION', rule: 'PERSON_ERASED' });
  });

  it('lists the persons an association registered, for its own admins and the auditor', async () => {
    const LIST = `query ($a: String!) { persons(associationId: $a, first: 10) { totalCount edges { node { personId status name } } } }`;
    const { persons } = await secretary.ok<{ persons: { totalCount: number; edges: { node: { personId: string; status: string; name: string | null } }[] } }>(LIST, { a: ASSOC });
    expect(persons.totalCount).toBe(5);
    expect(persons.edges.slice(0, 3).map((e) => e.node)).toEqual([
      { personId: ids[0], status: 'REGISTERED', name: ZHANG.name },
      { personId: ids[1], status: 'ERASED', name: null },
      { personId: ids[2], status: 'REGISTERED', name: LIU.name },
    ]);
    await scenario().when({ as: outsider, query: LIST, variables: { a: ASSOC } }).thenRefuses({ code: 'FORBIDDEN' });
  });

  it('destroys at start the key of a person erased by a process that stopped before destroying it, and logs how many, not who', async () => {
    const { runtime } = service.service;
    const personId = ids[0]!;
    // The approval's append, as a process that then stopped would have left it: the event, and the key still there.
    const handler = new CommandHandler(runtime.store, runtime.clock, { personalData: runtime.personalData });
    const facts = { relatedAssociations: new Set([ASSOC]) };
    const request = { associationId: ASSOC, personId, requestId: 'erasure-crash-1' };
    await handler.handle(personDecider(facts), personStreamId(personId), {
      command: { type: 'RequestPersonErasure', ...request, legalBasis: 'PURPOSE_FULFILLED', requester: 'ASSOCIATION', decision: { ...DECISION, body: 'SECRETARIAT' as const, votes: null } },
      actor: { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC },
    });
    await handler.handleAcross(approvePersonErasureDecider(facts), {
      command: { type: 'ApprovePersonErasure', ...request },
      actor: { userId: 'vice-sec-li', role: 'ADMIN', associationId: ASSOC },
    });
    await service.settled();
    expect(await runtime.personalData.isErased(personId)).toBe(false);

    const logged: unknown[] = [];
    const logger = { child: () => logger, warn: (fields: unknown) => logged.push(fields), debug: () => undefined, error: (fields: unknown) => logged.push(fields) };
    const reconciler = new PersonKeyReconciler({ ...runtime, logger } as unknown as typeof runtime, new PersonsQueries(runtime.dataSource));
    await reconciler.onApplicationBootstrap();
    expect(await runtime.personalData.isErased(personId)).toBe(true);
    expect(logged).toEqual([{ destroyed: 1 }]);
    // Every later start finds nothing left to destroy.
    expect(await reconciler.reconcile()).toBe(0);
    expect((await auditor.ok<{ person: PersonAnswer }>(PERSON, { personId })).person).toMatchObject({ status: 'ERASED', name: null, identityCardNumberMasked: null });
  });
});
