import { type DecisionRecord, defineStreamKind, type DomainEvent, type Personal } from '../shared/index.js';
import type { AppliedVeto, Eligibility, GradeComputation, RulebookVersion, ScoringBody, SubjectKind } from './credit.rulebook.js';

// ---- rulebook: creditRulebook-<associationId>:<rulebookId> ---------------------------------------------------

export type CreditRulebookVersionDefined = DomainEvent<'CreditRulebookVersionDefined', RulebookVersion>;
/** A version not yet pinned by any cycle, replaced as a whole (the earlier text stays in the stream). */
export type CreditRulebookVersionAmended = DomainEvent<'CreditRulebookVersionAmended', RulebookVersion & { readonly reason: string }>;
export type CreditRulebookVersionPinned = DomainEvent<
  'CreditRulebookVersionPinned',
  { readonly associationId: string; readonly rulebookId: string; readonly version: number; readonly cycleId: string }
>;
export type CreditRulebookEvent = CreditRulebookVersionDefined | CreditRulebookVersionAmended | CreditRulebookVersionPinned;

// ---- cycle: creditCycle-<associationId>:<cycleId> ------------------------------------------------------------

export interface CycleData {
  readonly associationId: string;
  readonly cycleId: string;
  readonly title: string;
  /** The pinned rulebook version, copied whole: the cycle's rules never change under it. */
  readonly rulebook: RulebookVersion;
  readonly assessmentFrom: string;
  readonly assessmentTo: string;
  readonly filingFrom: string;
  readonly filingTo: string;
  readonly eligibility: Eligibility;
}
export type CreditCycleOpened = DomainEvent<'CreditCycleOpened', CycleData>;
export type CreditScorerAssigned = DomainEvent<
  'CreditScorerAssigned',
  {
    readonly associationId: string;
    readonly cycleId: string;
    /** The user id the scorer signs in with (for an expert of the pool, their sign-in user id as read at assignment). */
    readonly scorerId: string;
    readonly body: ScoringBody;
    /** Credit code of the scorer's employer, for the conflict-of-interest rule (an expert's, as read at assignment). */
    readonly employerCode: string | null;
    /**
     * The expert of the association's pool assigned (ADR 0024), or null for a staff scorer named by user id. Written on
     * every assignment since experts were drawn from the pool; absent from the assignments recorded before (read as null).
     */
    readonly expertId?: string | null;
  }
>;
export type CreditCycleClosed = DomainEvent<'CreditCycleClosed', { readonly associationId: string; readonly cycleId: string; readonly closedOn: string }>;
export type CreditCycleEvent = CreditCycleOpened | CreditScorerAssigned | CreditCycleClosed;

// ---- application and rating: creditApplication-<associationId>:<cycleId>:<subjectId> ------------------------

interface ApplicationKey {
  readonly associationId: string;
  readonly cycleId: string;
  readonly subjectId: string;
}

export type CreditApplicationFiled = DomainEvent<
  'CreditApplicationFiled',
  ApplicationKey & {
    readonly subjectKind: SubjectKind;
    readonly rulebookId: string;
    readonly rulebookVersion: number;
    readonly filedOn: string;
    readonly member: boolean;
    readonly selfAssessment: readonly { readonly code: string; readonly points: number }[];
  }
>;
export type CreditIndicatorScored = DomainEvent<
  'CreditIndicatorScored',
  ApplicationKey & {
    readonly code: string;
    readonly points: number;
    readonly maxPoints: number;
    readonly body: ScoringBody;
    readonly scorerId: string;
    readonly evidenceReference: string | null;
    readonly note: string | null;
    /** The score this one replaces, if any. */
    readonly previousPoints: number | null;
  }
>;
export type CreditReviewCompleted = DomainEvent<'CreditReviewCompleted', ApplicationKey & { readonly computation: GradeComputation; readonly completedOn: string }>;
export type CreditGradeOverrideRequested = DomainEvent<
  'CreditGradeOverrideRequested',
  ApplicationKey & { readonly fromGrade: string | null; readonly toGrade: string | null; readonly reason: string; readonly decision: DecisionRecord; readonly requestedBy: string }
>;
export type CreditGradeOverridden = DomainEvent<
  'CreditGradeOverridden',
  ApplicationKey & {
    readonly fromGrade: string | null;
    readonly toGrade: string | null;
    readonly reason: string;
    readonly decision: DecisionRecord;
    readonly requestedBy: string;
    readonly approvedBy: string;
    /** Business date of the approval: the date the changed grade came to be (absent in events recorded before it was kept). */
    readonly approvedOn?: string;
  }
>;
export type CreditNoticeStarted = DomainEvent<
  'CreditNoticeStarted',
  ApplicationKey & { readonly grade: string | null; readonly startsOn: string; readonly endsOn: string; readonly noticeDays: number }
>;
/** The objector is personal: the decider names them in plain and the command path seals the name before append. */
export type CreditObjectionFiled = DomainEvent<
  'CreditObjectionFiled',
  ApplicationKey & { readonly objectionId: string; readonly objector: Personal<string>; readonly grounds: string; readonly evidenceReference: string | null; readonly filedOn: string }
>;
export type CreditObjectionResolved = DomainEvent<
  'CreditObjectionResolved',
  ApplicationKey & { readonly objectionId: string; readonly outcome: 'UPHELD' | 'DISMISSED'; readonly reasons: string; readonly resolvedOn: string }
>;
export type CreditRatingIssued = DomainEvent<
  'CreditRatingIssued',
  ApplicationKey & {
    readonly grade: string;
    readonly certificateNumber: string;
    readonly validFrom: string;
    readonly validTo: string;
    readonly rulebookId: string;
    readonly rulebookVersion: number;
  }
>;
/** A change to an issued rating by a conduct record (names the record and the dynamic rule) or by an annual review. */
export type CreditRatingDowngraded = DomainEvent<
  'CreditRatingDowngraded',
  ApplicationKey & {
    readonly fromGrade: string;
    readonly toGrade: string;
    readonly levels: number;
    readonly effectiveFrom: string;
    readonly recordId: string | null;
    readonly conductCode: string | null;
    readonly rule: string;
    readonly reviewYear: number | null;
  }
>;
export type CreditRatingSuspended = DomainEvent<
  'CreditRatingSuspended',
  ApplicationKey & { readonly grade: string; readonly effectiveFrom: string; readonly recordId: string; readonly conductCode: string; readonly rule: string }
>;
export type CreditRatingRevoked = DomainEvent<
  'CreditRatingRevoked',
  ApplicationKey & { readonly grade: string; readonly effectiveFrom: string; readonly recordId: string; readonly conductCode: string; readonly rule: string }
>;
export type CreditRatingConfirmed = DomainEvent<
  'CreditRatingConfirmed',
  ApplicationKey & { readonly grade: string; readonly reviewYear: number; readonly reason: string; readonly confirmedOn: string }
>;
/** A suspension lifted on a decision (e.g. after the arrears were paid). */
export type CreditRatingReinstated = DomainEvent<
  'CreditRatingReinstated',
  ApplicationKey & { readonly grade: string; readonly effectiveFrom: string; readonly reason: string; readonly decision: DecisionRecord }
>;
export type CreditRatingExpired = DomainEvent<
  'CreditRatingExpired',
  ApplicationKey & {
    readonly grade: string;
    readonly validTo: string;
    readonly expiredOn: string;
    /** The rule the expiry follows (`<rulebook> v<n> validity <years> years: valid to <date>`); absent in the earliest events. */
    readonly rule?: string;
  }
>;

export type CreditApplicationEvent =
  | CreditApplicationFiled
  | CreditIndicatorScored
  | CreditReviewCompleted
  | CreditGradeOverrideRequested
  | CreditGradeOverridden
  | CreditNoticeStarted
  | CreditObjectionFiled
  | CreditObjectionResolved
  | CreditRatingIssued
  | CreditRatingDowngraded
  | CreditRatingSuspended
  | CreditRatingRevoked
  | CreditRatingConfirmed
  | CreditRatingReinstated
  | CreditRatingExpired;

// ---- certificate numbers: creditCertificate-<associationId>:<number> -----------------------------------------

export type CreditCertificateReserved = DomainEvent<
  'CreditCertificateReserved',
  { readonly associationId: string; readonly certificateNumber: string; readonly cycleId: string; readonly subjectId: string }
>;

// ---- conduct records: creditConduct-<subjectId>, each record owned by the association that recorded it -----------

export const CONDUCT_KINDS = ['ADVERSE', 'GOOD'] as const;
export type ConductKind = (typeof CONDUCT_KINDS)[number];
export const CONDUCT_SEVERITIES = ['MINOR', 'SERIOUS', 'MAJOR'] as const;
export type ConductSeverity = (typeof CONDUCT_SEVERITIES)[number];

export interface ConductRecord {
  /**
   * The association that recorded it, whose ratings it can change. Null only for a record from before records
   * were scoped whose recorder had no association (see `upcastCreditConductEvent`).
   */
  readonly associationId: string | null;
  readonly subjectId: string;
  readonly recordId: string;
  readonly code: string;
  readonly kind: ConductKind;
  readonly severity: ConductSeverity;
  readonly occurredOn: string;
  readonly sourceAuthority: string;
  readonly disclosureMonths: number;
  readonly penaltyMonths: number | null;
  readonly disclosureUntil: string;
  readonly evidenceReference: string;
  readonly description: string;
}
export type CreditConductRecorded = DomainEvent<'CreditConductRecorded', ConductRecord>;
export type CreditConductDisclosureShortened = DomainEvent<
  'CreditConductDisclosureShortened',
  {
    readonly associationId: string | null;
    readonly subjectId: string;
    readonly recordId: string;
    readonly fromMonths: number;
    readonly toMonths: number;
    readonly disclosureUntil: string;
    readonly rectificationEvidence: string;
  }
>;
export type CreditConductEvent = CreditConductRecorded | CreditConductDisclosureShortened;

/**
 * Conduct events recorded before records carried their association have no `associationId`. Events are never
 * edited, so readers fill it in when they load one: the association of the admin who recorded it (every
 * admin acts for one association), or null when the recorder had none.
 */
export function upcastCreditConductEvent<E extends CreditConductEvent>(event: E, recordedByAssociation: string | null | undefined): E {
  if ((event.data as { associationId?: string | null }).associationId !== undefined) return event;
  return { ...event, data: { ...event.data, associationId: recordedByAssociation ?? null } };
}

/** Identity of a conduct record within a subject's stream: record ids are the recording association's own. */
export function conductRecordKey(associationId: string | null, recordId: string): string {
  return `${associationId ?? ''}/${recordId}`;
}

export type CreditEvent = CreditRulebookEvent | CreditCycleEvent | CreditApplicationEvent | CreditCertificateReserved | CreditConductEvent;

export type { AppliedVeto };

export const CREDIT_RULEBOOK_EVENT_TYPES: readonly CreditRulebookEvent['type'][] = [
  'CreditRulebookVersionDefined',
  'CreditRulebookVersionAmended',
  'CreditRulebookVersionPinned',
];
export const CREDIT_CYCLE_EVENT_TYPES: readonly CreditCycleEvent['type'][] = ['CreditCycleOpened', 'CreditScorerAssigned', 'CreditCycleClosed'];
export const CREDIT_APPLICATION_EVENT_TYPES: readonly CreditApplicationEvent['type'][] = [
  'CreditApplicationFiled',
  'CreditIndicatorScored',
  'CreditReviewCompleted',
  'CreditGradeOverrideRequested',
  'CreditGradeOverridden',
  'CreditNoticeStarted',
  'CreditObjectionFiled',
  'CreditObjectionResolved',
  'CreditRatingIssued',
  'CreditRatingDowngraded',
  'CreditRatingSuspended',
  'CreditRatingRevoked',
  'CreditRatingConfirmed',
  'CreditRatingReinstated',
  'CreditRatingExpired',
];
export const CREDIT_CERTIFICATE_EVENT_TYPES: readonly CreditCertificateReserved['type'][] = ['CreditCertificateReserved'];
export const CREDIT_CONDUCT_EVENT_TYPES: readonly CreditConductEvent['type'][] = ['CreditConductRecorded', 'CreditConductDisclosureShortened'];
/** Every credit event type: what the credit projection handles. */
export const CREDIT_EVENT_TYPES: readonly CreditEvent['type'][] = [
  ...CREDIT_RULEBOOK_EVENT_TYPES,
  ...CREDIT_CYCLE_EVENT_TYPES,
  ...CREDIT_APPLICATION_EVENT_TYPES,
  ...CREDIT_CERTIFICATE_EVENT_TYPES,
  ...CREDIT_CONDUCT_EVENT_TYPES,
];

/** `creditRulebook-<association>:<rulebook>`: the versions of one rulebook and the cycles that pinned them. */
export const CreditRulebookStream = defineStreamKind<[associationId: string, rulebookId: string]>('creditRulebook', ['associationId', 'rulebookId']);
/** `creditCycle-<association>:<cycle>`: the cycle, its pinned rulebook and its scorers. */
export const CreditCycleStream = defineStreamKind<[associationId: string, cycleId: string]>('creditCycle', ['associationId', 'cycleId']);
/** `creditApplication-<association>:<cycle>:<subject>`: one subject's application in a cycle and the rating it leads to. */
export const CreditApplicationStream = defineStreamKind<[associationId: string, cycleId: string, subjectId: string]>('creditApplication', [
  'associationId',
  'cycleId',
  'subjectId',
]);
/** `creditCertificate-<association>:<number>`: the claim on one credit certificate number. */
export const CreditCertificateStream = defineStreamKind<[associationId: string, certificateNumber: string]>('creditCertificate', [
  'associationId',
  'certificateNumber',
]);
/** `creditConduct-<subject>`: every conduct record of one subject, whichever association recorded it. */
export const CreditConductStream = defineStreamKind<[subjectId: string]>('creditConduct', ['subjectId']);

export function creditRulebookStreamId(associationId: string, rulebookId: string): string {
  return CreditRulebookStream.id(associationId, rulebookId);
}
export function creditCycleStreamId(associationId: string, cycleId: string): string {
  return CreditCycleStream.id(associationId, cycleId);
}
export function creditApplicationStreamId(associationId: string, cycleId: string, subjectId: string): string {
  return CreditApplicationStream.id(associationId, cycleId, subjectId);
}
export function creditCertificateStreamId(associationId: string, certificateNumber: string): string {
  return CreditCertificateStream.id(associationId, certificateNumber);
}
export function creditConductStreamId(subjectId: string): string {
  return CreditConductStream.id(subjectId);
}
