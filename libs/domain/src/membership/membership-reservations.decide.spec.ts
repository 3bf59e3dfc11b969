import { describe, expect, it } from '@jest/globals';
import { multiStreamSpec } from '#testing';
import type { DecisionRecord } from '../shared/index.js';
import type { CertificateNumberReserved } from './certificate.decide.js';
import type { PresidentSeatReleased, PresidentSeatTaken } from './council-term.events.js';
import type { AdmitMember } from './membership.commands.js';
import type { MembershipAdmitted, MembershipApplied, MembershipTier, MembershipTierChanged, MembershipWithdrawn } from './membership.events.js';
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
const tierChanged = (previousTier: MembershipTier, tier: MembershipTier, extra: { councilTerm?: number; electionId?: string } = {}): MembershipTierChanged => ({
  type: 'MembershipTierChanged',
  data: { ...keys, membershipId: ID, previousTier, tier, effectiveFrom: '2025-06-18', decision: council, councilTerm: extra.councilTerm ?? 7, electionId: extra.electionId ?? null },
});
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
    spec.given({ membership: [applied], certificate: [reserved] }).when(admit).then({ membership: [admitted] });
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
    spec
      .given({ membership: [applied, admitted, toPresident], seat: [seatTaken] })
      .when(tierChange('VICE_PRESIDENT', 8))
      .then({ membership: [tierChanged('PRESIDENT', 'VICE_PRESIDENT', { councilTerm: 8 })], seat: [seatReleased(7)] });
  });

  it('touches no seat for a change between other tiers', () => {
    spec.given({ membership: [applied, admitted], seat: [otherTakesSeat] }).when(tierChange('DIRECTOR')).then({ membership: [tierChanged('MEMBER', 'DIRECTOR')] });
  });

  it('raises an elected firm to the office tier but never lowers one already above it', () => {
    const electionId = `${ASSOC}:7:DIRECTOR`;
    const elected = { ...tierChange('DIRECTOR'), electionId };
    spec.given({ membership: [applied, admitted] }).when(elected).then({ membership: [tierChanged('MEMBER', 'DIRECTOR', { electionId })] });
    spec.given({ membership: [applied, admitted, toPresident], seat: [seatTaken] }).when(elected).then({});
  });

  it('refuses a malformed change on its fields, taking no seat', () => {
    spec
      .given({ membership: [applied, admitted], seat: [] })
      .when({ ...tierChange('PRESIDENT'), decision: { ...council, votes: { ...council.votes!, present: 50 } }, effectiveFrom: '2025-06-31' })
      .thenRejectsFields('decision.votes.present', 'decision.votes', 'effectiveFrom');
  });
});

describe("ending a president's membership", () => {
  const spec = multiStreamSpec(endMembershipDecider);
  const withdraw = { type: 'WithdrawMembership' as const, ...keys, noticeDate: '2026-01-05', reason: '经营调整' };

  const withdrawn = (tier: MembershipTier): MembershipWithdrawn => ({
    type: 'MembershipWithdrawn',
    data: { ...keys, membershipId: ID, noticeDate: '2026-01-05', effectiveFrom: '2026-01-05', reason: '经营调整', tier },
  });

  it('releases the seat with the withdrawal', () => {
    spec
      .given({ membership: [applied, admitted, toPresident], seat: [seatTaken] })
      .when(withdraw)
      .then({ membership: [withdrawn('PRESIDENT')], seat: [seatReleased(7)] });
  });

  it('releases the seat with an expulsion', () => {
    const expel = { type: 'ExpelMember' as const, ...keys, reason: '严重违反行业自律公约', effectiveFrom: '2026-01-10', decision: council };
    spec
      .given({ membership: [applied, admitted, toPresident], seat: [seatTaken] })
      .when(expel)
      .then({
        membership: [{ type: 'MembershipExpelled', data: { ...keys, membershipId: ID, reason: '严重违反行业自律公约', effectiveFrom: '2026-01-10', decision: council, tier: 'PRESIDENT' } }],
        seat: [seatReleased(7)],
      });
  });

  it('releases nothing for a member that holds no seat', () => {
    spec.given({ membership: [applied, admitted] }).when(withdraw).then({ membership: [withdrawn('MEMBER')] });
  });

  it('refuses an ending on its fields, or of a membership already ended, releasing nothing', () => {
    spec.given({ membership: [applied, admitted, toPresident], seat: [seatTaken] }).when({ ...withdraw, noticeDate: '2026-02-30' }).thenRejectsFields('noticeDate');
    spec
      .given({ membership: [applied, admitted, toPresident, withdrawn('PRESIDENT')], seat: [seatTaken, seatReleased(7)] })
      .when(withdraw)
      .thenRefuses('MEMBERSHIP_NOT_CURRENT');
  });
});
