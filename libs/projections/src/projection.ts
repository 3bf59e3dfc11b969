import type { EventLogRelation, RecordedEvent } from '#eventstore';
import type { EntityManager } from 'typeorm';

/**
 * A projection turns events into read-model rows. The runner hands it batches of committed events in global
 * order, inside a transaction that also advances the projection's checkpoint (compare-and-set), so a batch
 * is applied exactly once or not at all.
 *
 * Bump `version` when the handler or the tables change shape: the runner then rebuilds the projection
 * (new tables, replay, swap) before serving it.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /**
   * Event types this projection reads; others are skipped without a call (the checkpoint still moves past
   * them). `'*'` means every event.
   */
  readonly handles: readonly string[];
  /**
   * Read-model tables this projection owns and writes (unqualified names, created by migrations in the
   * public schema). A rebuild copies their shape into a shadow schema, replays into it, and swaps.
   * Tables must not carry foreign keys to other projections' tables.
   */
  readonly tables: readonly string[];
  /**
   * Applies the events (already filtered to `handles`, in global order) using `tx`. Use unqualified table
   * names (entities without a schema) so that a rebuild can redirect writes through `search_path`.
   *
   * Keep it idempotent (each row keeps the position of the last event that shaped it): the checkpoint makes
   * a second delivery rare, but a rewound checkpoint or a replay must not double anything. Do not commit,
   * roll back or open other connections inside it: the batch's transaction is the unit of work.
   */
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /**
   * Optional: `apply` for when the event log is a relation in the read models' database (the Postgres event
   * store), reading what it copies from the log's rows inside Postgres rather than from `events`. It must
   * write exactly what `apply` writes, and fail the batch if an event is missing from `log`. The runner uses
   * it whenever its composition root hands it the log.
   */
  applyFromLog?(events: readonly RecordedEvent[], tx: EntityManager, log: EventLogRelation): Promise<void>;
  /**
   * Set when `apply` finds and conflicts on rows only through their tables' primary keys (or a leading part of
   * one). A rebuild then replays into shadow tables that carry only their primary keys, and builds the other
   * indexes and unique constraints once the replay is done: in bulk that costs a fraction of keeping them up
   * row by row (a fifth less Postgres time for a rebuild of 1,000,000 events). A duplicate then fails the
   * rebuild when its index is built rather than at the insert. Leave it unset when `apply` reads or upserts
   * through any other index: without it, every such read would scan the table.
   */
  readonly rebuildIndexesAfterReplay?: boolean;
}

/** Applies a batch through `applyFromLog` when the projection has one and the log is at hand, else `apply`. */
export function applyBatch(
  projection: Projection,
  events: readonly RecordedEvent[],
  tx: EntityManager,
  eventLog: EventLogRelation | null | undefined,
): Promise<void> {
  return eventLog && projection.applyFromLog ? projection.applyFromLog(events, tx, eventLog) : projection.apply(events, tx);
}
