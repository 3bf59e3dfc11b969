import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../shared/index.js';
import { STREAM_KINDS } from '../streams/index.js';
import {
  EVENT_FIELD_CLASSES,
  eventClassesToDecide,
  eventHoldsSealedFields,
  PERSONAL_DATA_OWNERS,
  personalDataOwnerOf,
  type FieldClassTree,
  isRelated,
  ownerMatters,
  ownerOfEvent,
  redactEventData,
  restrictedPaths,
  visibilityOf,
} from './index.js';

const A = 'wuhan-cia';
const B = 'yueyang-ucca';
const FIRM = '91420100MA4K000011';
const OTHER_FIRM = '91420100MA4K000029';
const PERSON = 'PSN0123456789ABCDEF';

const adminOf = (associationId: string | null): Actor => ({ userId: `${associationId}-clerk`, role: 'ADMIN', associationId });
const ACTORS = {
  'ADMIN own': adminOf(A),
  'ADMIN other': adminOf(B),
  'ADMIN of none': adminOf(null),
  EXPERT: { userId: 'expert-zhao', role: 'EXPERT' },
  AUDITOR: { userId: 'audit-office', role: 'AUDITOR' },
  TENDER: { userId: 'tender-platform', role: 'TENDER' },
  'MEMBER own': { userId: 'firm-own', role: 'MEMBER', associationId: A, enterpriseCode: FIRM.toLowerCase() },
  'MEMBER other': { userId: 'firm-other', role: 'MEMBER', associationId: A, enterpriseCode: OTHER_FIRM },
  SYSTEM: { userId: 'credit-expiry-job', role: 'SYSTEM', associationId: A },
} satisfies Record<string, Actor>;

/** Names a field holding a person's data or a user id goes by; every field so named must be declared restricted. */
const PERSON_OR_STAFF_NAME = /^(objector|name|phone|address|identityCardNumber|userId|scorerId|waiverApprovers|[a-z]+By)$/;
/** Types whose `name` is an organisation's, not a person's. */
const ORGANISATION_NAMES = new Set(['EnterpriseRegistered', 'EnterpriseRenamed', 'AssociationRegistered']);

function everyDeclaredField(tree: FieldClassTree, prefix = ''): { path: string; name: string; declared: FieldClassTree[string] }[] {
  return Object.entries(tree).flatMap(([name, declared]) => [
    { path: `${prefix}${name}`, name, declared },
    ...(typeof declared === 'string' ? [] : everyDeclaredField(declared, `${prefix}${name}.`)),
  ]);
}

describe('the declared class of every field of every event type (ADR 0014)', () => {
  const streamEventTypes = [...new Set(STREAM_KINDS.flatMap((k) => k.eventTypes))].sort();

  it('declares every event type a stream kind holds, and no type no stream holds', () => {
    expect(Object.keys(EVENT_FIELD_CLASSES).sort()).toEqual(streamEventTypes);
  });

  it('declares every field named as a person\'s data or a user id personal, sensitive or staff, wherever it is nested', () => {
    const public_ = Object.entries(EVENT_FIELD_CLASSES).flatMap(([type, tree]) =>
      everyDeclaredField(tree)
        .filter((f) => PERSON_OR_STAFF_NAME.test(f.name) && !(f.name === 'name' && ORGANISATION_NAMES.has(type)) && (f.declared === 'public' || typeof f.declared !== 'string'))
        .map((f) => `${type}.${f.path}`),
    );
    expect(public_).toEqual([]);
  });

  it('lists the restricted fields: a person\'s details and the objector personal, the identity-card number sensitive, user ids staff', () => {
    const restricted = Object.fromEntries(
      Object.entries(EVENT_FIELD_CLASSES)
        .map(([type, tree]) => [type, restrictedPaths(tree).map(({ path, fieldClass }) => `${path}:${fieldClass}`)] as const)
        .filter(([, paths]) => paths.length > 0),
    );
    expect(restricted).toEqual({
      AssociationRegistered: ['waiverApprovers:staff'],
      WaiverApproverGranted: ['userId:staff'],
      WaiverApproverRevoked: ['userId:staff'],
      DuesWaiverRequested: ['requestedBy:staff'],
      DuesWaiverApproved: ['approvedBy:staff'],
      DuesWaiverRejected: ['rejectedBy:staff'],
      DuesWaiverRevoked: ['revokedBy:staff'],
      CreditScorerAssigned: ['scorerId:staff', 'expertId:staff'],
      CreditIndicatorScored: ['scorerId:staff'],
      CreditReviewCompleted: ['computation.scores.scorerId:staff'],
      CreditGradeOverrideRequested: ['requestedBy:staff'],
      CreditGradeOverridden: ['requestedBy:staff', 'approvedBy:staff'],
      CreditObjectionFiled: ['objector:personal'],
      PersonRegistered: ['name:personal', 'identityCardNumber:sensitive', 'phone:personal', 'address:personal'],
      PersonDetailsCorrected: ['changes.name:personal', 'changes.phone:personal', 'changes.address:personal'],
      PersonErasureRequested: ['requestedBy:staff'],
      PersonErasureRejected: ['rejectedBy:staff'],
      PersonErased: ['approvedBy:staff'],
      ExpertEnrolled: ['specialties:staff', 'employerCode:staff', 'title:staff', 'userId:staff', 'enrolledBy:staff'],
      ExpertProfileChanged: ['changes.specialties:staff', 'changes.employerCode:staff', 'changes.title:staff', 'changes.userId:staff', 'changedBy:staff'],
      ExpertSuspended: ['reason:staff', 'decidedBy:staff'],
      ExpertReinstated: ['reason:staff', 'decidedBy:staff'],
      ExpertRetired: ['reason:staff', 'decidedBy:staff'],
      ExpertConflictDeclared: ['enterpriseCode:staff', 'reason:staff', 'declaredBy:staff'],
      ExpertConflictWithdrawn: ['reason:staff', 'withdrawnBy:staff'],
      ExpertAssigned: ['recordedBy:staff'],
      ExpertRecused: ['recordedBy:staff', 'reason:staff'],
      ExpertScoreRecorded: ['recordedBy:staff'],
      AwardRoundRanked: ['inputs.scores.expertId:staff', 'normalisation.expertId:staff'],
      AwardPanelDrawn: ['draw.pool.expertId:staff', 'draw.onPanel:staff', 'draw.recused:staff', 'draw.panel:staff', 'draw.exclusions.expertId:staff'],
      AwardEntryScored: ['expertId:staff'],
      AwardExpertRecused: ['expertId:staff'],
      AwardReplacementDrawn: ['replaces:staff', 'draw.pool.expertId:staff', 'draw.onPanel:staff', 'draw.recused:staff', 'draw.panel:staff', 'draw.exclusions.expertId:staff'],
      AwardSiteInspected: ['inspectorExpertId:staff'],
      AwardObjectionFiled: ['objector:personal'],
      AwardRevocationRequested: ['requestedBy:staff'],
      AwardRevoked: ['requestedBy:staff', 'approvedBy:staff'],
    });
  });

  it('names the owner whose data key seals them for every event type that holds personal or sensitive fields', () => {
    const sealed = Object.keys(EVENT_FIELD_CLASSES).filter(eventHoldsSealedFields).sort();
    expect(sealed).toEqual(['AwardObjectionFiled', 'CreditObjectionFiled', 'PersonDetailsCorrected', 'PersonRegistered']);
    expect(Object.keys(PERSONAL_DATA_OWNERS).sort()).toEqual(sealed);
    expect(personalDataOwnerOf('PersonRegistered', { personId: PERSON })).toBe(PERSON);
    expect(personalDataOwnerOf('CreditObjectionFiled', { associationId: A, cycleId: 'c', subjectId: FIRM, objectionId: 'o-1' })).toBe(`objector:${A}:c:${FIRM}:o-1`);
    expect(personalDataOwnerOf('CreditRatingIssued', {})).toBeNull();
  });
});

describe('who sees a field of which class (visibilityOf)', () => {
  const firmRecordOfA = { associationId: A, firm: FIRM };
  const firmOnly = { firm: FIRM };
  const ofA = { associationId: A };

  it.each([
    // caller, class, owner, expected
    ['ADMIN own', 'staff', ofA, 'visible'],
    ['ADMIN other', 'staff', ofA, 'hidden'],
    ['ADMIN of none', 'staff', { associationId: null }, 'hidden'],
    ['ADMIN own', 'staff', {}, 'hidden'],
    ['EXPERT', 'staff', ofA, 'hidden'],
    ['AUDITOR', 'staff', {}, 'visible'],
    ['TENDER', 'staff', ofA, 'hidden'],
    ['MEMBER own', 'staff', firmRecordOfA, 'hidden'],
    ['SYSTEM', 'staff', ofA, 'hidden'],
    ['ADMIN own', 'personal', firmRecordOfA, 'visible'],
    ['ADMIN own', 'personal', firmOnly, { ifRelated: { firm: FIRM, associationId: A } }],
    ['ADMIN other', 'personal', firmRecordOfA, { ifRelated: { firm: FIRM, associationId: B } }],
    ['ADMIN other', 'personal', ofA, 'hidden'],
    ['ADMIN of none', 'personal', firmOnly, 'hidden'],
    ['EXPERT', 'personal', firmOnly, 'hidden'],
    ['AUDITOR', 'personal', firmOnly, 'visible'],
    ['TENDER', 'personal', firmOnly, 'hidden'],
    ['MEMBER own', 'personal', firmOnly, 'visible'],
    ['MEMBER other', 'personal', firmOnly, 'hidden'],
    ['MEMBER own', 'personal', ofA, 'hidden'],
    ['ADMIN other', 'personal', { person: PERSON }, { ifRelatedToPerson: { person: PERSON, associationId: B } }],
    ['ADMIN own', 'personal', { person: PERSON, associationId: A }, 'visible'],
    ['TENDER', 'personal', { person: PERSON }, 'hidden'],
    ['MEMBER own', 'personal', { person: PERSON }, 'hidden'],
    ['AUDITOR', 'sensitive', { person: PERSON }, 'visible'],
    ['ADMIN own', 'sensitive', { person: PERSON, associationId: A }, 'hidden'],
    ['ADMIN other', 'sensitive', { person: PERSON }, 'hidden'],
    ['MEMBER own', 'sensitive', firmOnly, 'hidden'],
    ['TENDER', 'sensitive', { person: PERSON }, 'hidden'],
  ] as const)('%s, a %s field of %j: %j', (caller, fieldClass, owner, expected) => {
    expect(visibilityOf(ACTORS[caller], fieldClass, owner)).toEqual(expected);
  });

  it('shows a public field to everyone, whoever owns the record', () => {
    for (const actor of Object.values(ACTORS)) expect(visibilityOf(actor, 'public', {})).toBe('visible');
  });

  it('needs the owner only where it can change the answer: an admin, or a member reading a personal field', () => {
    const needs = Object.entries(ACTORS).flatMap(([caller, actor]) =>
      (['public', 'personal', 'staff'] as const).filter((c) => ownerMatters(actor, c)).map((c) => `${caller} ${c}`),
    );
    expect(needs).toEqual([
      'ADMIN own personal', 'ADMIN own staff', 'ADMIN other personal', 'ADMIN other staff', 'ADMIN of none personal', 'ADMIN of none staff',
      'MEMBER own personal', 'MEMBER other personal',
    ]);
    // Where it does not, the answer is the same for every owner.
    for (const actor of Object.values(ACTORS)) {
      for (const fieldClass of ['public', 'personal', 'staff'] as const) {
        if (ownerMatters(actor, fieldClass)) continue;
        expect(visibilityOf(actor, fieldClass, firmRecordOfA)).toEqual(visibilityOf(actor, fieldClass, {}));
      }
    }
  });

  it('relates an association by a membership that has not ended or by a credit application, as the enterprise decider does', () => {
    for (const status of ['PENDING', 'ACTIVE', 'SUSPENDED']) expect(isRelated({ memberships: [{ associationId: A, status }], creditApplicants: [] }, A)).toBe(true);
    for (const status of ['WITHDRAWN', 'DEEMED_WITHDRAWN', 'EXPELLED', 'REJECTED']) {
      expect(isRelated({ memberships: [{ associationId: A, status }], creditApplicants: [] }, A)).toBe(false);
    }
    expect(isRelated({ memberships: [{ associationId: B, status: 'ACTIVE' }], creditApplicants: [A] }, A)).toBe(true);
    expect(isRelated({ memberships: [{ associationId: B, status: 'ACTIVE' }], creditApplicants: [B] }, A)).toBe(false);
  });
});

describe('event payloads as a caller sees them (redactEventData)', () => {
  const none = { personal: false, sensitive: false, staff: false };
  const all = { personal: true, sensitive: true, staff: true };

  it('nulls a nested personal field and keeps the rest of the payload, leaving the recorded data as it was', () => {
    const data = { personId: PERSON, associationId: A, changes: { name: '李四', phone: '13800000000' }, correctedOn: '2026-03-01' };
    const recorded = structuredClone(data);
    expect(redactEventData('PersonDetailsCorrected', data, { ...none, staff: true })).toEqual({
      personId: PERSON,
      associationId: A,
      changes: { name: null, phone: null },
      correctedOn: '2026-03-01',
    });
    expect(redactEventData('PersonDetailsCorrected', data, { ...none, personal: true })).toEqual(data);
    expect(data).toEqual(recorded);
  });

  it('shows the legal representative to everyone: public, as the business licence publishes it', () => {
    const data = { code: FIRM, changes: { legalRepresentative: '李四', regionCode: '420106' }, reason: '换届', actingAssociationId: A };
    expect(redactEventData('EnterpriseProfileUpdated', data, none)).toEqual(data);
  });

  it('nulls the identity-card number for everyone but a caller who sees sensitive fields', () => {
    const data = { personId: PERSON, associationId: A, identityKey: 'k', name: '张三', identityCardNumber: '11010519491231002X', phone: null, address: null, registeredOn: '2026-03-01' };
    expect((redactEventData('PersonRegistered', data, { ...all, sensitive: false }) as typeof data).identityCardNumber).toBeNull();
    expect((redactEventData('PersonRegistered', data, { ...all, sensitive: false }) as typeof data).name).toBe('张三');
    expect(redactEventData('PersonRegistered', data, all)).toEqual(data);
  });

  it('nulls a staff field in every element of a nested list', () => {
    const score = (code: string, scorerId: string) => ({ code, maxPoints: 50, points: 40, body: 'ASSOCIATION', scorerId, evidenceReference: null });
    const data = {
      associationId: A, cycleId: 'c', subjectId: FIRM, completedOn: '2026-03-01',
      computation: { rulebookId: 'r', rulebookVersion: 1, scores: [score('M', 'expert-zhao'), score('C', 'officer-qian')], thresholds: [], vetoes: [], totalPoints: 80, thresholdGrade: 'AA', grade: 'AA' },
    };
    const seen = redactEventData('CreditReviewCompleted', data, none) as typeof data;
    expect(seen.computation.scores.map((s) => s.scorerId)).toEqual([null, null]);
    expect(seen.computation.scores.map((s) => s.points)).toEqual([40, 40]);
    expect(seen.computation.grade).toBe('AA');
  });

  it('shows a field no declaration names, and every field of an undeclared type, only to a caller who sees every class', () => {
    const data = { code: FIRM, name: '武汉一建', nickname: '一建' };
    expect(redactEventData('EnterpriseRenamed', data, { ...all, staff: false })).toEqual({ code: FIRM, name: '武汉一建', nickname: null });
    expect(redactEventData('EnterpriseMerged', data, { ...all, staff: false })).toEqual({ code: null, name: null, nickname: null });
    expect(redactEventData('EnterpriseMerged', data, all)).toEqual(data);
  });

  it('decides only the classes a payload can hide: the declared ones, or all when it holds a field no declaration names', () => {
    const admitted = { associationId: A, enterpriseCode: FIRM, membershipId: `${A}:${FIRM}:1`, tier: 'MEMBER', certificateNumber: 'W-1', admittedOn: '2026-01-20', decision: {} };
    expect(eventClassesToDecide('MembershipAdmitted', admitted)).toEqual(new Set());
    expect(eventClassesToDecide('MembershipAdmitted', { ...admitted, approvedBy: 'clerk' })).toEqual(new Set(['personal', 'sensitive', 'staff']));
    expect(eventClassesToDecide('CreditGradeOverridden', { associationId: A, requestedBy: 'a', approvedBy: 'b' })).toEqual(new Set(['staff']));
    expect(eventClassesToDecide('EnterpriseProfileUpdated', { code: FIRM, changes: { legalRepresentative: '李四', phone: '1' } })).toEqual(new Set(['personal', 'sensitive', 'staff']));
    expect(eventClassesToDecide('EnterpriseMerged', {})).toEqual(new Set(['personal', 'sensitive', 'staff']));
  });

  it('finds the owner of an event in its stream id, and for a stream of no association in the event', () => {
    expect(ownerOfEvent(`enterprise-${FIRM}`, { code: FIRM, actingAssociationId: A })).toEqual({ associationId: null, firm: FIRM, person: null });
    expect(ownerOfEvent(`membership-${A}:${FIRM}`, {})).toEqual({ associationId: A, firm: FIRM, person: null });
    expect(ownerOfEvent(`creditApplication-${A}:c2026:${FIRM}`, { code: 'MANAGEMENT' })).toEqual({ associationId: A, firm: FIRM, person: null });
    expect(ownerOfEvent(`creditConduct-${FIRM}`, { associationId: B, code: 'WAGE_ARREARS' })).toEqual({ associationId: B, firm: FIRM, person: null });
    expect(ownerOfEvent(`duesSchedule-${A}`, {})).toEqual({ associationId: A, firm: null, person: null });
    // A person's records are the person's: their register id is never taken for a firm.
    expect(ownerOfEvent(`creditApplication-${A}:c2026:${PERSON}`, {})).toEqual({ associationId: A, firm: null, person: PERSON });
    expect(ownerOfEvent(`person-${PERSON}`, { associationId: B })).toEqual({ associationId: B, firm: null, person: PERSON });
    expect(ownerOfEvent('nothing-we-know', { associationId: A })).toEqual({});
  });
});
