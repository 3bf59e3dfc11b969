import {
  businessDate,
  DEFAULT_NOTICE_DAYS,
  type DecisionContext,
  type Decider,
  effectiveDate,
  FieldErrors,
  isIsoDate,
  isNoticeOpenOn,
  isNoticeOverOn,
  NotFound,
  optionalText,
  requiredText,
  RuleViolation,
  startPublicNotice,
  validDecisionRecord,
} from '../shared/index.js';
import type {
  AmendCreditRulebookVersion,
  CreditApplicationCommand,
  CreditApplicationFacts,
  CreditConductCommand,
  CreditCycleCommand,
  CreditRulebookCommand,
  DefineCreditRulebookVersion,
  ReserveCreditCertificate,
  RulebookBody,
} from './credit.commands.js';
import { addMonths } from './credit.dates.js';
import { CreditRules } from './credit.errors.js';
import {
  CONDUCT_KINDS,
  CONDUCT_SEVERITIES,
  type ConductRecord,
  conductRecordKey,
  CREDIT_APPLICATION_EVENT_TYPES,
  CREDIT_CERTIFICATE_EVENT_TYPES,
  CREDIT_CONDUCT_EVENT_TYPES,
  CREDIT_CYCLE_EVENT_TYPES,
  CREDIT_RULEBOOK_EVENT_TYPES,
  type CreditApplicationEvent,
  type CreditCertificateReserved,
  type CreditConductEvent,
  type CreditCycleEvent,
  type CreditRulebookEvent,
  type CycleData,
} from './credit.events.js';
import {
  type AppliedVeto,
  computeGrade,
  DYNAMIC_ACTIONS,
  ELIGIBILITIES,
  gradeBelow,
  type RulebookVersion,
  SCORING_BODIES,
  SUBJECT_KINDS,
  VETO_EFFECTS,
  validToFor,
} from './credit.rulebook.js';
import {
  type CreditApplicationState,
  type CreditConductState,
  type CreditCertificateState,
  type CreditCycleState,
  type CreditRulebookState,
  evolveCreditApplication,
  evolveCreditConduct,
  evolveCreditCycle,
  evolveCreditRulebook,
  initialCreditApplicationState,
  initialCreditConductState,
  initialCreditCycleState,
  initialCreditRulebookState,
} from './credit.state.js';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const SUBJECT = /^[0-9A-Z]{6,32}$/;
const TEXT_MAX = 2000;
/** 公示 lasts 7 days unless the rulebook says otherwise. */
export const DISCLOSURE_MIN_MONTHS = 6;
export const DISCLOSURE_MAX_MONTHS = 36;
/** Proven rectification may shorten disclosure, never below this. */
export const SHORTENED_DISCLOSURE_MIN_MONTHS = 3;

function oneOf<T extends string>(errors: FieldErrors, field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) errors.add(field, `must be one of ${allowed.join(', ')}.`);
  return value as T;
}
function matches(errors: FieldErrors, field: string, value: unknown, pattern: RegExp, message: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) errors.add(field, message);
  return typeof value === 'string' ? value : '';
}
function date(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) errors.add(field, 'must be a calendar date written YYYY-MM-DD.');
  return typeof value === 'string' ? value : '';
}
function wholeNumber(errors: FieldErrors, field: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    errors.add(field, `must be a whole number from ${min} to ${max}.`);
    return min;
  }
  return value as number;
}
function key(command: { associationId: string; cycleId: string; subjectId: string }) {
  return { associationId: command.associationId, cycleId: command.cycleId, subjectId: command.subjectId };
}

// ---- rulebooks ------------------------------------------------------------------------------------------

/** Validates a rulebook version field by field; returns it normalised (version filled in by the caller). */
export function validRulebook(command: RulebookBody, version: number): RulebookVersion {
  const errors = new FieldErrors();
  matches(errors, 'associationId', command.associationId, ID, 'must be lowercase letters, digits and hyphens.');
  matches(errors, 'rulebookId', command.rulebookId, ID, 'must be lowercase letters, digits and hyphens.');
  const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
  const referenceNumber = requiredText(errors, 'referenceNumber', command.referenceNumber, { max: 100, label: 'The reference number' });
  const effectiveFrom = date(errors, 'effectiveFrom', command.effectiveFrom);
  const effectiveTo = command.effectiveTo == null ? null : date(errors, 'effectiveTo', command.effectiveTo);
  if (effectiveTo && effectiveFrom && effectiveTo < effectiveFrom) errors.add('effectiveTo', 'cannot be before effectiveFrom.');
  const subjectKind = oneOf(errors, 'subjectKind', command.subjectKind, SUBJECT_KINDS);
  const indicators = (command.indicators ?? []).map((i, n) => {
    const p = `indicators.${n}`;
    return {
      code: matches(errors, `${p}.code`, i.code, CODE, 'must be upper-case letters, digits and underscores.'),
      name: requiredText(errors, `${p}.name`, i.name, { max: 200, label: 'The indicator name' }),
      category: requiredText(errors, `${p}.category`, i.category, { max: 100, label: 'The category' }),
      maxPoints: wholeNumber(errors, `${p}.maxPoints`, i.maxPoints, 1, 1000),
      body: oneOf(errors, `${p}.body`, i.body, SCORING_BODIES),
      evidenceRequired: i.evidenceRequired === true,
    };
  });
  if (indicators.length === 0) errors.add('indicators', 'a rulebook needs at least one indicator.');
  if (new Set(indicators.map((i) => i.code)).size !== indicators.length) errors.add('indicators', 'indicator codes must be distinct.');
  const maxTotal = indicators.reduce((s, i) => s + i.maxPoints, 0);
  const thresholds = (command.thresholds ?? []).map((t, n) => ({
    grade: matches(errors, `thresholds.${n}.grade`, t.grade, /^[A-Z+-]{1,8}$/, 'must be a grade such as AAA, AA, A or B.'),
    minPoints: wholeNumber(errors, `thresholds.${n}.minPoints`, t.minPoints, 0, 100000),
  }));
  if (thresholds.length === 0) errors.add('thresholds', 'a rulebook needs at least one grade threshold.');
  const sorted = [...thresholds].sort((a, b) => b.minPoints - a.minPoints);
  if (new Set(thresholds.map((t) => t.minPoints)).size !== thresholds.length || new Set(thresholds.map((t) => t.grade)).size !== thresholds.length) {
    errors.add('thresholds', 'each grade and each minimum must appear once.');
  }
  if (sorted[0] && maxTotal > 0 && sorted[0].minPoints > maxTotal) errors.add('thresholds', `the best grade needs more points than the indicators can give (${maxTotal}).`);
  const grades = new Set(thresholds.map((t) => t.grade));
  const vetoRules = (command.vetoRules ?? []).map((v, n) => {
    const effect = oneOf(errors, `vetoRules.${n}.effect`, v.effect, VETO_EFFECTS);
    const capGrade = effect === 'CAP' ? (v.capGrade ?? null) : null;
    if (effect === 'CAP' && (capGrade === null || !grades.has(capGrade))) errors.add(`vetoRules.${n}.capGrade`, 'a cap names one of the rulebook grades.');
    return { conductCode: matches(errors, `vetoRules.${n}.conductCode`, v.conductCode, CODE, 'must be upper-case letters, digits and underscores.'), effect, capGrade };
  });
  const dynamicRules = (command.dynamicRules ?? []).map((r, n) => {
    const action = oneOf(errors, `dynamicRules.${n}.action`, r.action, DYNAMIC_ACTIONS);
    const levels = action === 'DOWNGRADE' ? wholeNumber(errors, `dynamicRules.${n}.levels`, r.levels, 1, 10) : null;
    return { conductCode: matches(errors, `dynamicRules.${n}.conductCode`, r.conductCode, CODE, 'must be upper-case letters, digits and underscores.'), action, levels };
  });
  if (new Set(dynamicRules.map((r) => r.conductCode)).size !== dynamicRules.length) errors.add('dynamicRules', 'one rule per conduct code.');
  const validityYears = wholeNumber(errors, 'validityYears', command.validityYears, 1, 5);
  const noticeDays = command.noticeDays == null ? DEFAULT_NOTICE_DAYS : wholeNumber(errors, 'noticeDays', command.noticeDays, 1, 60);
  errors.throwIfAny();
  return {
    associationId: command.associationId,
    rulebookId: command.rulebookId,
    version,
    title,
    referenceNumber,
    effectiveFrom,
    effectiveTo,
    subjectKind,
    indicators,
    thresholds: sorted,
    validityYears,
    noticeDays,
    vetoRules,
    dynamicRules,
  };
}

export function decideCreditRulebook(command: CreditRulebookCommand, state: CreditRulebookState, _context: DecisionContext): CreditRulebookEvent[] {
  switch (command.type) {
    case 'DefineCreditRulebookVersion':
      return [{ type: 'CreditRulebookVersionDefined', data: validRulebook(command as DefineCreditRulebookVersion, state.versions.length + 1) }];
    case 'AmendCreditRulebookVersion': {
      const c = command as AmendCreditRulebookVersion;
      const errors = new FieldErrors();
      const reason = requiredText(errors, 'reason', c.reason, { max: TEXT_MAX, label: 'The reason' });
      errors.throwIfAny();
      const existing = state.versions.find((v) => v.rulebook.version === c.version);
      if (!existing) throw new NotFound('Rulebook version', `${c.rulebookId} v${c.version}`);
      if (existing.pinnedBy.length > 0) {
        throw new RuleViolation(
          CreditRules.rulebookVersionInUse,
          `Version ${c.version} of rulebook ${c.rulebookId} is in use by cycle ${existing.pinnedBy.join(', ')} and can no longer change: define a new version.`,
          { version: c.version, cycles: existing.pinnedBy },
        );
      }
      return [{ type: 'CreditRulebookVersionAmended', data: { ...validRulebook(c, c.version), reason } }];
    }
    case 'PinCreditRulebookVersion': {
      const existing = state.versions.find((v) => v.rulebook.version === command.version);
      if (!existing) {
        throw new RuleViolation(CreditRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.version}.`, { version: command.version });
      }
      if (existing.pinnedBy.includes(command.cycleId)) return [];
      const { associationId, rulebookId, version, cycleId } = command;
      return [{ type: 'CreditRulebookVersionPinned', data: { associationId, rulebookId, version, cycleId } }];
    }
  }
}

export const creditRulebookDecider: Decider<CreditRulebookCommand, CreditRulebookEvent, CreditRulebookState> = {
  initialState: initialCreditRulebookState,
  eventTypes: CREDIT_RULEBOOK_EVENT_TYPES,
  evolve: evolveCreditRulebook,
  decide: decideCreditRulebook,
};

/** Credit certificate numbers: ASCII letters, digits and hyphens, e.g. `YY2020-0001`. */
export const CREDIT_CERTIFICATE_NUMBER = /^[A-Za-z0-9-]{1,40}$/;

// ---- cycles -------------------------------------------------------------------------------------------

/** A cycle decider; opening needs the pinned rulebook version (read by the command layer from its stream). */
export function creditCycleDecider(
  facts: { rulebook?: RulebookVersion | null } = {},
): Decider<CreditCycleCommand, CreditCycleEvent, CreditCycleState> {
  return {
    initialState: initialCreditCycleState,
    eventTypes: CREDIT_CYCLE_EVENT_TYPES,
    evolve: evolveCreditCycle,
    decide(command, state, context) {
      switch (command.type) {
        case 'OpenCreditCycle': {
          const errors = new FieldErrors();
          matches(errors, 'cycleId', command.cycleId, ID, 'must be lowercase letters, digits and hyphens.');
          const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
          const assessmentFrom = date(errors, 'assessmentFrom', command.assessmentFrom);
          const assessmentTo = date(errors, 'assessmentTo', command.assessmentTo);
          const filingFrom = date(errors, 'filingFrom', command.filingFrom);
          const filingTo = date(errors, 'filingTo', command.filingTo);
          if (assessmentFrom && assessmentTo && assessmentTo < assessmentFrom) errors.add('assessmentTo', 'cannot be before assessmentFrom.');
          if (filingFrom && filingTo && filingTo < filingFrom) errors.add('filingTo', 'cannot be before filingFrom.');
          const eligibility = oneOf(errors, 'eligibility', command.eligibility, ELIGIBILITIES);
          errors.throwIfAny();
          if (state.status !== 'none') throw new RuleViolation(CreditRules.cycleAlreadyOpened, `Cycle ${command.cycleId} is already open.`);
          const rulebook = facts.rulebook;
          if (!rulebook) {
            throw new RuleViolation(CreditRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.rulebookVersion}.`);
          }
          if (rulebook.effectiveFrom > filingFrom || (rulebook.effectiveTo !== null && rulebook.effectiveTo < filingFrom)) {
            throw new RuleViolation(
              CreditRules.rulebookNotInForce,
              `Rulebook ${rulebook.rulebookId} v${rulebook.version} is in force from ${rulebook.effectiveFrom}${rulebook.effectiveTo ? ` to ${rulebook.effectiveTo}` : ''}, not on ${filingFrom} when filing opens.`,
            );
          }
          const data: CycleData = { associationId: command.associationId, cycleId: command.cycleId, title, rulebook, assessmentFrom, assessmentTo, filingFrom, filingTo, eligibility };
          return [{ type: 'CreditCycleOpened', data }];
        }
        case 'AssignCreditScorer': {
          const errors = new FieldErrors();
          const scorerId = requiredText(errors, 'scorerId', command.scorerId, { max: 100, label: 'The scorer' });
          const body = oneOf(errors, 'body', command.body, SCORING_BODIES);
          const employerCode = command.employerCode == null ? null : matches(errors, 'employerCode', command.employerCode, SUBJECT, 'must be a credit code.');
          errors.throwIfAny();
          if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
          const same = state.scorers.find((s) => s.scorerId === scorerId && s.body === body);
          if (same && same.employerCode === employerCode) return [];
          return [{ type: 'CreditScorerAssigned', data: { associationId: command.associationId, cycleId: command.cycleId, scorerId, body, employerCode } }];
        }
        case 'CloseCreditCycle':
          if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
          return [{ type: 'CreditCycleClosed', data: { associationId: command.associationId, cycleId: command.cycleId, closedOn: businessDate(context.now) } }];
      }
    },
  };
}

// ---- applications and ratings ---------------------------------------------------------------------------

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

export function decideCreditApplication(
  command: CreditApplicationCommand,
  state: CreditApplicationState,
  context: DecisionContext,
  facts: CreditApplicationFacts,
): CreditApplicationEvent[] {
  const today = businessDate(context.now);
  const k = key(command);
  switch (command.type) {
    case 'FileCreditApplication': {
      const cycle = requireCycle(facts, command.cycleId);
      const rulebook = cycle.data.rulebook;
      const errors = new FieldErrors();
      matches(errors, 'subjectId', command.subjectId, SUBJECT, 'must be a credit code or identity number (6 to 32 letters and digits).');
      const selfAssessment = (command.selfAssessment ?? []).map((s, n) => {
        const indicator = rulebook.indicators.find((i) => i.code === s.code);
        if (!indicator) errors.add(`selfAssessment.${n}.code`, `is not an indicator of rulebook ${rulebook.rulebookId} v${rulebook.version}.`);
        const points = wholeNumber(errors, `selfAssessment.${n}.points`, s.points, 0, indicator?.maxPoints ?? 1000);
        return { code: s.code, points };
      });
      errors.throwIfAny();
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
    case 'ScoreCreditIndicators': {
      const cycle = requireCycle(facts, command.cycleId);
      const rulebook = cycle.data.rulebook;
      const errors = new FieldErrors();
      const entries = (command.scores ?? []).map((s, n) => ({
        n,
        indicator: rulebook.indicators.find((i) => i.code === s.code) ?? (errors.add(`scores.${n}.code`, `is not an indicator of rulebook ${rulebook.rulebookId} v${rulebook.version}.`), null),
        points: Number.isInteger(s.points) && s.points >= 0 ? s.points : (errors.add(`scores.${n}.points`, 'must be a whole number, 0 or more.'), 0),
        evidenceReference: optionalText(errors, `scores.${n}.evidenceReference`, s.evidenceReference, { max: 500, label: 'The evidence reference' }) ?? null,
        note: optionalText(errors, `scores.${n}.note`, s.note, { max: TEXT_MAX, label: 'The note' }) ?? null,
      }));
      if (entries.length === 0) errors.add('scores', 'at least one score.');
      if (new Set(entries.map((e) => e.indicator?.code)).size !== entries.length) errors.add('scores', 'each indicator once per command.');
      errors.throwIfAny();
      if (state.status !== 'UNDER_REVIEW') throw notUnderReview(state);
      const scorerId = context.actor.userId;
      const assignments = cycle.scorers.filter((s) => s.scorerId === scorerId);
      if (assignments.length === 0) {
        throw new RuleViolation(CreditRules.scorerNotAssigned, `${scorerId} is not assigned to score cycle ${command.cycleId}.`, { scorerId });
      }
      if (assignments.some((a) => a.employerCode !== null && a.employerCode === command.subjectId)) {
        throw new RuleViolation(CreditRules.scorerConflict, `${scorerId} is employed by ${command.subjectId} and may not score its application.`, { scorerId });
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
            previousPoints: state.scores.get(indicator.code)?.points ?? null,
          },
        };
      });
    }
    case 'CompleteCreditReview': {
      const cycle = requireCycle(facts, command.cycleId);
      const rulebook = cycle.data.rulebook;
      if (state.status !== 'UNDER_REVIEW') throw notUnderReview(state);
      const missing = rulebook.indicators.filter((i) => !state.scores.has(i.code)).map((i) => i.code);
      if (missing.length > 0) {
        throw new RuleViolation(CreditRules.indicatorsNotScored, `Indicators not yet scored: ${missing.join(', ')}.`, { missing });
      }
      const scores = rulebook.indicators.map((i) => state.scores.get(i.code)!);
      const vetoes: AppliedVeto[] = [];
      for (const record of facts.conductRecords ?? []) {
        if (!appliesTo(record, command.associationId)) continue;
        if (record.kind !== 'ADVERSE' || record.occurredOn < cycle.data.assessmentFrom || record.occurredOn > cycle.data.assessmentTo) continue;
        const rule = rulebook.vetoRules.find((v) => v.conductCode === record.code);
        if (rule) vetoes.push({ conductCode: record.code, recordId: record.recordId, effect: rule.effect, capGrade: rule.capGrade });
      }
      const result = computeGrade({ scores, thresholds: rulebook.thresholds, vetoes });
      return [
        {
          type: 'CreditReviewCompleted',
          data: {
            ...k,
            completedOn: today,
            computation: { rulebookId: rulebook.rulebookId, rulebookVersion: rulebook.version, scores, thresholds: rulebook.thresholds, vetoes, ...result },
          },
        },
      ];
    }
    case 'RequestCreditGradeOverride': {
      const cycle = requireCycle(facts, command.cycleId);
      const errors = new FieldErrors();
      const reason = requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, label: 'The reason' });
      const decision = validDecisionRecord(errors, 'decision', command.decision);
      if (command.toGrade !== null && !cycle.data.rulebook.thresholds.some((t) => t.grade === command.toGrade)) {
        errors.add('toGrade', `must be one of ${cycle.data.rulebook.thresholds.map((t) => t.grade).join(', ')}, or null for no grade.`);
      }
      errors.throwIfAny();
      if (state.status !== 'REVIEWED') {
        throw new RuleViolation(CreditRules.notReviewed, 'A grade can be overridden only after the review is completed and before the notice starts.');
      }
      if (decision.body !== 'CREDIT_COMMITTEE') {
        throw new RuleViolation(CreditRules.overrideNeedsCreditCommittee, `A grade override needs a decision of the credit committee (信评委), not of ${decision.body}.`);
      }
      return [{ type: 'CreditGradeOverrideRequested', data: { ...k, fromGrade: state.grade, toGrade: command.toGrade, reason, decision, requestedBy: context.actor.userId } }];
    }
    case 'ApproveCreditGradeOverride': {
      const pending = state.pendingOverride;
      if (!pending || state.status !== 'REVIEWED') throw new RuleViolation(CreditRules.overrideNotPending, 'No grade override is waiting for approval.');
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
    case 'StartCreditNotice': {
      const cycle = requireCycle(facts, command.cycleId);
      if (command.startsOn != null && !isIsoDate(command.startsOn)) new FieldErrors().add('startsOn', 'must be a calendar date written YYYY-MM-DD.').throwIfAny();
      if (state.status !== 'REVIEWED') throw new RuleViolation(CreditRules.notReviewed, `The review is not completed (the application is ${state.status}).`);
      if (state.pendingOverride) throw new RuleViolation(CreditRules.overridePending, 'A grade override is waiting for its second approver.');
      // The shared notice rule: not before the result it shows, not in the past (after an upheld objection, the
      // new review is a new result and gets a notice of its own, of full length).
      const notice = startPublicNotice({ startsOn: command.startsOn, resultOn: state.resultOn ?? today, days: cycle.data.rulebook.noticeDays, now: context.now });
      return [{ type: 'CreditNoticeStarted', data: { ...k, grade: state.grade, startsOn: notice.startsOn, endsOn: notice.endsOn, noticeDays: notice.days } }];
    }
    case 'FileCreditObjection': {
      const errors = new FieldErrors();
      matches(errors, 'objectionId', command.objectionId, /^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or hyphens.');
      const objector = requiredText(errors, 'objector', command.objector, { max: 200, label: 'The objector' });
      const grounds = requiredText(errors, 'grounds', command.grounds, { max: TEXT_MAX, label: 'The grounds' });
      const evidenceReference = optionalText(errors, 'evidenceReference', command.evidenceReference, { max: 500 }) ?? null;
      errors.throwIfAny();
      if (state.objections.has(command.objectionId)) return [];
      if (state.status !== 'IN_NOTICE' || !state.notice || !isNoticeOpenOn(state.notice, today)) {
        throw new RuleViolation(
          CreditRules.objectionOutsideNotice,
          state.notice ? `Objections are filed during the notice, ${state.notice.startsOn} to ${state.notice.endsOn}; today is ${today}.` : 'The result is not in public notice.',
        );
      }
      return [{ type: 'CreditObjectionFiled', data: { ...k, objectionId: command.objectionId, objector, grounds, evidenceReference, filedOn: today } }];
    }
    case 'ResolveCreditObjection': {
      const errors = new FieldErrors();
      const outcome = oneOf(errors, 'outcome', command.outcome, ['UPHELD', 'DISMISSED'] as const);
      const reasons = requiredText(errors, 'reasons', command.reasons, { max: TEXT_MAX, label: 'The reasons' });
      errors.throwIfAny();
      const current = state.objections.get(command.objectionId);
      if (!current) throw new RuleViolation(CreditRules.objectionUnknown, `No objection ${command.objectionId} was filed against this result.`);
      if (current !== 'OPEN') throw new RuleViolation(CreditRules.objectionAlreadyResolved, `Objection ${command.objectionId} was already resolved (${current}).`);
      return [{ type: 'CreditObjectionResolved', data: { ...k, objectionId: command.objectionId, outcome, reasons, resolvedOn: today } }];
    }
    case 'IssueCreditRating': {
      const cycle = requireCycle(facts, command.cycleId);
      const errors = new FieldErrors();
      const certificateNumber = matches(errors, 'certificateNumber', command.certificateNumber, CREDIT_CERTIFICATE_NUMBER, 'must be 1 to 40 letters, digits or hyphens.');
      const validFrom = effectiveDate(errors, 'validFrom', command.validFrom, context.now);
      errors.throwIfAny();
      if (state.status === 'RATED' && state.rating?.certificateNumber === certificateNumber) return [];
      if (state.status !== 'IN_NOTICE' || !state.notice) throw new RuleViolation(CreditRules.notInNotice, 'A rating is issued only after its public notice.');
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
    case 'ApplyConductToCreditRating': {
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
      if (state.appliedRecords.has(record.recordId)) return [];
      const rating = state.rating;
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
    case 'ReviewCreditRatingAnnually': {
      const cycle = requireCycle(facts, command.cycleId);
      const errors = new FieldErrors();
      const reviewYear = wholeNumber(errors, 'reviewYear', command.reviewYear, 1990, 2100);
      const outcome = oneOf(errors, 'outcome', command.outcome, ['CONFIRMED', 'DOWNGRADED'] as const);
      const reason = requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, label: 'The reason' });
      const levels = outcome === 'DOWNGRADED' ? wholeNumber(errors, 'levels', command.levels, 1, 10) : 0;
      errors.throwIfAny();
      const rating = state.rating;
      if (!rating || rating.status !== 'ACTIVE' || today > rating.validTo) {
        throw new RuleViolation(CreditRules.noValidRating, `${command.subjectId} holds no valid rating from cycle ${command.cycleId} to review.`);
      }
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
    case 'ReinstateCreditRating': {
      const errors = new FieldErrors();
      const reason = requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, label: 'The reason' });
      const decision = validDecisionRecord(errors, 'decision', command.decision);
      const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
      errors.throwIfAny();
      const rating = state.rating;
      if (!rating || rating.status !== 'SUSPENDED') {
        throw new RuleViolation(CreditRules.ratingNotSuspended, `${command.subjectId}'s rating from cycle ${command.cycleId} is not suspended.`);
      }
      if (today > rating.validTo) throw new RuleViolation(CreditRules.noValidRating, `The rating expired on ${rating.validTo}; there is nothing to reinstate.`);
      return [{ type: 'CreditRatingReinstated', data: { ...k, grade: rating.grade, effectiveFrom, reason, decision } }];
    }
    case 'RecordCreditRatingExpiry': {
      const rating = state.rating;
      if (!rating || rating.status === 'EXPIRED' || rating.status === 'REVOKED') return [];
      if (today <= rating.validTo) throw new RuleViolation(CreditRules.ratingNotExpired, `The rating is valid until ${rating.validTo}.`);
      const rulebook = facts.cycle?.data.rulebook;
      const rule = rulebook
        ? `${rulebook.rulebookId} v${rulebook.version} validity ${rulebook.validityYears} years: valid to ${rating.validTo}`
        : `valid to ${rating.validTo}`;
      return [{ type: 'CreditRatingExpired', data: { ...k, grade: rating.grade, validTo: rating.validTo, expiredOn: today, rule } }];
    }
  }
}

export function creditApplicationDecider(facts: CreditApplicationFacts = {}): Decider<CreditApplicationCommand, CreditApplicationEvent, CreditApplicationState> {
  return {
    initialState: initialCreditApplicationState,
    eventTypes: CREDIT_APPLICATION_EVENT_TYPES,
    evolve: evolveCreditApplication,
    decide: (command, state, context) => decideCreditApplication(command, state, context, facts),
  };
}

// ---- certificate numbers ------------------------------------------------------------------------------

export const creditCertificateDecider: Decider<ReserveCreditCertificate, CreditCertificateReserved, CreditCertificateState> = {
  initialState: { holder: null },
  eventTypes: CREDIT_CERTIFICATE_EVENT_TYPES,
  evolve: (_state, event) => ({ holder: event.data.subjectId }),
  decide(command, state) {
    if (state.holder === command.subjectId) return [];
    if (state.holder !== null) {
      throw new RuleViolation(CreditRules.certificateTaken, `Certificate number ${command.certificateNumber} is already issued to ${state.holder}.`, {
        certificateNumber: command.certificateNumber,
      });
    }
    const { associationId, certificateNumber, cycleId, subjectId } = command;
    return [{ type: 'CreditCertificateReserved', data: { associationId, certificateNumber, cycleId, subjectId } }];
  },
};

// ---- conduct records ------------------------------------------------------------------------------------

export function decideCreditConduct(command: CreditConductCommand, state: CreditConductState, _context: DecisionContext): CreditConductEvent[] {
  const errors = new FieldErrors();
  matches(errors, 'associationId', command.associationId, ID, 'must be lowercase letters, digits and hyphens.');
  matches(errors, 'recordId', command.recordId, /^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or hyphens.');
  const key = conductRecordKey(command.associationId, command.recordId);
  if (command.type === 'RecordCreditConduct') {
    matches(errors, 'subjectId', command.subjectId, SUBJECT, 'must be a credit code or identity number (6 to 32 letters and digits).');
    const code = matches(errors, 'code', command.code, CODE, 'must be upper-case letters, digits and underscores.');
    const kind = oneOf(errors, 'kind', command.kind, CONDUCT_KINDS);
    const severity = oneOf(errors, 'severity', command.severity, CONDUCT_SEVERITIES);
    const occurredOn = date(errors, 'occurredOn', command.occurredOn);
    const sourceAuthority = requiredText(errors, 'sourceAuthority', command.sourceAuthority, { max: 200, label: 'The source authority' });
    const disclosureMonths = wholeNumber(errors, 'disclosureMonths', command.disclosureMonths, DISCLOSURE_MIN_MONTHS, DISCLOSURE_MAX_MONTHS);
    const penaltyMonths = command.penaltyMonths == null ? null : wholeNumber(errors, 'penaltyMonths', command.penaltyMonths, 0, 600);
    const evidenceReference = requiredText(errors, 'evidenceReference', command.evidenceReference, { max: 500, label: 'The evidence reference' });
    const description = requiredText(errors, 'description', command.description, { max: TEXT_MAX, label: 'The description' });
    errors.throwIfAny();
    const existing = state.records.get(key);
    if (existing) {
      if (existing.code === code && existing.occurredOn === occurredOn) return [];
      throw new RuleViolation(CreditRules.conductRecordExists, `Conduct record ${command.recordId} is already on the record with other content.`);
    }
    if (penaltyMonths !== null && disclosureMonths < penaltyMonths) {
      throw new RuleViolation(
        CreditRules.disclosureShorterThanPenalty,
        `The disclosure period (${disclosureMonths} months) cannot be shorter than the penalty (${penaltyMonths} months).`,
      );
    }
    return [
      {
        type: 'CreditConductRecorded',
        data: {
          associationId: command.associationId,
          subjectId: command.subjectId,
          recordId: command.recordId,
          code,
          kind,
          severity,
          occurredOn,
          sourceAuthority,
          disclosureMonths,
          penaltyMonths,
          disclosureUntil: addMonths(occurredOn, disclosureMonths),
          evidenceReference,
          description,
        },
      },
    ];
  }
  const months = Number.isInteger(command.disclosureMonths) ? command.disclosureMonths : (errors.add('disclosureMonths', 'must be a whole number of months.'), 0);
  const rectificationEvidence = requiredText(errors, 'rectificationEvidence', command.rectificationEvidence, { max: 500, label: 'The rectification evidence' });
  errors.throwIfAny();
  const record = state.records.get(key);
  if (!record) {
    throw new RuleViolation(CreditRules.conductRecordUnknown, `Conduct record ${command.recordId} of ${command.associationId} is not on ${command.subjectId}'s record.`);
  }
  if (months < SHORTENED_DISCLOSURE_MIN_MONTHS) {
    throw new RuleViolation(CreditRules.disclosureBelowMinimum, `Disclosure can be shortened after rectification to no less than ${SHORTENED_DISCLOSURE_MIN_MONTHS} months, not ${months}.`);
  }
  if (months >= record.disclosureMonths) {
    if (months === record.disclosureMonths) return [];
    throw new RuleViolation(CreditRules.disclosureNotShorter, `The disclosure period is ${record.disclosureMonths} months; ${months} is not shorter.`);
  }
  return [
    {
      type: 'CreditConductDisclosureShortened',
      data: {
        associationId: command.associationId,
        subjectId: command.subjectId,
        recordId: command.recordId,
        fromMonths: record.disclosureMonths,
        toMonths: months,
        disclosureUntil: addMonths(record.occurredOn, months),
        rectificationEvidence,
      },
    },
  ];
}

export const creditConductDecider: Decider<CreditConductCommand, CreditConductEvent, CreditConductState> = {
  initialState: initialCreditConductState,
  eventTypes: CREDIT_CONDUCT_EVENT_TYPES,
  evolve: evolveCreditConduct,
  decide: decideCreditConduct,
};
