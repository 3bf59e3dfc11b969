import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Current profile of each enterprise in the register (one row per unified social credit code). */
@Entity('enterprise')
export class EnterpriseRow {
  @PrimaryColumn({ type: 'varchar', length: 18 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'legal_representative', type: 'text' })
  legalRepresentative: string;

  @Column({ name: 'region_code', type: 'char', length: 6 })
  regionCode: string;

  @Column({ name: 'province_code', type: 'char', length: 6 })
  provinceCode: string;

  @Column({ name: 'city_code', type: 'char', length: 6 })
  cityCode: string;

  @Column({ type: 'text' })
  ownership: string;

  @Column({ name: 'size_class', type: 'text', nullable: true })
  sizeClass: string | null;

  @Column({ name: 'code_override_reason', type: 'text', nullable: true })
  codeOverrideReason: string | null;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Stream revision of the last event that shaped this row. */
  @Column({ type: 'integer' })
  revision: number;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

/** Every name an enterprise has carried, in order (名称变更历史). */
@Entity('enterprise_name')
export class EnterpriseNameRow {
  @PrimaryColumn({ type: 'varchar', length: 18 })
  code: string;

  @PrimaryColumn({ type: 'integer' })
  revision: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;
}

/** Qualifications (资质) an enterprise holds or held, one row per category and specialty. */
@Entity('enterprise_qualification')
export class EnterpriseQualificationRow {
  @PrimaryColumn({ type: 'varchar', length: 18 })
  code: string;

  @PrimaryColumn({ name: 'qualification_key', type: 'text' })
  qualificationKey: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  specialty: string;

  @Column({ type: 'text' })
  grade: string;

  @Column({ name: 'certificate_number', type: 'text', nullable: true })
  certificateNumber: string | null;

  /** HELD or WITHDRAWN. */
  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ name: 'withdrawn_from', type: 'date', nullable: true })
  withdrawnFrom: string | null;

  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true })
  withdrawalReason: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;
}

export const enterpriseEntities = [EnterpriseRow, EnterpriseNameRow, EnterpriseQualificationRow];
