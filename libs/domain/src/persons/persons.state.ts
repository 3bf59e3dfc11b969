import type { PersonEvent, PersonIdentityEvent } from './persons.events.js';

/** A pending erasure request: waiting for a second person's approval. */
export interface PendingErasure {
  readonly requestId: string;
  readonly requestedBy: string;
  readonly associationId: string;
}

/** One person's standing in the register: what every context's decision about a person needs to know. */
export interface PersonState {
  readonly status: 'NONE' | 'REGISTERED' | 'ERASED';
  readonly personId: string | null;
  /** The association that registered the person. */
  readonly associationId: string | null;
  readonly identityKey: string | null;
  readonly pendingErasure: PendingErasure | null;
  /** Every erasure request id seen (a request id is used once). */
  readonly requestIds: readonly string[];
}

export const initialPersonState: PersonState = { status: 'NONE', personId: null, associationId: null, identityKey: null, pendingErasure: null, requestIds: [] };

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonRegistered':
      return { ...state, status: 'REGISTERED', personId: event.data.personId, associationId: event.data.associationId, identityKey: event.data.identityKey };
    case 'PersonDetailsCorrected':
      return state;
    case 'PersonErasureRequested':
      return {
        ...state,
        pendingErasure: { requestId: event.data.requestId, requestedBy: event.data.requestedBy, associationId: event.data.associationId },
        requestIds: [...state.requestIds, event.data.requestId],
      };
    case 'PersonErasureRejected':
      return { ...state, pendingErasure: null };
    case 'PersonErased':
      return { ...state, status: 'ERASED', pendingErasure: null };
  }
}

/** Which register id holds an identity-card number's claim, if any. */
export interface PersonIdentityState {
  readonly heldBy: string | null;
}
export const initialPersonIdentityState: PersonIdentityState = { heldBy: null };

export function evolvePersonIdentity(state: PersonIdentityState, event: PersonIdentityEvent): PersonIdentityState {
  switch (event.type) {
    case 'PersonIdentityReserved':
      return { heldBy: event.data.personId };
    case 'PersonIdentityReleased':
      return { heldBy: null };
  }
}
