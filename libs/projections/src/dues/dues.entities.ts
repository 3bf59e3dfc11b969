import { Column, Entity, PrimaryColumn } from 'typeorm';

// bigint columns come back from pg as strings (the process keeps pg's default parsers): read models convert.

/** Every adopted version of an association's fee schedule (收费标准). */
@Entity('dues_fee_schedule')
export class DuesFeeScheduleRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'jsonb' })
  amounts: { tier: string; annualFen: number }[];

  @Column({ name: 'second_half_percent', type: 'integer', nullable: true })
  secondHalfPercent: number | null;

  @Column({ type: 'jsonb' })
  decision: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  warnings: string[];

  @Column({ name: 'adopted_at', type: 'timestamptz' })
  adoptedAt: Date;

  @Column({ name: 'adopted_by', type: 'text' })
  adoptedBy: string;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/** One member's dues for one year as they stand now. */
@Entity('dues_account')
export class DuesAccountRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'schedule_version', type: 'integer' })
  scheduleVersion: number;

  @Column({ name: 'annual_fen', type: 'bigint' })
  annualFen: string;

  @Column({ name: 'invoiced_fen', type: 'bigint' })
  invoicedFen: string;

  @Column({ name: 'paid_fen', type: 'bigint' })
  paidFen: string;

  @Column({ name: 'waived_fen', type: 'bigint' })
  waivedFen: string;

  @Column({ name: 'balance_fen', type: 'bigint' })
  balanceFen: string;

  @Column({ name: 'pro_rated_percent', type: 'integer', nullable: true })
  proRatedPercent: number | null;

  @Column({ name: 'admitted_on', type: 'date' })
  admittedOn: string;

  @Column({ name: 'invoiced_on', type: 'date' })
  invoicedOn: string;

  @Column({ name: 'invoiced_at', type: 'timestamptz' })
  invoicedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer' })
  revision: number;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/**
 * The account's ledger, one row per money event, with business date and recorded-at: "as the register stood
 * at instant T" is `WHERE recorded_at <= T`, not a replay.
 */
@Entity('dues_account_entry')
export class DuesAccountEntryRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @PrimaryColumn({ type: 'integer' })
  revision: number;

  /** INVOICE, PAYMENT, WAIVER (approved or granted) or WAIVER_REVOKED; amounts are positive. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'amount_fen', type: 'bigint' })
  amountFen: string;

  @Column({ name: 'waiver_id', type: 'text', nullable: true })
  waiverId: string | null;

  @Column({ name: 'effective_on', type: 'date' })
  effectiveOn: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'text' })
  position: string;
}

/** Payments by receipt number (unique within an association). */
@Entity('dues_payment')
export class DuesPaymentRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'receipt_number', type: 'text' })
  receiptNumber: string;

  @Column({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ name: 'amount_fen', type: 'bigint' })
  amountFen: string;

  @Column({ name: 'paid_on', type: 'date' })
  paidOn: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy: string;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/** Every waiver: requested, approved, rejected, revoked, or granted under a policy. */
@Entity('dues_waiver')
export class DuesWaiverRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @PrimaryColumn({ name: 'waiver_id', type: 'text' })
  waiverId: string;

  /** REQUESTED, APPROVED, REJECTED or REVOKED (a policy waiver is APPROVED when granted). */
  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'full_waiver', type: 'boolean' })
  fullWaiver: boolean;

  @Column({ name: 'requested_fen', type: 'bigint', nullable: true })
  requestedFen: string | null;

  @Column({ name: 'in_effect_fen', type: 'bigint' })
  inEffectFen: string;

  @Column({ name: 'approved_fen', type: 'bigint', nullable: true })
  approvedFen: string | null;

  @Column({ name: 'revoked_fen', type: 'bigint' })
  revokedFen: string;

  @Column({ name: 'reason_category', type: 'text' })
  reasonCategory: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'evidence_reference', type: 'text', nullable: true })
  evidenceReference: string | null;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt: Date | null;

  /** APPROVAL (maker-checker) or POLICY (granted under `policyId`); null while nothing is in effect by either. */
  @Column({ type: 'text', nullable: true })
  authority: string | null;

  /** The approver of an approval; null for a policy grant, which nobody approves. */
  @Column({ name: 'approved_by', type: 'text', nullable: true })
  approvedBy: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'approval_note', type: 'text', nullable: true })
  approvalNote: string | null;

  @Column({ name: 'rejected_by', type: 'text', nullable: true })
  rejectedBy: string | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy: string | null;

  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'policy_id', type: 'text', nullable: true })
  policyId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  decision: Record<string, unknown> | null;

  /** Actor of the event that put the waiver in effect: the approver, or the operator who applied the policy. */
  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/** Waiver policies (减免政策) with the decision that adopted them. */
@Entity('dues_waiver_policy')
export class DuesWaiverPolicyRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'policy_id', type: 'text' })
  policyId: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'reason_category', type: 'text' })
  reasonCategory: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'default_percent', type: 'integer' })
  defaultPercent: number;

  @Column({ name: 'size_class_percents', type: 'jsonb' })
  sizeClassPercents: { sizeClass: string; percent: number }[];

  @Column({ type: 'jsonb' })
  decision: Record<string, unknown>;

  @Column({ name: 'adopted_at', type: 'timestamptz' })
  adoptedAt: Date;

  @Column({ name: 'adopted_by', type: 'text' })
  adoptedBy: string;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

export const duesEntities = [DuesFeeScheduleRow, DuesAccountRow, DuesAccountEntryRow, DuesPaymentRow, DuesWaiverRow, DuesWaiverPolicyRow];
