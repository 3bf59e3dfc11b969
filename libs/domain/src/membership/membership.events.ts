import { type DecisionRecord, defineStreamKind, type DomainEvent } from '../shared/index.js';

/** Tiers (会员层级), highest first: 会长单位, 副会长单位, 常务理事单位, 理事单位, 会员单位, 储备会员. */
export const MEMBERSHIP_TIERS = ['PRESIDENT', 'VICE_PRESIDENT', 'EXECUTIVE_DIRECTOR', 'DIRECTOR', 'MEMBER', 'RESERVE'] as const;
export type MembershipTier = (typeof MEMBERSHIP_TIERS)[number];

/** Tiers above an ordinary member: changes to or from them need a council or general-assembly vote. */
export const COUNCIL_TIERS: readonly MembershipTier[] = ['PRESIDENT', 'VICE_PRESIDENT', 'EXECUTIVE_DIRECTOR', 'DIRECTOR'];

/** A new member comes in as an ordinary or a reserve member; higher tiers follow by a decision. */
export const ADMISSION_TIERS: readonly MembershipTier[] = ['MEMBER', 'RESERVE'];

export const MEMBERSHIP_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'WITHDRAWN', 'DEEMED_WITHDRAWN', 'EXPELLED', 'REJECTED'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** 通报批评 (CRITICISM) and 警告 (WARNING). */
export const SANCTION_KINDS = ['CRITICISM', 'WARNING'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

interface MembershipKey {
  readonly associationId: string;
  readonly enterpriseCode: string;
  /** `<associationId>:<enterpriseCode>:<application number from 1>`: one per application. */
  readonly membershipId: string;
}

export type MembershipApplied = DomainEvent<'MembershipApplied', MembershipKey & { readonly appliedOn: string; readonly note: string | null }>;

export type MembershipAdmitted = DomainEvent<
  'MembershipAdmitted',
  MembershipKey & {
    readonly tier: MembershipTier;
    readonly certificateNumber: string;
    readonly admittedOn: string;
    readonly decision: DecisionRecord;
  }
>;

export type MembershipRejected = DomainEvent<
  'MembershipRejected',
  MembershipKey & { readonly reason: string; readonly rejectedOn: string; readonly decision: DecisionRecord | null }
>;

export type MembershipTierChanged = DomainEvent<
  'MembershipTierChanged',
  MembershipKey & {
    readonly previousTier: MembershipTier;
    readonly tier: MembershipTier;
    readonly effectiveFrom: string;
    readonly decision: DecisionRecord;
    /** The council term the change falls in (always set for the president's seat). */
    readonly councilTerm: number | null;
    /** The council election the change follows from, if any. */
    readonly electionId: string | null;
  }
>;

export type MembershipSanctioned = DomainEvent<
  'MembershipSanctioned',
  MembershipKey & { readonly kind: SanctionKind; readonly reason: string; readonly effectiveFrom: string; readonly decision: DecisionRecord }
>;

export type MembershipSuspended = DomainEvent<
  'MembershipSuspended',
  MembershipKey & { readonly reason: string; readonly effectiveFrom: string; readonly decision: DecisionRecord }
>;

export type MembershipReinstated = DomainEvent<
  'MembershipReinstated',
  MembershipKey & { readonly reason: string; readonly effectiveFrom: string; readonly decision: DecisionRecord }
>;

export type MembershipReminderSent = DomainEvent<
  'MembershipReminderSent',
  MembershipKey & { readonly sentOn: string; readonly unpaidYears: readonly number[]; readonly graceDays: number }
>;

export type MembershipWithdrawn = DomainEvent<
  'MembershipWithdrawn',
  MembershipKey & { readonly noticeDate: string; readonly effectiveFrom: string; readonly reason: string | null; readonly tier: MembershipTier }
>;

export type MembershipDeemedWithdrawn = DomainEvent<
  'MembershipDeemedWithdrawn',
  MembershipKey & {
    readonly effectiveFrom: string;
    readonly unpaidYears: readonly number[];
    readonly requiredYears: number;
    readonly reminderSentOn: string;
    readonly graceDays: number;
    readonly tier: MembershipTier;
  }
>;

export type MembershipExpelled = DomainEvent<
  'MembershipExpelled',
  MembershipKey & { readonly reason: string; readonly effectiveFrom: string; readonly decision: DecisionRecord; readonly tier: MembershipTier }
>;

export type MembershipEvent =
  | MembershipApplied
  | MembershipAdmitted
  | MembershipRejected
  | MembershipTierChanged
  | MembershipSanctioned
  | MembershipSuspended
  | MembershipReinstated
  | MembershipReminderSent
  | MembershipWithdrawn
  | MembershipDeemedWithdrawn
  | MembershipExpelled;

export const MEMBERSHIP_EVENT_TYPES: readonly MembershipEvent['type'][] = [
  'MembershipApplied',
  'MembershipAdmitted',
  'MembershipRejected',
  'MembershipTierChanged',
  'MembershipSanctioned',
  'MembershipSuspended',
  'MembershipReinstated',
  'MembershipReminderSent',
  'MembershipWithdrawn',
  'MembershipDeemedWithdrawn',
  'MembershipExpelled',
];

/** `membership-<association>:<enterprise>`: every application of one firm to one association, over time. */
export const MembershipStream = defineStreamKind<[associationId: string, enterpriseCode: string]>('membership', ['associationId', 'enterpriseCode']);

export function membershipStreamId(associationId: string, enterpriseCode: string): string {
  return MembershipStream.id(associationId, enterpriseCode);
}

export function membershipId(associationId: string, enterpriseCode: string, applicationNumber: number): string {
  return `${associationId}:${enterpriseCode}:${applicationNumber}`;
}
