import {
  businessDate,
  type Decider,
  type DecisionContext,
  type Evolver,
  FieldErrors,
  InvalidInput,
  type MultiStreamDecider,
  oneOf,
  requiredText,
  RuleViolation,
  validAssociationId,
  validDecisionRecord,
} from '../shared/index.js';
import type { ApprovePersonErasure, CorrectPersonDetails, PersonCommand, PersonFacts, RegisterPerson, RejectPersonErasure } from './persons.commands.js';
import { PersonsRules } from './persons.errors.js';
import {
  ERASURE_LEGAL_BASES,
  ERASURE_REQUESTERS,
  IDENTITY_KEY,
  PERSON_EVENT_TYPES,
  PERSON_IDENTITY_EVENT_TYPES,
  type PersonDetailsCorrected,
  type PersonEvent,
  type PersonIdentityEvent,
  personIdentityStreamId,
  personStreamId,
} from './persons.events.js';
import { birthDateProblem, registrationDetails, validAddress, validPersonId, validPersonName, validPhone, validRequestId } from './persons.fields.js';
import { evolvePerson, evolvePersonIdentity, initialPersonIdentityState, initialPersonState, type PersonIdentityState, type PersonState } from './persons.state.js';

/*
 * The persons register's decisions (ADR 0016). A registration is one atomic append to the person's stream and to the
 * identity claim of their number (ADR 0012), so one number has one register id; an erasure is requested and decided
 * by a second person, and its approval releases the claim in the same append. Every command names the acting
 * association, which must be the registering one or one related to the person (PERSON_NOT_RELATED).
 *
 * The four-eyes rule holds for both outcomes of a request: its requester may neither approve nor reject it. Refusing
 * a data subject's request (PIPL Art. 50) is as much a decision on their right as granting it; a request recorded by
 * mistake is rejected by a colleague.
 */

/** The command fields that hold personal data: hashed under a key in the command's hash, sealed in the events. */
export const PERSON_PERSONAL_FIELDS = ['name', 'identityCardNumber', 'phone', 'address'] as const;

export const personEvolver: Evolver<PersonEvent, PersonState> = { initialState: initialPersonState, eventTypes: PERSON_EVENT_TYPES, evolve: evolvePerson };
export const personIdentityEvolver: Evolver<PersonIdentityEvent, PersonIdentityState> = {
  initialState: initialPersonIdentityState,
  eventTypes: PERSON_IDENTITY_EVENT_TYPES,
  evolve: evolvePersonIdentity,
};

// ---- parse steps --------------------------------------------------------------------------------------------------

/** Every field of a registration at once, normalised; the register id and identity key are the handler's. */
export function parseRegisterPerson(command: RegisterPerson): RegisterPerson {
  const errors = new FieldErrors();
  validAssociationId(errors, 'associationId', command.associationId);
  validPersonId(errors, 'personId', command.personId);
  if (typeof command.identityKey !== 'string' || !IDENTITY_KEY.test(command.identityKey)) errors.add('identityKey', 'must be the keyed hash of the number (64 hex digits).');
  const details = registrationDetails(errors, command);
  errors.throwIfAny();
  return { ...command, ...details };
}

/** Every field of a command on an existing person at once, normalised. */
export function parsePersonCommand<C extends PersonCommand | ApprovePersonErasure>(command: C): C {
  const errors = new FieldErrors();
  validAssociationId(errors, 'associationId', command.associationId);
  validPersonId(errors, 'personId', command.personId);
  const parsed = parseRest(errors, command);
  errors.throwIfAny();
  return parsed as C;
}

function parseRest(errors: FieldErrors, command: PersonCommand | ApprovePersonErasure): PersonCommand | ApprovePersonErasure {
  switch (command.type) {
    case 'CorrectPersonDetails': {
      const given = (['name', 'phone', 'address'] as const).filter((field) => command[field] !== undefined);
      if (given.length === 0) for (const field of ['name', 'phone', 'address']) errors.add(field, 'nothing to correct: give at least one of name, phone or address.');
      const corrected: { -readonly [K in keyof CorrectPersonDetails]: CorrectPersonDetails[K] } = { type: command.type, associationId: command.associationId, personId: command.personId };
      if (command.name !== undefined) {
        if (command.name === null) errors.add('name', 'cannot be cleared: a person is registered under a name.');
        else corrected.name = validPersonName(errors, 'name', command.name);
      }
      if (command.phone !== undefined) corrected.phone = validPhone(errors, 'phone', command.phone);
      if (command.address !== undefined) corrected.address = validAddress(errors, 'address', command.address);
      return corrected;
    }
    case 'RequestPersonErasure':
      return {
        ...command,
        requestId: validRequestId(errors, 'requestId', command.requestId),
        legalBasis: oneOf(errors, 'legalBasis', command.legalBasis, ERASURE_LEGAL_BASES),
        requester: oneOf(errors, 'requester', command.requester, ERASURE_REQUESTERS),
        decision: validDecisionRecord(errors, 'decision', command.decision),
      };
    case 'ApprovePersonErasure':
      return { ...command, requestId: validRequestId(errors, 'requestId', command.requestId) };
    case 'RejectPersonErasure':
      return {
        ...command,
        requestId: validRequestId(errors, 'requestId', command.requestId),
        reason: requiredText(errors, 'reason', command.reason, { max: 2000, label: 'The reason', multiline: true }),
      };
  }
}

// ---- rules shared by the commands on an existing person ---------------------------------------------------------

/** The person is registered and the acting association may act on them; answers the state's register id. */
function assertMayAct(command: { associationId: string; personId: string }, state: PersonState, facts: PersonFacts): void {
  if (state.status === 'NONE') {
    throw new RuleViolation(PersonsRules.notRegistered, `No person is registered under ${command.personId}.`, { personId: command.personId });
  }
  if (command.associationId !== state.associationId && !facts.relatedAssociations.has(command.associationId)) {
    throw new RuleViolation(
      PersonsRules.notRelated,
      `Association ${command.associationId} is not related to person ${command.personId}: only the registering association or one holding a credit record of theirs may act on their record.`,
      { personId: command.personId, associationId: command.associationId },
    );
  }
}

function assertNotErased(command: { personId: string }, state: PersonState): void {
  if (state.status === 'ERASED') {
    throw new RuleViolation(PersonsRules.erased, `Person ${command.personId} was erased: their record holds no personal data and cannot change.`, {
      personId: command.personId,
    });
  }
}

/** The request named is the one pending, and the decider is not who asked for it. */
function assertDecidable(command: ApprovePersonErasure | RejectPersonErasure, state: PersonState, context: DecisionContext): void {
  const pending = state.pendingErasure;
  if (!pending || pending.requestId !== command.requestId) {
    throw new RuleViolation(PersonsRules.erasureNotPending, `No erasure request ${command.requestId} of person ${command.personId} is waiting for a decision.`, {
      personId: command.personId,
      requestId: command.requestId,
    });
  }
  if (pending.requestedBy === context.actor.userId) {
    const approving = command.type === 'ApprovePersonErasure';
    throw new RuleViolation(
      approving ? PersonsRules.erasureSelfApproval : PersonsRules.erasureSelfRejection,
      `The erasure request ${command.requestId} was made by ${context.actor.userId}: another person must ${approving ? 'approve' : 'reject'} it.`,
      { personId: command.personId, requestId: command.requestId },
    );
  }
}

// ---- the person's stream ---------------------------------------------------------------------------------------

export function decidePerson(command: PersonCommand, state: PersonState, context: DecisionContext, facts: PersonFacts): PersonEvent[] {
  assertMayAct(command, state, facts);
  assertNotErased(command, state);
  switch (command.type) {
    case 'CorrectPersonDetails': {
      const changes: { -readonly [K in keyof PersonDetailsCorrected['data']['changes']]: PersonDetailsCorrected['data']['changes'][K] } = {};
      if (command.name !== undefined) changes.name = command.name;
      if (command.phone !== undefined) changes.phone = command.phone;
      if (command.address !== undefined) changes.address = command.address;
      return [
        { type: 'PersonDetailsCorrected', data: { personId: command.personId, associationId: command.associationId, changes, correctedOn: businessDate(context.now) } },
      ];
    }
    case 'RequestPersonErasure': {
      if (state.pendingErasure) {
        throw new RuleViolation(
          PersonsRules.erasurePending,
          `The erasure of person ${command.personId} was already requested (request ${state.pendingErasure.requestId}): approve or reject that request first.`,
          { personId: command.personId, requestId: state.pendingErasure.requestId },
        );
      }
      if (state.requestIds.includes(command.requestId)) {
        throw new RuleViolation(PersonsRules.erasureRequestIdUsed, `Erasure request id ${command.requestId} was already used for person ${command.personId}: use a new one.`, {
          personId: command.personId,
          requestId: command.requestId,
        });
      }
      return [
        {
          type: 'PersonErasureRequested',
          data: {
            personId: command.personId,
            associationId: command.associationId,
            requestId: command.requestId,
            legalBasis: command.legalBasis,
            requester: command.requester,
            decision: command.decision,
            requestedBy: context.actor.userId,
            requestedOn: businessDate(context.now),
          },
        },
      ];
    }
    case 'RejectPersonErasure':
      assertDecidable(command, state, context);
      return [
        {
          type: 'PersonErasureRejected',
          data: {
            personId: command.personId,
            associationId: command.associationId,
            requestId: command.requestId,
            reason: command.reason,
            rejectedBy: context.actor.userId,
            rejectedOn: businessDate(context.now),
          },
        },
      ];
  }
}

/** Corrections, erasure requests and rejections, on the person's stream alone. */
export function personDecider(facts: PersonFacts): Decider<PersonCommand, PersonEvent, PersonState> {
  return {
    ...personEvolver,
    parse: parsePersonCommand,
    personalFields: PERSON_PERSONAL_FIELDS,
    decide: (command, state, context) => decidePerson(command, state, context, facts),
  };
}

// ---- registration: the person's stream and the identity claim, atomically --------------------------------------

export interface RegistrationStreams extends Record<string, unknown> {
  readonly person: PersonState;
  readonly identity: PersonIdentityState;
}

/** Registers a person and claims their number's identity stream; a number already claimed names the register id holding it. */
export const registerPersonDecider: MultiStreamDecider<RegisterPerson, RegistrationStreams> = {
  parse: parseRegisterPerson,
  personalFields: PERSON_PERSONAL_FIELDS,
  streams: (command) => ({
    person: { streamId: personStreamId(command.personId), evolver: personEvolver },
    identity: { streamId: personIdentityStreamId(command.identityKey), evolver: personIdentityEvolver },
  }),
  decide(command, states, context) {
    const held = states.identity.heldBy ?? (states.person.status === 'NONE' ? null : states.person.personId);
    if (held !== null) {
      throw new RuleViolation(PersonsRules.alreadyRegistered, `This person is already registered as ${held}: use that register id.`, { personId: held });
    }
    const born = birthDateProblem(command.identityCardNumber, businessDate(context.now));
    if (born) throw new InvalidInput([{ field: 'identityCardNumber', message: born }]);
    return {
      person: [
        {
          type: 'PersonRegistered',
          data: {
            name: command.name,
            identityCardNumber: command.identityCardNumber,
            phone: command.phone,
            address: command.address,
            personId: command.personId,
            associationId: command.associationId,
            identityKey: command.identityKey,
            registeredOn: businessDate(context.now),
          },
        },
      ],
      identity: [{ type: 'PersonIdentityReserved', data: { identityKey: command.identityKey, personId: command.personId } }],
    };
  },
};

// ---- approval of an erasure: the person's stream and (by what it holds) the identity claim ---------------------

export interface ErasureStreams extends Record<string, unknown> {
  readonly person: PersonState;
  readonly identity?: PersonIdentityState;
}

/**
 * Approves a pending erasure request: PersonErased (no personal data) and, in the same append, the release of the
 * number's identity claim, so the person may be registered anew under a new id. The handler then destroys the key.
 */
export function approvePersonErasureDecider(facts: PersonFacts): MultiStreamDecider<ApprovePersonErasure, ErasureStreams> {
  return {
    parse: parsePersonCommand,
    streams: (command) => ({
      person: { streamId: personStreamId(command.personId), evolver: personEvolver },
      identity: { dependsOn: (states) => (states.person.identityKey ? personIdentityStreamId(states.person.identityKey) : null), evolver: personIdentityEvolver },
    }),
    decide(command, states, context) {
      const person = states.person;
      assertMayAct(command, person, facts);
      assertNotErased(command, person);
      assertDecidable(command, person, context);
      const erased: PersonEvent = {
        type: 'PersonErased',
        data: { personId: command.personId, associationId: command.associationId, requestId: command.requestId, approvedBy: context.actor.userId, erasedOn: businessDate(context.now) },
      };
      const released: PersonIdentityEvent[] =
        person.identityKey && states.identity?.heldBy === command.personId
          ? [{ type: 'PersonIdentityReleased', data: { identityKey: person.identityKey, personId: command.personId, requestId: command.requestId } }]
          : [];
      return { person: [erased], identity: released };
    },
  };
}
