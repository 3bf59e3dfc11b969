import type { EventFieldClasses, PersonalDataOwners } from '../visibility/field-classes.js';
import type { PersonsEvent } from './persons.events.js';

/**
 * The class of every field of every persons event (ADR 0016): the name, phone and address are personal, the
 * identity-card number sensitive; all four are sealed under the person's data key. Erasure events hold none.
 */
export const PERSONS_EVENT_FIELD_CLASSES: EventFieldClasses<PersonsEvent> = {
  PersonRegistered: {
    personId: 'public',
    associationId: 'public',
    identityKey: 'public',
    name: 'personal',
    identityCardNumber: 'sensitive',
    phone: 'personal',
    address: 'personal',
    registeredOn: 'public',
  },
  PersonDetailsCorrected: {
    personId: 'public',
    associationId: 'public',
    changes: { name: 'personal', phone: 'personal', address: 'personal' },
    correctedOn: 'public',
  },
  PersonErasureRequested: {
    personId: 'public',
    associationId: 'public',
    requestId: 'public',
    legalBasis: 'public',
    requester: 'public',
    decision: 'public',
    requestedBy: 'staff',
    requestedOn: 'public',
  },
  PersonErasureRejected: { personId: 'public', associationId: 'public', requestId: 'public', reason: 'public', rejectedBy: 'staff', rejectedOn: 'public' },
  PersonErased: { personId: 'public', associationId: 'public', requestId: 'public', approvedBy: 'staff', erasedOn: 'public' },
  PersonIdentityReserved: { identityKey: 'public', personId: 'public' },
  PersonIdentityReleased: { identityKey: 'public', personId: 'public', requestId: 'public' },
};

/** A person's personal data is sealed under the person's own data key. */
export const PERSONS_PERSONAL_DATA_OWNERS: PersonalDataOwners<PersonsEvent> = {
  PersonRegistered: (data) => data.personId,
  PersonDetailsCorrected: (data) => data.personId,
};
