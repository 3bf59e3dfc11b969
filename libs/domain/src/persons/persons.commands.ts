import type { DecisionRecord } from '../shared/index.js';
import type { ErasureLegalBasis, ErasureRequester } from './persons.events.js';

/*
 * The persons register's commands, as plain data. Every command carries the acting admin's association. The personal
 * fields (name, identity-card number, phone, address) are plain here; the command path seals them in the events and
 * hashes them keyed in the command's hash (`personalFields` of each decider).
 */

export interface RegisterPerson {
  readonly type: 'RegisterPerson';
  readonly associationId: string;
  /** Derived from the command id by the handler (`PersonalData.registerIdFor`): a re-send gets the same id. */
  readonly personId: string;
  /** The keyed hash of the normalised identity-card number (`PersonalData.identityKey`), computed by the handler. */
  readonly identityKey: string;
  readonly name: string;
  readonly identityCardNumber: string;
  readonly phone: string | null;
  readonly address: string | null;
}

/** A correction of the details other than the identity-card number: a field left out is unchanged, null clears it. */
export interface CorrectPersonDetails {
  readonly type: 'CorrectPersonDetails';
  readonly associationId: string;
  readonly personId: string;
  readonly name?: string;
  readonly phone?: string | null;
  readonly address?: string | null;
}

export interface RequestPersonErasure {
  readonly type: 'RequestPersonErasure';
  readonly associationId: string;
  readonly personId: string;
  /** Names the request; the approval or rejection cites it. Used once per person. */
  readonly requestId: string;
  readonly legalBasis: ErasureLegalBasis;
  readonly requester: ErasureRequester;
  readonly decision: DecisionRecord;
}

export interface ApprovePersonErasure {
  readonly type: 'ApprovePersonErasure';
  readonly associationId: string;
  readonly personId: string;
  readonly requestId: string;
}

export interface RejectPersonErasure {
  readonly type: 'RejectPersonErasure';
  readonly associationId: string;
  readonly personId: string;
  readonly requestId: string;
  readonly reason: string;
}

/** The commands decided on the person's stream alone. */
export type PersonCommand = CorrectPersonDetails | RequestPersonErasure | RejectPersonErasure;
export type PersonsCommand = RegisterPerson | PersonCommand | ApprovePersonErasure;

/** What a decision on an existing person needs from outside their stream. */
export interface PersonFacts {
  /**
   * The associations related to the person (the registering one and every one holding a credit application or a
   * conduct record of theirs), from the read model. The registering association, from the stream, always counts.
   */
  readonly relatedAssociations: ReadonlySet<string>;
}
