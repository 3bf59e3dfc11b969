import type { EventFieldClasses } from '../visibility/field-classes.js';
import type { AssociationEvent } from './association.events.js';
import type { CertificateEvent } from './certificate.decide.js';
import type { CouncilTermEvent } from './council-term.events.js';
import type { MembershipEvent } from './membership.events.js';

const KEY = { associationId: 'public', enterpriseCode: 'public', membershipId: 'public' } as const;

/**
 * The class of every field of every association, membership, certificate and council-term event (ADR 0014): the
 * user ids authorised to approve dues waivers are staff identities; decisions, tiers and dates are public.
 */
export const MEMBERSHIP_EVENT_FIELD_CLASSES: EventFieldClasses<AssociationEvent | MembershipEvent | CertificateEvent | CouncilTermEvent> = {
  AssociationRegistered: { associationId: 'public', name: 'public', regionCode: 'public', charter: 'public', waiverApprovers: 'staff' },
  WaiverApproverGranted: { associationId: 'public', userId: 'staff', reason: 'public', effectiveFrom: 'public' },
  WaiverApproverRevoked: { associationId: 'public', userId: 'staff', reason: 'public', effectiveFrom: 'public' },
  CouncilTermRecorded: { associationId: 'public', termNumber: 'public', startsOn: 'public', endsOn: 'public' },
  MembershipApplied: { ...KEY, appliedOn: 'public', note: 'public' },
  MembershipAdmitted: { ...KEY, tier: 'public', certificateNumber: 'public', admittedOn: 'public', decision: 'public' },
  MembershipRejected: { ...KEY, reason: 'public', rejectedOn: 'public', decision: 'public' },
  MembershipTierChanged: {
    ...KEY,
    previousTier: 'public',
    tier: 'public',
    effectiveFrom: 'public',
    decision: 'public',
    councilTerm: 'public',
    electionId: 'public',
  },
  MembershipSanctioned: { ...KEY, kind: 'public', reason: 'public', effectiveFrom: 'public', decision: 'public' },
  MembershipSuspended: { ...KEY, reason: 'public', effectiveFrom: 'public', decision: 'public' },
  MembershipReinstated: { ...KEY, reason: 'public', effectiveFrom: 'public', decision: 'public' },
  MembershipReminderSent: { ...KEY, sentOn: 'public', unpaidYears: 'public', graceDays: 'public' },
  MembershipWithdrawn: { ...KEY, noticeDate: 'public', effectiveFrom: 'public', reason: 'public', tier: 'public' },
  MembershipDeemedWithdrawn: {
    ...KEY,
    effectiveFrom: 'public',
    unpaidYears: 'public',
    requiredYears: 'public',
    reminderSentOn: 'public',
    graceDays: 'public',
    tier: 'public',
  },
  MembershipExpelled: { ...KEY, reason: 'public', effectiveFrom: 'public', decision: 'public', tier: 'public' },
  CertificateNumberReserved: { associationId: 'public', certificateNumber: 'public', enterpriseCode: 'public', membershipId: 'public' },
  PresidentSeatTaken: { associationId: 'public', termNumber: 'public', enterpriseCode: 'public', membershipId: 'public' },
  PresidentSeatReleased: { associationId: 'public', termNumber: 'public', enterpriseCode: 'public', membershipId: 'public' },
  CouncilElectionHeld: {
    associationId: 'public',
    termNumber: 'public',
    electionId: 'public',
    office: 'public',
    tier: 'public',
    seats: 'public',
    candidates: 'public',
    elected: 'public',
    decision: 'public',
  },
};
