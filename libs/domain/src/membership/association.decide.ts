import {
  associationIdProblem,
  DECIDING_BODIES,
  type DecidingBody,
  type Decider,
  type DecisionContext,
  effectiveDate,
  FieldErrors,
  isIsoDate,
  NotFound,
  optionalText,
  regionCodeProblem,
  requiredText,
  RuleViolation,
} from '../shared/index.js';
import type { AssociationCommand, RecordCouncilTerm, RegisterAssociation } from './association.commands.js';
import { ASSOCIATION_EVENT_TYPES, type AssociationEvent, type Charter } from './association.events.js';
import { AssociationRules } from './membership.errors.js';

export interface CouncilTerm {
  readonly termNumber: number;
  readonly startsOn: string;
  readonly endsOn: string;
}

export type AssociationState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly associationId: string;
      readonly name: string;
      readonly regionCode: string;
      readonly charter: Charter;
      readonly waiverApprovers: readonly string[];
      readonly councilTerms: readonly CouncilTerm[];
    };

type Registered = Extract<AssociationState, { status: 'registered' }>;

export const initialAssociationState: AssociationState = { status: 'unregistered' };

export function evolveAssociation(state: AssociationState, event: AssociationEvent): AssociationState {
  if (event.type === 'AssociationRegistered') {
    const d = event.data;
    return {
      status: 'registered',
      associationId: d.associationId,
      name: d.name,
      regionCode: d.regionCode,
      charter: d.charter,
      waiverApprovers: d.waiverApprovers,
      councilTerms: [],
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'WaiverApproverGranted':
      return { ...state, waiverApprovers: [...state.waiverApprovers, event.data.userId] };
    case 'WaiverApproverRevoked':
      return { ...state, waiverApprovers: state.waiverApprovers.filter((u) => u !== event.data.userId) };
    case 'CouncilTermRecorded': {
      const { termNumber, startsOn, endsOn } = event.data;
      return { ...state, councilTerms: [...state.councilTerms, { termNumber, startsOn, endsOn }] };
    }
  }
}

/** The council term whose dates include `date` (YYYY-MM-DD), if any. */
export function councilTermOn(state: AssociationState, date: string): CouncilTerm | null {
  if (state.status !== 'registered') return null;
  return state.councilTerms.find((t) => t.startsOn <= date && date <= t.endsOn) ?? null;
}

const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,100}$/;
const NAME_MAX = 200;
const REASON_MAX = 2000;
export const DEFAULT_REMINDER_GRACE_DAYS = 30;

function userId(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !USER_ID_PATTERN.test(value)) {
    errors.add(field, 'A user id is 1 to 100 letters, digits or . _ @ - characters.');
    return '';
  }
  return value;
}

export function decideAssociation(command: AssociationCommand, state: AssociationState, context: DecisionContext): AssociationEvent[] {
  switch (command.type) {
    case 'RegisterAssociation':
      return register(command, state);
    case 'GrantWaiverApprover': {
      const s = registered(state, command.associationId);
      const errors = new FieldErrors();
      const user = userId(errors, 'userId', command.userId);
      const reason = optionalText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' }) ?? null;
      const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
      errors.throwIfAny();
      if (s.waiverApprovers.includes(user)) {
        throw new RuleViolation(
          AssociationRules.waiverApproverAlreadyGranted,
          `User ${user} is already authorised to approve dues waivers for ${s.name}.`,
          { userId: user },
        );
      }
      return [{ type: 'WaiverApproverGranted', data: { associationId: s.associationId, userId: user, reason, effectiveFrom } }];
    }
    case 'RevokeWaiverApprover': {
      const s = registered(state, command.associationId);
      const errors = new FieldErrors();
      const user = userId(errors, 'userId', command.userId);
      const reason = optionalText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' }) ?? null;
      const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
      errors.throwIfAny();
      if (!s.waiverApprovers.includes(user)) {
        throw new RuleViolation(
          AssociationRules.waiverApproverNotGranted,
          `User ${user} is not authorised to approve dues waivers for ${s.name}, so there is nothing to revoke.`,
          { userId: user },
        );
      }
      return [{ type: 'WaiverApproverRevoked', data: { associationId: s.associationId, userId: user, reason, effectiveFrom } }];
    }
    case 'RecordCouncilTerm':
      return recordTerm(command, registered(state, command.associationId));
  }
}

export const associationDecider: Decider<AssociationCommand, AssociationEvent, AssociationState> = {
  initialState: initialAssociationState,
  eventTypes: ASSOCIATION_EVENT_TYPES,
  decide: decideAssociation,
  evolve: evolveAssociation,
};

function registered(state: AssociationState, id: string): Registered {
  if (state.status !== 'registered') throw new NotFound('Association', id);
  return state;
}

function register(command: RegisterAssociation, state: AssociationState): AssociationEvent[] {
  const errors = new FieldErrors();
  const idProblem = associationIdProblem(command.associationId);
  if (idProblem) errors.add('associationId', idProblem);
  const name = requiredText(errors, 'name', command.name, { max: NAME_MAX, label: 'The association name' });
  const regionCode = requiredText(errors, 'regionCode', command.regionCode, { max: 6, label: 'The region code' });
  const regionProblem = regionCode ? regionCodeProblem(regionCode) : null;
  if (regionProblem) errors.add('regionCode', `The region code ${regionProblem}`);
  if (command.deemedWithdrawalYears !== 1 && command.deemedWithdrawalYears !== 2) {
    errors.add('deemedWithdrawalYears', 'The charter sets deemed withdrawal after 1 or 2 unpaid years.');
  }
  const grace = command.reminderGraceDays ?? DEFAULT_REMINDER_GRACE_DAYS;
  if (!Number.isInteger(grace) || grace < 1 || grace > 365) {
    errors.add('reminderGraceDays', 'The reminder grace period is a whole number of days from 1 to 365.');
  }
  const bodies = Array.isArray(command.admissionBodies) ? command.admissionBodies : [];
  if (bodies.length === 0) errors.add('admissionBodies', 'Name at least one body that may admit members.');
  bodies.forEach((b, i) => {
    if (!DECIDING_BODIES.includes(b as DecidingBody)) errors.add(`admissionBodies.${i}`, `must be one of ${DECIDING_BODIES.join(', ')}.`);
  });
  const approvers = (command.waiverApprovers ?? []).map((u, i) => userId(errors, `waiverApprovers.${i}`, u));
  if (new Set(approvers).size !== approvers.length) errors.add('waiverApprovers', 'Each user is named once.');
  errors.throwIfAny();
  if (state.status === 'registered') {
    throw new RuleViolation(AssociationRules.alreadyRegistered, `Association ${command.associationId} is already registered.`, {
      associationId: command.associationId,
    });
  }
  return [
    {
      type: 'AssociationRegistered',
      data: {
        associationId: command.associationId,
        name,
        regionCode,
        charter: {
          deemedWithdrawalYears: command.deemedWithdrawalYears as 1 | 2,
          reminderGraceDays: grace,
          admissionBodies: [...new Set(bodies as DecidingBody[])],
        },
        waiverApprovers: approvers,
      },
    },
  ];
}

function recordTerm(command: RecordCouncilTerm, state: Registered): AssociationEvent[] {
  const errors = new FieldErrors();
  if (!Number.isInteger(command.termNumber) || command.termNumber < 1 || command.termNumber > 1000) {
    errors.add('termNumber', 'The term number is a whole number from 1 (第一届) upwards.');
  }
  if (!isIsoDate(command.startsOn)) errors.add('startsOn', 'must be a calendar date written YYYY-MM-DD.');
  if (!isIsoDate(command.endsOn)) errors.add('endsOn', 'must be a calendar date written YYYY-MM-DD.');
  else if (isIsoDate(command.startsOn) && command.endsOn <= command.startsOn) errors.add('endsOn', 'must be after the start date.');
  errors.throwIfAny();
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
