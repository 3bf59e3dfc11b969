import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An association (协会) with its charter settings. */
@Entity('association')
export class AssociationRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'region_code', type: 'char', length: 6 })
  regionCode: string;

  @Column({ name: 'deemed_withdrawal_years', type: 'integer' })
  deemedWithdrawalYears: number;

  @Column({ name: 'reminder_grace_days', type: 'integer' })
  reminderGraceDays: number;

  @Column({ name: 'admission_bodies', type: 'text', array: true })
  admissionBodies: string[];

  /** User ids currently authorised to approve dues waivers. */
  @Column({ name: 'waiver_approvers', type: 'text', array: true })
  waiverApprovers: string[];

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer' })
  revision: number;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/** Who may approve dues waivers, over business time (valid_from/valid_to) and as recorded (recorded_at). */
@Entity('association_waiver_approver')
export class AssociationWaiverApproverRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId: string;

  /** Revision of the association stream that granted the authority. */
  @PrimaryColumn({ type: 'integer' })
  revision: number;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'revoked_recorded_at', type: 'timestamptz', nullable: true })
  revokedRecordedAt: Date | null;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;
}

/** A council term (理事会届次) and the president firm holding its seat. */
@Entity('council_term')
export class CouncilTermRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'term_number', type: 'integer' })
  termNumber: number;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn: string;

  @Column({ name: 'president_enterprise_code', type: 'varchar', length: 18, nullable: true })
  presidentEnterpriseCode: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

export interface ElectionCandidateJson {
  enterpriseCode: string;
  votes: number;
  runOffVotes: number | null;
  elected: boolean;
  rank: number;
}

/** A competitive council election (差额选举) with every candidate's votes and the elected set. */
@Entity('council_election')
export class CouncilElectionRow {
  @PrimaryColumn({ name: 'election_id', type: 'text' })
  electionId: string;

  @Column({ name: 'association_id', type: 'text' })
  associationId: string;

  @Column({ name: 'term_number', type: 'integer' })
  termNumber: number;

  @Column({ type: 'text' })
  office: string;

  @Column({ type: 'text' })
  tier: string;

  @Column({ type: 'integer' })
  seats: number;

  @Column({ type: 'jsonb' })
  candidates: ElectionCandidateJson[];

  @Column({ type: 'text', array: true })
  elected: string[];

  @Column({ type: 'jsonb' })
  decision: Record<string, unknown>;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/**
 * The current (latest) membership of each enterprise in each association. Dues invoicing reads this table:
 * keep the column names stable.
 */
@Entity('membership')
export class MembershipRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @Column({ name: 'membership_id', type: 'text' })
  membershipId: string;

  /** PENDING, ACTIVE, SUSPENDED, WITHDRAWN, DEEMED_WITHDRAWN, EXPELLED or REJECTED. */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text', nullable: true })
  tier: string | null;

  @Column({ name: 'applied_on', type: 'date' })
  appliedOn: string;

  @Column({ name: 'admitted_on', type: 'date', nullable: true })
  admittedOn: string | null;

  @Column({ name: 'certificate_number', type: 'text', nullable: true })
  certificateNumber: string | null;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn: string | null;

  @Column({ name: 'status_since', type: 'date' })
  statusSince: string;

  @Column({ type: 'integer' })
  sanctions: number;

  @Column({ name: 'last_reminder_on', type: 'date', nullable: true })
  lastReminderOn: string | null;

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
 * Status and tier of every membership over time, bitemporal: `valid_from`/`valid_to` in business time,
 * `recorded_at` when the register learned it. "As the register stood at T" is the latest row recorded by T
 * whose valid_from is on or before T's date.
 */
@Entity('membership_history')
export class MembershipHistoryRow {
  @PrimaryColumn({ name: 'association_id', type: 'text' })
  associationId: string;

  @PrimaryColumn({ name: 'enterprise_code', type: 'varchar', length: 18 })
  enterpriseCode: string;

  @PrimaryColumn({ type: 'integer' })
  revision: number;

  @Column({ name: 'membership_id', type: 'text' })
  membershipId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text', nullable: true })
  tier: string | null;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;
}

export const membershipEntities = [
  AssociationRow,
  AssociationWaiverApproverRow,
  CouncilTermRow,
  CouncilElectionRow,
  MembershipRow,
  MembershipHistoryRow,
];

/**
 * The membership of one enterprise in one association as the register stood at an instant: the latest
 * history row recorded by then whose business date had begun by then (China time). Parameters:
 * $1 association id, $2 enterprise code, $3 the instant, $4 its business date (YYYY-MM-DD).
 */
export const MEMBERSHIP_AS_OF_SQL = `
  SELECT membership_id, status, tier, valid_from::text AS valid_from, valid_to::text AS valid_to, recorded_at, event_type, revision
  FROM membership_history
  WHERE association_id = $1 AND enterprise_code = $2 AND recorded_at <= $3 AND valid_from <= $4
  ORDER BY revision DESC
  LIMIT 1`;
