import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where a projection's runner is, stored in the same transaction as the projection's writes.
 *
 * - `new`: the row exists but the projection was never built (version 0).
 * - `catching_up`: the active runner is reading history.
 * - `live`: the active runner has caught up and follows new events.
 * - `failing`: the handler failed; the runner retries with backoff (see `last_error`).
 * - `rebuilding`: the active runner is rebuilding the projection into shadow tables.
 * - `stopped`: no runner is applying events (stopped gracefully, or built by a rebuild with no runner).
 */
export const CHECKPOINT_STATUSES = ['new', 'catching_up', 'live', 'failing', 'rebuilding', 'stopped'] as const;
export type CheckpointStatus = (typeof CHECKPOINT_STATUSES)[number];

const POSITION_COMMENT =
  'Opaque event-store position of the last applied event; compare with comparePositions, never parse';

@Entity({ name: 'projection_checkpoints' })
@Check('CHK_projection_checkpoints_version', 'version >= 0')
@Check(
  'CHK_projection_checkpoints_status',
  `status IN ('new', 'catching_up', 'live', 'failing', 'rebuilding', 'stopped')`,
)
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'text' })
  name: string;

  /** Version of the projection that built the live tables; 0 before the first build. */
  @Column({ type: 'integer' })
  version: number;

  /** Opaque event-store position of the last event applied (null: nothing yet). */
  @Column({ type: 'text', nullable: true, comment: POSITION_COMMENT })
  position: string | null;

  /** Events handed to the projection since its tables were built (bigint: a string, as pg returns it). */
  @Column({ name: 'events_applied', type: 'bigint', default: 0 })
  eventsApplied: string;

  @Column({ type: 'text', default: 'new' })
  status: CheckpointStatus;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
