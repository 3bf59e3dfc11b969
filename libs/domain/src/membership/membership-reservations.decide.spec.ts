import { describe, expect, it } from '@jest/globals';
import { multiStreamSpec } from '#testing';
import type { DecisionRecord } from '../shared/index.js';
import type { CertificateNumberReserved } from './certificate.decide.js';
import type { PresidentSeatReleased, PresidentSeatTaken } from './council-term.events.js';
import type { AdmitMember } from './membership.commands.js';
import type { MembershipAdmitted, MembershipApplied, MembershipTierChanged, MembershipWithdrawn } from './membership.events.js';
import { admitMemberDecider, changeTierDecider, type ChangeTier, endMembershipDecider } from './membership-reservations.decide.js';

const ASSOC = 'wuhan-cia';
const CODE = '91420100177678329F';
const OTHER = '91420100177678330X';
const ID = `${ASSOC}:${CODE}:1`;
const keys = { associationId: ASSOC, enterpriseCode: CODE };
const secretariat: DecisionRecord = { body: 'SECRETARIAT', reference: '武建协〔2025〕3号', decidedOn: '2025-03-10', votes: null };
const council: DecisionRecord = {
  body: 'COUNCIL',
  reference: '武建协理〔2025〕7号',
  decidedOn: '2025-06-18',
  votes: { entitled: 44, present: 40, inFavour: 30, against: 10, abstaining: 0 },
};

const applied: MembershipApplied = { type: 'MembershipApplied', data: { ...keys, membershipId: ID, appliedOn: '2025-03-01', note: null } };
const admitted: MembershipAdmitted = {
  type: 'MembershipAdmitted',
  data: { ...keys, membershipId: ID, tier: 'MEMBER', certificateNumber: 'WH-0001', admittedOn: '2025-03-10', decision: secretariat },
};
const reserved: CertificateNumberReserved = {
  type: 'CertificateNumberReserved',
  data: { associationId: ASSOC, certificateNumber: 'WH-0001', enterpriseCode: CODE, membershipId: ID },
};
const admit: AdmitMember = { type: 'AdmitMember', ...keys, tier: 'MEMBER', certificateNumber: 'WH-0001', decision: secretariat, admissionBodies: ['SECRETARIAT'] };

const toPresident: MembershipTierChanged = {
  type: 'MembershipTierChanged',
  data: { ...keys, membershipId: ID, previousTier: 'MEMBER', tier: 'PRESIDENT', effectiveFrom: '2025-06-18', decision: council, councilTerm: 7, electionId: null },
};
const seatTaken: PresidentSeatTaken = { type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 7, enterpriseCode: CODE, membershipId: ID } };
const seatReleased = (termNumber = 7): PresidentSeatReleased => ({
  type: 'PresidentSeatReleased',
  data: { associationId: ASSOC, termNumber, enterpriseCode: CODE, membershipId: ID },
});
const otherTakesSeat: PresidentSeatTaken = { type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 7, enterpriseCode: OTHER, membershipId: `${ASSOC}:${OTHER}:1` } };
const tierChange = (tier: ChangeTier['tier'], councilTermNumber: number | null = 7): ChangeTier => ({
  type: 'ChangeMembershipTier',
  ...keys,
  tier,
  decision: council,
  councilTermNumber,
});

describe('admitting a member with its certificate number', () => {
  const spec = multiStreamSpec(admitMemberDecider);

  it('admits the firm and reserves the number in the same decision', () => {
    spec.given({ membership: [applied] }).when(admit).then({ membership: [admitted], certificate: [reserved] });
  });

  it('names the certificate stream by the number as stored (trimmed, NFKC)', () => {
    expect(spec.streamsOf({ ...admit, certificateNumber: ' ＷＨ－０００１ ' }).certificate).toBe(spec.streamsOf(admit).certificate);
  });

  it('refuses a number issued to another firm, admitting nothing', () => {
    const error = spec
      .given({ membership: [applied], certificate: [{ ...reserved, data: { ...reserved.data, enterpriseCode: OTHER } }] })
      .when(admit)
      .thenRefuses('MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN');
    expect(error.message).toContain(OTHER);
  });

  it('lets a readmitted firm be issued its own number again, reserving nothing new', () => {
    const readmitted = spec.given({ membership: [applied], certificate: [reserved] }).when(admit).events();
    expect(readmitted).toEqual({ membership: [admitted] });
  });

  it('refuses a malformed number with a field error, reserving nothing', () => {
    spec.given({ membership: [applied] }).when({ ...admit, certificateNumber: 'WH 0001' }).thenRejectsFields('certificateNumber');
  });
});

describe("changing a tier and the president's seat", () => {
  const spec = multiStreamSpec(changeTierDecider);

  it("takes the covering term's seat with the change to president", () => {
    spec.given({ membership: [applied, admitted], seat: [] }).when(tierChange('PRESIDENT')).then({ membership: [toPresident], seat: [seatTaken] });
  });

  it('refuses a second president firm in the term, writing nothing', () => {
    spec.given({ membership: [applied, admitted], seat: [otherTakesSeat] }).when(tierChange('PRESIDENT')).thenRefuses('MEMBERSHIP_PRESIDENT_SEAT_TAKEN');
  });

  it('refuses a president where no council term covers the date', () => {
    spec.given({ membership: [applied, admitted] }).when(tierChange('PRESIDENT', null)).thenRefuses('MEMBERSHIP_NO_COUNCIL_TERM');
  });

  it('releases the seat the firm holds when it leaves the president tier, even from a later term', () => {
    const changed = spec.given({ membership: [applied, admitted, toPresident], seat: [seatTaken] }).when(tierChange('VICE_PRESIDENT', 8)).events();
    expect(changed.membership).toMatchObject([{ type: 'MembershipTierChanged', data: { previousTier: 'PRESIDENT', tier: 'VICE_PRESIDENT', councilTerm: 8 } }]);
    expect(changed.seat).toEqual([seatReleased(7)]);
  });

  it('touches no seat for a change between other tiers', () => {
    const changed = spec.given({ membership: [applied, admitted], seat: [otherTakesSeat] }).when(tierChange('DIRECTOR')).events();
    expect(Object.keys(changed)).toEqual(['membership']);
  });

  it('raises an elected firm to the office tier but never lowers one already above it', () => {
    const elected = { ...tierChange('DIRECTOR'), electionId: `${ASSOC}:7:DIRECTOR` };
    expect(spec.given({ membership: [applied, admitted] }).when(elected).events().membership).toMatchObject([{ data: { tier: 'DIRECTOR' } }]);
    spec.given({ membership: [applied, admitted, toPresident], seat: [seatTaken] }).when(elected).then({});
  });
});

describe("ending a president's membership", () => {
  const spec = multiStreamSpec(endMembershipDecider);
  const withdraw = { type: 'WithdrawMembership' as const, ...keys, noticeDate: '2026-01-05', reason: '经营调整' };

  it('releases the seat with the withdrawal', () => {
    const ended = spec.given({ membership: [applied, admitted, toPresident], seat: [seatTaken] }).when(withdraw).events();
    expect((ended.membership as MembershipWithdrawn[])[0]!.type).toBe('MembershipWithdrawn');
    expect(ended.seat).toEqual([seatReleased(7)]);
  });

  it('releases nothing for a member that holds no seat', () => {
    const ended = spec.given({ membership: [applied, admitted] }).when(withdraw).events();
    expect(Object.keys(ended)).toEqual(['membership']);
  });
});
