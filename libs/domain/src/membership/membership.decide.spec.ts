import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import type { DecisionRecord } from '../shared/index.js';
import type { AdmitMember, ChangeMembershipTier, DeemMembershipWithdrawn, ExpelMember } from './membership.commands.js';
import { membershipDecider } from './membership.decide.js';
import type { MembershipAdmitted, MembershipApplied, MembershipEvent, MembershipReminderSent } from './membership.events.js';

const spec = deciderSpec(membershipDecider);
const ASSOC = 'wuhan-cia';
const CODE = '91420100177678329F';
const OTHER = '91420100177678330X';
const ID = `${ASSOC}:${CODE}:1`;
const keys = { associationId: ASSOC, enterpriseCode: CODE };

const secretariat: DecisionRecord = { body: 'SECRETARIAT', reference: '武建协〔2025〕3号', decidedOn: '2025-03-10', votes: null };
const council = (inFavour: number, present = 40, entitled = 44): DecisionRecord => ({
  body: 'COUNCIL',
  reference: '武建协理〔2025〕7号',
  decidedOn: '2025-06-18',
  votes: { entitled, present, inFavour, against: present - inFavour, abstaining: 0 },
});

const applied: MembershipApplied = { type: 'MembershipApplied', data: { ...keys, membershipId: ID, appliedOn: '2025-03-01', note: null } };
const admitted: MembershipAdmitted = {
  type: 'MembershipAdmitted',
  data: { ...keys, membershipId: ID, tier: 'MEMBER', certificateNumber: 'WH-0001', admittedOn: '2025-03-10', decision: secretariat },
};
const admit: AdmitMember = {
  type: 'AdmitMember',
  ...keys,
  tier: 'MEMBER',
  certificateNumber: 'WH-0001',
  decision: secretariat,
  admissionBodies: ['SECRETARIAT', 'COUNCIL'],
};
const toTier = (tier: ChangeMembershipTier['tier'], decision: DecisionRecord = council(30)): ChangeMembershipTier => ({
  type: 'ChangeMembershipTier',
  ...keys,
  tier,
  decision,
  councilTerm: { termNumber: 7, presidentEnterpriseCode: null },
});
const reminder = (sentOn: string, unpaidYears: number[] = [2024, 2025], graceDays = 30): MembershipReminderSent => ({
  type: 'MembershipReminderSent',
  data: { ...keys, membershipId: ID, sentOn, unpaidYears, graceDays },
});
const deem = (effectiveFrom: string, unpaidYears: number[] = [2024, 2025], requiredYears = 2): DeemMembershipWithdrawn => ({
  type: 'DeemMembershipWithdrawn',
  ...keys,
  effectiveFrom,
  unpaidYears,
  requiredYears,
});
const expel = (decision: DecisionRecord): ExpelMember => ({ type: 'ExpelMember', ...keys, reason: '严重违反行业自律公约', effectiveFrom: '2026-01-10', decision });

function ended(event: MembershipEvent): MembershipEvent[] {
  return [applied, admitted, event];
}

describe('membership', () => {
  describe('applying', () => {
    const apply = { type: 'ApplyForMembership' as const, ...keys, appliedOn: '2025-03-01', associationRegistered: true, enterpriseRegistered: true };

    it('opens the first application as a pending membership', () => {
      spec.given([]).when(apply).then([applied]);
    });

    it('refuses a firm that is not in the enterprise register', () => {
      spec.given([]).when({ ...apply, enterpriseRegistered: false }).thenRefuses('MEMBERSHIP_ENTERPRISE_NOT_REGISTERED');
    });

    it('refuses an application to an association that is not registered', () => {
      spec.given([]).when({ ...apply, associationRegistered: false }).thenRefuses('MEMBERSHIP_ASSOCIATION_NOT_REGISTERED');
    });

    it('refuses a second application while one is pending or the firm is a member', () => {
      spec.given([applied]).when(apply).thenRefuses('MEMBERSHIP_ALREADY_OPEN');
      spec.given([applied, admitted]).when(apply).thenRefuses('MEMBERSHIP_ALREADY_OPEN');
    });

    it('takes a readmission as a new application with its own membership id, keeping the old one in the history', () => {
      const withdrawn: MembershipEvent = {
        type: 'MembershipWithdrawn',
        data: { ...keys, membershipId: ID, noticeDate: '2025-09-01', effectiveFrom: '2025-09-01', reason: null, tier: 'MEMBER' },
      };
      const [event] = spec.given(ended(withdrawn)).when({ ...apply, appliedOn: '2026-01-05' }).events();
      expect(event).toEqual({ type: 'MembershipApplied', data: { ...keys, membershipId: `${ASSOC}:${CODE}:2`, appliedOn: '2026-01-05', note: null } });
    });

    it('refuses an impossible application date', () => {
      spec.given([]).when({ ...apply, appliedOn: '2025-02-30' }).thenRejectsFields('appliedOn');
    });
  });

  describe('admitting', () => {
    it('admits a pending applicant with tier, certificate number and the decision', () => {
      spec.given([applied]).when(admit).then([admitted]);
    });

    it('refuses an admission by a body the charter does not allow', () => {
      spec.given([applied]).when({ ...admit, admissionBodies: ['COUNCIL'] }).thenRefuses('MEMBERSHIP_ADMISSION_BODY_NOT_AUTHORISED');
    });

    it('refuses an admission on a recorded vote that was not carried or had no quorum', () => {
      spec.given([applied]).when({ ...admit, decision: council(20) }).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
      spec.given([applied]).when({ ...admit, decision: council(20, 20, 44) }).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
    });

    it('refuses a suspension on a recorded vote that was not carried', () => {
      spec
        .given([applied, admitted])
        .when({ type: 'SuspendMembership', ...keys, reason: '停业整顿', effectiveFrom: '2025-08-01', decision: council(10) })
        .thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
    });

    it('refuses admitting straight into a council tier, and bad decision fields, field by field', () => {
      spec
        .given([applied])
        .when({ ...admit, tier: 'DIRECTOR', certificateNumber: ' ', decision: { body: 'MAYOR', reference: 'x', decidedOn: '2025-01-01' } })
        .thenRejectsFields('tier', 'certificateNumber', 'decision.body');
    });

    it('refuses admitting a firm that is already a member', () => {
      spec.given([applied, admitted]).when(admit).thenRefuses('MEMBERSHIP_NOT_PENDING');
    });

    it('refuses an action on a firm that never applied', () => {
      spec.given([]).when(admit).thenNotFound();
    });

    it('rejects a pending application with a reason', () => {
      const [event] = spec.given([applied]).when({ type: 'RejectApplication', ...keys, reason: '资质不符合入会条件', rejectedOn: '2025-03-05' }).events();
      expect(event).toMatchObject({ type: 'MembershipRejected', data: { reason: '资质不符合入会条件', rejectedOn: '2025-03-05', decision: null } });
    });
  });

  describe('changing the tier', () => {
    it('moves a member to director on a council vote with quorum and majority', () => {
      const [event] = spec.given([applied, admitted]).when(toTier('DIRECTOR')).events();
      expect(event).toMatchObject({
        type: 'MembershipTierChanged',
        data: { previousTier: 'MEMBER', tier: 'DIRECTOR', effectiveFrom: '2025-06-18', councilTerm: 7, electionId: null },
      });
    });

    it('refuses a change above member decided by the secretariat', () => {
      spec.given([applied, admitted]).when(toTier('DIRECTOR', secretariat)).thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('refuses a council decision without vote counts', () => {
      spec
        .given([applied, admitted])
        .when(toTier('EXECUTIVE_DIRECTOR', { ...council(30), votes: null }))
        .thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('refuses a vote without quorum (22 of 44 present is not more than half)', () => {
      spec.given([applied, admitted]).when(toTier('DIRECTOR', council(22, 22, 44))).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
    });

    it('refuses a vote that was not carried (20 of 40 is not a majority)', () => {
      spec.given([applied, admitted]).when(toTier('DIRECTOR', council(20))).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
    });

    it('follows a recorded council election: the sitting needs its quorum, the seats were won by votes', () => {
      const sitting = council(0, 40, 44);
      const [event] = spec.given([applied, admitted]).when({ ...toTier('VICE_PRESIDENT', sitting), electionId: 'e-1' }).events();
      expect(event).toMatchObject({ data: { tier: 'VICE_PRESIDENT', electionId: 'e-1' } });
      spec
        .given([applied, admitted])
        .when({ ...toTier('VICE_PRESIDENT', council(0, 20, 44)), electionId: 'e-1' })
        .thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
    });

    it('moves between member and reserve on any recorded decision', () => {
      const [event] = spec.given([applied, admitted]).when(toTier('RESERVE', secretariat)).events();
      expect(event).toMatchObject({ data: { tier: 'RESERVE' } });
    });

    it('refuses a second president firm in the same council term', () => {
      const error = spec
        .given([applied, admitted])
        .when({ ...toTier('PRESIDENT'), councilTerm: { termNumber: 7, presidentEnterpriseCode: OTHER } })
        .thenRefuses('MEMBERSHIP_PRESIDENT_SEAT_TAKEN');
      expect(error.message).toContain('one president firm per term');
    });

    it('refuses naming a president when no council term covers the date', () => {
      spec.given([applied, admitted]).when({ ...toTier('PRESIDENT'), councilTerm: null }).thenRefuses('MEMBERSHIP_NO_COUNCIL_TERM');
    });

    it('records nothing when the tier is already the one asked for', () => {
      spec.given([applied, admitted]).when(toTier('MEMBER', secretariat)).then([]);
    });

    it('refuses a tier change of a suspended member', () => {
      const suspended: MembershipEvent = {
        type: 'MembershipSuspended',
        data: { ...keys, membershipId: ID, reason: '拖欠会费', effectiveFrom: '2025-05-01', decision: secretariat },
      };
      spec.given(ended(suspended)).when(toTier('DIRECTOR')).thenRefuses('MEMBERSHIP_NOT_ACTIVE');
    });

    it('refuses a change dated before the admission', () => {
      spec.given([applied, admitted]).when({ ...toTier('DIRECTOR'), effectiveFrom: '2025-01-01' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });
  });

  describe('sanctions, suspension and reinstatement', () => {
    it('records a warning without changing the status', () => {
      const events = spec
        .given([applied, admitted])
        .when({ type: 'SanctionMember', ...keys, kind: 'WARNING', reason: '违反行业自律公约', effectiveFrom: '2025-07-01', decision: secretariat })
        .events();
      expect(events[0]).toMatchObject({ type: 'MembershipSanctioned', data: { kind: 'WARNING' } });
      const state = [applied, admitted, ...events].reduce(membershipDecider.evolve, membershipDecider.initialState);
      expect(state.current?.status).toBe('ACTIVE');
    });

    it('refuses an unknown sanction and an empty reason', () => {
      spec
        .given([applied, admitted])
        .when({ type: 'SanctionMember', ...keys, kind: 'FINE' as never, reason: '', decision: secretariat })
        .thenRejectsFields('kind', 'reason');
    });

    it('suspends an active member and reinstates a suspended one, and nothing else', () => {
      const suspend = { type: 'SuspendMembership' as const, ...keys, reason: '停业整顿', effectiveFrom: '2025-08-01', decision: secretariat };
      const [suspended] = spec.given([applied, admitted]).when(suspend).events();
      expect(suspended?.type).toBe('MembershipSuspended');
      const reinstate = { type: 'ReinstateMembership' as const, ...keys, reason: '整改完成', effectiveFrom: '2025-10-01', decision: secretariat };
      spec.given([applied, admitted]).when(reinstate).thenRefuses('MEMBERSHIP_NOT_SUSPENDED');
      const [back] = spec.given([applied, admitted, suspended!]).when(reinstate).events();
      expect(back?.type).toBe('MembershipReinstated');
    });
  });

  describe('leaving', () => {
    it('records a withdrawal from the date of the written notice', () => {
      const [event] = spec.given([applied, admitted]).when({ type: 'WithdrawMembership', ...keys, noticeDate: '2025-09-01' }).events();
      expect(event).toMatchObject({ type: 'MembershipWithdrawn', data: { noticeDate: '2025-09-01', effectiveFrom: '2025-09-01', tier: 'MEMBER' } });
    });

    it('refuses a withdrawal without a notice date or effective before the notice', () => {
      spec.given([applied, admitted]).when({ type: 'WithdrawMembership', ...keys, noticeDate: '' }).thenRejectsFields('noticeDate');
      spec
        .given([applied, admitted])
        .when({ type: 'WithdrawMembership', ...keys, noticeDate: '2025-09-01', effectiveFrom: '2025-08-01' })
        .thenRejectsFields('effectiveFrom');
    });

    it('refuses to end a membership that already ended', () => {
      const withdrawn: MembershipEvent = {
        type: 'MembershipWithdrawn',
        data: { ...keys, membershipId: ID, noticeDate: '2025-09-01', effectiveFrom: '2025-09-01', reason: null, tier: 'MEMBER' },
      };
      spec.given(ended(withdrawn)).when({ type: 'WithdrawMembership', ...keys, noticeDate: '2025-10-01' }).thenRefuses('MEMBERSHIP_NOT_CURRENT');
    });

    describe('deemed withdrawal (自动退会)', () => {
      const history = [applied, admitted, reminder('2026-01-05')];

      it('is recorded after the charter years unpaid and an unanswered reminder past its grace period', () => {
        spec.given(history).when(deem('2026-02-04')).then([
          {
            type: 'MembershipDeemedWithdrawn',
            data: {
              ...keys,
              membershipId: ID,
              effectiveFrom: '2026-02-04',
              unpaidYears: [2024, 2025],
              requiredYears: 2,
              reminderSentOn: '2026-01-05',
              graceDays: 30,
              tier: 'MEMBER',
            },
          },
        ]);
      });

      it('is refused with fewer unpaid years than the charter requires', () => {
        const error = spec.given(history).when(deem('2026-02-04', [2025])).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_TOO_FEW_UNPAID_YEARS');
        expect(error.message).toContain('2 unpaid years');
      });

      it('is refused with no reminder on the membership', () => {
        spec.given([applied, admitted]).when(deem('2026-02-04')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER');
      });

      it('is refused when the years the reminder cited have since been paid (the reminder was answered)', () => {
        spec.given([applied, admitted, reminder('2026-01-05', [2023, 2024])]).when(deem('2026-03-01')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER');
      });

      it('is refused one day before the grace period ends, naming the first possible date', () => {
        const error = spec.given(history).when(deem('2026-02-03')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_GRACE_NOT_OVER');
        expect(error.message).toContain('2026-02-04');
      });

      it('needs one unpaid year under a one-year charter', () => {
        const [event] = spec.given([applied, admitted, reminder('2026-01-05', [2025])]).when(deem('2026-02-04', [2025], 1)).events();
        expect(event?.type).toBe('MembershipDeemedWithdrawn');
      });
    });

    describe('expulsion (除名)', () => {
      it('is recorded on a council vote with quorum and majority', () => {
        const [event] = spec.given([applied, admitted]).when(expel(council(30))).events();
        expect(event).toMatchObject({ type: 'MembershipExpelled', data: { tier: 'MEMBER', reason: '严重违反行业自律公约' } });
      });

      it('is refused without quorum', () => {
        spec.given([applied, admitted]).when(expel(council(20, 20, 44))).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
      });

      it('is refused without a majority of those present', () => {
        spec.given([applied, admitted]).when(expel(council(20, 40, 44))).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
      });

      it('is refused on a decision other than a council vote', () => {
        spec.given([applied, admitted]).when(expel(secretariat)).thenRefuses('MEMBERSHIP_EXPULSION_NEEDS_COUNCIL_VOTE');
        spec.given([applied, admitted]).when(expel({ ...council(30), body: 'GENERAL_ASSEMBLY' })).thenRefuses('MEMBERSHIP_EXPULSION_NEEDS_COUNCIL_VOTE');
      });
    });
  });
});
