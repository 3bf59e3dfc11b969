import { type DecisionRecord, defineStreamKind, type DomainEvent, type Fen } from '../shared/index.js';

/** Membership tiers a fee schedule prices (the same values the membership register uses). */
export const FEE_TIERS = ['PRESIDENT', 'VICE_PRESIDENT', 'EXECUTIVE_DIRECTOR', 'DIRECTOR', 'MEMBER', 'RESERVE'] as const;
export type FeeTier = (typeof FEE_TIERS)[number];

/** Why dues are waived (减免事由). */
export const WAIVER_REASONS = [
  'SMALL_MICRO_RELIEF', // 小微企业纾困
  'DISASTER_EPIDEMIC_RELIEF', // 灾害 / 疫情减免
  'HARDSHIP_VISIT', // 特困走访
  'COUNCIL_MOTION', // 理事会动议
  'OTHER',
] as const;
export type WaiverReason = (typeof WAIVER_REASONS)[number];

/** Size classes a waiver policy can single out (values of the enterprise register). */
export const POLICY_SIZE_CLASSES = ['LARGE', 'MEDIUM', 'SMALL', 'MICRO'] as const;
export type PolicySizeClass = (typeof POLICY_SIZE_CLASSES)[number];

/** Schedules with more tiers than this are accepted with a warning (most charters price four). */
export const USUAL_TIER_COUNT = 4;

export interface TierAmount {
  readonly tier: FeeTier;
  readonly annualFen: Fen;
}

export type FeeScheduleAdopted = DomainEvent<
  'FeeScheduleAdopted',
  {
    readonly associationId: string;
    /** 1, 2, 3 … in order of adoption. */
    readonly version: number;
    readonly amounts: readonly TierAmount[];
    /** Share (percent) a member admitted in the second half of the year pays; null: no pro-rating. */
    readonly secondHalfPercent: number | null;
    /** YYYY-MM-DD */
    readonly effectiveFrom: string;
    readonly decision: DecisionRecord;
    readonly warnings: readonly string[];
  }
>;

export type FeeScheduleEvent = FeeScheduleAdopted;

export type DuesInvoiced = DomainEvent<
  'DuesInvoiced',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly tier: FeeTier;
    readonly scheduleVersion: number;
    readonly annualFen: Fen;
    readonly amountFen: Fen;
    /** The percent charged when the member was admitted in the second half of the year; null when not pro-rated. */
    readonly proRatedPercent: number | null;
    readonly admittedOn: string;
    readonly invoicedOn: string;
  }
>;

export type DuesPaymentRecorded = DomainEvent<
  'DuesPaymentRecorded',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly receiptNumber: string;
    readonly amountFen: Fen;
    readonly paidOn: string;
    readonly balanceAfterFen: Fen;
  }
>;

export type DuesWaiverRequested = DomainEvent<
  'DuesWaiverRequested',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly waiverId: string;
    /** True: waive whatever is unpaid when approved. */
    readonly full: boolean;
    /** The amount asked for; null for a full waiver. */
    readonly amountFen: Fen | null;
    readonly reasonCategory: WaiverReason;
    readonly reason: string;
    readonly evidenceReference: string | null;
    readonly requestedBy: string;
    readonly requestedOn: string;
  }
>;

export type DuesWaiverApproved = DomainEvent<
  'DuesWaiverApproved',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly waiverId: string;
    readonly amountFen: Fen;
    readonly approvedBy: string;
    readonly approvedOn: string;
    readonly note: string | null;
    readonly balanceAfterFen: Fen;
  }
>;

export type DuesWaiverRejected = DomainEvent<
  'DuesWaiverRejected',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly waiverId: string;
    readonly rejectedBy: string;
    readonly reason: string;
  }
>;

export type DuesWaiverRevoked = DomainEvent<
  'DuesWaiverRevoked',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly waiverId: string;
    /** The part of the waiver withdrawn (all of it unless a smaller amount was named). */
    readonly amountFen: Fen;
    readonly revokedBy: string;
    readonly reason: string;
    readonly effectiveFrom: string;
    readonly balanceAfterFen: Fen;
  }
>;

/** A waiver granted under a waiver policy: in effect at once, on the policy's decision. */
export type DuesWaiverGranted = DomainEvent<
  'DuesWaiverGranted',
  {
    readonly associationId: string;
    readonly enterpriseCode: string;
    readonly year: number;
    readonly waiverId: string;
    readonly policyId: string;
    readonly percent: number;
    readonly amountFen: Fen;
    readonly reasonCategory: WaiverReason;
    readonly reason: string;
    readonly decision: DecisionRecord;
    readonly grantedOn: string;
    readonly balanceAfterFen: Fen;
  }
>;

export type DuesAccountEvent =
  | DuesInvoiced
  | DuesPaymentRecorded
  | DuesWaiverRequested
  | DuesWaiverApproved
  | DuesWaiverRejected
  | DuesWaiverRevoked
  | DuesWaiverGranted;

export type ReceiptReserved = DomainEvent<
  'DuesReceiptReserved',
  {
    readonly associationId: string;
    readonly receiptNumber: string;
    readonly enterpriseCode: string;
    readonly year: number;
  }
>;

/** A receipt number is claimed in the same append as its payment (ADR 0012), so a claim is never released. */
export type ReceiptEvent = ReceiptReserved;

export interface SizeClassPercent {
  readonly sizeClass: PolicySizeClass;
  readonly percent: number;
}

export type WaiverPolicyAdopted = DomainEvent<
  'WaiverPolicyAdopted',
  {
    readonly associationId: string;
    readonly policyId: string;
    readonly year: number;
    readonly title: string;
    readonly reasonCategory: WaiverReason;
    readonly reason: string;
    /** Percent of each invoice waived for every member (0: none unless a size class says otherwise). */
    readonly defaultPercent: number;
    /** Percent for members of these size classes instead of the default. */
    readonly sizeClassPercents: readonly SizeClassPercent[];
    readonly decision: DecisionRecord;
  }
>;

export type WaiverPolicyEvent = WaiverPolicyAdopted;

export type DuesEvent = FeeScheduleEvent | DuesAccountEvent | ReceiptEvent | WaiverPolicyEvent;

export const FEE_SCHEDULE_EVENT_TYPES: readonly FeeScheduleEvent['type'][] = ['FeeScheduleAdopted'];
export const DUES_ACCOUNT_EVENT_TYPES: readonly DuesAccountEvent['type'][] = [
  'DuesInvoiced',
  'DuesPaymentRecorded',
  'DuesWaiverRequested',
  'DuesWaiverApproved',
  'DuesWaiverRejected',
  'DuesWaiverRevoked',
  'DuesWaiverGranted',
];
export const RECEIPT_EVENT_TYPES: readonly ReceiptEvent['type'][] = ['DuesReceiptReserved'];
export const WAIVER_POLICY_EVENT_TYPES: readonly WaiverPolicyEvent['type'][] = ['WaiverPolicyAdopted'];
/** Every dues event type: what the dues projection handles. */
export const DUES_EVENT_TYPES: readonly DuesEvent['type'][] = [
  ...FEE_SCHEDULE_EVENT_TYPES,
  ...DUES_ACCOUNT_EVENT_TYPES,
  ...RECEIPT_EVENT_TYPES,
  ...WAIVER_POLICY_EVENT_TYPES,
];

/** `duesSchedule-<association>`: the association's fee schedule versions. */
export const FeeScheduleStream = defineStreamKind<[associationId: string]>('duesSchedule', ['associationId']);
/** `duesAccount-<association>:<enterprise>:<year>`: one member's dues for one year. */
export const DuesAccountStream = defineStreamKind<[associationId: string, enterpriseCode: string, year: number]>('duesAccount', [
  'associationId',
  'enterpriseCode',
  'year',
]);
/** `duesReceipt-<association>:<receipt number>`: the claim on one receipt number. */
export const ReceiptStream = defineStreamKind<[associationId: string, receiptNumber: string]>('duesReceipt', ['associationId', 'receiptNumber']);
/** `duesWaiverPolicy-<association>:<policy>`: one adopted waiver policy. */
export const WaiverPolicyStream = defineStreamKind<[associationId: string, policyId: string]>('duesWaiverPolicy', ['associationId', 'policyId']);

export function feeScheduleStreamId(associationId: string): string {
  return FeeScheduleStream.id(associationId);
}

export function duesAccountStreamId(associationId: string, enterpriseCode: string, year: number): string {
  return DuesAccountStream.id(associationId, enterpriseCode, year);
}

export function receiptStreamId(associationId: string, receiptNumber: string): string {
  return ReceiptStream.id(associationId, receiptNumber);
}

export function waiverPolicyStreamId(associationId: string, policyId: string): string {
  return WaiverPolicyStream.id(associationId, policyId);
}
