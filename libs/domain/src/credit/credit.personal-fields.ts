import type { EventFieldClasses, PersonalDataOwners } from '../visibility/field-classes.js';
import type { CreditEvent } from './credit.events.js';

const APPLICATION = { associationId: 'public', cycleId: 'public', subjectId: 'public' } as const;
const RULEBOOK = {
  associationId: 'public',
  rulebookId: 'public',
  version: 'public',
  title: 'public',
  referenceNumber: 'public',
  effectiveFrom: 'public',
  effectiveTo: 'public',
  subjectKind: 'public',
  indicators: 'public',
  thresholds: 'public',
  validityYears: 'public',
  noticeDays: 'public',
  vetoRules: 'public',
  dynamicRules: 'public',
} as const;
/** A rating's change by a conduct record: the record, its code and the dynamic rule. */
const CONDUCT_CHANGE = { effectiveFrom: 'public', recordId: 'public', conductCode: 'public', rule: 'public' } as const;

/**
 * The class of every field of every credit event (ADR 0014): the ids of scorers and of the committee members who
 * requested and approved an override are staff identities; the objector of a public notice is personal (sealed). Rules,
 * grades, points, evidence references and conduct records are public (TENDER reads ratings and conduct records).
 */
export const CREDIT_EVENT_FIELD_CLASSES: EventFieldClasses<CreditEvent> = {
  CreditRulebookVersionDefined: RULEBOOK,
  CreditRulebookVersionAmended: { ...RULEBOOK, reason: 'public' },
  CreditRulebookVersionPinned: { associationId: 'public', rulebookId: 'public', version: 'public', cycleId: 'public' },
  CreditCycleOpened: {
    associationId: 'public',
    cycleId: 'public',
    title: 'public',
    rulebook: 'public',
    assessmentFrom: 'public',
    assessmentTo: 'public',
    filingFrom: 'public',
    filingTo: 'public',
    eligibility: 'public',
  },
  CreditScorerAssigned: { associationId: 'public', cycleId: 'public', scorerId: 'staff', body: 'public', employerCode: 'public', expertId: 'staff' },
  CreditCycleClosed: { associationId: 'public', cycleId: 'public', closedOn: 'public' },
  CreditApplicationFiled: {
    ...APPLICATION,
    subjectKind: 'public',
    rulebookId: 'public',
    rulebookVersion: 'public',
    filedOn: 'public',
    member: 'public',
    selfAssessment: 'public',
  },
  CreditIndicatorScored: {
    ...APPLICATION,
    code: 'public',
    points: 'public',
    maxPoints: 'public',
    body: 'public',
    scorerId: 'staff',
    evidenceReference: 'public',
    note: 'public',
    previousPoints: 'public',
  },
  CreditReviewCompleted: {
    ...APPLICATION,
    computation: {
      rulebookId: 'public',
      rulebookVersion: 'public',
      scores: { code: 'public', maxPoints: 'public', points: 'public', body: 'public', scorerId: 'staff', evidenceReference: 'public' },
      thresholds: 'public',
      vetoes: 'public',
      totalPoints: 'public',
      thresholdGrade: 'public',
      grade: 'public',
    },
    completedOn: 'public',
  },
  CreditGradeOverrideRequested: { ...APPLICATION, fromGrade: 'public', toGrade: 'public', reason: 'public', decision: 'public', requestedBy: 'staff' },
  CreditGradeOverridden: {
    ...APPLICATION,
    fromGrade: 'public',
    toGrade: 'public',
    reason: 'public',
    decision: 'public',
    requestedBy: 'staff',
    approvedBy: 'staff',
    approvedOn: 'public',
  },
  CreditNoticeStarted: { ...APPLICATION, grade: 'public', startsOn: 'public', endsOn: 'public', noticeDays: 'public' },
  CreditObjectionFiled: { ...APPLICATION, objectionId: 'public', objector: 'personal', grounds: 'public', evidenceReference: 'public', filedOn: 'public' },
  CreditObjectionResolved: { ...APPLICATION, objectionId: 'public', outcome: 'public', reasons: 'public', resolvedOn: 'public' },
  CreditRatingIssued: {
    ...APPLICATION,
    grade: 'public',
    certificateNumber: 'public',
    validFrom: 'public',
    validTo: 'public',
    rulebookId: 'public',
    rulebookVersion: 'public',
  },
  CreditRatingDowngraded: { ...APPLICATION, ...CONDUCT_CHANGE, fromGrade: 'public', toGrade: 'public', levels: 'public', reviewYear: 'public' },
  CreditRatingSuspended: { ...APPLICATION, ...CONDUCT_CHANGE, grade: 'public' },
  CreditRatingRevoked: { ...APPLICATION, ...CONDUCT_CHANGE, grade: 'public' },
  CreditRatingConfirmed: { ...APPLICATION, grade: 'public', reviewYear: 'public', reason: 'public', confirmedOn: 'public' },
  CreditRatingReinstated: { ...APPLICATION, grade: 'public', effectiveFrom: 'public', reason: 'public', decision: 'public' },
  CreditRatingExpired: { ...APPLICATION, grade: 'public', validTo: 'public', expiredOn: 'public', rule: 'public' },
  CreditCertificateReserved: { associationId: 'public', certificateNumber: 'public', cycleId: 'public', subjectId: 'public' },
  CreditConductRecorded: {
    associationId: 'public',
    subjectId: 'public',
    recordId: 'public',
    code: 'public',
    kind: 'public',
    severity: 'public',
    occurredOn: 'public',
    sourceAuthority: 'public',
    disclosureMonths: 'public',
    penaltyMonths: 'public',
    disclosureUntil: 'public',
    evidenceReference: 'public',
    description: 'public',
  },
  CreditConductDisclosureShortened: {
    associationId: 'public',
    subjectId: 'public',
    recordId: 'public',
    fromMonths: 'public',
    toMonths: 'public',
    disclosureUntil: 'public',
    rectificationEvidence: 'public',
  },
};

/**
 * An objector is not in the persons register: their name is sealed under a data key of this one objection, so it can
 * be erased on its own (docs/privacy.md).
 */
export function objectorKeyId(data: { associationId: string; cycleId: string; subjectId: string; objectionId: string }): string {
  return `objector:${data.associationId}:${data.cycleId}:${data.subjectId}:${data.objectionId}`;
}

export const CREDIT_PERSONAL_DATA_OWNERS: PersonalDataOwners<CreditEvent> = {
  CreditObjectionFiled: objectorKeyId,
};
