import { businessDate, calendarDate as date, type Decider, type DecisionContext, FieldErrors, matches, oneOf, requiredText, RuleViolation } from '../shared/index.js';
import { EXPERT_ID } from '../experts/experts.events.js';
import type { AssignCreditScorer, CloseCreditCycle, CreditCycleCommand, OpenCreditCycle, ScorerAssignmentFacts, ScoringExpert } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { CREDIT_CYCLE_EVENT_TYPES, type CreditCycleEvent, type CycleData } from './credit.events.js';
import { ELIGIBILITIES, type RulebookVersion, SCORING_BODIES } from './credit.rulebook.js';
import { type CreditCycleState, type CycleScorer, evolveCreditCycle, initialCreditCycleState, sameScorerAssignment } from './credit.state.js';
import { ID, SUBJECT } from './credit.fields.js';

// The cycle stream: opened on a pinned rulebook version, scorers assigned, closed.

/** The parse step: a cycle command's fields checked at once, before the cycle's stream is read. */
export function parseCreditCycle<C extends CreditCycleCommand>(command: C): C {
  const errors = new FieldErrors();
  let parsed: CreditCycleCommand = command;
  if (command.type === 'OpenCreditCycle') {
    matches(errors, 'cycleId', command.cycleId, ID, 'must be lowercase letters, digits and hyphens.');
    const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
    const assessmentFrom = date(errors, 'assessmentFrom', command.assessmentFrom);
    const assessmentTo = date(errors, 'assessmentTo', command.assessmentTo);
    const filingFrom = date(errors, 'filingFrom', command.filingFrom);
    const filingTo = date(errors, 'filingTo', command.filingTo);
    if (assessmentFrom && assessmentTo && assessmentTo < assessmentFrom) errors.add('assessmentTo', 'cannot be before assessmentFrom.');
    if (filingFrom && filingTo && filingTo < filingFrom) errors.add('filingTo', 'cannot be before filingFrom.');
    const eligibility = oneOf(errors, 'eligibility', command.eligibility, ELIGIBILITIES);
    parsed = { ...command, title, assessmentFrom, assessmentTo, filingFrom, filingTo, eligibility };
  } else if (command.type === 'AssignCreditScorer') {
    const body = oneOf(errors, 'body', command.body, SCORING_BODIES);
    if (command.expertId != null) {
      // An expert's sign-in and employer are the pool's: the assignment reads them, it is not told them.
      const expertId = matches(errors, 'expertId', command.expertId, EXPERT_ID, 'must be an expert id: EXP and 16 characters of Crockford base32.');
      if (command.scorerId != null) errors.add('scorerId', 'give either scorerId (a staff scorer) or expertId (an expert of the pool), not both.');
      if (command.employerCode != null) errors.add('employerCode', "an expert's employer is read from the pool: give no employerCode with expertId.");
      parsed = { ...command, expertId, scorerId: null, body, employerCode: null };
    } else {
      const scorerId = command.scorerId == null ? (errors.add('scorerId', 'give scorerId (a staff scorer) or expertId (an expert of the pool).'), '') : requiredText(errors, 'scorerId', command.scorerId, { max: 100, label: 'The scorer' });
      const employerCode = command.employerCode == null ? null : matches(errors, 'employerCode', command.employerCode, SUBJECT, 'must be a credit code.');
      parsed = { ...command, scorerId, expertId: null, body, employerCode };
    }
  }
  errors.throwIfAny();
  return parsed as C;
}

function openCycle(command: OpenCreditCycle, state: CreditCycleState, rulebook: RulebookVersion | null | undefined): CreditCycleEvent[] {
  if (state.status !== 'none') throw new RuleViolation(CreditRules.cycleAlreadyOpened, `Cycle ${command.cycleId} is already open.`);
  if (!rulebook) {
    throw new RuleViolation(CreditRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.rulebookVersion}.`);
  }
  const { associationId, cycleId, title, assessmentFrom, assessmentTo, filingFrom, filingTo, eligibility } = command;
  if (rulebook.effectiveFrom > filingFrom || (rulebook.effectiveTo !== null && rulebook.effectiveTo < filingFrom)) {
    throw new RuleViolation(
      CreditRules.rulebookNotInForce,
      `Rulebook ${rulebook.rulebookId} v${rulebook.version} is in force from ${rulebook.effectiveFrom}${rulebook.effectiveTo ? ` to ${rulebook.effectiveTo}` : ''}, not on ${filingFrom} when filing opens.`,
    );
  }
  const data: CycleData = { associationId, cycleId, title, rulebook, assessmentFrom, assessmentTo, filingFrom, filingTo, eligibility };
  return [{ type: 'CreditCycleOpened', data }];
}

/** The scorer an assignment names: a staff scorer as given, or an expert of the pool as the pool holds them now. */
function scorerOf(command: AssignCreditScorer, expert: ScoringExpert | null | undefined): CycleScorer {
  const expertId = command.expertId ?? null;
  if (expertId === null) return { scorerId: command.scorerId!, body: command.body, employerCode: command.employerCode ?? null, expertId: null };
  if (!expert || expert.status === 'NONE' || expert.profile === null || expert.associationId !== command.associationId) {
    throw new RuleViolation(CreditRules.scorerExpertNotInPool, `No expert ${expertId} is in the pool of ${command.associationId}.`, { expertId });
  }
  if (expert.status !== 'ACTIVE') {
    throw new RuleViolation(CreditRules.scorerExpertNotActive, `Expert ${expertId} is ${expert.status.toLowerCase()}: only an active expert of the pool is assigned to score.`, {
      expertId,
      status: expert.status,
    });
  }
  // Scores are matched to the signed-in user: an expert without a sign-in could never score what they are assigned.
  if (expert.profile.userId === null) {
    throw new RuleViolation(CreditRules.scorerExpertWithoutSignIn, `Expert ${expertId} has no sign-in user id: give them one (changeExpertProfile) before assigning them to score.`, {
      expertId,
    });
  }
  return { scorerId: expert.profile.userId, body: command.body, employerCode: expert.profile.employerCode, expertId };
}

function assignScorer(command: AssignCreditScorer, state: CreditCycleState, expert: ScoringExpert | null | undefined): CreditCycleEvent[] {
  if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
  const scorer = scorerOf(command, expert);
  const same = state.scorers.find((s) => sameScorerAssignment(s, scorer));
  if (same && same.scorerId === scorer.scorerId && same.employerCode === scorer.employerCode) return [];
  const { scorerId, body, employerCode, expertId } = scorer;
  return [{ type: 'CreditScorerAssigned', data: { associationId: command.associationId, cycleId: command.cycleId, scorerId, body, employerCode, expertId } }];
}

function closeCycle(command: CloseCreditCycle, state: CreditCycleState, context: DecisionContext): CreditCycleEvent[] {
  if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
  return [{ type: 'CreditCycleClosed', data: { associationId: command.associationId, cycleId: command.cycleId, closedOn: businessDate(context.now) } }];
}

/**
 * A cycle decider; opening needs the pinned rulebook version, assigning an expert the expert's state in the pool (both
 * read by the command layer from their streams).
 */
export function creditCycleDecider(
  facts: ScorerAssignmentFacts = {},
): Decider<CreditCycleCommand, CreditCycleEvent, CreditCycleState> {
  return {
    initialState: initialCreditCycleState,
    eventTypes: CREDIT_CYCLE_EVENT_TYPES,
    evolve: evolveCreditCycle,
    parse: parseCreditCycle,
    decide(command, state, context) {
      switch (command.type) {
        case 'OpenCreditCycle':
          return openCycle(command, state, facts.rulebook);
        case 'AssignCreditScorer':
          return assignScorer(command, state, facts.expert);
        case 'CloseCreditCycle':
          return closeCycle(command, state, context);
      }
    },
  };
}
