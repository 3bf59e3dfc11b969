import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import { type DecisionRecord, withCheckCharacter } from '../shared/index.js';
import type { RecordCouncilElection } from './council-term.commands.js';
import { councilTermDecider } from './council-term.decide.js';
import type { CandidateResult, CouncilElectionHeld, CouncilTermEvent, ElectionOffice } from './council-term.events.js';
import type { MembershipTier } from './membership.events.js';

const ASSOC = 'yueyang-urca';
const codes = Array.from({ length: 44 }, (_, i) => withCheckCharacter(`914306000${String(100000000 + i).slice(1)}`));
const [c0, c1, c2, c3] = codes as [string, string, string, string];
const assembly: DecisionRecord = {
  body: 'GENERAL_ASSEMBLY',
  reference: '岳城建协〔2020〕5号',
  decidedOn: '2020-11-20',
  votes: { entitled: 120, present: 112, inFavour: 112, against: 0, abstaining: 0 },
};
const spec = deciderSpec(councilTermDecider);

function election(office: ElectionOffice, seats: number, votes: [string, number][], extra: Partial<RecordCouncilElection> = {}): RecordCouncilElection {
  return {
    type: 'RecordCouncilElection',
    associationId: ASSOC,
    termNumber: 3,
    office,
    seats,
    candidates: votes.map(([enterpriseCode, v]) => ({ enterpriseCode, votes: v })),
    decision: assembly,
    termRecorded: true,
    activeMembers: codes,
    ...extra,
  };
}

const result = (enterpriseCode: string, votes: number, rank: number, elected: boolean, runOffVotes: number | null = null): CandidateResult => ({
  enterpriseCode,
  votes,
  runOffVotes,
  elected,
  rank,
});

/** The election as the term's stream records it: candidates most votes first, the elected firms in order. */
function held(office: ElectionOffice, tier: MembershipTier, seats: number, candidates: CandidateResult[], elected: string[]): CouncilElectionHeld {
  return {
    type: 'CouncilElectionHeld',
    data: { associationId: ASSOC, termNumber: 3, electionId: `${ASSOC}:3:${office}`, office, tier, seats, candidates, elected, decision: assembly },
  };
}

describe('council elections (差额选举)', () => {
  // 44 candidates, 110 votes for the first, two fewer for each next one.
  const vicePresidentVotes: [string, number][] = codes.map((c, i) => [c, 110 - i * 2]);
  const vicePresidentsElected = held(
    'VICE_PRESIDENT',
    'VICE_PRESIDENT',
    35,
    codes.map((c, i) => result(c, 110 - i * 2, i + 1, i < 35)),
    codes.slice(0, 35),
  );
  const directorVotes: [string, number][] = [
    [c0, 90],
    [c1, 80],
    [c2, 80],
    [c3, 10],
  ];

  it('reproduces Yueyang: 35 vice-presidents elected from 44 candidates, most votes first', () => {
    spec.given([]).when(election('VICE_PRESIDENT', 35, vicePresidentVotes)).then([vicePresidentsElected]);
  });

  it('then 12 executive vice-presidents from the 35, with the vice-president tier', () => {
    const evpVotes: [string, number][] = codes.slice(0, 35).map((c, i) => [c, 100 - i]);
    spec
      .given([vicePresidentsElected])
      .when(election('EXECUTIVE_VICE_PRESIDENT', 12, evpVotes))
      .then([
        held(
          'EXECUTIVE_VICE_PRESIDENT',
          'VICE_PRESIDENT',
          12,
          codes.slice(0, 35).map((c, i) => result(c, 100 - i, i + 1, i < 12)),
          codes.slice(0, 12),
        ),
      ]);
  });

  it('refuses an executive vice-president candidate outside the elected vice-presidents', () => {
    const evpVotes: [string, number][] = codes.slice(0, 34).map((c, i) => [c, 100 - i]);
    spec
      .given([vicePresidentsElected])
      .when(election('EXECUTIVE_VICE_PRESIDENT', 12, [...evpVotes, [codes[40]!, 50]]))
      .thenRefuses('COUNCIL_CANDIDATE_NOT_ELIGIBLE');
  });

  it('refuses a tie at the last seat unless a run-off among the tied is recorded', () => {
    const error = spec.given([]).when(election('DIRECTOR', 2, directorVotes)).thenRefuses('COUNCIL_ELECTION_TIE_AT_LAST_SEAT');
    expect(error.message).toContain('run-off');
  });

  it('fills the last seat by the run-off among the tied', () => {
    const runOff = [
      { enterpriseCode: c1, votes: 40 },
      { enterpriseCode: c2, votes: 60 },
    ];
    spec
      .given([])
      .when(election('DIRECTOR', 2, directorVotes, { runOff }))
      .then([
        held('DIRECTOR', 'DIRECTOR', 2, [result(c0, 90, 1, true), result(c1, 80, 2, false, 40), result(c2, 80, 3, true, 60), result(c3, 10, 4, false)], [c0, c2]),
      ]);
  });

  it('refuses a run-off that ties again, one among others than the tied, and one where nothing tied', () => {
    const tiedAgain = [
      { enterpriseCode: c1, votes: 40 },
      { enterpriseCode: c2, votes: 40 },
    ];
    spec.given([]).when(election('DIRECTOR', 2, directorVotes, { runOff: tiedAgain })).thenRefuses('COUNCIL_ELECTION_RUN_OFF_UNRESOLVED');
    const others = [
      { enterpriseCode: c1, votes: 40 },
      { enterpriseCode: c3, votes: 60 },
    ];
    spec.given([]).when(election('DIRECTOR', 2, directorVotes, { runOff: others })).thenRejectsFields('runOff');
    spec.given([]).when(election('DIRECTOR', 3, directorVotes, { runOff: others })).thenRejectsFields('runOff');
  });

  it('elects everyone in a tie that fits in the seats', () => {
    spec
      .given([])
      .when(election('DIRECTOR', 3, directorVotes))
      .then([held('DIRECTOR', 'DIRECTOR', 3, [result(c0, 90, 1, true), result(c1, 80, 2, true), result(c2, 80, 3, true), result(c3, 10, 4, false)], [c0, c1, c2])]);
  });

  it('refuses an election with no more candidates than seats', () => {
    spec.given([]).when(election('DIRECTOR', 2, [[c0, 90], [c1, 80]])).thenRefuses('COUNCIL_ELECTION_NOT_COMPETITIVE');
  });

  it('refuses an election without quorum, or held by another body', () => {
    const noQuorum = { ...assembly, votes: { entitled: 120, present: 60, inFavour: 60, against: 0, abstaining: 0 } };
    spec.given([]).when(election('DIRECTOR', 1, [[c0, 50], [c1, 10]], { decision: noQuorum })).thenRefuses('COUNCIL_ELECTION_WITHOUT_QUORUM');
    spec.given([]).when(election('DIRECTOR', 1, [[c0, 50], [c1, 10]], { decision: { ...assembly, body: 'SECRETARIAT' } })).thenRefuses('COUNCIL_ELECTION_WITHOUT_QUORUM');
  });

  it('refuses candidates that are not active members', () => {
    spec.given([]).when(election('DIRECTOR', 1, [[c0, 50], [c1, 10]], { activeMembers: [c0] })).thenRefuses('COUNCIL_CANDIDATE_NOT_A_MEMBER');
  });

  it('refuses a second election for the same office', () => {
    const directorHeld = held('DIRECTOR', 'DIRECTOR', 1, [result(c0, 50, 1, true), result(c1, 10, 2, false)], [c0]);
    spec.given([directorHeld]).when(election('DIRECTOR', 1, [[c0, 50], [c1, 10]])).thenRefuses('COUNCIL_ELECTION_ALREADY_HELD');
  });

  it('refuses an election of a term not recorded', () => {
    spec.given([]).when(election('DIRECTOR', 1, [[c0, 50], [c1, 10]], { termRecorded: false })).thenNotFound();
  });

  it('refuses more votes than voters present and a candidate listed twice', () => {
    spec.given([]).when(election('DIRECTOR', 1, [[c0, 113], [c0, 10]])).thenRejectsFields('candidates.0.votes', 'candidates.1.enterpriseCode');
  });

  it('refuses an unknown office, no seat and a decision without its fields, all at once, before the term is read', () => {
    spec
      .given([])
      .when(election('MAYOR' as ElectionOffice, 0, [[c0, 1]], { decision: undefined, termRecorded: false }))
      .thenRejectsFields('office', 'seats', 'decision.body', 'decision.reference', 'decision.decidedOn');
  });
});

describe("the president's seat", () => {
  const take = { type: 'TakePresidentSeat' as const, associationId: ASSOC, termNumber: 3, enterpriseCode: c0, membershipId: 'm1', termRecorded: true };
  const release = { type: 'ReleasePresidentSeat' as const, associationId: ASSOC, termNumber: 3, enterpriseCode: c0, membershipId: 'm1' };
  const taken: CouncilTermEvent = { type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 3, enterpriseCode: c0, membershipId: 'm1' } };
  const released: CouncilTermEvent = { type: 'PresidentSeatReleased', data: { associationId: ASSOC, termNumber: 3, enterpriseCode: c0, membershipId: 'm1' } };

  it('is taken by the first firm, and taking it again records nothing', () => {
    spec.given([]).when(take).then([taken]);
    spec.given([taken]).when(take).then([]);
  });

  it('keeps one president firm per term', () => {
    spec.given([taken]).when({ ...take, enterpriseCode: c1, membershipId: 'm2' }).thenRefuses('COUNCIL_PRESIDENT_SEAT_TAKEN');
  });

  it('is released by the firm holding it, and then open to another', () => {
    spec.given([taken]).when(release).then([released]);
    spec
      .given([taken, released])
      .when({ ...take, enterpriseCode: c1, membershipId: 'm2' })
      .then([{ type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 3, enterpriseCode: c1, membershipId: 'm2' } }]);
  });

  it('is not released by a firm that does not hold it', () => {
    spec.given([taken]).when({ ...release, enterpriseCode: c1, membershipId: 'm2' }).then([]);
  });

  it('is refused in a term not recorded', () => {
    spec.given([]).when({ ...take, termRecorded: false }).thenNotFound();
  });
});
