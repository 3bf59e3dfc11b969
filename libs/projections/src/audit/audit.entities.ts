import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every event of every stream with its audit metadata and hash-chain link: what an auditor reads as the
 * history of a record (who, when, under which command, with which hash).
 */
@Entity('audit_event')
@Index('audit_event_stream_idx', ['streamId', 'revision'], { unique: true })
export class AuditEventRow {
  @PrimaryColumn({ type: 'text' })
  position: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId: string;

  @Column({ name: 'stream_id', type: 'text' })
  streamId: string;

  @Column({ type: 'integer' })
  revision: number;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ name: 'actor_user_id', type: 'text' })
  actorUserId: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole: string;

  @Column({ name: 'actor_association_id', type: 'text', nullable: true })
  actorAssociationId: string | null;

  @Column({ name: 'command_id', type: 'text' })
  commandId: string;

  @Column({ name: 'command_type', type: 'text', nullable: true })
  commandType: string | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;
}
