import {
  type ConductRecord,
  conductRecordKey,
  type CreditApplicationEvent,
  type CreditConductEvent,
  type CreditCycleEvent,
  type CreditRulebookEvent,
  type CycleData,
} from './credit.events.js';
import type { DecisionRecord } from '../shared/index.js';
import type { GradeComputation, IndicatorScore, RulebookVersion } from './credit.rulebook.js';

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

export type CreditCycleState =
  | { readonly status: 'none' }
  | { readonly status: 'open' | 'closed'; readonly data: CycleData; readonly scorers: readonly { scorerId: string; body: 'ASSOCIATION' | 'DEPARTMENT'; employerCode: string | null }[] };
export const initialCreditCycleState: CreditCycleState = { status: 'none' };

export function evolveCreditCycle(state: CreditCycleState, event: CreditCycleEvent): CreditCycleState {
  switch (event.type) {
    case 'CreditCycleOpened':
      return { status: 'open', data: event.data, scorers: [] };
    case 'CreditScorerAssigned':
      if (state.status === 'none') return state;
      return {
        ...state,
        scorers: [
          ...state.scorers.filter((s) => !(s.scorerId === event.data.scorerId && s.body === event.data.body)),
          { scorerId: event.data.scorerId, body: event.data.body, employerCode: event.data.employerCode },
        ],
      };
    case 'CreditCycleClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
  }
}

// ---- application and rating ---------------------------------------------------------------------------

export type ApplicationStatus = 'NOT_FILED' | 'UNDER_REVIEW' | 'REVIEWED' | 'IN_NOTICE' | 'RATED';
export type RatingStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';

export interface CreditApplicationState {
  readonly status: ApplicationStatus;
  readonly subjectId: string | null;
  readonly scores: ReadonlyMap<string, IndicatorScore>;
  readonly computation: GradeComputation | null;
  /** The grade proposed (computed, or overridden): what the notice shows and the rating carries. */
  readonly grade: string | null;
  readonly pendingOverride: { readonly toGrade: string | null; readonly reason: string; readonly decision: DecisionRecord; readonly requestedBy: string } | null;
  /** Business date of the result a notice would show: the review that computed it, or the override that changed it. */
  readonly resultOn: string | null;
  readonly notice: { readonly startsOn: string; readonly endsOn: string } | null;
  readonly objections: ReadonlyMap<string, 'OPEN' | 'UPHELD' | 'DISMISSED'>;
  readonly rating: {
    readonly grade: string;
    readonly status: RatingStatus;
    readonly validFrom: string;
    readonly validTo: string;
    readonly certificateNumber: string;
  } | null;
  readonly appliedRecords: ReadonlySet<string>;
  readonly reviewedYears: ReadonlySet<number>;
}

export const initialCreditApplicationState: CreditApplicationState = {
  status: 'NOT_FILED',
  subjectId: null,
  scores: new Map(),
  computation: null,
  grade: null,
  pendingOverride: null,
  resultOn: null,
  notice: null,
  objections: new Map(),
  rating: null,
  appliedRecords: new Set(),
  reviewedYears: new Set(),
};

export function evolveCreditApplication(state: CreditApplicationState, event: CreditApplicationEvent): CreditApplicationState {
  switch (event.type) {
    case 'CreditApplicationFiled':
      return { ...initialCreditApplicationState, status: 'UNDER_REVIEW', subjectId: event.data.subjectId };
    case 'CreditIndicatorScored': {
      const d = event.data;
      const scores = new Map(state.scores);
      scores.set(d.code, { code: d.code, maxPoints: d.maxPoints, points: d.points, body: d.body, scorerId: d.scorerId, evidenceReference: d.evidenceReference });
      return { ...state, scores };
    }
    case 'CreditReviewCompleted':
      return {
        ...state,
        status: 'REVIEWED',
        computation: event.data.computation,
        grade: event.data.computation.grade,
        pendingOverride: null,
        resultOn: event.data.completedOn,
      };
    case 'CreditGradeOverrideRequested': {
      const d = event.data;
      return { ...state, pendingOverride: { toGrade: d.toGrade, reason: d.reason, decision: d.decision, requestedBy: d.requestedBy } };
    }
    case 'CreditGradeOverridden':
      // Overrides recorded before `approvedOn` was kept changed the grade on the review's date at the latest known.
      return { ...state, grade: event.data.toGrade, pendingOverride: null, resultOn: event.data.approvedOn ?? state.resultOn };
    case 'CreditNoticeStarted':
      return { ...state, status: 'IN_NOTICE', notice: { startsOn: event.data.startsOn, endsOn: event.data.endsOn } };
    case 'CreditObjectionFiled': {
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, 'OPEN');
      return { ...state, objections };
    }
    case 'CreditObjectionResolved': {
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, event.data.outcome);
      // An upheld objection sends the application back to its scorers; the notice starts again after the review.
      return event.data.outcome === 'UPHELD'
        ? { ...state, objections, status: 'UNDER_REVIEW', computation: null, grade: null, resultOn: null, notice: null }
        : { ...state, objections };
    }
    case 'CreditRatingIssued': {
      const d = event.data;
      return {
        ...state,
        status: 'RATED',
        rating: { grade: d.grade, status: 'ACTIVE', validFrom: d.validFrom, validTo: d.validTo, certificateNumber: d.certificateNumber },
      };
    }
    case 'CreditRatingDowngraded':
      return {
        ...state,
        rating: state.rating && { ...state.rating, grade: event.data.toGrade },
        appliedRecords: event.data.recordId ? new Set([...state.appliedRecords, event.data.recordId]) : state.appliedRecords,
        reviewedYears: event.data.reviewYear !== null ? new Set([...state.reviewedYears, event.data.reviewYear]) : state.reviewedYears,
      };
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked':
      return {
        ...state,
        rating: state.rating && { ...state.rating, status: event.type === 'CreditRatingSuspended' ? 'SUSPENDED' : 'REVOKED' },
        appliedRecords: new Set([...state.appliedRecords, event.data.recordId]),
      };
    case 'CreditRatingReinstated':
      return { ...state, rating: state.rating && { ...state.rating, status: 'ACTIVE' } };
    case 'CreditRatingConfirmed':
      return { ...state, reviewedYears: new Set([...state.reviewedYears, event.data.reviewYear]) };
    case 'CreditRatingExpired':
      return { ...state, rating: state.rating && { ...state.rating, status: 'EXPIRED' } };
  }
}

// ---- certificate numbers ------------------------------------------------------------------------------

export interface CreditCertificateState {
  readonly holder: string | null;
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
