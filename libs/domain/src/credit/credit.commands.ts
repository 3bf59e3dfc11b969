import type { ExpertState } from '../experts/experts.state.js';
import type { PersonState } from '../persons/persons.state.js';
import type { DecisionRecord } from '../shared/index.js';
import type { ConductKind, ConductRecord, ConductSeverity, CycleData } from './credit.events.js';
import type { DynamicRule, GradeThreshold, Indicator, RulebookVersion, ScoringBody, SubjectKind, VetoRule } from './credit.rulebook.js';

export interface RulebookBody {
  readonly associationId: string;
  readonly rulebookId: string;
  readonly title: string;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string | null;
  readonly subjectKind: SubjectKind;
  readonly indicators: readonly Indicator[];
  readonly thresholds: readonly GradeThreshold[];
  readonly validityYears: number;
  readonly noticeDays?: number | null;
  readonly vetoRules?: readonly VetoRule[] | null;
  readonly dynamicRules?: readonly DynamicRule[] | null;
}

export interface DefineCreditRulebookVersion extends RulebookBody {
  readonly type: 'DefineCreditRulebookVersion';
}
export interface AmendCreditRulebookVersion extends RulebookBody {
  readonly type: 'AmendCreditRulebookVersion';
  readonly version: number;
  readonly reason: string;
}
export interface PinCreditRulebookVersion {
  readonly type: 'PinCreditRulebookVersion';
  readonly associationId: string;
  readonly rulebookId: string;
  readonly version: number;
  readonly cycleId: string;
}
export type CreditRulebookCommand = DefineCreditRulebookVersion | AmendCreditRulebookVersion | PinCreditRulebookVersion;

export interface OpenCreditCycle extends Omit<CycleData, 'rulebook'> {
  readonly type: 'OpenCreditCycle';
  readonly rulebookId: string;
  readonly rulebookVersion: number;
}
/**
 * A scorer for a body: either a staff scorer named by user id (with their employer, if any), or an expert of the
 * association's pool named by expert id (their sign-in user id and employer are read from the pool). Exactly one of
 * `scorerId` and `expertId`.
 */
export interface AssignCreditScorer {
  readonly type: 'AssignCreditScorer';
  readonly associationId: string;
  readonly cycleId: string;
  readonly scorerId?: string | null;
  readonly expertId?: string | null;
  readonly body: ScoringBody;
  readonly employerCode?: string | null;
}
export interface CloseCreditCycle {
  readonly type: 'CloseCreditCycle';
  readonly associationId: string;
  readonly cycleId: string;
}
export type CreditCycleCommand = OpenCreditCycle | AssignCreditScorer | CloseCreditCycle;

interface ApplicationCommand {
  readonly associationId: string;
  readonly cycleId: string;
  readonly subjectId: string;
}
export interface FileCreditApplication extends ApplicationCommand {
  readonly type: 'FileCreditApplication';
  readonly selfAssessment: readonly { readonly code: string; readonly points: number }[];
}
export interface ScoreCreditIndicators extends ApplicationCommand {
  readonly type: 'ScoreCreditIndicators';
  readonly scores: readonly { readonly code: string; readonly points: number; readonly evidenceReference?: string | null; readonly note?: string | null }[];
}
export interface CompleteCreditReview extends ApplicationCommand {
  readonly type: 'CompleteCreditReview';
}
export interface RequestCreditGradeOverride extends ApplicationCommand {
  readonly type: 'RequestCreditGradeOverride';
  /** null: no grade. */
  readonly toGrade: string | null;
  readonly reason: string;
  readonly decision: DecisionRecord;
}
export interface ApproveCreditGradeOverride extends ApplicationCommand {
  readonly type: 'ApproveCreditGradeOverride';
}
export interface StartCreditNotice extends ApplicationCommand {
  readonly type: 'StartCreditNotice';
  /** YYYY-MM-DD; default today in China. */
  readonly startsOn?: string | null;
}
export interface FileCreditObjection extends ApplicationCommand {
  readonly type: 'FileCreditObjection';
  readonly objectionId: string;
  readonly objector: string;
  readonly grounds: string;
  readonly evidenceReference?: string | null;
}
export interface ResolveCreditObjection extends ApplicationCommand {
  readonly type: 'ResolveCreditObjection';
  readonly objectionId: string;
  readonly outcome: 'UPHELD' | 'DISMISSED';
  readonly reasons: string;
}
export interface IssueCreditRating extends ApplicationCommand {
  readonly type: 'IssueCreditRating';
  readonly certificateNumber: string;
  /** YYYY-MM-DD; default today in China. */
  readonly validFrom?: string | null;
}
/** Applies a conduct record to this rating by the cycle rulebook's dynamic rules. */
export interface ApplyConductToCreditRating extends ApplicationCommand {
  readonly type: 'ApplyConductToCreditRating';
  readonly recordId: string;
}
export interface ReviewCreditRatingAnnually extends ApplicationCommand {
  readonly type: 'ReviewCreditRatingAnnually';
  readonly reviewYear: number;
  readonly outcome: 'CONFIRMED' | 'DOWNGRADED';
  readonly levels?: number | null;
  readonly reason: string;
}
export interface ReinstateCreditRating extends ApplicationCommand {
  readonly type: 'ReinstateCreditRating';
  readonly reason: string;
  readonly decision: DecisionRecord;
  /** YYYY-MM-DD; default today in China. */
  readonly effectiveFrom?: string | null;
}
export interface RecordCreditRatingExpiry extends ApplicationCommand {
  readonly type: 'RecordCreditRatingExpiry';
}
export type CreditApplicationCommand =
  | FileCreditApplication
  | ScoreCreditIndicators
  | CompleteCreditReview
  | RequestCreditGradeOverride
  | ApproveCreditGradeOverride
  | StartCreditNotice
  | FileCreditObjection
  | ResolveCreditObjection
  | IssueCreditRating
  | ApplyConductToCreditRating
  | ReviewCreditRatingAnnually
  | ReinstateCreditRating
  | RecordCreditRatingExpiry;

export interface ReserveCreditCertificate {
  readonly type: 'ReserveCreditCertificate';
  readonly associationId: string;
  readonly certificateNumber: string;
  readonly cycleId: string;
  readonly subjectId: string;
}

/** A conduct record is the association's: it names the association that records it and whose ratings it can change. */
export interface RecordCreditConduct {
  readonly type: 'RecordCreditConduct';
  readonly associationId: string;
  readonly subjectId: string;
  readonly recordId: string;
  readonly code: string;
  readonly kind: ConductKind;
  readonly severity: ConductSeverity;
  readonly occurredOn: string;
  readonly sourceAuthority: string;
  readonly disclosureMonths: number;
  readonly penaltyMonths?: number | null;
  readonly evidenceReference: string;
  readonly description: string;
}
export interface ShortenCreditConductDisclosure {
  readonly type: 'ShortenCreditConductDisclosure';
  readonly associationId: string;
  readonly subjectId: string;
  readonly recordId: string;
  readonly disclosureMonths: number;
  readonly rectificationEvidence: string;
}
export type CreditConductCommand = RecordCreditConduct | ShortenCreditConductDisclosure;

/**
 * Facts an application decision needs from other streams, loaded by the command layer: the cycle (its pinned
 * rulebook, windows, scorers), whether the subject is registered and an active member, the subject's conduct
 * records (vetoes, dynamic rules). Certificate numbers are reserved in the same append as the rating
 * (credit-reservations.decide.ts).
 */
export interface CreditApplicationFacts {
  readonly cycle?: { readonly data: CycleData; readonly closed: boolean; readonly scorers: readonly ScorerFact[] } | null;
  readonly subjectRegistered?: boolean;
  /** Under a PERSON rulebook: the subject's standing in the persons register (its `person-<id>` stream folded). */
  readonly person?: PersonState['status'];
  /** Whether the subject is an active member of the cycle's association (looked up by the command layer). */
  readonly activeMember?: boolean;
  /** The subject's conduct records (every association's: the decider keeps to the cycle's association). */
  readonly conductRecords?: readonly ConductRecord[];
  /** For a score: the current state of each expert of the pool the acting user is assigned as, by expert id. */
  readonly experts?: ReadonlyMap<string, ScoringExpert>;
}
export interface ScorerFact {
  readonly scorerId: string;
  readonly body: ScoringBody;
  readonly employerCode: string | null;
  /** The expert of the pool this assignment is; null or absent for a staff scorer. */
  readonly expertId?: string | null;
}
/** What a credit decision reads of an expert's stream: their standing, profile and declared conflicts. */
export type ScoringExpert = Pick<ExpertState, 'status' | 'associationId' | 'profile' | 'conflicts'>;

/** What assigning a scorer needs from outside the cycle's stream: for an expert, their state in the pool. */
export interface ScorerAssignmentFacts {
  readonly rulebook?: RulebookVersion | null;
  /** The named expert's state, folded from `expert-<associationId>:<expertId>` (status NONE: not in the pool). */
  readonly expert?: ScoringExpert | null;
}
