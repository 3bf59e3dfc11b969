import {
  associationIdProblem,
  businessDate,
  calendarDate,
  DECIDING_BODIES,
  type DecidingBody,
  type Decider,
  type DecisionContext,
  FieldErrors,
  isIsoDate,
  NotFound,
  oneOf,
  optionalText,
  regionCodeProblem,
  requiredText,
  RuleViolation,
} from '../shared/index.js';
import type {
  AssociationCommand,
  GrantWaiverApprover,
  ParsedAssociationCommand,
  ParsedRegisterAssociation,
  RecordCouncilTerm,
  RegisterAssociation,
  RevokeWaiverApprover,
} from './association.commands.js';
import { ASSOCIATION_EVENT_TYPES, type AssociationEvent } from './association.events.js';
import { type AssociationState, evolveAssociation, initialAssociationState, type RegisteredAssociationState } from './association.state.js';
import { AssociationRules } from './membership.errors.js';
import { optionalDate, REASON_MAX } from './membership.fields.js';

// The association's own record: registration with its charter, the users who may approve dues waivers, and the
// council terms.

const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,100}$/;
const NAME_MAX = 200;
export const DEFAULT_REMINDER_GRACE_DAYS = 30;

/** A user id, or '' when it breaks the rule (so two refused ids also count as one named twice). */
function userId(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !USER_ID_PATTERN.test(value)) {
    errors.add(field, 'A user id is 1 to 100 letters, digits or . _ @ - characters.');
    return '';
  }
  return value;
}

/** The parse step: every field of an association command checked at once, before the association's stream is read. */
export function parseAssociationCommand(command: AssociationCommand): ParsedAssociationCommand {
  const errors = new FieldErrors();
  const parsed = associationFields(errors, command);
  errors.throwIfAny();
  return parsed;
}

function associationFields(errors: FieldErrors, command: AssociationCommand): ParsedAssociationCommand {
  switch (command.type) {
    case 'RegisterAssociation':
      return registrationFields(errors, command);
    case 'GrantWaiverApprover':
    case 'RevokeWaiverApprover':
      return {
        ...command,
        userId: userId(errors, 'userId', command.userId),
        reason: optionalText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }) ?? null,
        effectiveFrom: optionalDate(errors, 'effectiveFrom', command.effectiveFrom),
      };
    case 'RecordCouncilTerm': {
      if (!Number.isInteger(command.termNumber) || command.termNumber < 1 || command.termNumber > 1000) {
        errors.add('termNumber', 'The term number is a whole number from 1 (第一届) upwards.');
      }
      const startsOn = calendarDate(errors, 'startsOn', command.startsOn);
      const endsOn = calendarDate(errors, 'endsOn', command.endsOn);
      if (isIsoDate(startsOn) && isIsoDate(endsOn) && endsOn <= startsOn) errors.add('endsOn', 'must be after the start date.');
      return { ...command, startsOn, endsOn };
    }
  }
}

function registrationFields(errors: FieldErrors, command: RegisterAssociation): ParsedRegisterAssociation {
  const idProblem = associationIdProblem(command.associationId);
  if (idProblem) errors.add('associationId', idProblem);
  const name = requiredText(errors, 'name', command.name, { max: NAME_MAX, label: 'The association name' });
  const regionCode = requiredText(errors, 'regionCode', command.regionCode, { max: 6, label: 'The region code' });
  const regionProblem = regionCode ? regionCodeProblem(regionCode) : null;
  if (regionProblem) errors.add('regionCode', `The region code ${regionProblem}`);
  if (command.deemedWithdrawalYears !== 1 && command.deemedWithdrawalYears !== 2) {
    errors.add('deemedWithdrawalYears', 'The charter sets deemed withdrawal after 1 or 2 unpaid years.');
  }
  const reminderGraceDays = command.reminderGraceDays ?? DEFAULT_REMINDER_GRACE_DAYS;
  if (!Number.isInteger(reminderGraceDays) || reminderGraceDays < 1 || reminderGraceDays > 365) {
    errors.add('reminderGraceDays', 'The reminder grace period is a whole number of days from 1 to 365.');
  }
  const bodies = Array.isArray(command.admissionBodies) ? command.admissionBodies : [];
  if (bodies.length === 0) errors.add('admissionBodies', 'Name at least one body that may admit members.');
  const admissionBodies = bodies.map((body, i) => oneOf(errors, `admissionBodies.${i}`, body, DECIDING_BODIES));
  const waiverApprovers = (command.waiverApprovers ?? []).map((u, i) => userId(errors, `waiverApprovers.${i}`, u));
  if (new Set(waiverApprovers).size !== waiverApprovers.length) errors.add('waiverApprovers', 'Each user is named once.');
  return {
    ...command,
    name,
    regionCode,
    deemedWithdrawalYears: command.deemedWithdrawalYears as 1 | 2,
    reminderGraceDays,
    admissionBodies: [...new Set<DecidingBody>(admissionBodies)],
    waiverApprovers,
  };
}

/** Decides a parsed association command on the association's stream. */
export function decideAssociation(command: ParsedAssociationCommand, state: AssociationState, context: DecisionContext): AssociationEvent[] {
  switch (command.type) {
    case 'RegisterAssociation':
      return register(command, state);
    case 'GrantWaiverApprover':
      return grantWaiverApprover(command, registered(state, command.associationId), context);
    case 'RevokeWaiverApprover':
      return revokeWaiverApprover(command, registered(state, command.associationId), context);
    case 'RecordCouncilTerm':
      return recordTerm(command, registered(state, command.associationId));
  }
}

export const associationDecider: Decider<AssociationCommand, AssociationEvent, AssociationState> = {
  initialState: initialAssociationState,
  eventTypes: ASSOCIATION_EVENT_TYPES,
  parse: parseAssociationCommand,
  // The command path decides on what the parse step returned.
  decide: (command, state, context) => decideAssociation(command as ParsedAssociationCommand, state, context),
  evolve: evolveAssociation,
};

function registered(state: AssociationState, id: string): RegisteredAssociationState {
  if (state.status !== 'registered') throw new NotFound('Association', id);
  return state;
}

function register(command: ParsedRegisterAssociation, state: AssociationState): AssociationEvent[] {
  if (state.status === 'registered') {
    throw new RuleViolation(AssociationRules.alreadyRegistered, `Association ${command.associationId} is already registered.`, {
      associationId: command.associationId,
    });
  }
  const { associationId, name, regionCode, deemedWithdrawalYears, reminderGraceDays, admissionBodies, waiverApprovers } = command;
  return [
    {
      type: 'AssociationRegistered',
      data: { associationId, name, regionCode, charter: { deemedWithdrawalYears, reminderGraceDays, admissionBodies }, waiverApprovers },
    },
  ];
}

function grantWaiverApprover(command: GrantWaiverApprover, s: RegisteredAssociationState, context: DecisionContext): AssociationEvent[] {
  const { userId: user } = command;
  if (s.waiverApprovers.includes(user)) {
    throw new RuleViolation(
      AssociationRules.waiverApproverAlreadyGranted,
      `User ${user} is already authorised to approve dues waivers for ${s.name}.`,
      { userId: user },
    );
  }
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  return [{ type: 'WaiverApproverGranted', data: { associationId: s.associationId, userId: user, reason: command.reason ?? null, effectiveFrom } }];
}

function revokeWaiverApprover(command: RevokeWaiverApprover, s: RegisteredAssociationState, context: DecisionContext): AssociationEvent[] {
  const { userId: user } = command;
  if (!s.waiverApprovers.includes(user)) {
    throw new RuleViolation(
      AssociationRules.waiverApproverNotGranted,
      `User ${user} is not authorised to approve dues waivers for ${s.name}, so there is nothing to revoke.`,
      { userId: user },
    );
  }
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  return [{ type: 'WaiverApproverRevoked', data: { associationId: s.associationId, userId: user, reason: command.reason ?? null, effectiveFrom } }];
}

function recordTerm(command: RecordCouncilTerm, state: RegisteredAssociationState): AssociationEvent[] {
  if (state.councilTerms.some((t) => t.termNumber === command.termNumber)) {
    throw new RuleViolation(AssociationRules.councilTermExists, `Council term ${command.termNumber} is already recorded.`, {
      termNumber: command.termNumber,
    });
  }
  const overlapping = state.councilTerms.find((t) => t.startsOn <= command.endsOn && command.startsOn <= t.endsOn);
  if (overlapping) {
    throw new RuleViolation(
      AssociationRules.councilTermOverlaps,
      `Council term ${command.termNumber} (${command.startsOn} to ${command.endsOn}) overlaps term ${overlapping.termNumber} ` +
        `(${overlapping.startsOn} to ${overlapping.endsOn}); one council serves at a time.`,
      { overlapsTerm: overlapping.termNumber },
    );
  }
  return [
    {
      type: 'CouncilTermRecorded',
      data: { associationId: state.associationId, termNumber: command.termNumber, startsOn: command.startsOn, endsOn: command.endsOn },
    },
  ];
}
