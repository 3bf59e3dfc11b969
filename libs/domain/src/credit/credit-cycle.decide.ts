import { businessDate, calendarDate as date, type Decider, type DecisionContext, FieldErrors, matches, oneOf, requiredText, RuleViolation } from '../shared/index.js';
import type { AssignCreditScorer, CloseCreditCycle, CreditCycleCommand, OpenCreditCycle } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { CREDIT_CYCLE_EVENT_TYPES, type CreditCycleEvent, type CycleData } from './credit.events.js';
import { ELIGIBILITIES, type RulebookVersion, SCORING_BODIES } from './credit.rulebook.js';
import { type CreditCycleState, evolveCreditCycle, initialCreditCycleState } from './credit.state.js';
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
    const scorerId = requiredText(errors, 'scorerId', command.scorerId, { max: 100, label: 'The scorer' });
    const body = oneOf(errors, 'body', command.body, SCORING_BODIES);
    const employerCode = command.employerCode == null ? null : matches(errors, 'employerCode', command.employerCode, SUBJECT, 'must be a credit code.');
    parsed = { ...command, scorerId, body, employerCode };
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

function assignScorer(command: AssignCreditScorer, state: CreditCycleState): CreditCycleEvent[] {
  if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
  const { scorerId, body } = command;
  const employerCode = command.employerCode ?? null;
  const same = state.scorers.find((s) => s.scorerId === scorerId && s.body === body);
  if (same && same.employerCode === employerCode) return [];
  return [{ type: 'CreditScorerAssigned', data: { associationId: command.associationId, cycleId: command.cycleId, scorerId, body, employerCode } }];
}

function closeCycle(command: CloseCreditCycle, state: CreditCycleState, context: DecisionContext): CreditCycleEvent[] {
  if (state.status !== 'open') throw new RuleViolation(CreditRules.cycleNotOpen, `Cycle ${command.cycleId} is not open.`);
  return [{ type: 'CreditCycleClosed', data: { associationId: command.associationId, cycleId: command.cycleId, closedOn: businessDate(context.now) } }];
}

/** A cycle decider; opening needs the pinned rulebook version (read by the command layer from its stream). */
export function creditCycleDecider(
  facts: { rulebook?: RulebookVersion | null } = {},
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
          return assignScorer(command, state);
        case 'CloseCreditCycle':
          return closeCycle(command, state, context);
      }
    },
  };
}
