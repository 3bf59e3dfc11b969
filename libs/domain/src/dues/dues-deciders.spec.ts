import { describe, expect, it } from '@jest/globals';
import { deciderSpec, TEST_ADMIN } from '#testing';
import type { DecisionRecord } from '../shared/index.js';
import type { AdoptFeeSchedule, AdoptWaiverPolicy, GrantPolicyWaiver, RequestDuesWaiver } from './dues.commands.js';
import { duesAccountDecider, feeScheduleDecider, percentOf, receiptDecider, waiverPolicyDecider } from './index.js';
import type {
  DuesAccountEvent,
  DuesInvoiced,
  DuesPaymentRecorded,
  DuesWaiverApproved,
  DuesWaiverGranted,
  DuesWaiverRejected,
  DuesWaiverRequested,
  DuesWaiverRevoked,
  FeeScheduleAdopted,
  TierAmount,
  WaiverPolicyAdopted,
} from './dues.events.js';
import { scheduleInForce } from './dues.state.js';

// FIXED_NOW is 2026-03-02 in Beijing. Every "given" below is a literal event as its stream holds it.

const ASSOC = 'assoc-wuhan';
const CODE = '91420100177678329F';
const GA: DecisionRecord = { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2019〕3号', decidedOn: '2019-12-20', votes: null };

const adopt: AdoptFeeSchedule = {
  type: 'AdoptFeeSchedule',
  associationId: ASSOC,
  amounts: [
    { tier: 'VICE_PRESIDENT', annualFen: 30_000_00 },
    { tier: 'EXECUTIVE_DIRECTOR', annualFen: 10_000_00 },
    { tier: 'DIRECTOR', annualFen: 5_000_00 },
    { tier: 'MEMBER', annualFen: 2_000_00 },
  ],
  secondHalfPercent: 50,
  effectiveFrom: '2020-01-01',
  decision: GA,
};

/** A fee schedule version as the schedule stream holds it: version 1 as `adopt` records it, unless told otherwise. */
const scheduleAdopted = (data: Partial<FeeScheduleAdopted['data']> = {}): FeeScheduleAdopted => ({
  type: 'FeeScheduleAdopted',
  data: { associationId: ASSOC, version: 1, amounts: adopt.amounts, secondHalfPercent: 50, effectiveFrom: '2020-01-01', decision: GA, warnings: [], ...data },
});
const adopted = scheduleAdopted();

const member = { status: 'ACTIVE', tier: 'MEMBER', admittedOn: '2018-05-10' };
const invoiceFacts = { membership: member, schedules: [adopted.data] };
const account = { associationId: ASSOC, enterpriseCode: CODE, year: 2026 };

/** The invoice of a MEMBER-tier account under version 1, issued on the fixed day. */
const invoiced = (data: Partial<DuesInvoiced['data']> = {}): DuesInvoiced => ({
  type: 'DuesInvoiced',
  data: {
    ...account,
    tier: 'MEMBER',
    scheduleVersion: 1,
    annualFen: 2_000_00,
    amountFen: 2_000_00,
    proRatedPercent: null,
    admittedOn: '2018-05-10',
    invoicedOn: '2026-03-02',
    ...data,
  },
});
const invoicedEvent = invoiced();

const APPROVERS = { waiverApprovers: ['secretary-general', 'president'] };
const spec = deciderSpec(duesAccountDecider(APPROVERS));
const asApprover = { actor: { userId: 'secretary-general', role: 'ADMIN' as const, associationId: ASSOC } };
const asPresident = { actor: { userId: 'president', role: 'ADMIN' as const, associationId: ASSOC } };

const request: RequestDuesWaiver = {
  type: 'RequestDuesWaiver',
  ...account,
  waiverId: 'w-1',
  amountFen: 1_000_00,
  reasonCategory: 'SMALL_MICRO_RELIEF',
  reason: '小微企业纾困：2026年上半年停工',
  evidenceReference: '走访记录 2026-02',
};

/** The request recorded for `request` (by admin-1 on the fixed day), with other waiver fields where a test needs them. */
const requested = (overrides: { waiverId?: string; amountFen?: number | null; full?: boolean } = {}): DuesWaiverRequested => ({
  type: 'DuesWaiverRequested',
  data: {
    ...account,
    waiverId: overrides.waiverId ?? 'w-1',
    full: overrides.full ?? false,
    amountFen: overrides.amountFen === undefined ? 1_000_00 : overrides.amountFen,
    reasonCategory: 'SMALL_MICRO_RELIEF',
    reason: '小微企业纾困：2026年上半年停工',
    evidenceReference: '走访记录 2026-02',
    requestedBy: 'admin-1',
    requestedOn: '2026-03-02',
  },
});

/** A payment of `amountFen` as the only money on a ¥2,000.00 invoice so far. */
const paid = (amountFen: number, data: Partial<DuesPaymentRecorded['data']> = {}): DuesPaymentRecorded => ({
  type: 'DuesPaymentRecorded',
  data: { ...account, receiptNumber: 'R-001', amountFen, paidOn: '2026-03-01', balanceAfterFen: 2_000_00 - amountFen, ...data },
});

/** Waiver w-1 approved by the secretary-general on the fixed day, for ¥1,000.00 of the untouched invoice. */
const approved = (data: Partial<DuesWaiverApproved['data']> = {}): DuesWaiverApproved => ({
  type: 'DuesWaiverApproved',
  data: { ...account, waiverId: 'w-1', amountFen: 1_000_00, approvedBy: 'secretary-general', approvedOn: '2026-03-02', note: null, balanceAfterFen: 1_000_00, ...data },
});

const rejected = (data: Partial<DuesWaiverRejected['data']> = {}): DuesWaiverRejected => ({
  type: 'DuesWaiverRejected',
  data: { ...account, waiverId: 'w-1', rejectedBy: 'secretary-general', reason: '材料不全', ...data },
});

/** Part (or all) of waiver w-1 revoked by the president from the fixed day. */
const revoked = (amountFen: number, balanceAfterFen: number, data: Partial<DuesWaiverRevoked['data']> = {}): DuesWaiverRevoked => ({
  type: 'DuesWaiverRevoked',
  data: { ...account, waiverId: 'w-1', amountFen, revokedBy: 'president', reason: '核查发现申报不实', effectiveFrom: '2026-03-02', balanceAfterFen, ...data },
});

describe('fee schedules', () => {
  const schedules = deciderSpec(feeScheduleDecider);

  it('adopts version 1 on a general assembly decision', () => {
    schedules.given([]).when(adopt).then([adopted]);
  });

  it('numbers later versions in order and keeps the earlier one for earlier years', () => {
    const second = scheduleAdopted({ version: 2, effectiveFrom: '2024-01-01' });
    schedules.given([adopted]).when({ ...adopt, effectiveFrom: '2024-01-01' }).then([second]);
    expect(scheduleInForce([adopted.data, second.data], 2023)?.version).toBe(1);
    expect(scheduleInForce([adopted.data, second.data], 2024)?.version).toBe(2);
    expect(scheduleInForce([adopted.data], 2019)).toBeNull();
  });

  it('warns, without refusing, when more than four tiers are priced', () => {
    const fiveTiers: TierAmount[] = [...adopt.amounts, { tier: 'PRESIDENT', annualFen: 100_000_00 }];
    schedules
      .given([])
      .when({ ...adopt, amounts: fiveTiers })
      .then([scheduleAdopted({ amounts: fiveTiers, warnings: ['The schedule prices 5 tiers; most charters price 4. Check it against the general assembly decision.'] })]);
  });

  it('refuses a schedule without a general assembly decision', () => {
    schedules.given([]).when({ ...adopt, decision: { ...GA, body: 'COUNCIL' } }).thenRefuses('DUES_SCHEDULE_NEEDS_GENERAL_ASSEMBLY');
  });

  it('refuses a schedule whose vote was not carried', () => {
    schedules
      .given([])
      .when({ ...adopt, decision: { ...GA, votes: { entitled: 100, present: 80, inFavour: 30, against: 40, abstaining: 10 } } })
      .thenRefuses('DUES_SCHEDULE_DECISION_NOT_CARRIED');
  });

  it('refuses a version that would take effect before the one in force, so past invoices keep theirs', () => {
    schedules.given([adopted]).when({ ...adopt, effectiveFrom: '2019-06-01' }).thenRefuses('DUES_SCHEDULE_EFFECTIVE_DATE_NOT_AFTER_PREVIOUS');
  });

  it('refuses amounts that are not whole fen, a tier priced twice, a bad percent and a bad date, all at once', () => {
    schedules
      .given([])
      .when({
        ...adopt,
        amounts: [
          { tier: 'MEMBER', annualFen: 2000.5 },
          { tier: 'MEMBER', annualFen: 1 },
        ],
        secondHalfPercent: 150,
        effectiveFrom: '2020-02-30',
      })
      .thenRejectsFields('amounts.0.annualFen', 'amounts.1.tier', 'secondHalfPercent', 'effectiveFrom');
  });
});

describe('invoicing', () => {
  const invoicing = deciderSpec(duesAccountDecider(invoiceFacts));

  it('invoices an active member the annual amount of its tier from the version in force', () => {
    invoicing.given([]).when({ type: 'IssueDuesInvoice', ...account }).then([invoicedEvent]);
  });

  it('charges the second-half share to a member admitted in July or later of the year', () => {
    const late = deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: { ...member, admittedOn: '2026-07-01' } }));
    late.given([]).when({ type: 'IssueDuesInvoice', ...account }).then([invoiced({ amountFen: 1_000_00, annualFen: 2_000_00, proRatedPercent: 50, admittedOn: '2026-07-01' })]);
    const early = deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: { ...member, admittedOn: '2026-06-30' } }));
    early.given([]).when({ type: 'IssueDuesInvoice', ...account }).then([invoiced({ amountFen: 2_000_00, proRatedPercent: null, admittedOn: '2026-06-30' })]);
  });

  it('writes nothing when the year is already invoiced', () => {
    invoicing.given([invoicedEvent]).when({ type: 'IssueDuesInvoice', ...account }).then([]);
  });

  it('refuses to invoice a firm that is not a member, or not an active one', () => {
    deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: null }))
      .given([])
      .when({ type: 'IssueDuesInvoice', ...account })
      .thenRefuses('DUES_NOT_AN_ACTIVE_MEMBER');
    deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: { ...member, status: 'SUSPENDED' } }))
      .given([])
      .when({ type: 'IssueDuesInvoice', ...account })
      .thenRefuses('DUES_NOT_AN_ACTIVE_MEMBER');
  });

  it('refuses to invoice a year before the member was admitted', () => {
    deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: { ...member, admittedOn: '2027-01-05' } }))
      .given([])
      .when({ type: 'IssueDuesInvoice', ...account })
      .thenRefuses('DUES_ADMITTED_AFTER_YEAR');
  });

  it('refuses to invoice without a schedule in force, or for a tier the schedule does not price', () => {
    deciderSpec(duesAccountDecider({ ...invoiceFacts, schedules: [] }))
      .given([])
      .when({ type: 'IssueDuesInvoice', ...account })
      .thenRefuses('DUES_NO_FEE_SCHEDULE_IN_FORCE');
    deciderSpec(duesAccountDecider({ ...invoiceFacts, membership: { ...member, tier: 'RESERVE' } }))
      .given([])
      .when({ type: 'IssueDuesInvoice', ...account })
      .thenRefuses('DUES_TIER_NOT_IN_SCHEDULE');
  });

  it('refuses an impossible year and a malformed enterprise code, field by field', () => {
    invoicing.given([]).when({ type: 'IssueDuesInvoice', ...account, year: 20261, enterpriseCode: 'NOT-A-CODE' }).thenRejectsFields('year', 'enterpriseCode');
  });
});

describe('payments', () => {
  const pay = { type: 'RecordDuesPayment', ...account, receiptNumber: ' r-001 ', amountFen: 1_500_00, paidOn: '2026-03-01' } as const;

  it('records a payment against the balance, with its receipt number normalised', () => {
    spec.given([invoicedEvent]).when(pay).then([paid(1_500_00)]);
  });

  it('refuses a payment larger than the outstanding balance', () => {
    const error = spec.given([invoicedEvent, paid(1_500_00)]).when({ ...pay, receiptNumber: 'R-002', amountFen: 600_00 }).thenRefuses('DUES_PAYMENT_EXCEEDS_BALANCE');
    expect(error.message).toContain('¥500.00');
  });

  it('refuses a receipt number already recorded on the account', () => {
    spec.given([invoicedEvent, paid(100_00)]).when({ ...pay, amountFen: 100_00 }).thenRefuses('DUES_RECEIPT_DUPLICATE');
  });

  it('refuses a payment on a year not invoiced', () => {
    spec.given([]).when(pay).thenRefuses('DUES_NOT_INVOICED');
  });

  it('refuses fractions of a fen and zero', () => {
    spec.given([invoicedEvent]).when({ ...pay, amountFen: 10.5 }).thenRejectsFields('amountFen');
    spec.given([invoicedEvent]).when({ ...pay, amountFen: 0, receiptNumber: '' }).thenRejectsFields('amountFen', 'receiptNumber');
  });
});

describe('receipt numbers across the association', () => {
  const receipts = deciderSpec(receiptDecider);
  const reserve = { type: 'ReserveReceipt', associationId: ASSOC, receiptNumber: 'R-001', enterpriseCode: CODE, year: 2026 } as const;
  const reserved = { type: 'DuesReceiptReserved', data: { associationId: ASSOC, receiptNumber: 'R-001', enterpriseCode: CODE, year: 2026 } } as const;

  it('reserves a free receipt number for one account', () => {
    receipts.given([]).when(reserve).then([reserved]);
  });

  it('refuses a receipt number already used by any account of the association, naming it', () => {
    const error = receipts.given([reserved]).when({ ...reserve, enterpriseCode: '91420100MA4K000001', year: 2025 }).thenRefuses('DUES_RECEIPT_DUPLICATE');
    expect(error.message).toContain(CODE);
  });
});

describe('waivers', () => {
  it('records a request with its reason, evidence and requester', () => {
    spec.given([invoicedEvent]).when(request).then([requested()]);
  });

  it('records a full waiver request with no amount', () => {
    spec.given([invoicedEvent]).when({ ...request, amountFen: null, full: true }).then([requested({ amountFen: null, full: true })]);
  });

  it('refuses a request larger than the balance, and one on a settled account', () => {
    spec.given([invoicedEvent, paid(1_500_00)]).when(request).thenRefuses('DUES_WAIVER_EXCEEDS_BALANCE');
    spec.given([invoicedEvent, paid(2_000_00)]).when({ ...request, amountFen: null, full: true }).thenRefuses('DUES_WAIVER_EXCEEDS_BALANCE');
  });

  it('refuses both an amount and FULL, or neither, and an unknown reason', () => {
    spec.given([invoicedEvent]).when({ ...request, full: true }).thenRejectsFields('amountFen');
    spec.given([invoicedEvent]).when({ ...request, amountFen: null, reasonCategory: 'WEATHER' as never }).thenRejectsFields('amountFen', 'reasonCategory');
  });

  it('refuses a waiver id used twice on the account', () => {
    spec.given([invoicedEvent, requested()]).when(request).thenRefuses('DUES_WAIVER_ALREADY_EXISTS');
  });

  it('puts the waiver in effect when an authorised user other than the requester approves it', () => {
    spec
      .given([invoicedEvent, requested()])
      .when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-1' }, asApprover)
      .then([approved({ amountFen: 1_000_00, approvedBy: 'secretary-general', balanceAfterFen: 1_000_00 })]);
  });

  it('refuses self-approval, even by an authorised user', () => {
    const own = deciderSpec(duesAccountDecider({ waiverApprovers: [TEST_ADMIN.userId] }));
    own.given([invoicedEvent, requested()]).when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-1' }).thenRefuses('DUES_WAIVER_SELF_APPROVAL');
  });

  it('refuses an approver the charter does not authorise', () => {
    const other = { actor: { userId: 'clerk-2', role: 'ADMIN' as const, associationId: ASSOC } };
    spec
      .given([invoicedEvent, requested()])
      .when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-1' }, other)
      .thenRefuses('DUES_WAIVER_APPROVER_NOT_AUTHORISED');
  });

  it('refuses an approval that would take payments and waivers beyond the invoice', () => {
    const second = requested({ waiverId: 'w-2', amountFen: 1_500_00 });
    const approvedFirst = approved({ amountFen: 1_000_00, balanceAfterFen: 1_000_00 });
    spec
      .given([invoicedEvent, requested(), second, approvedFirst])
      .when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-2' }, asPresident)
      .thenRefuses('DUES_WAIVER_EXCEEDS_BALANCE');
  });

  it('waives what is unpaid at approval for a FULL waiver', () => {
    const full = requested({ amountFen: null, full: true });
    spec
      .given([invoicedEvent, full, paid(500_00)])
      .when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-1' }, asApprover)
      .then([approved({ amountFen: 1_500_00, balanceAfterFen: 0 })]);
  });

  it('refuses deciding twice, and approving a waiver that does not exist', () => {
    spec
      .given([invoicedEvent, requested()])
      .when({ type: 'RejectDuesWaiver', ...account, waiverId: 'w-1', reason: '材料不全' }, asApprover)
      .then([rejected({ rejectedBy: 'secretary-general' })]);
    spec.given([invoicedEvent, requested(), rejected()]).when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-1' }, asApprover).thenRefuses('DUES_WAIVER_NOT_PENDING');
    spec.given([invoicedEvent]).when({ type: 'ApproveDuesWaiver', ...account, waiverId: 'w-9' }, asApprover).thenNotFound();
  });

  describe('revoking', () => {
    const revoke = { type: 'RevokeDuesWaiver', ...account, waiverId: 'w-1', reason: '核查发现申报不实' } as const;

    it('restores the waived amount to the balance, with the reason', () => {
      spec
        .given([invoicedEvent, requested(), approved()])
        .when(revoke, asPresident)
        .then([revoked(1_000_00, 2_000_00, { reason: '核查发现申报不实', revokedBy: 'president' })]);
    });

    it('refuses revoking more than the waiver waives', () => {
      spec.given([invoicedEvent, requested(), approved()]).when({ ...revoke, amountFen: 1_000_01 }, asPresident).thenRefuses('DUES_WAIVER_REVOCATION_EXCEEDS_WAIVER');
    });

    it('refuses revoking a waiver that is not in effect', () => {
      spec.given([invoicedEvent, requested()]).when(revoke, asPresident).thenRefuses('DUES_WAIVER_NOT_IN_EFFECT');
    });

    it('refuses a revocation by someone the charter does not authorise', () => {
      spec.given([invoicedEvent, requested(), approved()]).when(revoke).thenRefuses('DUES_WAIVER_APPROVER_NOT_AUTHORISED');
    });

    describe('in part', () => {
      const partly: DuesAccountEvent[] = [invoicedEvent, requested(), approved(), revoked(400_00, 1_400_00)];

      it('revokes part of a waiver, and later what is left of it', () => {
        spec.given([invoicedEvent, requested(), approved()]).when({ ...revoke, amountFen: 400_00 }, asPresident).then([revoked(400_00, 1_400_00)]);
        spec.given(partly).when(revoke, asPresident).then([revoked(600_00, 2_000_00)]);
      });

      it('refuses revoking more than is left in effect', () => {
        const error = spec.given(partly).when({ ...revoke, amountFen: 1_000_00 }, asPresident).thenRefuses('DUES_WAIVER_REVOCATION_EXCEEDS_WAIVER');
        expect(error.details).toEqual({ amountFen: 1_000_00, inEffectFen: 600_00 });
      });

      it('refuses revoking a waiver revoked in full, or one rejected', () => {
        const revokedInFull = spec.given([...partly, revoked(600_00, 2_000_00)]).when(revoke, asPresident).thenRefuses('DUES_WAIVER_NOT_IN_EFFECT');
        expect(revokedInFull.details).toEqual({ status: 'REVOKED' });
        const error = spec.given([invoicedEvent, requested(), rejected()]).when(revoke, asPresident).thenRefuses('DUES_WAIVER_NOT_IN_EFFECT');
        expect(error.details).toEqual({ status: 'REJECTED' });
      });

      it('takes a payment of what a revocation put back on the balance', () => {
        spec
          .given(partly)
          .when({ type: 'RecordDuesPayment', ...account, receiptNumber: 'R-009', amountFen: 1_400_00, paidOn: '2026-03-02' })
          .then([{ type: 'DuesPaymentRecorded', data: { ...account, receiptNumber: 'R-009', amountFen: 1_400_00, paidOn: '2026-03-02', balanceAfterFen: 0 } }]);
      });
    });
  });
});

describe('waiver policies', () => {
  const policies = deciderSpec(waiverPolicyDecider);
  const adoptPolicy: AdoptWaiverPolicy = {
    type: 'AdoptWaiverPolicy',
    associationId: ASSOC,
    policyId: 'relief-2020',
    year: 2020,
    title: '2020年会费减免',
    reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
    reason: '新冠疫情：全体会员减免半年会费，小微企业全免',
    defaultPercent: 50,
    sizeClassPercents: [
      { sizeClass: 'SMALL', percent: 100 },
      { sizeClass: 'MICRO', percent: 100 },
    ],
    decision: { body: 'COUNCIL', reference: '武建协〔2020〕8号', decidedOn: '2020-03-10', votes: null },
  };
  /** The policy as its stream holds it once `adoptPolicy` is adopted. */
  const policyAdopted: WaiverPolicyAdopted = {
    type: 'WaiverPolicyAdopted',
    data: {
      associationId: ASSOC,
      policyId: 'relief-2020',
      year: 2020,
      title: '2020年会费减免',
      reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
      reason: '新冠疫情：全体会员减免半年会费，小微企业全免',
      defaultPercent: 50,
      sizeClassPercents: [
        { sizeClass: 'SMALL', percent: 100 },
        { sizeClass: 'MICRO', percent: 100 },
      ],
      decision: { body: 'COUNCIL', reference: '武建协〔2020〕8号', decidedOn: '2020-03-10', votes: null },
    },
  };

  it('adopts a policy on a competent decision', () => {
    policies.given([]).when(adoptPolicy).then([policyAdopted]);
  });

  it('refuses a policy decided by a body without authority over dues', () => {
    policies.given([]).when({ ...adoptPolicy, decision: { ...adoptPolicy.decision, body: 'CREDIT_COMMITTEE' } }).thenRefuses('DUES_POLICY_BODY_NOT_COMPETENT');
  });

  it('refuses adopting the same policy id twice', () => {
    policies.given([policyAdopted]).when(adoptPolicy).thenRefuses('DUES_POLICY_ALREADY_ADOPTED');
  });

  it('refuses a policy that waives nothing, or a percent over 100', () => {
    policies.given([]).when({ ...adoptPolicy, defaultPercent: 0, sizeClassPercents: [] }).thenRejectsFields('defaultPercent');
    policies.given([]).when({ ...adoptPolicy, defaultPercent: 101 }).thenRejectsFields('defaultPercent');
  });

  describe('granting a waiver to an account under a policy', () => {
    const y2020 = { ...account, year: 2020 };
    const invoiced2020 = invoiced({ year: 2020 });
    /** The policy's 50% of the 2020 invoice, granted on the fixed day as waiver relief-2020-x. */
    const granted = (data: Partial<DuesWaiverGranted['data']> = {}): DuesWaiverGranted => ({
      type: 'DuesWaiverGranted',
      data: {
        ...y2020,
        waiverId: 'relief-2020-x',
        policyId: 'relief-2020',
        percent: 50,
        amountFen: 1_000_00,
        reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
        reason: adoptPolicy.reason,
        decision: adoptPolicy.decision,
        grantedOn: '2026-03-02',
        balanceAfterFen: 1_000_00,
        ...data,
      },
    });
    const grant: GrantPolicyWaiver = {
      type: 'GrantPolicyWaiver',
      ...y2020,
      waiverId: 'relief-2020-x',
      policyId: 'relief-2020',
      policyYear: 2020,
      percent: 50,
      reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
      reason: adoptPolicy.reason,
      decision: adoptPolicy.decision,
    };

    it('waives the policy share, in effect at once and traceable to the policy', () => {
      spec.given([invoiced2020]).when(grant).then([granted({ policyId: 'relief-2020', amountFen: 1_000_00, balanceAfterFen: 1_000_00 })]);
    });

    it('grants no more than is unpaid, and nothing on a second run', () => {
      spec
        .given([invoiced2020, paid(1_500_00, { year: 2020 })])
        .when(grant)
        .then([granted({ amountFen: 500_00, balanceAfterFen: 0 })]);
      // Half the invoice is still owed after the grant: only the policy's own waiver on the account stops a second one.
      spec.given([invoiced2020, granted()]).when({ ...grant, waiverId: 'another' }).then([]);
    });

    it('grants nothing on a second run after its waiver was revoked, and revokes a granted waiver like any other', () => {
      spec.given([invoiced2020]).when(grant).then([granted()]);
      const revokeGranted = { type: 'RevokeDuesWaiver' as const, ...y2020, waiverId: 'relief-2020-x', reason: '不符合减免条件' };
      const revokedGrant = revoked(1_000_00, 2_000_00, { ...y2020, waiverId: 'relief-2020-x', reason: '不符合减免条件' });
      spec.given([invoiced2020, granted()]).when(revokeGranted, asPresident).then([revokedGrant]);
      spec.given([invoiced2020, granted(), revokedGrant]).when(grant).then([]);
    });

    it('refuses granting under a policy for another year', () => {
      spec.given([invoiced2020]).when({ ...grant, policyYear: 2021 }).thenRefuses('DUES_POLICY_YEAR_MISMATCH');
    });
  });
});

describe('money', () => {
  it('rounds shares half up to whole fen', () => {
    expect(percentOf(333, 50)).toBe(167);
    expect(percentOf(2_000_00, 50)).toBe(1_000_00);
    expect(percentOf(1, 0)).toBe(0);
  });
});
