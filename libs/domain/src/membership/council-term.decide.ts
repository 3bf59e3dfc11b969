import {
  checkCreditCode,
  type Decider,
  type DecisionContext,
  FieldErrors,
  InvalidInput,
  meetsQuorum,
  NotFound,
  oneOf,
  RuleViolation,
  validDecisionRecord,
} from '../shared/index.js';
import type {
  CandidateVotes,
  CouncilTermCommand,
  ParsedCouncilElection,
  ParsedCouncilTermCommand,
  ReleasePresidentSeat,
  TakePresidentSeat,
} from './council-term.commands.js';
import {
  type CandidateResult,
  COUNCIL_TERM_EVENT_TYPES,
  type CouncilTermEvent,
  ELECTION_OFFICES,
  type ElectionOffice,
  electionId,
  TIER_OF_OFFICE,
} from './council-term.events.js';
import { type CouncilTermState, evolveCouncilTerm, initialCouncilTermState } from './council-term.state.js';
import { CouncilRules } from './membership.errors.js';

// The council term's stream: the president's seat, taken and released with a membership's tier change or ending
// (membership-reservations.decide.ts), and the term's competitive elections.

/** Offices whose candidates must already have been elected to another office of the same term. */
const ELECTED_FROM: Partial<Record<ElectionOffice, ElectionOffice>> = { EXECUTIVE_VICE_PRESIDENT: 'VICE_PRESIDENT' };

/**
 * The parse step: an election's office, seats, decision and votes checked at once, the candidates' codes as stored,
 * before the term's stream is read. The seat commands are the command layer's own and carry nothing to parse.
 */
export function parseCouncilTermCommand(command: CouncilTermCommand): ParsedCouncilTermCommand {
  if (command.type !== 'RecordCouncilElection') return command;
  const errors = new FieldErrors();
  const office = oneOf(errors, 'office', command.office, ELECTION_OFFICES);
  if (!Number.isInteger(command.seats) || command.seats < 1 || command.seats > 1000) errors.add('seats', 'must be a whole number from 1.');
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  const present = decision.votes?.present ?? null;
  const candidates = validCandidates(errors, 'candidates', command.candidates, present);
  const runOff = command.runOff == null ? null : validCandidates(errors, 'runOff', command.runOff, present);
  errors.throwIfAny();
  return { ...command, office, decision, candidates, runOff };
}

/** Decides a parsed council-term command on the term's stream. */
export function decideCouncilTerm(command: ParsedCouncilTermCommand, state: CouncilTermState, _context: DecisionContext): CouncilTermEvent[] {
  switch (command.type) {
    case 'TakePresidentSeat':
      return takePresidentSeat(command, state);
    case 'ReleasePresidentSeat':
      return releasePresidentSeat(command, state);
    case 'RecordCouncilElection':
      return recordElection(command, state);
  }
}

export const councilTermDecider: Decider<CouncilTermCommand, CouncilTermEvent, CouncilTermState> = {
  initialState: initialCouncilTermState,
  eventTypes: COUNCIL_TERM_EVENT_TYPES,
  parse: parseCouncilTermCommand,
  // The command path decides on what the parse step returned (the seat commands it returns as they are).
  decide: (command, state, context) => decideCouncilTerm(command as ParsedCouncilTermCommand, state, context),
  evolve: evolveCouncilTerm,
};

function termNotRecorded(command: { associationId: string; termNumber: number }): NotFound {
  return new NotFound(
    'Council term',
    `${command.associationId}/${command.termNumber}`,
    `Council term ${command.termNumber} of ${command.associationId} is not recorded: record the term first.`,
  );
}

function takePresidentSeat(command: TakePresidentSeat, state: CouncilTermState): CouncilTermEvent[] {
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

function releasePresidentSeat(command: ReleasePresidentSeat, state: CouncilTermState): CouncilTermEvent[] {
  const { associationId, termNumber, enterpriseCode, membershipId } = command;
  // Releasing a seat the firm does not hold changes nothing (the release follows the membership's own event).
  if (state.president?.enterpriseCode !== enterpriseCode) return [];
  return [{ type: 'PresidentSeatReleased', data: { associationId, termNumber, enterpriseCode, membershipId } }];
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

function recordElection(command: ParsedCouncilElection, state: CouncilTermState): CouncilTermEvent[] {
  const { decision, candidates } = command;
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
  const { elected, results } = countCouncilElection(command);
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

/**
 * An election's result from its votes: who is elected (most votes first) and each candidate's result by rank.
 * What the decider records, and what decision replay re-runs on the recorded votes.
 */
export function countCouncilElection(input: Pick<ParsedCouncilElection, 'candidates' | 'seats' | 'runOff'>): { elected: string[]; results: CandidateResult[] } {
  const { elected, runOffVotes, ranked } = count(input);
  const results: CandidateResult[] = ranked.map((c, i) => ({
    enterpriseCode: c.enterpriseCode,
    votes: c.votes,
    runOffVotes: runOffVotes.get(c.enterpriseCode) ?? null,
    elected: elected.includes(c.enterpriseCode),
    rank: i + 1,
  }));
  return { elected, results };
}

/**
 * The most votes fill the seats; a tie at the last seat is settled by the run-off among exactly the tied candidates.
 * The run-off is judged against the tie the count finds, so its field errors come only once the election is known
 * to be competitive and its candidates eligible.
 */
function count(command: Pick<ParsedCouncilElection, 'candidates' | 'seats' | 'runOff'>): { elected: string[]; runOffVotes: Map<string, number>; ranked: CandidateVotes[] } {
  const { runOff, seats } = command;
  const ranked = [...command.candidates].sort(byVotes);
  const cutoff = ranked[seats - 1]!.votes;
  const sure = ranked.filter((c) => c.votes > cutoff);
  const tied = ranked.filter((c) => c.votes === cutoff);
  const placesLeft = seats - sure.length;
  const runOffVotes = new Map<string, number>();
  if (tied.length === placesLeft) {
    if (runOff !== null) throw new InvalidInput([{ field: 'runOff', message: 'There is no tie at the last seat to resolve: leave the run-off out.' }]);
    return { elected: [...sure, ...tied].map((c) => c.enterpriseCode), runOffVotes, ranked };
  }
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
    throw new InvalidInput([{ field: 'runOff', message: `The run-off is between exactly the tied candidates: ${tiedCodes.join(', ')}.` }]);
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
  const fromTie = rankedRunOff.slice(0, placesLeft).map((c) => c.enterpriseCode);
  return { elected: [...sure.map((c) => c.enterpriseCode), ...fromTie], runOffVotes, ranked };
}
