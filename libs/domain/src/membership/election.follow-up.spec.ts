import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import { type DecisionRecord, withCheckCharacter } from '../shared/index.js';
import type { RecordCouncilElection } from './council-term.commands.js';
import { councilTermDecider } from './council-term.decide.js';
import type { CouncilElectionHeld } from './council-term.events.js';
import { candidateCodesOf, type CouncilElectionRequest, electionRecordedAmong, withStoredCandidateCodes } from './election.follow-up.js';
import { electionWorkflow } from './election.workflow.js';

const ASSOC = 'yueyang-urca';
const [first, second, third] = [1, 2, 3].map((i) => withCheckCharacter(`91430600${String(i).padStart(9, '0')}`)) as [string, string, string];
const assembly: DecisionRecord = {
  body: 'GENERAL_ASSEMBLY',
  reference: '岳城建协〔2020〕5号',
  decidedOn: '2020-11-20',
  votes: { entitled: 120, present: 112, inFavour: 112, against: 0, abstaining: 0 },
};
const request: CouncilElectionRequest = {
  type: 'RecordCouncilElection',
  associationId: ASSOC,
  termNumber: 3,
  office: 'DIRECTOR',
  seats: 2,
  // As sent: lower case, full-width, and one code twice.
  candidates: [
    { enterpriseCode: first.toLowerCase(), votes: 90 },
    { enterpriseCode: ` ${second} `, votes: 80 },
    { enterpriseCode: third, votes: 10 },
  ],
  runOff: null,
  decision: assembly,
};

describe("an election's follow-up, from the events its decision wrote", () => {
  const spec = deciderSpec(councilTermDecider);
  const decided = (activeMembers: readonly string[]): RecordCouncilElection => ({ ...withStoredCandidateCodes(request), termRecorded: true, activeMembers });

  it('reads the membership of each candidate as stored, once', () => {
    expect(withStoredCandidateCodes(request).candidates.map((c) => c.enterpriseCode)).toEqual([first, second, third]);
    expect(candidateCodesOf(withStoredCandidateCodes({ ...request, candidates: [...request.candidates, { enterpriseCode: first, votes: 1 }] }))).toEqual([first, second, third]);
  });

  it("given an election recorded, sends each elected firm the office's tier citing it", () => {
    const recorded: CouncilElectionHeld = {
      type: 'CouncilElectionHeld',
      data: {
        associationId: ASSOC,
        termNumber: 3,
        electionId: `${ASSOC}:3:DIRECTOR`,
        office: 'DIRECTOR',
        tier: 'DIRECTOR',
        seats: 2,
        candidates: [
          { enterpriseCode: first, votes: 90, runOffVotes: null, elected: true, rank: 1 },
          { enterpriseCode: second, votes: 80, runOffVotes: null, elected: true, rank: 2 },
          { enterpriseCode: third, votes: 10, runOffVotes: null, elected: false, rank: 3 },
        ],
        elected: [first, second],
        decision: assembly,
      },
    };
    // The codes as sent (lower case, padded) are recorded as stored.
    spec.given([]).when(decided([first, second, third])).then([recorded]);
    const trigger = electionRecordedAmong([recorded]);
    expect(trigger).toEqual(recorded.data);
    expect(electionWorkflow.decide({ kind: 'started', trigger: trigger! }, electionWorkflow.initialState)).toEqual(
      [first, second].map((enterpriseCode) => ({
        key: enterpriseCode,
        command: {
          type: 'ChangeMembershipTier',
          associationId: ASSOC,
          enterpriseCode,
          tier: 'DIRECTOR',
          decision: assembly,
          effectiveFrom: '2020-11-20',
          electionId: `${ASSOC}:3:DIRECTOR`,
          councilTermNumber: 3,
        },
      })),
    );
  });

  it('refuses an election with a candidate not an active member: nothing is written and nothing follows', () => {
    spec.given([]).when(decided([first, second])).thenRefuses('COUNCIL_CANDIDATE_NOT_A_MEMBER');
    expect(electionRecordedAmong([])).toBeNull();
    expect(electionRecordedAmong([{ type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 3, enterpriseCode: first, membershipId: 'm' } }])).toBeNull();
  });
});
