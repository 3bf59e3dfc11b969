import { type DecisionRecord, defineStreamKind, type DomainEvent } from '../shared/index.js';
import type { MembershipTier } from './membership.events.js';

/**
 * One council term's stream (`councilTerm-<associationId>:<termNumber>`): the president's seat (one
 * president firm per term, reserved here so two memberships cannot both take it) and the term's
 * competitive elections (差额选举). The term's dates live on the association stream.
 */

/** Offices elected by a council election, and the tier each gives. 常务副会长 are vice-president firms. */
export const ELECTION_OFFICES = ['VICE_PRESIDENT', 'EXECUTIVE_VICE_PRESIDENT', 'EXECUTIVE_DIRECTOR', 'DIRECTOR'] as const;
export type ElectionOffice = (typeof ELECTION_OFFICES)[number];
export const TIER_OF_OFFICE: Record<ElectionOffice, MembershipTier> = {
  VICE_PRESIDENT: 'VICE_PRESIDENT',
  EXECUTIVE_VICE_PRESIDENT: 'VICE_PRESIDENT',
  EXECUTIVE_DIRECTOR: 'EXECUTIVE_DIRECTOR',
  DIRECTOR: 'DIRECTOR',
};

export interface CandidateResult {
  readonly enterpriseCode: string;
  readonly votes: number;
  readonly runOffVotes: number | null;
  readonly elected: boolean;
  /** 1 = most votes. */
  readonly rank: number;
}

export type PresidentSeatTaken = DomainEvent<
  'PresidentSeatTaken',
  { readonly associationId: string; readonly termNumber: number; readonly enterpriseCode: string; readonly membershipId: string }
>;
export type PresidentSeatReleased = DomainEvent<
  'PresidentSeatReleased',
  { readonly associationId: string; readonly termNumber: number; readonly enterpriseCode: string; readonly membershipId: string }
>;
export type CouncilElectionHeld = DomainEvent<
  'CouncilElectionHeld',
  {
    readonly associationId: string;
    readonly termNumber: number;
    readonly electionId: string;
    readonly office: ElectionOffice;
    readonly tier: MembershipTier;
    readonly seats: number;
    readonly candidates: readonly CandidateResult[];
    /** Elected firms, most votes first. */
    readonly elected: readonly string[];
    readonly decision: DecisionRecord;
  }
>;

export type CouncilTermEvent = PresidentSeatTaken | PresidentSeatReleased | CouncilElectionHeld;
export const COUNCIL_TERM_EVENT_TYPES: readonly CouncilTermEvent['type'][] = ['PresidentSeatTaken', 'PresidentSeatReleased', 'CouncilElectionHeld'];

/** `councilTerm-<association>:<term number>`: the term's president seat and its elections. */
export const CouncilTermStream = defineStreamKind<[associationId: string, termNumber: number]>('councilTerm', ['associationId', 'termNumber']);

export function councilTermStreamId(associationId: string, termNumber: number): string {
  return CouncilTermStream.id(associationId, termNumber);
}

export function electionId(associationId: string, termNumber: number, office: ElectionOffice): string {
  return `${associationId}:${termNumber}:${office}`;
}
