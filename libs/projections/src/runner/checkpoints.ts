import { createHash } from 'node:crypto';
import type { Position } from '#eventstore';
import type { CheckpointStatus } from '../read-models/projection-checkpoint.entity.js';
import { rowsOf } from './pg-connection.js';

/** Channel on which every checkpoint advance is announced (payload: `CheckpointNotice` as JSON). */
export const CHECKPOINT_CHANNEL = 'projection_checkpoint';

export interface CheckpointNotice {
  readonly name: string;
  readonly version: number;
  readonly position: Position | null;
}

export interface StoredCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: Position | null;
  readonly eventsApplied: number;
  readonly status: CheckpointStatus;
  readonly lastError: string | null;
  readonly updatedAt: Date;
}

/** Anything with TypeORM's `query(sql, params)`: DataSource, EntityManager, QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

interface CheckpointRow {
  name: string;
  version: number;
  position: string | null;
  events_applied: string;
  status: CheckpointStatus;
  last_error: string | null;
  updated_at: Date;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    name: row.name,
    version: row.version,
    position: row.position,
    eventsApplied: Number(row.events_applied),
    status: row.status,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

const COLUMNS = 'name, version, position, events_applied, status, last_error, updated_at';

export async function loadCheckpoint(q: Queryable, name: string): Promise<StoredCheckpoint | null> {
  const rows = rowsOf<CheckpointRow>(
    await q.query(`SELECT ${COLUMNS} FROM projection_checkpoints WHERE name = $1`, [name]),
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function loadCheckpoints(q: Queryable, names?: readonly string[]): Promise<StoredCheckpoint[]> {
  const rows = names
    ? rowsOf<CheckpointRow>(
        await q.query(`SELECT ${COLUMNS} FROM projection_checkpoints WHERE name = ANY($1::text[]) ORDER BY name`, [
          [...names],
        ]),
      )
    : rowsOf<CheckpointRow>(await q.query(`SELECT ${COLUMNS} FROM projection_checkpoints ORDER BY name`));
  return rows.map(toCheckpoint);
}

/** Creates the row of a projection that was never built (version 0, no position). */
export async function ensureCheckpoint(q: Queryable, name: string): Promise<StoredCheckpoint> {
  await q.query(
    `INSERT INTO projection_checkpoints (name, version, position, events_applied, status)
     VALUES ($1, 0, NULL, 0, 'new') ON CONFLICT (name) DO NOTHING`,
    [name],
  );
  const checkpoint = await loadCheckpoint(q, name);
  if (!checkpoint) throw new Error(`Checkpoint row of ${name} vanished`);
  return checkpoint;
}

export interface CheckpointAdvance {
  readonly name: string;
  readonly version: number;
  readonly expected: Position | null;
  readonly position: Position;
  readonly eventsApplied: number;
  readonly status: CheckpointStatus;
}

/**
 * Compare-and-set of the checkpoint, the first statement of a batch transaction: it moves the checkpoint
 * only if it is still where this runner left it and still at this runner's version. The row lock it takes
 * serialises competing writers (another runner, a rebuild's swap): the loser waits, then matches 0 rows.
 * Returns false on a mismatch; the caller rolls back and reloads.
 */
export async function compareAndSetCheckpoint(q: Queryable, advance: CheckpointAdvance): Promise<boolean> {
  const rows = rowsOf<{ name: string }>(
    await q.query(
      `UPDATE projection_checkpoints
          SET position = $3, events_applied = events_applied + $4, status = $5, last_error = NULL, updated_at = now()
        WHERE name = $1 AND version = $2 AND position IS NOT DISTINCT FROM $6
        RETURNING name`,
      [advance.name, advance.version, advance.position, advance.eventsApplied, advance.status, advance.expected],
    ),
  );
  return rows.length === 1;
}

/** Wakes every waiter (in any process) once the surrounding transaction commits. */
export async function announceCheckpoint(q: Queryable, notice: CheckpointNotice): Promise<void> {
  await q.query(`SELECT pg_notify($1, $2)`, [CHECKPOINT_CHANNEL, JSON.stringify(notice)]);
}

/**
 * Sets the status of the row at `version` (no-op when another version took over meanwhile). `lastError`
 * undefined leaves the recorded error as it is.
 */
export async function setCheckpointStatus(
  q: Queryable,
  name: string,
  version: number,
  status: CheckpointStatus,
  lastError?: string | null,
): Promise<void> {
  if (lastError === undefined) {
    await q.query(
      `UPDATE projection_checkpoints SET status = $3, updated_at = now() WHERE name = $1 AND version = $2`,
      [name, version, status],
    );
    return;
  }
  await q.query(
    `UPDATE projection_checkpoints SET status = $3, last_error = $4, updated_at = now()
      WHERE name = $1 AND version = $2`,
    [name, version, status, lastError],
  );
}

// Advisory-lock key spaces (two-int4 form, so they never meet single-bigint keys used elsewhere).
const RUNNER_LOCK_CLASS = 0x50524a52; // 'PRJR': one active runner per projection
const REBUILD_LOCK_CLASS = 0x50524a42; // 'PRJB': one rebuild per projection

function nameKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

export function runnerLockKey(name: string): [number, number] {
  return [RUNNER_LOCK_CLASS, nameKey(name)];
}

export function rebuildLockKey(name: string): [number, number] {
  return [REBUILD_LOCK_CLASS, nameKey(name)];
}
