import { businessDate, type Decider, type DecisionContext, isNoticeOpenOn, isNoticeOverOn, NotFound, RuleViolation, startPublicNotice } from '../shared/index.js';
import { parseCreditApplication } from './credit-application.parse.js';
import type { CreditApplicationCommand, CreditApplicationFacts } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { type ConductRecord, CREDIT_APPLICATION_EVENT_TYPES, type CreditApplicationEvent, type CycleData } from './credit.events.js';
import { type AppliedVeto, computeGrade, type GradeComputation, gradeBelow, type IndicatorScore, validToFor } from './credit.rulebook.js';
import { type CreditApplicationState, evolveCreditApplication, initialCreditApplicationState, noticeOf, ratingOf } from './credit.state.js';
import { applicationKey as key } from './credit.fields.js';
import { conflictsOn } from '../experts/experts.state.js';

// The application stream, from filing to the rating and its life: one function per command, dispatched below.

type Command<T extends CreditApplicationCommand['type']> = Extract<CreditApplicationCommand, { type: T }>;

/**
 * A conduct record changes only the ratings of the association that recorded it (domain brief: every
 * association-owned record carries its association). A record from before records were scoped whose
 * recorder had no association applies as it did when it was recorded: to every association.
 */
function appliesTo(record: ConductRecord, associationId: string): boolean {
  return record.associationId === null || record.associationId === associationId;
}

function requireCycle(facts: CreditApplicationFacts, cycleId: string): NonNullable<CreditApplicationFacts['cycle']> {
  if (!facts.cycle) throw new NotFound('Credit cycle', cycleId);
  return facts.cycle;
}

function notUnderReview(state: CreditApplicationState): RuleViolation {
  return new RuleViolation(
    CreditRules.applicationNotUnderReview,
    state.status === 'NOT_FILED' ? 'No application has been filed.' : `The application is ${state.status.toLowerCase().replace('_', ' ')}, not under review.`,
    { status: state.status },
  );
}

function fileCreditApplication(command: Command<'FileCreditApplication'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  const rulebook = cycle.data.rulebook;
  const selfAssessment = command.selfAssessment.map((s) => ({ code: s.code, points: s.points }));
  if (state.status !== 'NOT_FILED') throw new RuleViolation(CreditRules.applicationAlreadyFiled, `${command.subjectId} has already applied in cycle ${command.cycleId}.`);
  if (cycle.closed) throw new RuleViolation(CreditRules.cycleClosed, `Cycle ${command.cycleId} is closed.`);
  if (today < cycle.data.filingFrom || today > cycle.data.filingTo) {
    throw new RuleViolation(
      CreditRules.filingOutsideWindow,
      `Applications to cycle ${command.cycleId} are filed from ${cycle.data.filingFrom} to ${cycle.data.filingTo}; today is ${today}.`,
      { filingFrom: cycle.data.filingFrom, filingTo: cycle.data.filingTo, today },
    );
  }
  if (rulebook.subjectKind === 'ENTERPRISE' && facts.subjectRegistered !== true) {
    throw new RuleViolation(CreditRules.subjectNotRegistered, `Enterprise ${command.subjectId} is not in the enterprise register.`);
  }
  if (rulebook.subjectKind === 'PERSON') {
    if (facts.person === 'ERASED') throw new RuleViolation(CreditRules.subjectErased, `Person ${command.subjectId} was erased from the persons register.`);
    if (facts.person !== 'REGISTERED') {
      throw new RuleViolation(CreditRules.subjectNotRegistered, `Person ${command.subjectId} is not in the persons register: register the person first with registerPerson.`);
    }
  }
  if (cycle.data.eligibility === 'MEMBERS_ONLY' && facts.activeMember !== true) {
    throw new RuleViolation(CreditRules.subjectNotEligible, `Cycle ${command.cycleId} is open to active members only; ${command.subjectId} is not one.`);
  }
  return [
    {
      type: 'CreditApplicationFiled',
      data: {
        ...k,
        subjectKind: rulebook.subjectKind,
        rulebookId: rulebook.rulebookId,
        rulebookVersion: rulebook.version,
        filedOn: today,
        member: facts.activeMember === true,
        selfAssessment,
      },
    },
  ];

}

/**
 * An expert of the pool scores as the pool holds them on the scoring day, not as they were at assignment: suspended
 * or retired since, a conflict declared on the subject in force that day, or now employed by the subject, they may
 * not score it.
 */
function refuseExpertScorer(expertId: string, scorerId: string, subjectId: string, today: string, facts: CreditApplicationFacts): void {
  const expert = facts.experts?.get(expertId);
  if (!expert || expert.status === 'NONE' || expert.profile === null) {
    throw new RuleViolation(CreditRules.scorerExpertNotInPool, `Expert ${expertId} is no longer in the pool.`, { expertId });
  }
  if (expert.status !== 'ACTIVE') {
    throw new RuleViolation(CreditRules.scorerExpertNotActive, `Expert ${expertId} is ${expert.status.toLowerCase()} and may not score.`, { expertId, status: expert.status });
  }
  // The assignment recorded the expert's sign-in of the day; a sign-in the pool has since replaced no longer scores as them.
  if (expert.profile.userId !== scorerId) {
    throw new RuleViolation(CreditRules.scorerNotAssigned, `${scorerId} no longer signs in as expert ${expertId}: assign the expert again.`, { scorerId, expertId });
  }
  const conflict = conflictsOn(expert, today).find((c) => c.enterpriseCode === subjectId);
  if (conflict) {
    throw new RuleViolation(
      CreditRules.scorerConflict,
      `Expert ${expertId} declared a conflict with ${subjectId} (conflict ${conflict.conflictId}, ${conflict.from} to ${conflict.to}: ${conflict.reason}) and may not score its application.`,
      { expertId, conflictId: conflict.conflictId },
    );
  }
  if (expert.profile.employerCode === subjectId) {
    throw new RuleViolation(CreditRules.scorerConflict, `Expert ${expertId} is employed by ${subjectId} and may not score its application.`, { expertId });
  }
}

function scoreCreditIndicators(command: Command<'ScoreCreditIndicators'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  const rulebook = cycle.data.rulebook;
  // The parse step checked every code against this rulebook.
  const entries = command.scores.map((s) => ({
    indicator: rulebook.indicators.find((i) => i.code === s.code),
    points: s.points,
    evidenceReference: s.evidenceReference ?? null,
    note: s.note ?? null,
  }));
  if (state.status !== 'UNDER_REVIEW') throw notUnderReview(state);
  const { scores } = state;
  const scorerId = context.actor.userId;
  const assignments = cycle.scorers.filter((s) => s.scorerId === scorerId);
  if (assignments.length === 0) {
    throw new RuleViolation(CreditRules.scorerNotAssigned, `${scorerId} is not assigned to score cycle ${command.cycleId}.`, { scorerId });
  }
  if (assignments.some((a) => a.employerCode !== null && a.employerCode === command.subjectId)) {
    throw new RuleViolation(CreditRules.scorerConflict, `${scorerId} is employed by ${command.subjectId} and may not score its application.`, { scorerId });
  }
  for (const assignment of assignments) {
    if (assignment.expertId != null) refuseExpertScorer(assignment.expertId, scorerId, command.subjectId, businessDate(context.now), facts);
  }
  return entries.map((e) => {
    const indicator = e.indicator!;
    if (!assignments.some((a) => a.body === indicator.body)) {
      throw new RuleViolation(
        CreditRules.scorerWrongBody,
        `Indicator ${indicator.code} is scored by the ${indicator.body.toLowerCase()}; ${scorerId} scores for the ${assignments.map((a) => a.body.toLowerCase()).join(' and ')}.`,
        { indicator: indicator.code, body: indicator.body },
      );
    }
    if (e.points > indicator.maxPoints) {
      throw new RuleViolation(CreditRules.scoreAboveMaximum, `Indicator ${indicator.code} is worth at most ${indicator.maxPoints} points, not ${e.points}.`, {
        indicator: indicator.code,
        maxPoints: indicator.maxPoints,
      });
    }
    if (indicator.evidenceRequired && e.evidenceReference === null) {
      throw new RuleViolation(CreditRules.evidenceRequired, `Indicator ${indicator.code} needs an evidence reference for its score.`, { indicator: indicator.code });
    }
    return {
      type: 'CreditIndicatorScored' as const,
      data: {
        ...k,
        code: indicator.code,
        points: e.points,
        maxPoints: indicator.maxPoints,
        body: indicator.body,
        scorerId,
        evidenceReference: e.evidenceReference,
        note: e.note,
        previousPoints: scores.get(indicator.code)?.points ?? null,
      },
    };
  });

}

function completeCreditReview(command: Command<'CompleteCreditReview'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  if (state.status !== 'UNDER_REVIEW') throw notUnderReview(state);
  const computation = computeReview({
    cycle: cycle.data,
    scores: state.scores,
    conductRecords: facts.conductRecords ?? [],
    associationId: command.associationId,
  });
  return [{ type: 'CreditReviewCompleted', data: { ...k, completedOn: today, computation } }];

}

/**
 * A review's grade computation from its inputs: the latest score of every indicator of the cycle's pinned rulebook,
 * the vetoes of the association's adverse conduct records dated in the assessment period, then `computeGrade`.
 * What the decider records, and what decision replay re-runs on the recorded inputs.
 */
export function computeReview(input: {
  readonly cycle: Pick<CycleData, 'rulebook' | 'assessmentFrom' | 'assessmentTo'>;
  readonly scores: ReadonlyMap<string, IndicatorScore>;
  readonly conductRecords: readonly ConductRecord[];
  readonly associationId: string;
}): GradeComputation {
  const { cycle } = input;
  const rulebook = cycle.rulebook;
  const missing = rulebook.indicators.filter((i) => !input.scores.has(i.code)).map((i) => i.code);
  if (missing.length > 0) {
    throw new RuleViolation(CreditRules.indicatorsNotScored, `Indicators not yet scored: ${missing.join(', ')}.`, { missing });
  }
  const scores = rulebook.indicators.map((i) => input.scores.get(i.code)!);
  const vetoes: AppliedVeto[] = [];
  for (const record of input.conductRecords) {
    if (!appliesTo(record, input.associationId)) continue;
    if (record.kind !== 'ADVERSE' || record.occurredOn < cycle.assessmentFrom || record.occurredOn > cycle.assessmentTo) continue;
    const rule = rulebook.vetoRules.find((v) => v.conductCode === record.code);
    if (rule) vetoes.push({ conductCode: record.code, recordId: record.recordId, effect: rule.effect, capGrade: rule.capGrade });
  }
  const result = computeGrade({ scores, thresholds: rulebook.thresholds, vetoes });
  return { rulebookId: rulebook.rulebookId, rulebookVersion: rulebook.version, scores, thresholds: rulebook.thresholds, vetoes, ...result };
}

function requestCreditGradeOverride(command: Command<'RequestCreditGradeOverride'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const k = key(command);
  requireCycle(facts, command.cycleId);
  const { reason, decision } = command;
  if (state.status !== 'REVIEWED') {
    throw new RuleViolation(CreditRules.notReviewed, 'A grade can be overridden only after the review is completed and before the notice starts.');
  }
  if (decision.body !== 'CREDIT_COMMITTEE') {
    throw new RuleViolation(CreditRules.overrideNeedsCreditCommittee, `A grade override needs a decision of the credit committee (信评委), not of ${decision.body}.`);
  }
  return [{ type: 'CreditGradeOverrideRequested', data: { ...k, fromGrade: state.grade, toGrade: command.toGrade, reason, decision, requestedBy: context.actor.userId } }];

}

function approveCreditGradeOverride(command: Command<'ApproveCreditGradeOverride'>, state: CreditApplicationState, context: DecisionContext, _facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  if (state.status !== 'REVIEWED' || !state.pendingOverride) throw new RuleViolation(CreditRules.overrideNotPending, 'No grade override is waiting for approval.');
  const pending = state.pendingOverride;
  if (pending.requestedBy === context.actor.userId) {
    throw new RuleViolation(CreditRules.overrideSelfApproval, 'The person who requested a grade override cannot approve it: a second person must.');
  }
  return [
    {
      type: 'CreditGradeOverridden',
      data: {
        ...k,
        fromGrade: state.grade,
        toGrade: pending.toGrade,
        reason: pending.reason,
        decision: pending.decision,
        requestedBy: pending.requestedBy,
        approvedBy: context.actor.userId,
        approvedOn: today,
      },
    },
  ];

}

function startCreditNotice(command: Command<'StartCreditNotice'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  if (state.status !== 'REVIEWED') throw new RuleViolation(CreditRules.notReviewed, `The review is not completed (the application is ${state.status}).`);
  if (state.pendingOverride) throw new RuleViolation(CreditRules.overridePending, 'A grade override is waiting for its second approver.');
  // The shared notice rule: not before the result it shows, not in the past (after an upheld objection, the
  // new review is a new result and gets a notice of its own, of full length).
  const notice = startPublicNotice({ startsOn: command.startsOn, resultOn: state.resultOn, days: cycle.data.rulebook.noticeDays, now: context.now });
  return [{ type: 'CreditNoticeStarted', data: { ...k, grade: state.grade, startsOn: notice.startsOn, endsOn: notice.endsOn, noticeDays: notice.days } }];

}

function fileCreditObjection(command: Command<'FileCreditObjection'>, state: CreditApplicationState, context: DecisionContext, _facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const { objector, grounds } = command;
  const evidenceReference = command.evidenceReference ?? null;
  if (state.status !== 'NOT_FILED' && state.objections.has(command.objectionId)) return [];
  if (state.status !== 'IN_NOTICE' || !isNoticeOpenOn(state.notice, today)) {
    const notice = noticeOf(state);
    throw new RuleViolation(
      CreditRules.objectionOutsideNotice,
      notice ? `Objections are filed during the notice, ${notice.startsOn} to ${notice.endsOn}; today is ${today}.` : 'The result is not in public notice.',
    );
  }
  return [{ type: 'CreditObjectionFiled', data: { ...k, objectionId: command.objectionId, objector, grounds, evidenceReference, filedOn: today } }];

}

function resolveCreditObjection(command: Command<'ResolveCreditObjection'>, state: CreditApplicationState, context: DecisionContext, _facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const { outcome, reasons } = command;
  const current = state.status === 'NOT_FILED' ? undefined : state.objections.get(command.objectionId);
  if (!current) throw new RuleViolation(CreditRules.objectionUnknown, `No objection ${command.objectionId} was filed against this result.`);
  if (current !== 'OPEN') throw new RuleViolation(CreditRules.objectionAlreadyResolved, `Objection ${command.objectionId} was already resolved (${current}).`);
  return [{ type: 'CreditObjectionResolved', data: { ...k, objectionId: command.objectionId, outcome, reasons, resolvedOn: today } }];

}

function issueCreditRating(command: Command<'IssueCreditRating'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  const { certificateNumber } = command;
  const validFrom = command.validFrom ?? today;
  if (state.status === 'RATED' && state.rating.certificateNumber === certificateNumber) return [];
  if (state.status !== 'IN_NOTICE') throw new RuleViolation(CreditRules.notInNotice, 'A rating is issued only after its public notice.');
  if (!isNoticeOverOn(state.notice, today)) {
    throw new RuleViolation(CreditRules.noticeNotEnded, `The public notice runs until ${state.notice.endsOn}; the rating can be issued from the day after.`, {
      endsOn: state.notice.endsOn,
    });
  }
  const open = [...state.objections].filter(([, s]) => s === 'OPEN').map(([id]) => id);
  if (open.length > 0) throw new RuleViolation(CreditRules.objectionOpen, `Objections still open: ${open.join(', ')}.`, { objections: open });
  if (state.grade === null) throw new RuleViolation(CreditRules.gradeRefused, 'The review gave no grade: there is no rating to issue.');
  const rulebook = cycle.data.rulebook;
  return [
    {
      type: 'CreditRatingIssued',
      data: {
        ...k,
        grade: state.grade,
        certificateNumber,
        validFrom,
        validTo: validToFor(validFrom, rulebook.validityYears),
        rulebookId: rulebook.rulebookId,
        rulebookVersion: rulebook.version,
      },
    },
  ];

}

function applyConductToCreditRating(command: Command<'ApplyConductToCreditRating'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  const withId = (facts.conductRecords ?? []).filter((r) => r.recordId === command.recordId);
  const record = withId.find((r) => appliesTo(r, command.associationId));
  if (!record) {
    if (withId.length > 0) {
      throw new RuleViolation(
        CreditRules.conductRecordOtherAssociation,
        `Conduct record ${command.recordId} was recorded by ${withId.map((r) => r.associationId).join(', ')}; it does not change ratings issued by ${command.associationId}.`,
        { recordedBy: withId.map((r) => r.associationId) },
      );
    }
    throw new RuleViolation(CreditRules.conductRecordUnknown, `Conduct record ${command.recordId} is not on ${command.subjectId}'s record.`);
  }
  if (state.status === 'RATED' && state.appliedRecords.has(record.recordId)) return [];
  const rating = ratingOf(state);
  if (!rating || (rating.status !== 'ACTIVE' && rating.status !== 'SUSPENDED') || today > rating.validTo) {
    throw new RuleViolation(CreditRules.noValidRating, `${command.subjectId} holds no valid rating from cycle ${command.cycleId}.`);
  }
  const rulebook = cycle.data.rulebook;
  const rule = rulebook.dynamicRules.find((r) => r.conductCode === record.code);
  if (!rule || record.kind !== 'ADVERSE') return [];
  const ruleName = `${rulebook.rulebookId} v${rulebook.version} ${rule.conductCode} → ${rule.action}${rule.levels ? ` ${rule.levels}` : ''}`;
  const base = { ...k, effectiveFrom: today, recordId: record.recordId, conductCode: record.code, rule: ruleName };
  if (rule.action === 'REVOKE') return [{ type: 'CreditRatingRevoked', data: { ...base, grade: rating.grade } }];
  if (rule.action === 'SUSPEND') return rating.status === 'SUSPENDED' ? [] : [{ type: 'CreditRatingSuspended', data: { ...base, grade: rating.grade } }];
  const toGrade = gradeBelow(rulebook.thresholds, rating.grade, rule.levels ?? 1);
  return [{ type: 'CreditRatingDowngraded', data: { ...base, fromGrade: rating.grade, toGrade, levels: rule.levels ?? 1, reviewYear: null } }];

}

function reviewCreditRatingAnnually(command: Command<'ReviewCreditRatingAnnually'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const cycle = requireCycle(facts, command.cycleId);
  const { reviewYear, outcome, reason } = command;
  const levels = command.levels ?? 0;
  if (state.status !== 'RATED' || state.rating.status !== 'ACTIVE' || today > state.rating.validTo) {
    throw new RuleViolation(CreditRules.noValidRating, `${command.subjectId} holds no valid rating from cycle ${command.cycleId} to review.`);
  }
  const { rating } = state;
  if (state.reviewedYears.has(reviewYear)) return [];
  if (outcome === 'CONFIRMED') return [{ type: 'CreditRatingConfirmed', data: { ...k, grade: rating.grade, reviewYear, reason, confirmedOn: today } }];
  const toGrade = gradeBelow(cycle.data.rulebook.thresholds, rating.grade, levels);
  return [
    {
      type: 'CreditRatingDowngraded',
      data: { ...k, fromGrade: rating.grade, toGrade, levels, effectiveFrom: today, recordId: null, conductCode: null, rule: `annual review ${reviewYear}: ${reason}`, reviewYear },
    },
  ];

}

function reinstateCreditRating(command: Command<'ReinstateCreditRating'>, state: CreditApplicationState, context: DecisionContext, _facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const { reason, decision } = command;
  const effectiveFrom = command.effectiveFrom ?? today;
  const rating = ratingOf(state);
  if (!rating || rating.status !== 'SUSPENDED') {
    throw new RuleViolation(CreditRules.ratingNotSuspended, `${command.subjectId}'s rating from cycle ${command.cycleId} is not suspended.`);
  }
  if (today > rating.validTo) throw new RuleViolation(CreditRules.noValidRating, `The rating expired on ${rating.validTo}; there is nothing to reinstate.`);
  return [{ type: 'CreditRatingReinstated', data: { ...k, grade: rating.grade, effectiveFrom, reason, decision } }];

}

function recordCreditRatingExpiry(command: Command<'RecordCreditRatingExpiry'>, state: CreditApplicationState, context: DecisionContext, facts: CreditApplicationFacts): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  const rating = ratingOf(state);
  if (!rating || rating.status === 'EXPIRED' || rating.status === 'REVOKED') return [];
  if (today <= rating.validTo) throw new RuleViolation(CreditRules.ratingNotExpired, `The rating is valid until ${rating.validTo}.`);
  const rulebook = facts.cycle?.data.rulebook;
  const rule = rulebook
    ? `${rulebook.rulebookId} v${rulebook.version} validity ${rulebook.validityYears} years: valid to ${rating.validTo}`
    : `valid to ${rating.validTo}`;
  return [{ type: 'CreditRatingExpired', data: { ...k, grade: rating.grade, validTo: rating.validTo, expiredOn: today, rule } }];

}

export function decideCreditApplication(
  command: CreditApplicationCommand,
  state: CreditApplicationState,
  context: DecisionContext,
  facts: CreditApplicationFacts,
): CreditApplicationEvent[] {
  switch (command.type) {
    case 'FileCreditApplication':
      return fileCreditApplication(command, state, context, facts);
    case 'ScoreCreditIndicators':
      return scoreCreditIndicators(command, state, context, facts);
    case 'CompleteCreditReview':
      return completeCreditReview(command, state, context, facts);
    case 'RequestCreditGradeOverride':
      return requestCreditGradeOverride(command, state, context, facts);
    case 'ApproveCreditGradeOverride':
      return approveCreditGradeOverride(command, state, context, facts);
    case 'StartCreditNotice':
      return startCreditNotice(command, state, context, facts);
    case 'FileCreditObjection':
      return fileCreditObjection(command, state, context, facts);
    case 'ResolveCreditObjection':
      return resolveCreditObjection(command, state, context, facts);
    case 'IssueCreditRating':
      return issueCreditRating(command, state, context, facts);
    case 'ApplyConductToCreditRating':
      return applyConductToCreditRating(command, state, context, facts);
    case 'ReviewCreditRatingAnnually':
      return reviewCreditRatingAnnually(command, state, context, facts);
    case 'ReinstateCreditRating':
      return reinstateCreditRating(command, state, context, facts);
    case 'RecordCreditRatingExpiry':
      return recordCreditRatingExpiry(command, state, context, facts);
  }
}

export function creditApplicationDecider(facts: CreditApplicationFacts = {}): Decider<CreditApplicationCommand, CreditApplicationEvent, CreditApplicationState> {
  return {
    initialState: initialCreditApplicationState,
    eventTypes: CREDIT_APPLICATION_EVENT_TYPES,
    evolve: evolveCreditApplication,
    // The objector's name is personal: sealed in the event by the command path, hashed keyed in the command hash.
    personalFields: ['objector'],
    parse: (command) => parseCreditApplication(command, facts),
    decide: (command, state, context) => decideCreditApplication(command, state, context, facts),
  };
}
