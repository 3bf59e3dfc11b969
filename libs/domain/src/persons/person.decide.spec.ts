import { describe, expect, it } from '@jest/globals';
import { deciderSpec, multiStreamSpec, TEST_ADMIN } from '#testing';
import type { ApprovePersonErasure, CorrectPersonDetails, RegisterPerson, RejectPersonErasure, RequestPersonErasure } from './persons.commands.js';
import type { PersonErased, PersonErasureRequested, PersonIdentityReleased, PersonIdentityReserved, PersonRegistered } from './persons.events.js';
import { approvePersonErasureDecider, personDecider, registerPersonDecider } from './person.decide.js';
import { identityCardCheckCharacter, maskIdentityCardNumber, normaliseIdentityCardNumber } from './persons.fields.js';

const ASSOC = TEST_ADMIN.associationId!;
const RELATED = 'yueyang-ucca';
const PERSON = 'PSN0123456789ABCDEF';
const OTHER_PERSON = 'PSN0123456789ABCDEG';
const KEY = 'a'.repeat(64);
// 17 digits and the check character of GB 11643-1999 (computed, not invented).
const NUMBER = '42010619850312125X';
const DECISION = { body: 'SECRETARIAT', reference: '武建协〔2026〕7号', decidedOn: '2026-03-01', votes: null } as const;
const SECOND = { ...TEST_ADMIN, userId: 'admin-2' };

const register: RegisterPerson = {
  type: 'RegisterPerson',
  associationId: ASSOC,
  personId: PERSON,
  identityKey: KEY,
  name: ' 张伟 ',
  identityCardNumber: ' 42010619850312125x ',
  phone: '13871234567',
  address: '武汉市武昌区中南路1号',
};
const registered: PersonRegistered = {
  type: 'PersonRegistered',
  data: {
    name: '张伟',
    identityCardNumber: NUMBER,
    phone: '13871234567',
    address: '武汉市武昌区中南路1号',
    personId: PERSON,
    associationId: ASSOC,
    identityKey: KEY,
    registeredOn: '2026-03-02',
  },
};
const reserved: PersonIdentityReserved = { type: 'PersonIdentityReserved', data: { identityKey: KEY, personId: PERSON } };
const requestErasure: RequestPersonErasure = {
  type: 'RequestPersonErasure',
  associationId: ASSOC,
  personId: PERSON,
  requestId: 'erasure-1',
  legalBasis: 'CONSENT_WITHDRAWN',
  requester: 'DATA_SUBJECT',
  decision: DECISION,
};
const requested: PersonErasureRequested = {
  type: 'PersonErasureRequested',
  data: { personId: PERSON, associationId: ASSOC, requestId: 'erasure-1', legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision: DECISION, requestedBy: 'admin-1', requestedOn: '2026-03-02' },
};
const approve: ApprovePersonErasure = { type: 'ApprovePersonErasure', associationId: ASSOC, personId: PERSON, requestId: 'erasure-1' };
const reject: RejectPersonErasure = { type: 'RejectPersonErasure', associationId: ASSOC, personId: PERSON, requestId: 'erasure-1', reason: '仍在信用评价公示期内' };
const erased: PersonErased = { type: 'PersonErased', data: { personId: PERSON, associationId: ASSOC, requestId: 'erasure-1', approvedBy: 'admin-2', erasedOn: '2026-03-02' } };
const released: PersonIdentityReleased = { type: 'PersonIdentityReleased', data: { identityKey: KEY, personId: PERSON, requestId: 'erasure-1' } };
const correct: CorrectPersonDetails = { type: 'CorrectPersonDetails', associationId: ASSOC, personId: PERSON, phone: '027-87654321' };

const noRelations = { relatedAssociations: new Set<string>() };
const registration = multiStreamSpec(registerPersonDecider);
const person = deciderSpec(personDecider(noRelations));
const approval = multiStreamSpec(approvePersonErasureDecider(noRelations));

describe('identity-card numbers (GB 11643-1999)', () => {
  it('computes the ISO 7064 MOD 11-2 check character, X for 10', () => {
    expect(identityCardCheckCharacter('11010519491231002')).toBe('X');
    expect(identityCardCheckCharacter('42010619850312123')).toBe('3');
  });

  it('normalises a lower-case x and full-width digits, and masks all but the first and last four', () => {
    expect(normaliseIdentityCardNumber('４２０１０６１９８５０３１２１２５x')).toEqual({ number: NUMBER });
    expect(maskIdentityCardNumber(NUMBER)).toBe('4201**********125X');
  });

  it.each([
    ['a wrong check character', '420106198503121251', /check character/],
    ['17 characters', '42010619850312125', /18 characters/],
    ['letters', '4201061985031212AX', /17 digits/],
    ['no calendar birth date', '420106198502301234', /date of birth/],
    ['a birth date before 1900', `${'42010618990101123'}${identityCardCheckCharacter('42010618990101123')}`, /cannot be right/],
  ])('refuses %s without repeating the number', (_, value, message) => {
    const checked = normaliseIdentityCardNumber(value);
    expect(checked).toEqual({ problem: expect.stringMatching(message) });
    expect((checked as { problem: string }).problem).not.toContain(value.slice(0, 6));
  });
});

describe('registering a person: the person stream and the identity claim, atomically', () => {
  it('registers the person with their details normalised and claims the number for their register id', () => {
    registration.given({}).when(register).then({ person: [registered], identity: [reserved] });
  });

  it('names the streams by the register id and the keyed hash, never by the number', () => {
    expect(registration.streamsOf(register)).toEqual({ person: `person-${PERSON}`, identity: `personIdentity-${KEY}` });
  });

  it('refuses a number another register id holds, naming that id and not the number', () => {
    const error = registration
      .given({ identity: [{ ...reserved, data: { ...reserved.data, personId: OTHER_PERSON } }] })
      .when(register)
      .thenRefuses('PERSON_ALREADY_REGISTERED');
    expect(error.message).toContain(OTHER_PERSON);
    expect(error.message).not.toContain(NUMBER.slice(0, 10));
    expect(error.details).toEqual({ personId: OTHER_PERSON });
  });

  it('registers a number anew (under the new id) once its claim was released by an erasure', () => {
    registration
      .given({ identity: [{ ...reserved, data: { ...reserved.data, personId: OTHER_PERSON } }, { ...released, data: { ...released.data, personId: OTHER_PERSON } }] })
      .when(register)
      .then({ person: [registered], identity: [reserved] });
  });

  it('refuses every malformed field at once, on its field', () => {
    registration
      .given({})
      .when({ ...register, name: '张', identityCardNumber: '420106198503121251', phone: '12345', address: '武汉'.repeat(101), associationId: 'Not A Slug' })
      .thenRejectsFields('name', 'identityCardNumber', 'phone', 'address', 'associationId');
    registration.given({}).when({ ...register, name: '张\u202E伟', personId: '420106198503121233', identityKey: 'not-a-key' }).thenRejectsFields('name', 'personId', 'identityKey');
  });

  it('refuses a date of birth after today', () => {
    const first17 = '42010620260303123';
    registration
      .given({})
      .when({ ...register, identityCardNumber: `${first17}${identityCardCheckCharacter(first17)}` })
      .thenRejectsFields('identityCardNumber');
  });

  it('takes a landline with its area code, and no phone or address at all', () => {
    const events = registration.given({}).when({ ...register, phone: '0730-8123456', address: null }).events();
    expect(events.person?.[0]?.data).toMatchObject({ phone: '0730-8123456', address: null });
    expect(registration.given({}).when({ ...register, phone: null }).events().person?.[0]?.data).toMatchObject({ phone: null });
    registration.given({}).when({ ...register, phone: '027 87654321' }).thenRejectsFields('phone');
    registration.given({}).when({ ...register, phone: '12871234567' }).thenRejectsFields('phone');
  });
});

describe('correcting a person', () => {
  it('records only the fields given, null clearing one, never the identity-card number', () => {
    person.given([registered]).when({ ...correct, name: ' 张 伟 ', address: null }).then([
      { type: 'PersonDetailsCorrected', data: { personId: PERSON, associationId: ASSOC, changes: { name: '张 伟', phone: '027-87654321', address: null }, correctedOn: '2026-03-02' } },
    ]);
  });

  it('refuses a correction that changes nothing, or clears the name', () => {
    person.given([registered]).when({ type: 'CorrectPersonDetails', associationId: ASSOC, personId: PERSON }).thenRejectsFields('name', 'phone', 'address');
    person.given([registered]).when({ ...correct, name: null as unknown as string }).thenRejectsFields('name');
  });

  it('refuses a person not registered, an erased one, and an association not related to them', () => {
    person.given([]).when(correct).thenRefuses('PERSON_NOT_REGISTERED');
    person.given([registered, requested, erased]).when(correct).thenRefuses('PERSON_ERASED');
    person.given([registered]).when({ ...correct, associationId: RELATED }).thenRefuses('PERSON_NOT_RELATED');
  });

  it('lets a related association correct (one holding a credit record of theirs)', () => {
    const related = deciderSpec(personDecider({ relatedAssociations: new Set([ASSOC, RELATED]) }));
    const [event] = related.given([registered]).when({ ...correct, associationId: RELATED }).events();
    expect(event?.data).toMatchObject({ associationId: RELATED, changes: { phone: '027-87654321' } });
  });
});

describe('requesting an erasure', () => {
  it('records the grounds, the requester by kind, the decision and who asked: no personal data', () => {
    person.given([registered]).when(requestErasure).then([requested]);
  });

  it('refuses a second request while one is pending, a request id used before, an erased person and one not registered', () => {
    person.given([registered, requested]).when({ ...requestErasure, requestId: 'erasure-2' }).thenRefuses('PERSON_ERASURE_PENDING');
    person
      .given([registered, requested, { type: 'PersonErasureRejected', data: { personId: PERSON, associationId: ASSOC, requestId: 'erasure-1', reason: '—', rejectedBy: 'admin-2', rejectedOn: '2026-03-02' } }])
      .when(requestErasure)
      .thenRefuses('PERSON_ERASURE_REQUEST_ID_USED');
    person.given([registered, requested, erased]).when({ ...requestErasure, requestId: 'erasure-2' }).thenRefuses('PERSON_ERASED');
    person.given([]).when(requestErasure).thenRefuses('PERSON_NOT_REGISTERED');
    person.given([registered]).when({ ...requestErasure, associationId: RELATED }).thenRefuses('PERSON_NOT_RELATED');
  });

  it('refuses an unknown legal basis, requester kind and a malformed decision on their fields', () => {
    person
      .given([registered])
      .when({ ...requestErasure, legalBasis: 'BECAUSE' as never, requester: 'NEIGHBOUR' as never, decision: { ...DECISION, decidedOn: '2026-02-30' } })
      .thenRejectsFields('legalBasis', 'requester', 'decision.decidedOn');
  });
});

describe('approving an erasure: PersonErased and the release of the identity claim, atomically', () => {
  it('erases the person and releases their number, approved by a second person', () => {
    approval.given({ person: [registered, requested], identity: [reserved] }).when(approve, { actor: SECOND }).then({ person: [erased], identity: [released] });
  });

  it('reads the identity claim the person stream names', () => {
    expect(approval.streamsOf(approve)).toEqual({ person: `person-${PERSON}`, identity: null });
  });

  it('refuses the requester approving their own request', () => {
    approval.given({ person: [registered, requested], identity: [reserved] }).when(approve).thenRefuses('PERSON_ERASURE_SELF_APPROVAL');
  });

  it('refuses when no request of that id is pending, when already erased, not registered or not related', () => {
    approval.given({ person: [registered], identity: [reserved] }).when(approve, { actor: SECOND }).thenRefuses('PERSON_ERASURE_NOT_PENDING');
    approval.given({ person: [registered, requested], identity: [reserved] }).when({ ...approve, requestId: 'erasure-9' }, { actor: SECOND }).thenRefuses('PERSON_ERASURE_NOT_PENDING');
    approval.given({ person: [registered, requested, erased], identity: [reserved, released] }).when(approve, { actor: SECOND }).thenRefuses('PERSON_ERASED');
    approval.given({}).when(approve, { actor: SECOND }).thenRefuses('PERSON_NOT_REGISTERED');
    approval.given({ person: [registered, requested], identity: [reserved] }).when({ ...approve, associationId: RELATED }, { actor: SECOND }).thenRefuses('PERSON_NOT_RELATED');
  });

  it('refuses a malformed register id or request id on its field', () => {
    approval.given({}).when({ ...approve, personId: NUMBER, requestId: 'erasure 1' }).thenRejectsFields('personId', 'requestId');
  });
});

describe('rejecting an erasure', () => {
  it('records the reason and who rejected, and the person may be asked for again under a new request id', () => {
    const rejected = person.given([registered, requested]).when(reject, { actor: SECOND }).events();
    expect(rejected).toEqual([
      { type: 'PersonErasureRejected', data: { personId: PERSON, associationId: ASSOC, requestId: 'erasure-1', reason: '仍在信用评价公示期内', rejectedBy: 'admin-2', rejectedOn: '2026-03-02' } },
    ]);
    expect(person.given([registered, requested, ...rejected]).when({ ...requestErasure, requestId: 'erasure-2' }).events()).toHaveLength(1);
  });

  it('refuses the requester rejecting their own request: both outcomes need a second person', () => {
    person.given([registered, requested]).when(reject).thenRefuses('PERSON_ERASURE_SELF_REJECTION');
  });

  it('refuses a request not pending, an erased person, a blank reason', () => {
    person.given([registered]).when(reject, { actor: SECOND }).thenRefuses('PERSON_ERASURE_NOT_PENDING');
    person.given([registered, requested, erased]).when(reject, { actor: SECOND }).thenRefuses('PERSON_ERASED');
    person.given([registered, requested]).when({ ...reject, reason: '  ' }, { actor: SECOND }).thenRejectsFields('reason');
  });
});
