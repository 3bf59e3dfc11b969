import { describe, expect, it } from '@jest/globals';
import { multiStreamSpec } from '#testing';
import { type DecisionRecord, fold } from '../shared/index.js';
import { associationDecider } from './association.decide.js';
import type { AssociationEvent } from './association.events.js';
import type { MembershipAdmitted, MembershipApplied } from './membership.events.js';
import { changeTierDecider, type ChangeTier } from './membership-reservations.decide.js';
import { councilTermOfTierChange } from './tier-change.term.js';

const ASSOC = 'wuhan-cia';
const CODE = '91420100177678329F';
const ID = `${ASSOC}:${CODE}:1`;
const keys = { associationId: ASSOC, enterpriseCode: CODE };
const association = fold(associationDecider, [
  {
    type: 'AssociationRegistered',
    data: { associationId: ASSOC, name: '武汉市建筑业协会', regionCode: '420100', charter: { deemedWithdrawalYears: 2, reminderGraceDays: 30, admissionBodies: ['COUNCIL'] }, waiverApprovers: [] },
  },
  { type: 'CouncilTermRecorded', data: { associationId: ASSOC, termNumber: 7, startsOn: '2023-01-01', endsOn: '2027-12-31' } },
] satisfies AssociationEvent[]);
const council: DecisionRecord = { body: 'COUNCIL', reference: '武建协理〔2025〕7号', decidedOn: '2025-06-18', votes: { entitled: 44, present: 40, inFavour: 30, against: 10, abstaining: 0 } };
const applied: MembershipApplied = { type: 'MembershipApplied', data: { ...keys, membershipId: ID, appliedOn: '2025-03-01', note: null } };
const admitted: MembershipAdmitted = {
  type: 'MembershipAdmitted',
  data: { ...keys, membershipId: ID, tier: 'MEMBER', certificateNumber: 'WH-0001', admittedOn: '2025-03-10', decision: { ...council, body: 'SECRETARIAT', votes: null } },
};

/** The tier change as the command path sends it: its term from the association's record. */
function tierChange(change: Omit<ChangeTier, 'councilTermNumber' | 'type' | 'associationId' | 'enterpriseCode'>): ChangeTier {
  return { type: 'ChangeMembershipTier', ...keys, ...change, councilTermNumber: councilTermOfTierChange(association, change) };
}

describe('the council term a tier change falls in', () => {
  const spec = multiStreamSpec(changeTierDecider);

  it("given the term covering the decision's date, a change to president takes that term's seat", () => {
    spec
      .given({ membership: [applied, admitted], seat: [] })
      .when(tierChange({ tier: 'PRESIDENT', decision: council }))
      .then({
        membership: [
          {
            type: 'MembershipTierChanged',
            data: { ...keys, membershipId: ID, previousTier: 'MEMBER', tier: 'PRESIDENT', effectiveFrom: '2025-06-18', decision: council, councilTerm: 7, electionId: null },
          },
        ],
        seat: [{ type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 7, enterpriseCode: CODE, membershipId: ID } }],
      });
  });

  it('reads the effective date before the decision date', () => {
    expect(councilTermOfTierChange(association, { effectiveFrom: '2028-01-02', decision: council })).toBeNull();
    expect(councilTermOfTierChange(association, { effectiveFrom: '2027-12-31', decision: { ...council, decidedOn: '2030-01-01' } })).toBe(7);
  });

  it('names no term for a date outside every term or not a date, and the change to president is refused', () => {
    expect(councilTermOfTierChange(association, { effectiveFrom: '2025-13-01', decision: council })).toBeNull();
    expect(councilTermOfTierChange({ status: 'unregistered' }, { decision: council })).toBeNull();
    spec
      .given({ membership: [applied, admitted] })
      .when(tierChange({ tier: 'PRESIDENT', effectiveFrom: '2028-01-02', decision: council }))
      .thenRefuses('MEMBERSHIP_NO_COUNCIL_TERM');
  });
});
