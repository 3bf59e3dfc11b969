import {
  type ConductRecord,
  conductRecordKey,
  type CreditApplicationEvent,
  type CreditCertificateReserved,
  type CreditConductEvent,
  type CreditCycleEvent,
  type CreditRulebookEvent,
  type CycleData,
} from './credit.events.js';
import type { DecisionRecord } from '../shared/index.js';
import type { GradeComputation, IndicatorScore, RulebookVersion, ScoringBody } from './credit.rulebook.js';

// ---- rulebook ---------------------------------------------------------------------------------------

export interface RulebookVersionState {
  readonly rulebook: RulebookVersion;
  /** Cycles that pinned this version: once one has, the version can no longer change. */
  readonly pinnedBy: readonly string[];
}
export interface CreditRulebookState {
  readonly versions: readonly RulebookVersionState[];
}
export const initialCreditRulebookState: CreditRulebookState = { versions: [] };

export function evolveCreditRulebook(state: CreditRulebookState, event: CreditRulebookEvent): CreditRulebookState {
  switch (event.type) {
    case 'CreditRulebookVersionDefined':
      return { versions: [...state.versions, { rulebook: event.data, pinnedBy: [] }] };
    case 'CreditRulebookVersionAmended': {
      const { reason: _reason, ...rulebook } = event.data;
      return { versions: state.versions.map((v) => (v.rulebook.version === rulebook.version ? { ...v, rulebook } : v)) };
    }
    case 'CreditRulebookVersionPinned':
      return {
        versions: state.versions.map((v) => (v.rulebook.version === event.data.version ? { ...v, pinnedBy: [...v.pinnedBy, event.data.cycleId] } : v)),
      };
  }
}

// ---- cycle ------------------------------------------------------------------------------------------

export interface CycleScorer {
  readonly scorerId: string;
  readonly body: ScoringBody;
  readonly employerCode: string | null;
  /** The expert of the pool this assignment is, or null for a staff scorer. */
  readonly expertId: string | null;
}

/**
 * Whether an assignment replaces an earlier one: an expert's assignment for a body replaces that expert's (their
 * sign-in or employer may have changed since), a staff scorer's replaces the same user's staff assignment.
 */
export function sameScorerAssignment(a: Pick<CycleScorer, 'scorerId' | 'body' | 'expertId'>, b: Pick<CycleScorer, 'scorerId' | 'body' | 'expertId'>): boolean {
  if (a.body !== b.body) return false;
  return a.expertId !== null || b.expertId !== null ? a.expertId === b.expertId : a.scorerId === b.scorerId;
}
export type CreditCycleState =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly data: CycleData; readonly scorers: readonly CycleScorer[] }
  | { readonly status: 'closed'; readonly data: CycleData; readonly scorers: readonly CycleScorer[]; readonly closedOn: string };
export const initialCreditCycleState: CreditCycleState = { status: 'none' };

export function evolveCreditCycle(state: CreditCycleState, event: CreditCycleEvent): CreditCycleState {
  switch (event.type) {
    case 'CreditCycleOpened':
      return { status: 'open', data: event.data, scorers: [] };
    case 'CreditScorerAssigned': {
      if (state.status === 'none') return state;
      // An assignment recorded before experts came from the pool names no expert.
      const assigned: CycleScorer = { scorerId: event.data.scorerId, body: event.data.body, employerCode: event.data.employerCode, expertId: event.data.expertId ?? null };
      return { ...state, scorers: [...state.scorers.filter((s) => !sameScorerAssignment(s, assigned)), assigned] };
    }
    case 'CreditCycleClosed':
      return state.status === 'open' ? { ...state, status: 'closed', closedOn: event.data.closedOn } : state;
  }
}

// ---- application and rating ---------------------------------------------------------------------------

export type ApplicationStatus = CreditApplicationState['status'];
export type RatingStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';
export type ObjectionStatus = 'OPEN' | 'UPHELD' | 'DISMISSED';

/** A grade change the credit committee decided, waiting for a second person to approve it. */
export interface PendingOverride {
  readonly toGrade: string | null;
  readonly reason: string;
  readonly decision: DecisionRecord;
  readonly requestedBy: string;
}

export interface NoticePeriod {
  readonly startsOn: string;
  readonly endsOn: string;
}

export interface IssuedRating {
  readonly grade: string;
  readonly status: RatingStatus;
  readonly validFrom: string;
  readonly validTo: string;
  readonly certificateNumber: string;
}

/** What every filed application holds: its subject, the scores so far, and every objection filed against a notice of it. */
interface Filed {
  readonly subjectId: string;
  readonly scores: ReadonlyMap<string, IndicatorScore>;
  readonly objections: ReadonlyMap<string, ObjectionStatus>;
}

/** A completed review's result. */
interface Reviewed extends Filed {
  readonly computation: GradeComputation;
  /** The grade proposed (computed, or overridden): what the notice shows and the rating carries; null when the review gave none. */
  readonly grade: string | null;
  /** Business date of the result a notice would show: the review that computed it, or the override that changed it. */
  readonly resultOn: string;
}

export type UnderReviewApplication = Filed & { readonly status: 'UNDER_REVIEW' };
export type ReviewedApplication = Reviewed & { readonly status: 'REVIEWED'; readonly pendingOverride: PendingOverride | null };
export type NoticedApplication = Reviewed & { readonly status: 'IN_NOTICE'; readonly notice: NoticePeriod };
export type RatedApplication = Filed & {
  readonly status: 'RATED';
  readonly computation: GradeComputation;
  /** The notice the rating was issued after. */
  readonly notice: NoticePeriod;
  readonly rating: IssuedRating;
  /** Conduct records already applied to the rating. */
  readonly appliedRecords: ReadonlySet<string>;
  /** Years whose annual review is recorded. */
  readonly reviewedYears: ReadonlySet<number>;
};

/** One subject's application in a cycle, by status: each status holds exactly what the application has by then. */
export type CreditApplicationState =
  | { readonly status: 'NOT_FILED' }
  | UnderReviewApplication
  | ReviewedApplication
  | NoticedApplication
  | RatedApplication;

export const initialCreditApplicationState: CreditApplicationState = { status: 'NOT_FILED' };

/** The notice a result is or was shown in (none before the notice starts, nor after an upheld objection discards it). */
export function noticeOf(state: CreditApplicationState): NoticePeriod | null {
  return state.status === 'IN_NOTICE' || state.status === 'RATED' ? state.notice : null;
}

/** The rating issued, whatever has happened to it since; null before it is issued. */
export function ratingOf(state: CreditApplicationState): IssuedRating | null {
  return state.status === 'RATED' ? state.rating : null;
}

function filedPart(state: Filed): Filed {
  return { subjectId: state.subjectId, scores: state.scores, objections: state.objections };
}

/*
 * Each event changes the statuses the decider records it in (a filing starts the stream, a score is recorded under
 * review, a review completes it, an override and the notice follow a completed review, a rating follows its notice,
 * and the rating's life follows its issue); in any other status it leaves the state as it is, so evolve is total.
 */
export function evolveCreditApplication(state: CreditApplicationState, event: CreditApplicationEvent): CreditApplicationState {
  if (event.type === 'CreditApplicationFiled') return { status: 'UNDER_REVIEW', subjectId: event.data.subjectId, scores: new Map(), objections: new Map() };
  if (state.status === 'NOT_FILED') return state;
  switch (event.type) {
    case 'CreditIndicatorScored': {
      const d = event.data;
      const scores = new Map(state.scores);
      scores.set(d.code, { code: d.code, maxPoints: d.maxPoints, points: d.points, body: d.body, scorerId: d.scorerId, evidenceReference: d.evidenceReference });
      return { ...state, scores };
    }
    case 'CreditReviewCompleted':
      return {
        ...filedPart(state),
        status: 'REVIEWED',
        computation: event.data.computation,
        grade: event.data.computation.grade,
        resultOn: event.data.completedOn,
        pendingOverride: null,
      };
    case 'CreditGradeOverrideRequested': {
      if (state.status !== 'REVIEWED') return state;
      const d = event.data;
      return { ...state, pendingOverride: { toGrade: d.toGrade, reason: d.reason, decision: d.decision, requestedBy: d.requestedBy } };
    }
    case 'CreditGradeOverridden':
      if (state.status !== 'REVIEWED') return state;
      // Overrides recorded before `approvedOn` was kept changed the grade on the review's date at the latest known.
      return { ...state, grade: event.data.toGrade, pendingOverride: null, resultOn: event.data.approvedOn ?? state.resultOn };
    case 'CreditNoticeStarted': {
      if (state.status !== 'REVIEWED') return state;
      const { pendingOverride: _none, ...reviewed } = state;
      return { ...reviewed, status: 'IN_NOTICE', notice: { startsOn: event.data.startsOn, endsOn: event.data.endsOn } };
    }
    case 'CreditObjectionFiled': {
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, 'OPEN');
      return { ...state, objections };
    }
    case 'CreditObjectionResolved': {
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, event.data.outcome);
      // An upheld objection sends the application back to its scorers; the notice starts again after the review.
      return event.data.outcome === 'UPHELD' ? { ...filedPart(state), objections, status: 'UNDER_REVIEW' } : { ...state, objections };
    }
    case 'CreditRatingIssued': {
      if (state.status !== 'IN_NOTICE') return state;
      const d = event.data;
      return {
        ...filedPart(state),
        status: 'RATED',
        computation: state.computation,
        notice: state.notice,
        rating: { grade: d.grade, status: 'ACTIVE', validFrom: d.validFrom, validTo: d.validTo, certificateNumber: d.certificateNumber },
        appliedRecords: new Set(),
        reviewedYears: new Set(),
      };
    }
    case 'CreditRatingDowngraded':
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked':
    case 'CreditRatingReinstated':
    case 'CreditRatingConfirmed':
    case 'CreditRatingExpired':
      return state.status === 'RATED' ? evolveRating(state, event) : state;
  }
}

type RatingEvent = Extract<
  CreditApplicationEvent,
  { type: 'CreditRatingDowngraded' | 'CreditRatingSuspended' | 'CreditRatingRevoked' | 'CreditRatingReinstated' | 'CreditRatingConfirmed' | 'CreditRatingExpired' }
>;

/** The life of an issued rating: conduct records and annual reviews change it, a decision reinstates it, time ends it. */
function evolveRating(state: RatedApplication, event: RatingEvent): RatedApplication {
  const { rating, appliedRecords, reviewedYears } = state;
  switch (event.type) {
    case 'CreditRatingDowngraded': {
      const d = event.data;
      return {
        ...state,
        rating: { ...rating, grade: d.toGrade },
        appliedRecords: d.recordId ? new Set([...appliedRecords, d.recordId]) : appliedRecords,
        reviewedYears: d.reviewYear !== null ? new Set([...reviewedYears, d.reviewYear]) : reviewedYears,
      };
    }
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked':
      return {
        ...state,
        rating: { ...rating, status: event.type === 'CreditRatingSuspended' ? 'SUSPENDED' : 'REVOKED' },
        appliedRecords: new Set([...appliedRecords, event.data.recordId]),
      };
    case 'CreditRatingReinstated':
      return { ...state, rating: { ...rating, status: 'ACTIVE' } };
    case 'CreditRatingConfirmed':
      return { ...state, reviewedYears: new Set([...reviewedYears, event.data.reviewYear]) };
    case 'CreditRatingExpired':
      return { ...state, rating: { ...rating, status: 'EXPIRED' } };
  }
}

// ---- certificate numbers ------------------------------------------------------------------------------

/** A certificate number of an association, by status: unclaimed until a rating reserves it for one subject, its holder. */
export type CreditCertificateState = { readonly status: 'unclaimed' } | { readonly status: 'claimed'; readonly holder: string };
export const initialCreditCertificateState: CreditCertificateState = { status: 'unclaimed' };

export function evolveCreditCertificate(_state: CreditCertificateState, event: CreditCertificateReserved): CreditCertificateState {
  return { status: 'claimed', holder: event.data.subjectId };
}

// ---- conduct records ------------------------------------------------------------------------------------

export interface CreditConductState {
  /** By `conductRecordKey(associationId, recordId)`. */
  readonly records: ReadonlyMap<string, ConductRecord>;
}
export const initialCreditConductState: CreditConductState = { records: new Map() };

export function evolveCreditConduct(state: CreditConductState, event: CreditConductEvent): CreditConductState {
  const records = new Map(state.records);
  const key = conductRecordKey(event.data.associationId ?? null, event.data.recordId);
  if (event.type === 'CreditConductRecorded') records.set(key, { ...event.data, associationId: event.data.associationId ?? null });
  else {
    const r = records.get(key);
    if (r) records.set(key, { ...r, disclosureMonths: event.data.toMonths, disclosureUntil: event.data.disclosureUntil });
  }
  return { records };
}
