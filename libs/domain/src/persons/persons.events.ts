import { type DecisionRecord, defineStreamKind, type DomainEvent, type Personal } from '../shared/index.js';

/*
 * The persons register (ADR 0016, docs/privacy.md). A person — a 三诚 subject, an expert, an award nominee, an
 * inspector — is known to every other context by a register id that reveals nothing (`PSN` and 16 random-looking
 * characters, derived from the registering command id under a keyed hash). The identity-card number is held only
 * sealed in the person's own stream and, for look-up and de-duplication, as a keyed hash (HMAC with a secret outside
 * the database) naming the identity stream. No other context's event, no stream id and no log line holds either.
 */

/** A register id: `PSN` + 16 characters of Crockford base32. Never an identity-card number (18) or a credit code (18). */
export const PERSON_ID = /^PSN[0-9A-HJKMNP-TV-Z]{16}$/;
export function isPersonId(value: unknown): value is string {
  return typeof value === 'string' && PERSON_ID.test(value);
}

/** A keyed hash of a normalised identity-card number: 64 lower-case hex characters. */
export const IDENTITY_KEY = /^[0-9a-f]{64}$/;

/** The grounds for erasure of PIPL Art. 47 (1)–(5). */
export const ERASURE_LEGAL_BASES = [
  'PURPOSE_FULFILLED', // (1) the purpose is achieved, cannot be achieved, or the data is no longer necessary for it
  'SERVICE_ENDED', // (2) the handler stops providing the service, or the retention period has expired
  'CONSENT_WITHDRAWN', // (3) the individual withdraws consent
  'UNLAWFUL_PROCESSING', // (4) processing violated laws, regulations or the agreement
  'OTHER_LEGAL', // (5) other circumstances provided by laws or regulations
] as const;
export type ErasureLegalBasis = (typeof ERASURE_LEGAL_BASES)[number];

/** Who asked for the erasure (recorded by kind only: the requester is not named in the log). */
export const ERASURE_REQUESTERS = ['DATA_SUBJECT', 'ASSOCIATION', 'AUTHORITY'] as const;
export type ErasureRequester = (typeof ERASURE_REQUESTERS)[number];

/** The personal data of a person, as the register holds it (each field sealed in the stored event). */
export interface PersonDetails {
  readonly name: Personal<string>;
  readonly identityCardNumber: Personal<string>;
  readonly phone: Personal<string> | null;
  readonly address: Personal<string> | null;
}

// ---- person: person-<personId> --------------------------------------------------------------------------------

export type PersonRegistered = DomainEvent<
  'PersonRegistered',
  PersonDetails & {
    readonly personId: string;
    /** The association whose staff registered the person (the personal-information handler of record). */
    readonly associationId: string;
    /** The keyed hash naming the identity stream: meaningless without the secret, which is not in the database. */
    readonly identityKey: string;
    readonly registeredOn: string;
  }
>;
/** Corrected details: only the fields that changed are present (sealed); the identity-card number never changes. */
export type PersonDetailsCorrected = DomainEvent<
  'PersonDetailsCorrected',
  {
    readonly personId: string;
    readonly associationId: string;
    readonly changes: { readonly name?: Personal<string>; readonly phone?: Personal<string> | null; readonly address?: Personal<string> | null };
    readonly correctedOn: string;
  }
>;
/** An erasure asked for, without any personal data: the grounds, who asked (by kind) and the decision cited. */
export type PersonErasureRequested = DomainEvent<
  'PersonErasureRequested',
  {
    readonly personId: string;
    readonly associationId: string;
    readonly requestId: string;
    readonly legalBasis: ErasureLegalBasis;
    readonly requester: ErasureRequester;
    readonly decision: DecisionRecord;
    readonly requestedBy: string;
    readonly requestedOn: string;
  }
>;
export type PersonErasureRejected = DomainEvent<
  'PersonErasureRejected',
  { readonly personId: string; readonly associationId: string; readonly requestId: string; readonly reason: string; readonly rejectedBy: string; readonly rejectedOn: string }
>;
/**
 * The erasure approved by a second person. Appending it is the decision; the person's data key is destroyed right
 * after (and again at every start, for a process that stopped in between), so every sealed value of the person is
 * unreadable from then on while the chain over the ciphertext still verifies.
 */
export type PersonErased = DomainEvent<
  'PersonErased',
  { readonly personId: string; readonly associationId: string; readonly requestId: string; readonly approvedBy: string; readonly erasedOn: string }
>;

export type PersonEvent = PersonRegistered | PersonDetailsCorrected | PersonErasureRequested | PersonErasureRejected | PersonErased;
export const PERSON_EVENT_TYPES: readonly PersonEvent['type'][] = [
  'PersonRegistered',
  'PersonDetailsCorrected',
  'PersonErasureRequested',
  'PersonErasureRejected',
  'PersonErased',
];

// ---- identity claim: personIdentity-<identityKey> --------------------------------------------------------------

/** One identity-card number's claim on a register id: appended with the registration, atomically (ADR 0012). */
export type PersonIdentityReserved = DomainEvent<'PersonIdentityReserved', { readonly identityKey: string; readonly personId: string }>;
/** Released by the erasure, so the same person can be registered anew (under a new register id). */
export type PersonIdentityReleased = DomainEvent<'PersonIdentityReleased', { readonly identityKey: string; readonly personId: string; readonly requestId: string }>;
export type PersonIdentityEvent = PersonIdentityReserved | PersonIdentityReleased;
export const PERSON_IDENTITY_EVENT_TYPES: readonly PersonIdentityEvent['type'][] = ['PersonIdentityReserved', 'PersonIdentityReleased'];

export type PersonsEvent = PersonEvent | PersonIdentityEvent;

/** `person-<personId>`: one person's details, sealed under their data key, and every erasure request. */
export const PersonStream = defineStreamKind<[personId: string]>('person', ['personId']);
/** `personIdentity-<identityKey>`: which register id an identity-card number is held by. */
export const PersonIdentityStream = defineStreamKind<[identityKey: string]>('personIdentity', ['identityKey']);

export function personStreamId(personId: string): string {
  return PersonStream.id(personId);
}
export function personIdentityStreamId(identityKey: string): string {
  return PersonIdentityStream.id(identityKey);
}
