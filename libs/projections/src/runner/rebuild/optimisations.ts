import type { EventLogRelation } from '#eventstore';
import { ident } from '../pg-connection.js';

/**
 * Measured speed-ups of a rebuild, each of which can be switched off on its own (to compare, or to rule one
 * out). Every default is on; a rebuild with all of them off takes the plain path and writes the same rows.
 */
export interface RebuildOptimisations {
  /**
   * With `eventLog` given, a projection that has an `applyFromLog` copies events inside Postgres instead of
   * receiving them and sending them back (the audit trail's time in `apply` halves). Default true.
   */
  readonly copyFromLog: boolean;
  /**
   * A projection that declares `rebuildIndexesAfterReplay` replays into shadow tables carrying only their
   * primary keys; its other indexes and unique constraints are built once, before the swap (a fifth less
   * Postgres time at 1,000,000 events). Default true.
   */
  readonly deferIndexes: boolean;
  /** The replay reads the next page while the current one is applied: decoding overlaps the writes. Default true. */
  readonly readAhead: boolean;
  /**
   * The projections being rebuilt apply each page at the same time, each in its own transaction on its own
   * pooled connection: the server writes their tables in parallel. Default true (otherwise one after another).
   */
  readonly parallelProjections: boolean;
  /**
   * Replay transactions commit without waiting for their WAL flush (`synchronous_commit off`): a commit lost
   * in a crash takes its shadow checkpoint with it, so the resumed rebuild replays it. Default true.
   */
  readonly asyncReplayCommits: boolean;
}

export const DEFAULT_REBUILD_OPTIMISATIONS: RebuildOptimisations = {
  copyFromLog: true,
  deferIndexes: true,
  readAhead: true,
  parallelProjections: true,
  asyncReplayCommits: true,
};

export function resolveOptimisations(given: Partial<RebuildOptimisations> | undefined): RebuildOptimisations {
  return { ...DEFAULT_REBUILD_OPTIMISATIONS, ...given };
}

/** The log a replay copies from: none unless copying from the log is on (`applyBatch` then uses `apply`). */
export function logToCopyFrom(
  optimisations: RebuildOptimisations,
  eventLog: EventLogRelation | null | undefined,
): EventLogRelation | null {
  return optimisations.copyFromLog ? (eventLog ?? null) : null;
}

/**
 * Settings of a replay transaction: unqualified names resolve to the shadow tables first; with
 * `asyncReplayCommits`, no wait for the commit's WAL flush (only the swap, which changes what readers see,
 * must wait for its flush).
 */
export function replaySettings(schema: string, liveSchema: string, optimisations: RebuildOptimisations): string {
  const searchPath = `SET LOCAL search_path TO ${ident(schema)}, ${liveSchema}`;
  return optimisations.asyncReplayCommits ? `${searchPath}; SET LOCAL synchronous_commit TO off` : searchPath;
}

/** Runs `apply` for every target: all at once (each on its own connection) or one after another. */
export async function forEachTarget<T>(
  targets: readonly T[],
  optimisations: RebuildOptimisations,
  apply: (target: T) => Promise<void>,
): Promise<void> {
  if (!optimisations.parallelProjections) {
    for (const target of targets) await apply(target);
    return;
  }
  // Settled first: each moves only its own shadow checkpoint, so a failure leaves the others where they got to.
  const outcomes = await Promise.allSettled(targets.map(apply));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

