import {
  businessDate,
  calendarDate,
  type Decider,
  type DecisionContext,
  FieldErrors,
  matches,
  oneOf,
  RuleViolation,
  validAssociationId,
  wholeNumber,
} from '../shared/index.js';
import { validPersonId } from '../persons/persons.fields.js';
import type {
  ChangeExpertProfile,
  EnrolExpert,
  ExpertCommand,
  ExpertFactsSnapshot,
  ExpertHistoryCommand,
  ExpertHistoryEntry,
  ExpertPoolCommand,
} from './experts.commands.js';
import { ExpertRules } from './experts.errors.js';
import { EXPERT_EVENT_TYPES, EXPERT_ID, EXPERT_WORK_KINDS, type ExpertEvent, type ExpertProfile } from './experts.events.js';
import {
  CONFLICT_ID,
  CRITERION,
  MAX_ROUND,
  SOURCE_EVENT_ID,
  validEnterpriseCode,
  validPoints,
  validReason,
  validSpecialties,
  validTitle,
  validUserId,
  WORK_ID,
} from './experts.fields.js';
import { assignmentForScore, assignmentKey, evolveExpert, type ExpertState, historyFingerprint, initialExpertState } from './experts.state.js';

// One expert's stream: the pool's decisions on them, and the history the drawing and scoring contexts record.

// ---- parse step -----------------------------------------------------------------------------------------------

/** Every field of an expert command at once, normalised, before the expert's stream is read. */
export function parseExpertCommand<C extends ExpertCommand>(command: C): C {
  const errors = new FieldErrors();
  validAssociationId(errors, 'associationId', command.associationId);
  matches(errors, 'expertId', command.expertId, EXPERT_ID, 'must be an expert id: EXP and 16 characters of Crockford base32.');
  const parsed = parseRest(errors, command);
  errors.throwIfAny();
  return parsed as C;
}

function parseRest(errors: FieldErrors, command: ExpertCommand): ExpertCommand {
  switch (command.type) {
    case 'EnrolExpert':
      return {
        ...command,
        personId: validPersonId(errors, 'personId', command.personId),
        specialties: validSpecialties(errors, 'specialties', command.specialties),
        employerCode: validEnterpriseCode(errors, 'employerCode', command.employerCode),
        title: validTitle(errors, 'title', command.title),
        userId: validUserId(errors, 'userId', command.userId),
      };
    case 'ChangeExpertProfile': {
      const given = (['specialties', 'employerCode', 'title', 'userId'] as const).filter((field) => command[field] !== undefined);
      if (given.length === 0) errors.add('specialties', 'nothing to change: give at least one of specialties, employerCode, title or userId.');
      const changed: { -readonly [K in keyof ChangeExpertProfile]: ChangeExpertProfile[K] } = { type: command.type, associationId: command.associationId, expertId: command.expertId };
      if (command.specialties !== undefined) changed.specialties = validSpecialties(errors, 'specialties', command.specialties);
      if (command.employerCode !== undefined) changed.employerCode = validEnterpriseCode(errors, 'employerCode', command.employerCode);
      if (command.title !== undefined) changed.title = validTitle(errors, 'title', command.title);
      if (command.userId !== undefined) changed.userId = validUserId(errors, 'userId', command.userId);
      return changed;
    }
    case 'SuspendExpert':
    case 'ReinstateExpert':
    case 'RetireExpert':
      return { ...command, reason: validReason(errors, 'reason', command.reason) };
    case 'DeclareExpertConflict': {
      const from = calendarDate(errors, 'from', command.from);
      const to = calendarDate(errors, 'to', command.to);
      if (from && to && to < from) errors.add('to', 'cannot be before from.');
      return {
        ...command,
        conflictId: matches(errors, 'conflictId', command.conflictId, CONFLICT_ID, 'must be 1 to 64 letters, digits or hyphens.'),
        enterpriseCode: validEnterpriseCode(errors, 'enterpriseCode', command.enterpriseCode),
        reason: validReason(errors, 'reason', command.reason),
        from,
        to,
      };
    }
    case 'WithdrawExpertConflict':
      return {
        ...command,
        conflictId: matches(errors, 'conflictId', command.conflictId, CONFLICT_ID, 'must be 1 to 64 letters, digits or hyphens.'),
        reason: validReason(errors, 'reason', command.reason),
      };
    case 'RecordExpertAssignment':
      return { ...command, ...historyEntry(errors, command) };
    case 'RecordExpertRecusal':
      return { ...command, ...historyEntry(errors, command), reason: validReason(errors, 'reason', command.reason) };
    case 'RecordExpertScore':
      return {
        ...command,
        ...historyEntry(errors, command),
        criterion: command.criterion == null ? null : matches(errors, 'criterion', command.criterion, CRITERION, 'must be upper-case letters, digits and underscores.'),
        points: validPoints(errors, 'points', command.points),
      };
  }
}

function historyEntry(errors: FieldErrors, command: ExpertHistoryEntry): Pick<ExpertHistoryEntry, 'reference' | 'round' | 'sourceEventId'> {
  const reference = command.reference as Partial<ExpertHistoryEntry['reference']> | null | undefined;
  return {
    reference: {
      kind: oneOf(errors, 'reference.kind', reference?.kind, EXPERT_WORK_KINDS),
      id: matches(errors, 'reference.id', reference?.id, WORK_ID, 'must be 1 to 200 letters, digits or _ . : / - (the id its context gives the work).'),
    },
    round: wholeNumber(errors, 'round', command.round, 1, MAX_ROUND),
    sourceEventId: matches(errors, 'sourceEventId', command.sourceEventId, SOURCE_EVENT_ID, 'must be 1 to 200 letters, digits or _ . : @ - (the recording event id).'),
  };
}

// ---- decisions ------------------------------------------------------------------------------------------------

function refuse(rule: string, message: string, command: { associationId: string; expertId: string }): never {
  throw new RuleViolation(rule, message, { associationId: command.associationId, expertId: command.expertId });
}

/** The rules of a parsed expert command against the expert's stream and the facts the command layer loaded. */
export function decideExpert(command: ExpertCommand, state: ExpertState, context: DecisionContext, facts: ExpertFactsSnapshot = {}): ExpertEvent[] {
  if (command.type === 'EnrolExpert') return enrol(command, state, context, facts);
  if (state.status === 'NONE' || state.profile === null) {
    refuse(ExpertRules.notEnrolled, `No expert ${command.expertId} is enrolled in the pool of ${command.associationId}.`, command);
  }
  switch (command.type) {
    case 'RecordExpertAssignment':
    case 'RecordExpertRecusal':
    case 'RecordExpertScore':
      return recordHistory(command, state, context);
    default:
      return decidePool(command, state, state.profile, context, facts);
  }
}

function enrol(command: EnrolExpert, state: ExpertState, context: DecisionContext, facts: ExpertFactsSnapshot): ExpertEvent[] {
  if (state.status !== 'NONE') refuse(ExpertRules.alreadyEnrolled, `Person ${command.personId} is already in the pool of ${command.associationId} as expert ${command.expertId}.`, command);
  if (facts.person === 'ERASED') refuse(ExpertRules.personErased, `Person ${command.personId} was erased from the persons register.`, command);
  if (facts.person !== 'REGISTERED') {
    refuse(ExpertRules.personNotRegistered, `Person ${command.personId} is not in the persons register: register the person first with registerPerson.`, command);
  }
  if (facts.employerRegistered !== true) refuse(ExpertRules.employerNotRegistered, `The employer ${command.employerCode} is not an enterprise of the register.`, command);
  return [
    {
      type: 'ExpertEnrolled',
      data: {
        associationId: command.associationId,
        expertId: command.expertId,
        personId: command.personId,
        specialties: command.specialties,
        employerCode: command.employerCode,
        title: command.title,
        userId: command.userId ?? null,
        enrolledOn: businessDate(context.now),
        enrolledBy: context.actor.userId,
      },
    },
  ];
}

function decidePool(
  command: Exclude<ExpertPoolCommand, EnrolExpert>,
  state: ExpertState,
  profile: ExpertProfile,
  context: DecisionContext,
  facts: ExpertFactsSnapshot,
): ExpertEvent[] {
  // A retired expert's record is closed: the pool keeps it for their history only.
  if (state.status === 'RETIRED') refuse(ExpertRules.retired, `Expert ${command.expertId} has retired from the pool; their record no longer changes.`, command);
  const on = businessDate(context.now);
  const by = context.actor.userId;
  const { associationId, expertId } = command;
  switch (command.type) {
    case 'ChangeExpertProfile': {
      const changes: { -readonly [K in keyof ExpertProfile]?: ExpertProfile[K] } = {};
      if (command.specialties !== undefined && command.specialties.join() !== profile.specialties.join()) changes.specialties = command.specialties;
      if (command.employerCode !== undefined && command.employerCode !== profile.employerCode) changes.employerCode = command.employerCode;
      if (command.title !== undefined && command.title !== profile.title) changes.title = command.title;
      if (command.userId !== undefined && (command.userId ?? null) !== profile.userId) changes.userId = command.userId ?? null;
      if (Object.keys(changes).length === 0) return [];
      if (changes.employerCode !== undefined && facts.employerRegistered !== true) {
        refuse(ExpertRules.employerNotRegistered, `The employer ${changes.employerCode} is not an enterprise of the register.`, command);
      }
      return [{ type: 'ExpertProfileChanged', data: { associationId, expertId, changes, changedOn: on, changedBy: by } }];
    }
    case 'SuspendExpert':
      if (state.status !== 'ACTIVE') refuse(ExpertRules.notActive, `Expert ${expertId} is ${state.status.toLowerCase()}, not active: only an active expert is suspended.`, command);
      return [{ type: 'ExpertSuspended', data: { associationId, expertId, reason: command.reason, effectiveOn: on, decidedBy: by } }];
    case 'ReinstateExpert':
      if (state.status !== 'SUSPENDED') refuse(ExpertRules.notSuspended, `Expert ${expertId} is not suspended.`, command);
      return [{ type: 'ExpertReinstated', data: { associationId, expertId, reason: command.reason, effectiveOn: on, decidedBy: by } }];
    case 'RetireExpert':
      return [{ type: 'ExpertRetired', data: { associationId, expertId, reason: command.reason, effectiveOn: on, decidedBy: by } }];
    case 'DeclareExpertConflict': {
      const { conflictId, enterpriseCode, reason, from, to } = command;
      const existing = state.conflicts.find((c) => c.conflictId === conflictId);
      if (existing) {
        const same = existing.enterpriseCode === enterpriseCode && existing.from === from && existing.to === to && existing.reason === reason;
        if (same && !existing.withdrawn) return [];
        refuse(ExpertRules.conflictIdUsed, `Conflict ${conflictId} of expert ${expertId} is already declared: use a new conflict id.`, command);
      }
      return [{ type: 'ExpertConflictDeclared', data: { associationId, expertId, conflictId, enterpriseCode, reason, from, to, declaredBy: by } }];
    }
    case 'WithdrawExpertConflict': {
      const conflict = state.conflicts.find((c) => c.conflictId === command.conflictId);
      if (!conflict) refuse(ExpertRules.conflictUnknown, `Expert ${expertId} has declared no conflict ${command.conflictId}.`, command);
      if (conflict.withdrawn) refuse(ExpertRules.conflictWithdrawn, `Conflict ${command.conflictId} of expert ${expertId} was already withdrawn.`, command);
      return [{ type: 'ExpertConflictWithdrawn', data: { associationId, expertId, conflictId: command.conflictId, reason: command.reason, withdrawnOn: on, withdrawnBy: by } }];
    }
  }
}

function recordHistory(command: ExpertHistoryCommand, state: ExpertState, context: DecisionContext): ExpertEvent[] {
  const { associationId, expertId, reference, round, sourceEventId } = command;
  const eventType = command.type === 'RecordExpertAssignment' ? 'ExpertAssigned' : command.type === 'RecordExpertRecusal' ? 'ExpertRecused' : 'ExpertScoreRecorded';
  const detail = command.type === 'RecordExpertScore' ? `${command.criterion ?? ''}=${command.points}` : '';
  // The recording context re-sends after a failure: the same source event records nothing twice.
  const recorded = state.sourceEvents.get(sourceEventId);
  if (recorded !== undefined) {
    if (recorded === historyFingerprint(eventType, reference, round, detail)) return [];
    refuse(ExpertRules.sourceEventReused, `Source event ${sourceEventId} is already recorded on expert ${expertId} for something else.`, command);
  }
  const entry = { associationId, expertId, reference, round, sourceEventId, recordedOn: businessDate(context.now), recordedBy: context.actor.userId };
  const assignment = state.assignments.get(assignmentKey(reference, round));
  switch (command.type) {
    case 'RecordExpertAssignment':
      if (state.status === 'RETIRED') refuse(ExpertRules.retired, `Expert ${expertId} has retired from the pool and cannot be assigned.`, command);
      if (state.status === 'SUSPENDED') refuse(ExpertRules.suspended, `Expert ${expertId} is suspended and cannot be assigned.`, command);
      if (assignment) refuse(ExpertRules.alreadyAssigned, `Expert ${expertId} is already assigned to ${reference.kind} ${reference.id}, round ${round}.`, command);
      return [{ type: 'ExpertAssigned', data: entry }];
    case 'RecordExpertRecusal':
      if (!assignment) refuse(ExpertRules.notAssigned, `Expert ${expertId} is not assigned to ${reference.kind} ${reference.id}, round ${round}.`, command);
      if (assignment.recused) refuse(ExpertRules.alreadyRecused, `Expert ${expertId} has already recused themselves from ${reference.kind} ${reference.id}, round ${round}.`, command);
      return [{ type: 'ExpertRecused', data: { ...entry, reason: command.reason } }];
    case 'RecordExpertScore': {
      // An expert assigned to a credit cycle scores its applications: the score names the application, the
      // assignment is the cycle's (same round).
      const scoredUnder = assignmentForScore(state, reference, round);
      if (!scoredUnder) refuse(ExpertRules.notAssigned, `Expert ${expertId} is not assigned to ${reference.kind} ${reference.id}, round ${round}.`, command);
      if (scoredUnder.recused) refuse(ExpertRules.recused, `Expert ${expertId} recused themselves from ${reference.kind} ${reference.id}, round ${round}: they do not score it.`, command);
      return [{ type: 'ExpertScoreRecorded', data: { ...entry, criterion: command.criterion, points: command.points } }];
    }
  }
}

/** The expert decider with the facts the command layer loaded (the person's standing, whether the employer is registered). */
export function expertDeciderWith(facts: ExpertFactsSnapshot): Decider<ExpertCommand, ExpertEvent, ExpertState> {
  return {
    initialState: initialExpertState,
    eventTypes: EXPERT_EVENT_TYPES,
    evolve: evolveExpert,
    parse: parseExpertCommand,
    decide: (command, state, context) => decideExpert(command, state, context, facts),
  };
}

/** With no facts: what needs none (the history, suspension, conflicts) is decided; an enrolment is refused. */
export const expertDecider = expertDeciderWith({});
