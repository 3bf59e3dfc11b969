import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import { type DecisionRecord, withCheckCharacter } from '../shared/index.js';
import { associationDecider } from './association.decide.js';
import type { AssociationRegistered, CouncilTermRecorded } from './association.events.js';
import { certificateDecider } from './certificate.decide.js';
import type { RecordCouncilElection } from './council-term.commands.js';
import { councilTermDecider } from './council-term.decide.js';
import type { CouncilElectionHeld } from './council-term.events.js';

const ASSOC = 'yueyang-urca';
const codes = Array.from({ length: 44 }, (_, i) => withCheckCharacter(`914306000${String(100000000 + i).slice(1)}`));
const assembly: DecisionRecord = {
  body: 'GENERAL_ASSEMBLY',
  reference: '岳城建协〔2020〕5号',
  decidedOn: '2020-11-20',
  votes: { entitled: 120, present: 112, inFavour: 112, against: 0, abstaining: 0 },
};

function election(office: RecordCouncilElection['office'], seats: number, votes: [string, number][], extra: Partial<RecordCouncilElection> = {}): RecordCouncilElection {
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

describe('council elections (差额选举)', () => {
  const spec = deciderSpec(councilTermDecider);
  // 44 candidates, 110 votes for the first, two fewer for each next one.
  const vicePresidentVotes: [string, number][] = codes.map((c, i) => [c, 110 - i * 2]);

  it('reproduces Yueyang: 35 vice-presidents elected from 44 candidates, most votes first', () => {
    const [event] = spec.given([]).when(election('VICE_PRESIDENT', 35, vicePresidentVotes)).events() as CouncilElectionHeld[];
    expect(event!.data.elected).toEqual(codes.slice(0, 35));
    expect(event!.data.candidates.filter((c) => c.elected)).toHaveLength(35);
    expect(event!.data.candidates.filter((c) => !c.elected).map((c) => c.enterpriseCode)).toEqual(codes.slice(35));
    expect(event!.data.tier).toBe('VICE_PRESIDENT');
  });

  it('then 12 executive vice-presidents from the 35, and refuses a candidate outside the 35', () => {
    const [vp] = spec.given([]).when(election('VICE_PRESIDENT', 35, vicePresidentVotes)).events() as CouncilElectionHeld[];
    const evpVotes: [string, number][] = codes.slice(0, 35).map((c, i) => [c, 100 - i]);
    const [evp] = spec.given([vp!]).when(election('EXECUTIVE_VICE_PRESIDENT', 12, evpVotes)).events() as CouncilElectionHeld[];
    expect(evp!.data.elected).toEqual(codes.slice(0, 12));
    expect(evp!.data.tier).toBe('VICE_PRESIDENT');
    spec
      .given([vp!])
      .when(election('EXECUTIVE_VICE_PRESIDENT', 12, [...evpVotes.slice(0, 34), [codes[40]!, 50]]))
      .thenRefuses('COUNCIL_CANDIDATE_NOT_ELIGIBLE');
  });

  it('refuses a tie at the last seat unless a run-off among the tied is recorded', () => {
    const votes: [string, number][] = [[codes[0]!, 90], [codes[1]!, 80], [codes[2]!, 80], [codes[3]!, 10]];
    const error = spec.given([]).when(election('DIRECTOR', 2, votes)).thenRefuses('COUNCIL_ELECTION_TIE_AT_LAST_SEAT');
    expect(error.message).toContain('run-off');
    const runOff = [{ enterpriseCode: codes[1]!, votes: 40 }, { enterpriseCode: codes[2]!, votes: 60 }];
    const [event] = spec.given([]).when(election('DIRECTOR', 2, votes, { runOff })).events() as CouncilElectionHeld[];
    expect(event!.data.elected).toEqual([codes[0], codes[2]]);
    spec.given([]).when(election('DIRECTOR', 2, votes, { runOff: [runOff[0]!, { enterpriseCode: codes[2]!, votes: 40 }] })).thenRefuses('COUNCIL_ELECTION_RUN_OFF_UNRESOLVED');
    spec.given([]).when(election('DIRECTOR', 2, votes, { runOff: [runOff[0]!, { enterpriseCode: codes[3]!, votes: 60 }] })).thenRejectsFields('runOff');
  });

  it('elects everyone in a tie that fits in the seats', () => {
    const votes: [string, number][] = [[codes[0]!, 90], [codes[1]!, 80], [codes[2]!, 80], [codes[3]!, 10]];
    const [event] = spec.given([]).when(election('DIRECTOR', 3, votes)).events() as CouncilElectionHeld[];
    expect(event!.data.elected).toEqual([codes[0], codes[1], codes[2]]);
  });

  it('refuses an election with no more candidates than seats', () => {
    spec.given([]).when(election('DIRECTOR', 2, [[codes[0]!, 90], [codes[1]!, 80]])).thenRefuses('COUNCIL_ELECTION_NOT_COMPETITIVE');
  });

  it('refuses an election without quorum', () => {
    const noQuorum = { ...assembly, votes: { entitled: 120, present: 60, inFavour: 60, against: 0, abstaining: 0 } };
    spec.given([]).when(election('DIRECTOR', 1, [[codes[0]!, 50], [codes[1]!, 10]], { decision: noQuorum })).thenRefuses('COUNCIL_ELECTION_WITHOUT_QUORUM');
  });

  it('refuses candidates that are not active members, and a second election for the same office', () => {
    spec
      .given([])
      .when(election('DIRECTOR', 1, [[codes[0]!, 50], [codes[1]!, 10]], { activeMembers: [codes[0]!] }))
      .thenRefuses('COUNCIL_CANDIDATE_NOT_A_MEMBER');
    const [held] = spec.given([]).when(election('DIRECTOR', 1, [[codes[0]!, 50], [codes[1]!, 10]])).events();
    spec.given([held!]).when(election('DIRECTOR', 1, [[codes[0]!, 50], [codes[1]!, 10]])).thenRefuses('COUNCIL_ELECTION_ALREADY_HELD');
  });

  it('refuses more votes than voters present and a candidate listed twice', () => {
    spec
      .given([])
      .when(election('DIRECTOR', 1, [[codes[0]!, 113], [codes[0]!, 10]]))
      .thenRejectsFields('candidates.0.votes', 'candidates.1.enterpriseCode');
  });

  it('keeps one president firm per term', () => {
    const take = { type: 'TakePresidentSeat' as const, associationId: ASSOC, termNumber: 3, enterpriseCode: codes[0]!, membershipId: 'm1', termRecorded: true };
    const [taken] = spec.given([]).when(take).events();
    spec.given([taken!]).when({ ...take, enterpriseCode: codes[1]!, membershipId: 'm2' }).thenRefuses('COUNCIL_PRESIDENT_SEAT_TAKEN');
    spec.given([taken!]).when(take).then([]);
    const [released] = spec
      .given([taken!])
      .when({ type: 'ReleasePresidentSeat', associationId: ASSOC, termNumber: 3, enterpriseCode: codes[0]!, membershipId: 'm1' })
      .events();
    spec.given([taken!, released!]).when({ ...take, enterpriseCode: codes[1]!, membershipId: 'm2' }).events();
    spec.given([]).when({ ...take, termRecorded: false }).thenNotFound();
  });
});

describe('certificate numbers', () => {
  const spec = deciderSpec(certificateDecider);
  const reserve = { type: 'ReserveCertificateNumber' as const, associationId: ASSOC, certificateNumber: 'YY-001', enterpriseCode: codes[0]!, membershipId: 'm1' };

  it('are reserved by the first firm and refused to any other', () => {
    const [reserved] = spec.given([]).when(reserve).events();
    spec.given([reserved!]).when({ ...reserve, enterpriseCode: codes[1]!, membershipId: 'm2' }).thenRefuses('MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN');
    spec.given([reserved!]).when(reserve).then([]);
  });
});

describe('associations', () => {
  const spec = deciderSpec(associationDecider);
  const register = {
    type: 'RegisterAssociation' as const,
    associationId: ASSOC,
    name: '岳阳市城乡建设协会',
    regionCode: '430600',
    deemedWithdrawalYears: 2,
    admissionBodies: ['COUNCIL', 'SECRETARIAT'],
    waiverApprovers: ['sec-li'],
  };
  const registered: AssociationRegistered = {
    type: 'AssociationRegistered',
    data: {
      associationId: ASSOC,
      name: '岳阳市城乡建设协会',
      regionCode: '430600',
      charter: { deemedWithdrawalYears: 2, reminderGraceDays: 30, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
      waiverApprovers: ['sec-li'],
    },
  };
  const term3: CouncilTermRecorded = { type: 'CouncilTermRecorded', data: { associationId: ASSOC, termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' } };

  it('registers an association with its charter, the grace period defaulting to 30 days', () => {
    spec.given([]).when(register).then([registered]);
  });

  it('refuses a malformed id, a charter with 3 years, no admission body and an unknown body, field by field', () => {
    spec
      .given([])
      .when({ ...register, associationId: 'Yueyang CA', deemedWithdrawalYears: 3, admissionBodies: ['MAYOR'] })
      .thenRejectsFields('associationId', 'deemedWithdrawalYears', 'admissionBodies.0');
    spec.given([]).when({ ...register, admissionBodies: [] }).thenRejectsFields('admissionBodies');
  });

  it('refuses registering the same id twice', () => {
    spec.given([registered]).when(register).thenRefuses('ASSOCIATION_ALREADY_REGISTERED');
  });

  it('grants and revokes waiver approvers, refusing a grant twice and revoking someone never granted', () => {
    const grant = { type: 'GrantWaiverApprover' as const, associationId: ASSOC, userId: 'pres-wang', effectiveFrom: '2026-01-01' };
    const [granted] = spec.given([registered]).when(grant).events();
    expect(granted).toMatchObject({ type: 'WaiverApproverGranted', data: { userId: 'pres-wang' } });
    spec.given([registered, granted!]).when(grant).thenRefuses('ASSOCIATION_WAIVER_APPROVER_ALREADY_GRANTED');
    spec
      .given([registered])
      .when({ type: 'RevokeWaiverApprover', associationId: ASSOC, userId: 'pres-wang' })
      .thenRefuses('ASSOCIATION_WAIVER_APPROVER_NOT_GRANTED');
  });

  it('records council terms, refusing a duplicate number, an overlap and an end before the start', () => {
    const record = { type: 'RecordCouncilTerm' as const, associationId: ASSOC, termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' };
    spec.given([registered]).when(record).then([term3]);
    spec.given([registered, term3]).when(record).thenRefuses('ASSOCIATION_COUNCIL_TERM_EXISTS');
    spec.given([registered, term3]).when({ ...record, termNumber: 4, startsOn: '2025-06-01', endsOn: '2030-05-31' }).thenRefuses('ASSOCIATION_COUNCIL_TERM_OVERLAPS');
    spec.given([registered]).when({ ...record, endsOn: '2020-01-01' }).thenRejectsFields('endsOn');
    spec.given([]).when(record).thenNotFound();
  });
});
