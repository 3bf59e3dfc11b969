import {
  checkCreditCode,
  type DecisionContext,
  type DecisionRecord,
  type Decider,
  defineStreamKind,
  type DomainEvent,
  FieldErrors,
  meetsQuorum,
  NotFound,
  RuleViolation,
  validDecisionRecord,
} from '../shared/index.js';
import { CouncilRules } from './membership.errors.js';
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
/** Offices whose candidates must already have been elected to another office of the same term. */
const ELECTED_FROM: Partial<Record<ElectionOffice, ElectionOffice>> = { EXECUTIVE_VICE_PRESIDENT: 'VICE_PRESIDENT' };

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
  readonly decision: unknown;
  /** Fact: the term is recorded on the association. */
  readonly termRecorded: boolean;
  /** Fact: the candidates that hold an active membership of the association. */
  readonly activeMembers: readonly string[];
}
export type CouncilTermCommand = TakePresidentSeat | ReleasePresidentSeat | RecordCouncilElection;

export interface CouncilTermState {
  readonly president: { readonly enterpriseCode: string; readonly membershipId: string } | null;
  readonly elections: ReadonlyMap<ElectionOffice, readonly string[]>;
}
export const initialCouncilTermState: CouncilTermState = { president: null, elections: new Map() };

export function evolveCouncilTerm(state: CouncilTermState, event: CouncilTermEvent): CouncilTermState {
  switch (event.type) {
    case 'PresidentSeatTaken':
      return { ...state, president: { enterpriseCode: event.data.enterpriseCode, membershipId: event.data.membershipId } };
    case 'PresidentSeatReleased':
      return { ...state, president: null };
    case 'CouncilElectionHeld': {
      const elections = new Map(state.elections);
      elections.set(event.data.office, event.data.elected);
      return { ...state, elections };
    }
  }
}

/** `councilTerm-<association>:<term number>`: the term's president seat and its elections. */
export const CouncilTermStream = defineStreamKind<[associationId: string, termNumber: number]>('councilTerm', ['associationId', 'termNumber']);

export function councilTermStreamId(associationId: string, termNumber: number): string {
  return CouncilTermStream.id(associationId, termNumber);
}

export function electionId(associationId: string, termNumber: number, office: ElectionOffice): string {
  return `${associationId}:${termNumber}:${office}`;
}

export function decideCouncilTerm(command: CouncilTermCommand, state: CouncilTermState, _context: DecisionContext): CouncilTermEvent[] {
  switch (command.type) {
    case 'TakePresidentSeat': {
      if (!command.termRecorded) throw termNotRecorded(command);
      const { associationId, termNumber, enterpriseCode, membershipId } = command;
      if (state.president?.enterpriseCode === enterpriseCode) return [];
      if (state.president) {
        throw new RuleViolation(
          CouncilRules.presidentSeatTaken,
          `Council term ${termNumber} already has a president firm (${state.president.enterpriseCode}); there is one per term.`,
          { termNumber, holder: state.president.enterpriseCode },
        );
      }
      return [{ type: 'PresidentSeatTaken', data: { associationId, termNumber, enterpriseCode, membershipId } }];
    }
    case 'ReleasePresidentSeat': {
      const { associationId, termNumber, enterpriseCode, membershipId } = command;
      // Releasing a seat the firm does not hold changes nothing (the release follows the membership's own event).
      if (state.president?.enterpriseCode !== enterpriseCode) return [];
      return [{ type: 'PresidentSeatReleased', data: { associationId, termNumber, enterpriseCode, membershipId } }];
    }
    case 'RecordCouncilElection':
      return recordElection(command, state);
  }
}

export const councilTermDecider: Decider<CouncilTermCommand, CouncilTermEvent, CouncilTermState> = {
  initialState: initialCouncilTermState,
  eventTypes: COUNCIL_TERM_EVENT_TYPES,
  decide: decideCouncilTerm,
  evolve: evolveCouncilTerm,
};

function termNotRecorded(command: { associationId: string; termNumber: number }): NotFound {
  return new NotFound(
    'Council term',
    `${command.associationId}/${command.termNumber}`,
    `Council term ${command.termNumber} of ${command.associationId} is not recorded: record the term first.`,
  );
}

function validCandidates(errors: FieldErrors, field: string, value: unknown, maxVotes: number | null): CandidateVotes[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add(field, 'Name at least one candidate with the votes received.');
    return [];
  }
  const seen = new Set<string>();
  const result: CandidateVotes[] = [];
  value.forEach((c: Partial<CandidateVotes>, i) => {
    const check = checkCreditCode(typeof c?.enterpriseCode === 'string' ? c.enterpriseCode : '');
    if (check.kind === 'malformed') errors.add(`${field}.${i}.enterpriseCode`, `The unified social credit code ${check.reason}.`);
    const code = check.kind === 'malformed' ? '' : check.code;
    if (code && seen.has(code)) errors.add(`${field}.${i}.enterpriseCode`, `Enterprise ${code} is listed twice.`);
    seen.add(code);
    if (!Number.isInteger(c?.votes) || (c.votes as number) < 0) errors.add(`${field}.${i}.votes`, 'must be a whole number, 0 or more.');
    else if (maxVotes !== null && (c.votes as number) > maxVotes) {
      errors.add(`${field}.${i}.votes`, `cannot exceed the ${maxVotes} voters present.`);
    }
    result.push({ enterpriseCode: code, votes: c?.votes as number });
  });
  return result;
}

function byVotes(a: CandidateVotes, b: CandidateVotes): number {
  return b.votes - a.votes || (a.enterpriseCode < b.enterpriseCode ? -1 : a.enterpriseCode > b.enterpriseCode ? 1 : 0);
}

function recordElection(command: RecordCouncilElection, state: CouncilTermState): CouncilTermEvent[] {
  const errors = new FieldErrors();
  if (!ELECTION_OFFICES.includes(command.office)) errors.add('office', `must be one of ${ELECTION_OFFICES.join(', ')}.`);
  if (!Number.isInteger(command.seats) || command.seats < 1 || command.seats > 1000) errors.add('seats', 'must be a whole number from 1.');
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  const present = decision.votes?.present ?? null;
  const candidates = validCandidates(errors, 'candidates', command.candidates, present);
  const runOff = command.runOff == null ? null : validCandidates(errors, 'runOff', command.runOff, present);
  errors.throwIfAny();

  if (!command.termRecorded) throw termNotRecorded(command);
  if ((decision.body !== 'GENERAL_ASSEMBLY' && decision.body !== 'COUNCIL') || decision.votes === null || !meetsQuorum(decision.votes)) {
    throw new RuleViolation(
      CouncilRules.electionWithoutQuorum,
      decision.votes === null || (decision.body !== 'GENERAL_ASSEMBLY' && decision.body !== 'COUNCIL')
        ? `A council election is held by the general assembly (会员大会) or the council (理事会) with the attendance recorded; this one is by ${decision.body}${decision.votes === null ? ' without vote counts' : ''}.`
        : `The election ${decision.reference} had no quorum: ${decision.votes.present} of ${decision.votes.entitled} entitled voters were present; more than half must attend.`,
      { body: decision.body },
    );
  }
  if (state.elections.has(command.office)) {
    throw new RuleViolation(
      CouncilRules.electionAlreadyHeld,
      `The ${command.office} election of council term ${command.termNumber} is already recorded.`,
      { office: command.office },
    );
  }
  if (candidates.length <= command.seats) {
    throw new RuleViolation(
      CouncilRules.electionNotCompetitive,
      `A competitive election (差额选举) needs more candidates than seats: ${candidates.length} candidates for ${command.seats} seats.`,
      { candidates: candidates.length, seats: command.seats },
    );
  }
  const notMembers = candidates.map((c) => c.enterpriseCode).filter((code) => !command.activeMembers.includes(code));
  if (notMembers.length > 0) {
    throw new RuleViolation(
      CouncilRules.candidateNotMember,
      `Only active members can stand; not active members of ${command.associationId}: ${notMembers.join(', ')}.`,
      { enterpriseCodes: notMembers },
    );
  }
  const from = ELECTED_FROM[command.office];
  if (from) {
    const pool = state.elections.get(from) ?? [];
    const ineligible = candidates.map((c) => c.enterpriseCode).filter((code) => !pool.includes(code));
    if (ineligible.length > 0) {
      throw new RuleViolation(
        CouncilRules.candidateNotEligible,
        `Candidates for ${command.office} are chosen from the ${from} firms elected in term ${command.termNumber}; ` +
          `not among them: ${ineligible.join(', ')}.`,
        { enterpriseCodes: ineligible },
      );
    }
  }

  const ranked = [...candidates].sort(byVotes);
  const cutoff = ranked[command.seats - 1]!.votes;
  const sure = ranked.filter((c) => c.votes > cutoff);
  const tied = ranked.filter((c) => c.votes === cutoff);
  const placesLeft = command.seats - sure.length;
  let fromTie: string[];
  const runOffVotes = new Map<string, number>();
  if (tied.length === placesLeft) {
    if (runOff !== null) errors.add('runOff', 'There is no tie at the last seat to resolve: leave the run-off out.');
    errors.throwIfAny();
    fromTie = tied.map((c) => c.enterpriseCode);
  } else {
    const tiedCodes = tied.map((c) => c.enterpriseCode);
    if (runOff === null) {
      throw new RuleViolation(
        CouncilRules.electionTieAtLastSeat,
        `${tied.length} candidates tie with ${cutoff} votes for the last ${placesLeft} seat${placesLeft > 1 ? 's' : ''} ` +
          `(${tiedCodes.join(', ')}): record the run-off vote among them.`,
        { tied: tiedCodes, votes: cutoff, placesLeft },
      );
    }
    const runOffCodes = runOff.map((c) => c.enterpriseCode);
    if (runOffCodes.length !== tiedCodes.length || !tiedCodes.every((code) => runOffCodes.includes(code))) {
      errors.add('runOff', `The run-off is between exactly the tied candidates: ${tiedCodes.join(', ')}.`);
      errors.throwIfAny();
    }
    const rankedRunOff = [...runOff].sort(byVotes);
    const last = rankedRunOff[placesLeft - 1]!.votes;
    if (rankedRunOff[placesLeft]!.votes === last) {
      throw new RuleViolation(
        CouncilRules.electionRunOffUnresolved,
        `The run-off still ties with ${last} votes for the last seat: hold another round and record that.`,
        { votes: last },
      );
    }
    runOff.forEach((c) => runOffVotes.set(c.enterpriseCode, c.votes));
    fromTie = rankedRunOff.slice(0, placesLeft).map((c) => c.enterpriseCode);
  }
  const elected = [...sure.map((c) => c.enterpriseCode), ...fromTie];
  const results: CandidateResult[] = ranked.map((c, i) => ({
    enterpriseCode: c.enterpriseCode,
    votes: c.votes,
    runOffVotes: runOffVotes.get(c.enterpriseCode) ?? null,
    elected: elected.includes(c.enterpriseCode),
    rank: i + 1,
  }));
  return [
    {
      type: 'CouncilElectionHeld',
      data: {
        associationId: command.associationId,
        termNumber: command.termNumber,
        electionId: electionId(command.associationId, command.termNumber, command.office),
        office: command.office,
        tier: TIER_OF_OFFICE[command.office],
        seats: command.seats,
        candidates: results,
        elected,
        decision,
      },
    },
  ];
}
