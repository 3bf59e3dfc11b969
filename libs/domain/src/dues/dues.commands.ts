import type { DecisionRecord } from '../shared/index.js';
import type { FeeTier, PolicySizeClass, WaiverReason } from './dues.events.js';

export interface AdoptFeeSchedule {
  readonly type: 'AdoptFeeSchedule';
  readonly associationId: string;
  readonly amounts: readonly { readonly tier: FeeTier; readonly annualFen: number }[];
  readonly secondHalfPercent?: number | null;
  readonly effectiveFrom: string;
  readonly decision: DecisionRecord;
}

export type FeeScheduleCommand = AdoptFeeSchedule;

interface AccountCommand {
  readonly associationId: string;
  readonly enterpriseCode: string;
  readonly year: number;
}

export interface IssueDuesInvoice extends AccountCommand {
  readonly type: 'IssueDuesInvoice';
}

export interface RecordDuesPayment extends AccountCommand {
  readonly type: 'RecordDuesPayment';
  readonly receiptNumber: string;
  readonly amountFen: number;
  /** YYYY-MM-DD; default today in China. */
  readonly paidOn?: string | null;
}

export interface RequestDuesWaiver extends AccountCommand {
  readonly type: 'RequestDuesWaiver';
  readonly waiverId: string;
  /** Waive whatever is unpaid when the waiver is approved. Exactly one of `full` and `amountFen`. */
  readonly full?: boolean | null;
  readonly amountFen?: number | null;
  readonly reasonCategory: WaiverReason;
  readonly reason: string;
  readonly evidenceReference?: string | null;
}

export interface ApproveDuesWaiver extends AccountCommand {
  readonly type: 'ApproveDuesWaiver';
  readonly waiverId: string;
  readonly note?: string | null;
}

export interface RejectDuesWaiver extends AccountCommand {
  readonly type: 'RejectDuesWaiver';
  readonly waiverId: string;
  readonly reason: string;
}

export interface RevokeDuesWaiver extends AccountCommand {
  readonly type: 'RevokeDuesWaiver';
  readonly waiverId: string;
  readonly reason: string;
  /** Withdraw only part of the waiver; default all of it. */
  readonly amountFen?: number | null;
  readonly effectiveFrom?: string | null;
}

export interface GrantPolicyWaiver extends AccountCommand {
  readonly type: 'GrantPolicyWaiver';
  readonly waiverId: string;
  readonly policyId: string;
  readonly policyYear: number;
  readonly percent: number;
  readonly reasonCategory: WaiverReason;
  readonly reason: string;
  readonly decision: DecisionRecord;
}

export type DuesAccountCommand =
  | IssueDuesInvoice
  | RecordDuesPayment
  | RequestDuesWaiver
  | ApproveDuesWaiver
  | RejectDuesWaiver
  | RevokeDuesWaiver
  | GrantPolicyWaiver;

export interface ReserveReceipt {
  readonly type: 'ReserveReceipt';
  readonly associationId: string;
  readonly receiptNumber: string;
  readonly enterpriseCode: string;
  readonly year: number;
}

export type ReceiptCommand = ReserveReceipt;

export interface AdoptWaiverPolicy {
  readonly type: 'AdoptWaiverPolicy';
  readonly associationId: string;
  readonly policyId: string;
  readonly year: number;
  readonly title: string;
  readonly reasonCategory: WaiverReason;
  readonly reason: string;
  readonly defaultPercent: number;
  readonly sizeClassPercents?: readonly { readonly sizeClass: PolicySizeClass; readonly percent: number }[] | null;
  readonly decision: DecisionRecord;
}

export type WaiverPolicyCommand = AdoptWaiverPolicy;
