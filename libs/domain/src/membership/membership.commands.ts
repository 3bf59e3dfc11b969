import type { DecidingBody, DecisionRecord } from '../shared/index.js';
import type { MembershipTier, SanctionKind } from './membership.events.js';

/**
 * Membership commands as they are sent. Fields under "facts" are read by the command layer from other streams (the
 * association's charter, the enterprise register, the dues arrears) and handed in, so that the decider, which
 * enforces every rule, stays pure. The certificate number and the president's seat are reserved in their own
 * streams in the same atomic append (membership-reservations.decide.ts). A decision is sent as the client wrote it
 * (`unknown`): the parse step (membership.parse.ts) checks it and the decider decides on the checked record.
 */
interface MembershipCommandBase {
  readonly associationId: string;
  readonly enterpriseCode: string;
}

export interface ApplyForMembership extends MembershipCommandBase {
  readonly type: 'ApplyForMembership';
  readonly appliedOn?: string | null;
  readonly note?: string | null;
  /** Fact: the association is registered. */
  readonly associationRegistered: boolean;
  /** Fact: the enterprise is in the enterprise register. */
  readonly enterpriseRegistered: boolean;
}

export interface AdmitMember extends MembershipCommandBase {
  readonly type: 'AdmitMember';
  readonly tier: MembershipTier;
  readonly certificateNumber: string;
  /** Defaults to the decision's date. */
  readonly admittedOn?: string | null;
  readonly decision: unknown;
  /** Fact: the bodies the charter lets admit members. */
  readonly admissionBodies: readonly DecidingBody[];
}

export interface RejectApplication extends MembershipCommandBase {
  readonly type: 'RejectApplication';
  readonly reason: string;
  readonly rejectedOn?: string | null;
  readonly decision?: unknown;
}

/** The council term a change falls in, as the association and its seat reservation record it. */
export interface CouncilTermFact {
  readonly termNumber: number;
  /** Enterprise holding the president's seat in the term, or null. */
  readonly presidentEnterpriseCode: string | null;
}

export interface ChangeMembershipTier extends MembershipCommandBase {
  readonly type: 'ChangeMembershipTier';
  readonly tier: MembershipTier;
  readonly effectiveFrom?: string | null;
  readonly decision: unknown;
  /**
   * Set when the change applies a recorded council election (the election workflow): the elected firm takes the
   * office's tier unless it already holds that tier or a higher one.
   */
  readonly electionId?: string | null;
  /** Fact: the council term covering the effective date, or null. */
  readonly councilTerm: CouncilTermFact | null;
}

export interface SanctionMember extends MembershipCommandBase {
  readonly type: 'SanctionMember';
  readonly kind: SanctionKind;
  readonly reason: string;
  readonly effectiveFrom?: string | null;
  readonly decision: unknown;
}

export interface SuspendMembership extends MembershipCommandBase {
  readonly type: 'SuspendMembership';
  readonly reason: string;
  readonly effectiveFrom?: string | null;
  readonly decision: unknown;
}

export interface ReinstateMembership extends MembershipCommandBase {
  readonly type: 'ReinstateMembership';
  readonly reason: string;
  readonly effectiveFrom?: string | null;
  readonly decision: unknown;
}

export interface RecordMembershipReminder extends MembershipCommandBase {
  readonly type: 'RecordMembershipReminder';
  readonly sentOn?: string | null;
  readonly unpaidYears: readonly number[];
  /** Defaults to the charter's grace period. */
  readonly graceDays?: number | null;
  /** Fact: the charter's reminder grace period in days. */
  readonly charterGraceDays: number;
}

export interface WithdrawMembership extends MembershipCommandBase {
  readonly type: 'WithdrawMembership';
  /** Date of the member's written notice (书面退会申请). */
  readonly noticeDate: string;
  /** Defaults to the notice date. */
  readonly effectiveFrom?: string | null;
  readonly reason?: string | null;
}

export interface DeemMembershipWithdrawn extends MembershipCommandBase {
  readonly type: 'DeemMembershipWithdrawn';
  readonly effectiveFrom?: string | null;
  /** Fact: years whose dues are unpaid as of the effective date, from the dues accounts. */
  readonly unpaidYears: readonly number[];
  /** Fact: unpaid years the charter requires (1 or 2). */
  readonly requiredYears: number;
}

export interface ExpelMember extends MembershipCommandBase {
  readonly type: 'ExpelMember';
  readonly reason: string;
  readonly effectiveFrom?: string | null;
  readonly decision: unknown;
}

export type MembershipCommand =
  | ApplyForMembership
  | AdmitMember
  | RejectApplication
  | ChangeMembershipTier
  | SanctionMember
  | SuspendMembership
  | ReinstateMembership
  | RecordMembershipReminder
  | WithdrawMembership
  | DeemMembershipWithdrawn
  | ExpelMember;

/** A command as its parse step returns it: the decision it cites is a checked record. */
export type WithCheckedDecision<C, Decision = DecisionRecord> = Omit<C, 'decision'> & { readonly decision: Decision };

/** The membership commands as the decider decides on them, after the parse step. */
export type ParsedMembershipCommand =
  | ApplyForMembership
  | WithCheckedDecision<AdmitMember>
  | WithCheckedDecision<RejectApplication, DecisionRecord | null>
  | WithCheckedDecision<ChangeMembershipTier>
  | WithCheckedDecision<SanctionMember>
  | WithCheckedDecision<SuspendMembership>
  | WithCheckedDecision<ReinstateMembership>
  | RecordMembershipReminder
  | WithdrawMembership
  | DeemMembershipWithdrawn
  | WithCheckedDecision<ExpelMember>;

/** One parsed membership command by its type. */
export type Parsed<T extends MembershipCommand['type']> = Extract<ParsedMembershipCommand, { readonly type: T }>;
