import type { DecisionRecord } from '../shared/index.js';
import type { ElectionOffice } from './council-term.events.js';

export interface TakePresidentSeat {
  readonly type: 'TakePresidentSeat';
  readonly associationId: string;
  readonly termNumber: number;
  readonly enterpriseCode: string;
  readonly membershipId: string;
  /** Fact: the term is recorded on the association. */
  readonly termRecorded: boolean;
}

export interface ReleasePresidentSeat {
  readonly type: 'ReleasePresidentSeat';
  readonly associationId: string;
  readonly termNumber: number;
  readonly enterpriseCode: string;
  readonly membershipId: string;
}

export interface CandidateVotes {
  readonly enterpriseCode: string;
  readonly votes: number;
}

export interface RecordCouncilElection {
  readonly type: 'RecordCouncilElection';
  readonly associationId: string;
  readonly termNumber: number;
  readonly office: ElectionOffice;
  readonly seats: number;
  readonly candidates: readonly CandidateVotes[];
  /** Votes of a run-off among the candidates tied at the last seat. */
  readonly runOff?: readonly CandidateVotes[] | null;
  /** As the client wrote it: the parse step checks it. */
  readonly decision: unknown;
  /** Fact: the term is recorded on the association. */
  readonly termRecorded: boolean;
  /** Fact: the candidates that hold an active membership of the association. */
  readonly activeMembers: readonly string[];
}

export type CouncilTermCommand = TakePresidentSeat | ReleasePresidentSeat | RecordCouncilElection;

/** An election as its parse step returns it: the decision checked, every candidate's code as stored. */
export type ParsedCouncilElection = Omit<RecordCouncilElection, 'decision' | 'runOff'> & {
  readonly decision: DecisionRecord;
  readonly runOff: readonly CandidateVotes[] | null;
};

/** The council-term commands as the decider decides on them, after the parse step. */
export type ParsedCouncilTermCommand = TakePresidentSeat | ReleasePresidentSeat | ParsedCouncilElection;
