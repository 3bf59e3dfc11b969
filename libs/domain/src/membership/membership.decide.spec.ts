import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import type { DecisionRecord } from '../shared/index.js';
import type {
  AdmitMember,
  ApplyForMembership,
  ChangeMembershipTier,
  DeemMembershipWithdrawn,
  ExpelMember,
  RecordMembershipReminder,
  RejectApplication,
  ReinstateMembership,
  SanctionMember,
  SuspendMembership,
  WithdrawMembership,
} from './membership.commands.js';
import { membershipDecider } from './membership.decide.js';
import type { MembershipEvent, MembershipTier } from './membership.events.js';

const spec = deciderSpec(membershipDecider);
const ASSOC = 'wuhan-cia';
const CODE = '91420100177678329F';
const OTHER = '91420100177678330X';
const ID = `${ASSOC}:${CODE}:1`;
const keys = { associationId: ASSOC, enterpriseCode: CODE };
const membership = { ...keys, membershipId: ID };
/** The business date of the fixed clock the specs run at. */
const TODAY = '2026-03-02';

const secretariat: DecisionRecord = { body: 'SECRETARIAT', reference: '武建协〔2025〕3号', decidedOn: '2025-03-10', votes: null };
const council = (inFavour: number, present = 40, entitled = 44): DecisionRecord => ({
  body: 'COUNCIL',
  reference: '武建协理〔2025〕7号',
  decidedOn: '2025-06-18',
  votes: { entitled, present, inFavour, against: present - inFavour, abstaining: 0 },
});

// ---- the history a command is decided on, as recorded events --------------------------------------------------------

const applied: MembershipEvent = { type: 'MembershipApplied', data: { ...membership, appliedOn: '2025-03-01', note: null } };
const admitted: MembershipEvent = {
  type: 'MembershipAdmitted',
  data: { ...membership, tier: 'MEMBER', certificateNumber: 'WH-0001', admittedOn: '2025-03-10', decision: secretariat },
};
const member = [applied, admitted];
const tierChanged = (previousTier: MembershipTier, tier: MembershipTier, extra: { decision?: DecisionRecord; electionId?: string } = {}): MembershipEvent => {
  const decision = extra.decision ?? council(30);
  return {
    type: 'MembershipTierChanged',
    data: { ...membership, previousTier, tier, effectiveFrom: decision.decidedOn, decision, councilTerm: 7, electionId: extra.electionId ?? null },
  };
};
const suspendedEvent = (effectiveFrom = '2025-08-01'): MembershipEvent => ({
  type: 'MembershipSuspended',
  data: { ...membership, reason: '停业整顿', effectiveFrom, decision: secretariat },
});
const withdrawnEvent: MembershipEvent = {
  type: 'MembershipWithdrawn',
  data: { ...membership, noticeDate: '2025-09-01', effectiveFrom: '2025-09-01', reason: null, tier: 'MEMBER' },
};
const reminderSent = (sentOn: string, unpaidYears: number[] = [2024, 2025], graceDays = 30): MembershipEvent => ({
  type: 'MembershipReminderSent',
  data: { ...membership, sentOn, unpaidYears, graceDays },
});

// ---- commands -------------------------------------------------------------------------------------------------------

const apply: ApplyForMembership = { type: 'ApplyForMembership', ...keys, appliedOn: '2025-03-01', associationRegistered: true, enterpriseRegistered: true };
const admit: AdmitMember = { type: 'AdmitMember', ...keys, tier: 'MEMBER', certificateNumber: 'WH-0001', decision: secretariat, admissionBodies: ['SECRETARIAT', 'COUNCIL'] };
const reject: RejectApplication = { type: 'RejectApplication', ...keys, reason: '资质不符合入会条件', rejectedOn: '2025-03-05' };
const toTier = (tier: MembershipTier, decision: DecisionRecord = council(30)): ChangeMembershipTier => ({
  type: 'ChangeMembershipTier',
  ...keys,
  tier,
  decision,
  councilTerm: { termNumber: 7, presidentEnterpriseCode: null },
});
const sanction: SanctionMember = { type: 'SanctionMember', ...keys, kind: 'WARNING', reason: '违反行业自律公约', effectiveFrom: '2025-07-01', decision: secretariat };
const suspend: SuspendMembership = { type: 'SuspendMembership', ...keys, reason: '停业整顿', effectiveFrom: '2025-08-01', decision: secretariat };
const reinstate: ReinstateMembership = { type: 'ReinstateMembership', ...keys, reason: '整改完成', effectiveFrom: '2025-10-01', decision: secretariat };
const remind: RecordMembershipReminder = { type: 'RecordMembershipReminder', ...keys, sentOn: '2026-01-05', unpaidYears: [2024, 2025], charterGraceDays: 30 };
const withdraw: WithdrawMembership = { type: 'WithdrawMembership', ...keys, noticeDate: '2025-09-01' };
const deem = (effectiveFrom: string, unpaidYears: number[] = [2024, 2025], requiredYears = 2): DeemMembershipWithdrawn => ({
  type: 'DeemMembershipWithdrawn',
  ...keys,
  effectiveFrom,
  unpaidYears,
  requiredYears,
});
const expel = (decision: DecisionRecord): ExpelMember => ({ type: 'ExpelMember', ...keys, reason: '严重违反行业自律公约', effectiveFrom: '2026-01-10', decision });

describe('membership', () => {
  describe('applying', () => {
    it('opens the first application as a pending membership', () => {
      spec.given([]).when(apply).then([applied]);
    });

    it("dates an application without a date today, and keeps its note trimmed", () => {
      spec
        .given([])
        .when({ ...apply, appliedOn: null, note: '  推荐单位：武汉建工集团  ' })
        .then([{ type: 'MembershipApplied', data: { ...membership, appliedOn: TODAY, note: '推荐单位：武汉建工集团' } }]);
    });

    it('refuses a firm that is not in the enterprise register', () => {
      spec.given([]).when({ ...apply, enterpriseRegistered: false }).thenRefuses('MEMBERSHIP_ENTERPRISE_NOT_REGISTERED');
    });

    it('refuses an application to an association that is not registered', () => {
      spec.given([]).when({ ...apply, associationRegistered: false }).thenRefuses('MEMBERSHIP_ASSOCIATION_NOT_REGISTERED');
    });

    it('refuses a second application while one is pending or the firm is a member', () => {
      spec.given([applied]).when(apply).thenRefuses('MEMBERSHIP_ALREADY_OPEN');
      spec.given(member).when(apply).thenRefuses('MEMBERSHIP_ALREADY_OPEN');
    });

    it('takes a readmission as a new application with its own membership id, keeping the old one in the history', () => {
      spec
        .given([...member, withdrawnEvent])
        .when({ ...apply, appliedOn: '2026-01-05' })
        .then([{ type: 'MembershipApplied', data: { ...keys, membershipId: `${ASSOC}:${CODE}:2`, appliedOn: '2026-01-05', note: null } }]);
    });

    it('refuses a malformed credit code, an impossible date and a note with control characters, all at once', () => {
      spec
        .given([])
        .when({ ...apply, enterpriseCode: '91420100', appliedOn: '2025-02-30', note: 'a\u0007b' })
        .thenRejectsFields('enterpriseCode', 'appliedOn', 'note');
    });

    it('checks the fields before the history: a malformed application is refused on its field even while one is open', () => {
      spec.given([applied]).when({ ...apply, appliedOn: '2025-02-30' }).thenRejectsFields('appliedOn');
    });
  });

  describe('admitting', () => {
    it('admits a pending applicant with tier, certificate number and the decision, on the decision date', () => {
      spec.given([applied]).when(admit).then([admitted]);
    });

    it('admits on a date of its own, the certificate number as stored (trimmed, NFKC)', () => {
      spec
        .given([applied])
        .when({ ...admit, tier: 'RESERVE', certificateNumber: ' ＷＨ－０００２ ', admittedOn: '2025-03-12' })
        .then([
          {
            type: 'MembershipAdmitted',
            data: { ...membership, tier: 'RESERVE', certificateNumber: 'WH-0002', admittedOn: '2025-03-12', decision: secretariat },
          },
        ]);
    });

    it('refuses an admission by a body the charter does not allow', () => {
      spec.given([applied]).when({ ...admit, admissionBodies: ['COUNCIL'] }).thenRefuses('MEMBERSHIP_ADMISSION_BODY_NOT_AUTHORISED');
    });

    it('refuses an admission on a recorded vote that was not carried or had no quorum', () => {
      spec.given([applied]).when({ ...admit, decision: council(20) }).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
      spec.given([applied]).when({ ...admit, decision: council(20, 20, 44) }).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
    });

    it('refuses an admission dated before the application', () => {
      spec.given([applied]).when({ ...admit, admittedOn: '2025-02-28' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });

    it('refuses admitting straight into a council tier, and bad number, decision and date fields, all at once', () => {
      spec
        .given([applied])
        .when({ ...admit, tier: 'DIRECTOR', certificateNumber: ' ', decision: { body: 'MAYOR', reference: 'x', decidedOn: '2025-01-01' }, admittedOn: '2025-3-1' })
        .thenRejectsFields('tier', 'certificateNumber', 'decision.body', 'admittedOn');
    });

    it('refuses admitting a firm that is already a member', () => {
      spec.given(member).when(admit).thenRefuses('MEMBERSHIP_NOT_PENDING');
    });

    it('refuses an action on a firm that never applied', () => {
      spec.given([]).when(admit).thenNotFound();
    });
  });

  describe('rejecting an application', () => {
    it('rejects a pending application with a reason', () => {
      spec
        .given([applied])
        .when({ ...reject, reason: ' 资质不符合入会条件 ' })
        .then([{ type: 'MembershipRejected', data: { ...membership, reason: '资质不符合入会条件', rejectedOn: '2025-03-05', decision: null } }]);
    });

    it('dates a rejection without a date today and records the decision it cites', () => {
      spec
        .given([applied])
        .when({ ...reject, rejectedOn: null, decision: council(30) })
        .then([{ type: 'MembershipRejected', data: { ...membership, reason: '资质不符合入会条件', rejectedOn: TODAY, decision: council(30) } }]);
    });

    it('refuses a rejection on a counted vote that was not carried', () => {
      spec.given([applied]).when({ ...reject, decision: council(10) }).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
    });

    it('refuses rejecting a member', () => {
      spec.given(member).when(reject).thenRefuses('MEMBERSHIP_NOT_PENDING');
    });

    it('refuses an empty reason, a bad date and a bad decision, all at once', () => {
      spec
        .given([applied])
        .when({ ...reject, reason: '  ', rejectedOn: '2025-13-01', decision: { ...secretariat, body: 'MAYOR' } })
        .thenRejectsFields('reason', 'rejectedOn', 'decision.body');
    });
  });

  describe('changing the tier', () => {
    it('moves a member to director on a council vote with quorum and majority, from the decision date', () => {
      spec.given(member).when(toTier('DIRECTOR')).then([tierChanged('MEMBER', 'DIRECTOR')]);
    });

    it('refuses a change above member decided by the secretariat', () => {
      spec.given(member).when(toTier('DIRECTOR', secretariat)).thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('refuses a change down from a council tier without a council vote', () => {
      spec.given([...member, tierChanged('MEMBER', 'DIRECTOR')]).when(toTier('MEMBER', secretariat)).thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('refuses a council decision without vote counts', () => {
      spec.given(member).when(toTier('EXECUTIVE_DIRECTOR', { ...council(30), votes: null })).thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('refuses a vote without quorum (22 of 44 present is not more than half)', () => {
      spec.given(member).when(toTier('DIRECTOR', council(22, 22, 44))).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
    });

    it('refuses a vote that was not carried (20 of 40 is not a majority)', () => {
      spec.given(member).when(toTier('DIRECTOR', council(20))).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
    });

    it('follows a recorded council election: the sitting needs its quorum, the seats were won by votes', () => {
      const sitting = council(0, 40, 44);
      spec
        .given(member)
        .when({ ...toTier('VICE_PRESIDENT', sitting), electionId: 'e-1' })
        .then([tierChanged('MEMBER', 'VICE_PRESIDENT', { decision: sitting, electionId: 'e-1' })]);
      spec.given(member).when({ ...toTier('VICE_PRESIDENT', council(0, 20, 44)), electionId: 'e-1' }).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
      spec.given(member).when({ ...toTier('VICE_PRESIDENT', secretariat), electionId: 'e-1' }).thenRefuses('MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION');
    });

    it('leaves a firm already above the elected office as it is', () => {
      spec
        .given([...member, tierChanged('MEMBER', 'VICE_PRESIDENT')])
        .when({ ...toTier('DIRECTOR'), electionId: `${ASSOC}:7:DIRECTOR` })
        .then([]);
    });

    it('moves between member and reserve on any recorded decision', () => {
      spec
        .given(member)
        .when(toTier('RESERVE', secretariat))
        .then([tierChanged('MEMBER', 'RESERVE', { decision: secretariat })]);
    });

    it('refuses a second president firm in the same council term', () => {
      const error = spec
        .given(member)
        .when({ ...toTier('PRESIDENT'), councilTerm: { termNumber: 7, presidentEnterpriseCode: OTHER } })
        .thenRefuses('MEMBERSHIP_PRESIDENT_SEAT_TAKEN');
      expect(error.message).toContain('one president firm per term');
    });

    it('refuses naming a president when no council term covers the date', () => {
      spec.given(member).when({ ...toTier('PRESIDENT'), councilTerm: null }).thenRefuses('MEMBERSHIP_NO_COUNCIL_TERM');
    });

    it('records nothing when the tier is already the one asked for', () => {
      spec.given(member).when(toTier('MEMBER', secretariat)).then([]);
    });

    it('refuses a tier change of a suspended member', () => {
      spec.given([...member, suspendedEvent()]).when(toTier('DIRECTOR')).thenRefuses('MEMBERSHIP_NOT_ACTIVE');
    });

    it('refuses a change dated before the admission', () => {
      spec.given(member).when({ ...toTier('DIRECTOR'), effectiveFrom: '2025-01-01' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });

    it('refuses an unknown tier, a missing decision and a bad date, all at once', () => {
      spec
        .given(member)
        .when({ ...toTier('CHAIRMAN' as MembershipTier), decision: undefined, effectiveFrom: '2025-06-31' })
        .thenRejectsFields('tier', 'decision.body', 'decision.reference', 'decision.decidedOn', 'effectiveFrom');
    });
  });

  describe('sanctions, suspension and reinstatement', () => {
    it('records a warning, and the member stays active', () => {
      const sanctioned: MembershipEvent = {
        type: 'MembershipSanctioned',
        data: { ...membership, kind: 'WARNING', reason: '违反行业自律公约', effectiveFrom: '2025-07-01', decision: secretariat },
      };
      spec.given(member).when(sanction).then([sanctioned]);
      spec.given([...member, sanctioned]).when(suspend).then([suspendedEvent()]);
    });

    it('dates a sanction without a date today, and sanctions a suspended member too', () => {
      spec
        .given([...member, suspendedEvent()])
        .when({ ...sanction, kind: 'CRITICISM', effectiveFrom: null })
        .then([{ type: 'MembershipSanctioned', data: { ...membership, kind: 'CRITICISM', reason: '违反行业自律公约', effectiveFrom: TODAY, decision: secretariat } }]);
    });

    it('refuses sanctioning a firm that is no longer a member, or before its admission', () => {
      spec.given([...member, withdrawnEvent]).when(sanction).thenRefuses('MEMBERSHIP_NOT_CURRENT');
      spec.given(member).when({ ...sanction, effectiveFrom: '2025-03-09' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });

    it('refuses an unknown sanction and an empty reason', () => {
      spec
        .given(member)
        .when({ ...sanction, kind: 'FINE' as never, reason: '' })
        .thenRejectsFields('kind', 'reason');
    });

    it('suspends an active member', () => {
      spec.given(member).when(suspend).then([suspendedEvent()]);
    });

    it('refuses suspending a suspended member, and a suspension on a vote that was not carried', () => {
      spec.given([...member, suspendedEvent()]).when(suspend).thenRefuses('MEMBERSHIP_NOT_ACTIVE');
      spec.given(member).when({ ...suspend, decision: council(10) }).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
    });

    it('reinstates a suspended member, and no other', () => {
      spec
        .given([...member, suspendedEvent()])
        .when(reinstate)
        .then([{ type: 'MembershipReinstated', data: { ...membership, reason: '整改完成', effectiveFrom: '2025-10-01', decision: secretariat } }]);
      spec.given(member).when(reinstate).thenRefuses('MEMBERSHIP_NOT_SUSPENDED');
    });

    it('refuses a suspension without reason, date or decision fields that hold', () => {
      spec
        .given(member)
        .when({ ...suspend, reason: undefined as never, effectiveFrom: 'soon', decision: { ...secretariat, decidedOn: '2025-02-29' } })
        .thenRejectsFields('reason', 'effectiveFrom', 'decision.decidedOn');
    });
  });

  describe('dues reminders', () => {
    it("records a reminder citing the unpaid years once each, in order, with the charter's grace period", () => {
      spec.given(member).when({ ...remind, unpaidYears: [2025, 2024, 2025] }).then([reminderSent('2026-01-05')]);
    });

    it('dates a reminder without a date today and takes a grace period of its own', () => {
      spec.given(member).when({ ...remind, sentOn: null, graceDays: 15 }).then([reminderSent(TODAY, [2024, 2025], 15)]);
    });

    it('refuses no unpaid year, a grace period out of range and a bad date, all at once', () => {
      spec.given(member).when({ ...remind, unpaidYears: [], graceDays: 0, sentOn: '2026-02-30' }).thenRejectsFields('unpaidYears', 'graceDays', 'sentOn');
      spec.given(member).when({ ...remind, unpaidYears: [24] }).thenRejectsFields('unpaidYears');
    });

    it('refuses a reminder to an applicant, and one dated before the admission', () => {
      spec.given([applied]).when(remind).thenRefuses('MEMBERSHIP_NOT_CURRENT');
      spec.given(member).when({ ...remind, sentOn: '2025-01-05' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });
  });

  describe('leaving', () => {
    it('records a withdrawal from the date of the written notice', () => {
      spec.given(member).when(withdraw).then([withdrawnEvent]);
    });

    it('records a withdrawal taking effect after the notice, with its reason', () => {
      spec
        .given(member)
        .when({ ...withdraw, effectiveFrom: '2025-12-31', reason: '经营调整' })
        .then([{ type: 'MembershipWithdrawn', data: { ...membership, noticeDate: '2025-09-01', effectiveFrom: '2025-12-31', reason: '经营调整', tier: 'MEMBER' } }]);
    });

    it('refuses a withdrawal without a notice date or effective before the notice', () => {
      spec.given(member).when({ ...withdraw, noticeDate: '' }).thenRejectsFields('noticeDate');
      spec.given(member).when({ ...withdraw, effectiveFrom: '2025-08-01' }).thenRejectsFields('effectiveFrom');
    });

    it('refuses a notice dated before the admission', () => {
      spec.given(member).when({ ...withdraw, noticeDate: '2025-03-01' }).thenRefuses('MEMBERSHIP_DATE_BEFORE_ADMISSION');
    });

    it('refuses to end a membership that already ended', () => {
      spec.given([...member, withdrawnEvent]).when({ ...withdraw, noticeDate: '2025-10-01' }).thenRefuses('MEMBERSHIP_NOT_CURRENT');
    });

    describe('deemed withdrawal (自动退会)', () => {
      const history = [...member, reminderSent('2026-01-05')];
      const deemedWithdrawn = (effectiveFrom: string, unpaidYears = [2024, 2025], requiredYears = 2, reminderSentOn = '2026-01-05'): MembershipEvent => ({
        type: 'MembershipDeemedWithdrawn',
        data: { ...membership, effectiveFrom, unpaidYears, requiredYears, reminderSentOn, graceDays: 30, tier: 'MEMBER' },
      });

      it('is recorded after the charter years unpaid and an unanswered reminder past its grace period', () => {
        spec.given(history).when(deem('2026-02-04')).then([deemedWithdrawn('2026-02-04')]);
      });

      it('takes effect today when no date is given, the unpaid years once each, in order', () => {
        spec.given(history).when({ ...deem('x'), effectiveFrom: null, unpaidYears: [2025, 2024, 2025] }).then([deemedWithdrawn(TODAY)]);
      });

      it('is refused with fewer unpaid years than the charter requires', () => {
        const error = spec.given(history).when(deem('2026-02-04', [2025])).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_TOO_FEW_UNPAID_YEARS');
        expect(error.message).toContain('2 unpaid years');
      });

      it('is refused with no reminder on the membership', () => {
        spec.given(member).when(deem('2026-02-04')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER');
      });

      it('is refused when the years the reminder cited have since been paid (the reminder was answered)', () => {
        spec.given([...member, reminderSent('2026-01-05', [2023, 2024])]).when(deem('2026-03-01')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER');
      });

      it('is refused one day before the grace period ends, naming the first possible date', () => {
        const error = spec.given(history).when(deem('2026-02-03')).thenRefuses('MEMBERSHIP_DEEMED_WITHDRAWAL_GRACE_NOT_OVER');
        expect(error.message).toContain('2026-02-04');
      });

      it('needs one unpaid year under a one-year charter', () => {
        spec.given([...member, reminderSent('2026-01-05', [2025])]).when(deem('2026-02-04', [2025], 1)).then([deemedWithdrawn('2026-02-04', [2025], 1)]);
      });

      it('refuses a bad date, and a firm that is not a member', () => {
        spec.given(history).when(deem('2026-02-30')).thenRejectsFields('effectiveFrom');
        spec.given([applied]).when(deem('2026-02-04')).thenRefuses('MEMBERSHIP_NOT_CURRENT');
      });
    });

    describe('expulsion (除名)', () => {
      it('is recorded on a council vote with quorum and majority', () => {
        spec
          .given(member)
          .when(expel(council(30)))
          .then([{ type: 'MembershipExpelled', data: { ...membership, reason: '严重违反行业自律公约', effectiveFrom: '2026-01-10', decision: council(30), tier: 'MEMBER' } }]);
      });

      it('is refused without quorum', () => {
        spec.given(member).when(expel(council(20, 20, 44))).thenRefuses('MEMBERSHIP_DECISION_WITHOUT_QUORUM');
      });

      it('is refused without a majority of those present', () => {
        spec.given(member).when(expel(council(20, 40, 44))).thenRefuses('MEMBERSHIP_DECISION_NOT_CARRIED');
      });

      it('is refused on a decision other than a council vote', () => {
        spec.given(member).when(expel(secretariat)).thenRefuses('MEMBERSHIP_EXPULSION_NEEDS_COUNCIL_VOTE');
        spec.given(member).when(expel({ ...council(30), body: 'GENERAL_ASSEMBLY' })).thenRefuses('MEMBERSHIP_EXPULSION_NEEDS_COUNCIL_VOTE');
      });

      it('refuses an empty reason and a bad date, all at once', () => {
        spec.given(member).when({ ...expel(council(30)), reason: '', effectiveFrom: '10/01/2026' }).thenRejectsFields('reason', 'effectiveFrom');
      });
    });
  });
});
