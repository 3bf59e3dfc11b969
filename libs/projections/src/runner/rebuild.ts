import { createHash } from 'node:crypto';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { comparePositions } from '#eventstore';
import type { EventLogRelation, EventStore, Position, ReadAllResult, RecordedEvent } from '#eventstore';
import { applyBatch, type Projection } from '../projection.js';
import type { CheckpointStatus } from '../read-models/projection-checkpoint.entity.js';
import { announceCheckpoint, ensureCheckpoint, rebuildLockKey } from './checkpoints.js';
import type { Queryable } from './checkpoints.js';
import { eventFilter } from './handles.js';
import { describeError, silentLogger } from './logger.js';
import type { ProjectionLogger } from './logger.js';
import { ident, LOCK_NOT_AVAILABLE, pgErrorCode, rowsOf } from './pg-connection.js';
import { CATALOG_SEARCH_PATH, readShape, renamesToLiveNames, shapeDifferences } from './table-shape.js';
import { backoffDelay, monotonicNow, pause } from './timing.js';
import type { MonotonicNow } from './timing.js';
import { buildDeferred, dropDeferrable, withoutDeferred } from './rebuild/deferred-indexes.js';
import type { DeferredObject } from './rebuild/deferred-indexes.js';
import { forEachTarget, logToCopyFrom, replaySettings, resolveOptimisations } from './rebuild/optimisations.js';
import type { RebuildOptimisations } from './rebuild/optimisations.js';

export { DEFAULT_REBUILD_OPTIMISATIONS } from './rebuild/optimisations.js';
export type { RebuildOptimisations } from './rebuild/optimisations.js';

/** Schema of the live read-model tables (where the migrations create them). */
export const LIVE_SCHEMA = 'public';

const DEFAULT_REBUILD_BATCH = 2_000;

/** Table inside a shadow schema holding the rebuild's own checkpoint. */
export const REBUILD_STATE_TABLE = '_rebuild_state';

export interface RebuildProgress {
  readonly projection: string;
  readonly version: number;
  /** counting: sizing the work; replaying: filling the shadow tables; swapping: the final transaction. */
  readonly phase: 'counting' | 'replaying' | 'swapping' | 'done';
  /** Events replayed so far (including those of an interrupted rebuild this one resumed). */
  readonly eventsDone: number;
  /** Events up to the store's head when the rebuild started; null when not counted. */
  readonly eventsTotal: number | null;
  /** Replay rate of this run. */
  readonly eventsPerSecond: number;
  /** Seconds left at that rate; null until there is a rate and a total. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly projection: Projection;
  /**
   * Events per replay transaction (one read of the log feeds every projection being rebuilt). Default 2,000:
   * large enough that per-transaction and per-statement costs fade, small enough that a transaction stays
   * well under a second (an open writing transaction holds back the store's gap-safe readers).
   */
  readonly batchSize?: number;
  readonly logger?: ProjectionLogger;
  /** Called after each batch and at each phase change. Asking for progress also counts the events first. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Stops after the batch in flight; the shadow tables stay for the next rebuild to resume. */
  readonly signal?: AbortSignal;
  /** Monotonic clock for rates (default `performance.now`). */
  readonly now?: MonotonicNow;
  /**
   * Counts the events after `after` up to and including `upTo`. The default reads them through `readAll`;
   * an adapter with a cheaper count can supply one.
   */
  readonly countEvents?: (after: Position | null, upTo: Position | null) => Promise<number>;
  /**
   * The event log as a relation in the read models' database (the Postgres store's): projections with an
   * `applyFromLog` then copy events inside Postgres. Leave it out when the log lives elsewhere.
   */
  readonly eventLog?: EventLogRelation | null;
  /** Skip when the live tables are already at the projection's version (what the runner wants). */
  readonly skipIfCurrent?: boolean;
  /** Continue an interrupted rebuild's shadow tables when they still match. Default true. */
  readonly resume?: boolean;
  /** lock_timeout of the swap transaction (waiting for readers of the live tables). Default 10 s. */
  readonly swapLockTimeoutMs?: number;
  /** Swap attempts before giving up (each after catching up again). Default 5. */
  readonly swapAttempts?: number;
  /** Speed-ups to switch off (see `RebuildOptimisations`); each one left out stays on. */
  readonly optimisations?: Partial<RebuildOptimisations>;
}

export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  /** Version of the live tables before the swap (0: never built). */
  readonly previousVersion: number;
  readonly position: Position | null;
  /** Events read from the store and checkpointed into the shadow (all of them, handled or not). */
  readonly eventsReplayed: number;
  /** Of those, events handed to the projection. */
  readonly eventsApplied: number;
  readonly resumed: boolean;
  /** True when `skipIfCurrent` found nothing to do. */
  readonly skipped: boolean;
  /** Time spent in the projection's own `apply` (the rest is reading the log, checkpoints and the swap). */
  readonly applySeconds: number;
}

export class RebuildAbortedError extends Error {
  override readonly name = 'RebuildAbortedError';
  constructor(readonly projection: string) {
    super(`Rebuild of ${projection} stopped; its shadow tables are kept for the next rebuild to resume`);
  }
}

/** The rebuild cannot proceed safely as the tables stand (triggers, foreign keys from elsewhere, ...). */
export class RebuildRefusedError extends Error {
  override readonly name = 'RebuildRefusedError';
}

/** The shadow schema a rebuild of `projection` uses: `rebuild_<name>` (made safe and short). */
export function shadowSchemaName(projection: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(projection) && projection.length <= 55) return `rebuild_${projection}`;
  const slug = projection
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  const hash = createHash('sha256').update(projection).digest('hex').slice(0, 8);
  return `rebuild_${slug}_${hash}`;
}

interface ShadowState {
  version: number;
  position: Position | null;
  eventsReplayed: number;
  eventsApplied: number;
  /** Indexes and unique constraints left out of the shadow tables until the replay is done. */
  deferred: readonly DeferredObject[];
}

/**
 * Rebuilds one projection: new tables, replay, swap (see `rebuildProjections`, which does the same for
 * several projections with one read of the log).
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { projection, ...rest } = options;
  const [result] = await rebuildProjections({ ...rest, projections: [projection] });
  if (!result) throw new Error(`Rebuild of ${projection.name} returned no result`);
  return result;
}

export interface RebuildProjectionsOptions extends Omit<RebuildOptions, 'projection'> {
  readonly projections: readonly Projection[];
  /** Names to rebuild (default: all), in the order given. */
  readonly names?: readonly string[];
}

/** One projection being rebuilt: its shadow schema and the shadow checkpoint as last committed. */
interface Target {
  readonly projection: Projection;
  readonly schema: string;
  readonly previousVersion: number;
  readonly resumed: boolean;
  state: ShadowState;
  /** Time spent in the projection's `apply` during this run. */
  applyMs: number;
}

/**
 * Rebuilds projections: new tables, replay, swap.
 *
 * 1. Under a per-projection rebuild lock, copy the shape of each projection's tables into its shadow schema
 *    (`CREATE TABLE rebuild_<name>.t (LIKE public.t INCLUDING ALL)`, plus foreign keys between them and the
 *    grants), and give the copied indexes and constraints the live names (matched by definition).
 * 2. Replay the log once for all of them (`replayLog`): each page of events read from the store is, for each
 *    projection, one transaction that sets `SET LOCAL search_path TO rebuild_<name>, public` (so the
 *    projection's unqualified writes land in its shadow tables), applies the events it handles and moves its
 *    shadow checkpoint. The live tables keep serving (and a live runner keeps updating them) meanwhile.
 * 3. When caught up, one swap transaction per projection: lock the live checkpoint row FOR UPDATE first (a
 *    live runner's compare-and-set then waits and fails, it never deadlocks), apply the remaining tail into
 *    the shadow, check the shadow has exactly the live shape, drop the live tables, move the shadow tables
 *    into public, set the live checkpoint (position, version), drop the shadow schema.
 *
 * The speed-ups on top of that plain path (`RebuildOptimisations`) are all on unless `optimisations` turns
 * one off.
 */
export async function rebuildProjections(options: RebuildProjectionsOptions): Promise<RebuildResult[]> {
  const { projections, names, ...rest } = options;
  const byName = new Map(projections.map((p) => [p.name, p]));
  const selected = names
    ? names.map((name) => {
        const projection = byName.get(name);
        if (!projection) throw new Error(`Unknown projection ${name}; known: ${[...byName.keys()].join(', ')}`);
        return projection;
      })
    : [...projections];
  for (const projection of selected) validate(projection);
  if (new Set(selected.map((p) => p.name)).size !== selected.length) {
    throw new Error(`A projection is named twice in ${selected.map((p) => p.name).join(', ')}`);
  }
  const logger = rest.logger ?? silentLogger;
  const queryRunner = rest.dataSource.createQueryRunner();
  await queryRunner.connect();
  const locked: string[] = [];
  try {
    // In name order, so two rebuilds of overlapping sets never wait on each other crosswise.
    for (const name of selected.map((p) => p.name).sort()) {
      await lockRebuild(queryRunner, name, rest.signal, logger);
      locked.push(name);
    }
    return await rebuildLocked(queryRunner, selected, rest, logger);
  } finally {
    for (const name of locked) {
      await queryRunner.query('SELECT pg_advisory_unlock($1, $2)', rebuildLockKey(name)).catch(() => undefined);
    }
    await queryRunner.release();
  }
}

function validate(projection: Projection): void {
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`Projection ${projection.name} needs an integer version >= 1`);
  }
  if (projection.tables.length === 0) {
    throw new RebuildRefusedError(`Projection ${projection.name} lists no tables: nothing to rebuild into`);
  }
  if (projection.tables.includes(REBUILD_STATE_TABLE)) {
    throw new RebuildRefusedError(`${REBUILD_STATE_TABLE} is reserved for the rebuild's own checkpoint`);
  }
}

/** Session-level lock, one rebuild per projection. Waits (abortably) while another rebuild holds it. */
async function lockRebuild(
  queryRunner: QueryRunner,
  name: string,
  signal: AbortSignal | undefined,
  logger: ProjectionLogger,
): Promise<void> {
  const key = rebuildLockKey(name);
  let announced = false;
  for (;;) {
    if (signal?.aborted) throw new RebuildAbortedError(name);
    await queryRunner.startTransaction();
    try {
      await queryRunner.query(`SET LOCAL lock_timeout = 1000`);
      await queryRunner.query('SELECT pg_advisory_lock($1, $2)', key);
      await queryRunner.commitTransaction();
      return;
    } catch (error) {
      await queryRunner.rollbackTransaction();
      if (pgErrorCode(error) !== LOCK_NOT_AVAILABLE) throw error;
      if (!announced) {
        announced = true;
        logger.info({ projection: name }, 'another rebuild of the projection is running; waiting for it');
      }
    }
  }
}

type Options = Omit<RebuildOptions, 'projection'>;

/** What every replay transaction needs besides its target and its events. */
interface ReplayContext {
  readonly now: MonotonicNow;
  /** The log to copy from, or null for `apply` (see `logToCopyFrom`). */
  readonly eventLog: EventLogRelation | null;
  readonly optimisations: RebuildOptimisations;
}

/**
 * The rebuild proper, under the locks: shadow tables for each projection, one replay of the log for all of
 * them, then a swap each.
 */
async function rebuildLocked(
  queryRunner: QueryRunner,
  projections: readonly Projection[],
  options: Options,
  logger: ProjectionLogger,
): Promise<RebuildResult[]> {
  const { store } = options;
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH;
  const optimisations = resolveOptimisations(options.optimisations);
  const now = options.now ?? monotonicNow;
  const context: ReplayContext = { now, eventLog: logToCopyFrom(optimisations, options.eventLog), optimisations };
  const { targets, skipped } = await prepareTargets(queryRunner, projections, options, optimisations, logger);
  const results = new Map(skipped.map((result) => [result.projection, result]));
  if (targets.length === 0) return projections.map((p) => results.get(p.name)!);

  // The shared reader starts at the checkpoint furthest behind; each projection skips what it already has.
  const earliest = targets.reduce((a, b) => (comparePositions(b.state.position, a.state.position) < 0 ? b : a));
  const progress = progressReporter(targets, earliest.state.eventsReplayed, options.onProgress, now);
  if (options.onProgress) {
    progress.report('counting');
    const head = await store.headPosition();
    const count = options.countEvents ?? ((after, upTo) => countEvents(store, after, upTo, options.signal));
    progress.total = earliest.state.eventsReplayed + (await count(earliest.state.position, head));
  }

  progress.report('replaying');
  // Each projection applies a page in its own transaction and moves only its own shadow checkpoint, so a
  // failure leaves the others where they got to and a resumed rebuild continues each one.
  await replayLog(store, batchSize, {
    after: earliest.state.position,
    untilShortPage: true,
    readAhead: optimisations.readAhead,
    signal: options.signal,
    abortedName: targets.map((t) => t.projection.name).join(', '),
    applyPage: async (events) => {
      await forEachTarget(targets, optimisations, (target) => replayCommitted(options.dataSource.manager, target, events, context));
      progress.done += events.length;
      progress.report('replaying');
    },
  });

  await Promise.all(targets.map((target) => buildDeferredIndexes(options.dataSource, target, logger)));

  for (const target of targets) {
    const swapping = () => progress.report('swapping', target);
    results.set(target.projection.name, await swapWithRetries(queryRunner, options, context, target, logger, swapping));
    progress.report('done', target);
  }
  return projections.map((p) => results.get(p.name)!);
}

/**
 * A target with shadow tables for each projection to rebuild (made afresh, or an interrupted rebuild's
 * resumed), and the result of each that `skipIfCurrent` skips.
 */
async function prepareTargets(
  queryRunner: QueryRunner,
  projections: readonly Projection[],
  options: Options,
  optimisations: RebuildOptimisations,
  logger: ProjectionLogger,
): Promise<{ targets: Target[]; skipped: RebuildResult[] }> {
  const targets: Target[] = [];
  const skipped: RebuildResult[] = [];
  for (const projection of projections) {
    const schema = shadowSchemaName(projection.name);
    const live = await ensureCheckpoint(queryRunner, projection.name);
    if (options.skipIfCurrent && live.version === projection.version) {
      skipped.push({
        projection: projection.name,
        version: live.version,
        previousVersion: live.version,
        position: live.position,
        eventsReplayed: 0,
        eventsApplied: 0,
        resumed: false,
        skipped: true,
        applySeconds: 0,
      });
      continue;
    }
    await refuseUnsupported(queryRunner, projection);
    const resumedState = options.resume === false ? null : await resumableState(queryRunner, schema, projection, logger);
    const state = resumedState ?? (await createShadow(queryRunner, schema, projection, optimisations));
    logger.info(
      { projection: projection.name, version: projection.version, schema, resumedAt: resumedState ? state.position : null },
      resumedState ? 'resuming the rebuild' : 'rebuilding into shadow tables',
    );
    targets.push({ projection, schema, previousVersion: live.version, resumed: resumedState !== null, state, applyMs: 0 });
  }
  return { targets, skipped };
}

/**
 * Progress of a rebuild: one line for the shared replay (a terminal redraws it in place, so it stays short),
 * then one per swap. `done` counts the events the replay has read, `total` is set once counted.
 */
function progressReporter(
  targets: readonly Target[],
  doneAtStart: number,
  onProgress: ((progress: RebuildProgress) => void) | undefined,
  now: MonotonicNow,
) {
  const label = targets.length === 1 ? targets[0]!.projection.name : `${targets.length} projections`;
  const labelVersion = Math.max(...targets.map((t) => t.projection.version));
  const started = now();
  const progress = {
    done: doneAtStart,
    total: null as number | null,
    report(phase: RebuildProgress['phase'], target?: Target): void {
      if (!onProgress) return;
      const elapsedSeconds = (now() - started) / 1000;
      const eventsDone = target ? target.state.eventsReplayed : progress.done;
      const eventsPerSecond = elapsedSeconds > 0 ? (progress.done - doneAtStart) / elapsedSeconds : 0;
      const eventsTotal = progress.total === null ? null : Math.max(progress.total, eventsDone);
      const etaSeconds =
        phase === 'done'
          ? 0
          : eventsTotal !== null && eventsPerSecond > 0
            ? (eventsTotal - eventsDone) / eventsPerSecond
            : null;
      onProgress({
        projection: target ? target.projection.name : label,
        version: target ? target.projection.version : labelVersion,
        phase,
        eventsDone,
        eventsTotal,
        eventsPerSecond,
        etaSeconds,
        elapsedSeconds,
      });
    },
  };
  return progress;
}

/** One pass of the replay loop over the log. */
interface ReplayPass {
  /** Reads the events after this position. */
  readonly after: Position | null;
  /** Applies one page of events (every event read, handled or not). */
  readonly applyPage: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Stop after a page shorter than a batch (the head as that read saw it); otherwise only at an empty page. */
  readonly untilShortPage: boolean;
  /** Read the next page while this one is applied (`RebuildOptimisations.readAhead`). */
  readonly readAhead: boolean;
  /** Checked before each page; the swap's tail has none (a swap, once begun, commits or rolls back whole). */
  readonly signal: AbortSignal | undefined;
  /** Who the `RebuildAbortedError` names. */
  readonly abortedName: string;
}

/**
 * The replay loop, the one place where a rebuild reads the log and applies it. The replay, the catch-up after
 * a swap that timed out and the swap's tail are passes of it.
 */
async function replayLog(store: EventStore, batchSize: number, pass: ReplayPass): Promise<void> {
  let after = pass.after;
  let ahead: Promise<ReadAllResult> | null = null;
  for (;;) {
    if (pass.signal?.aborted) throw new RebuildAbortedError(pass.abortedName);
    const { events } = await (ahead ?? readPage(store, after, batchSize));
    ahead = null;
    if (events.length === 0) return;
    const more = !pass.untilShortPage || events.length >= batchSize;
    after = events[events.length - 1]!.position;
    if (more && pass.readAhead) ahead = readPage(store, after, batchSize);
    await pass.applyPage(events);
    if (!more) return;
  }
}

function readPage(store: EventStore, after: Position | null, limit: number): Promise<ReadAllResult> {
  const page = store.readAll({ after, limit });
  page.catch(() => undefined); // awaited by the loop, or abandoned when the rebuild stops first
  return page;
}

/** Applies a page to one target in a transaction of its own; the advanced state is kept once it commits. */
async function replayCommitted(
  manager: EntityManager,
  target: Target,
  events: readonly RecordedEvent[],
  context: ReplayContext,
): Promise<void> {
  const next: ShadowState = { ...target.state };
  const spent = await manager.transaction(async (tx) => {
    await tx.query(replaySettings(target.schema, LIVE_SCHEMA, context.optimisations));
    return replayInto(tx, target.schema, target.projection, next, events, context);
  });
  target.state = next;
  target.applyMs += spent;
}

/** Swaps one projection in; a swap that times out waiting for readers catches up and retries. */
async function swapWithRetries(
  queryRunner: QueryRunner,
  options: Options,
  context: ReplayContext,
  target: Target,
  logger: ProjectionLogger,
  swapping: () => void,
): Promise<RebuildResult> {
  const { projection, schema } = target;
  const { store } = options;
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH;
  const attempts = options.swapAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new RebuildAbortedError(projection.name);
    swapping();
    try {
      const result = await swap(queryRunner, { ...options, projection }, context, target);
      logger.info(
        { projection: projection.name, version: projection.version, position: result.position, events: result.eventsReplayed },
        'rebuild swapped in',
      );
      return result;
    } catch (error) {
      if (error instanceof RebuildRefusedError) {
        await dropShadow(queryRunner, schema);
        throw error;
      }
      if (pgErrorCode(error) !== LOCK_NOT_AVAILABLE || attempt >= attempts) throw error;
      const delay = backoffDelay(attempt);
      logger.warn(
        { projection: projection.name, attempt, retryInMs: delay, err: describeError(error) },
        'rebuild swap timed out waiting for readers; catching up and retrying',
      );
      await pause(delay, options.signal);
      // The rolled-back swap may have applied a tail: reload the shadow checkpoint, then catch up outside
      // the swap so that the next attempt's tail is short.
      target.state = (await loadShadowState(queryRunner, schema)) ?? target.state;
      await replayLog(store, batchSize, {
        after: target.state.position,
        untilShortPage: true,
        readAhead: false,
        signal: options.signal,
        abortedName: projection.name,
        applyPage: (events) => replayCommitted(queryRunner.manager, target, events, context),
      });
    }
  }
}

/**
 * Applies events into the shadow tables and moves the shadow checkpoint (the caller has set search_path),
 * advancing `state`, a copy the caller keeps only once its transaction commits.
 */
async function replayInto(
  tx: EntityManager,
  schema: string,
  projection: Projection,
  state: ShadowState,
  events: readonly RecordedEvent[],
  context: ReplayContext,
): Promise<number> {
  const fresh = events.filter((event) => comparePositions(event.position, state.position) > 0);
  const last = fresh[fresh.length - 1];
  if (!last) return 0;
  const handled = eventFilter(projection)(fresh);
  const moved = rowsOf<{ version: number }>(
    await tx.query(
      `UPDATE ${ident(schema)}.${REBUILD_STATE_TABLE}
          SET position = $1, events_replayed = events_replayed + $2, events_applied = events_applied + $3,
              updated_at = now()
        WHERE position IS NOT DISTINCT FROM $4
        RETURNING version`,
      [last.position, fresh.length, handled.length, state.position],
    ),
  );
  if (moved.length !== 1) throw new Error(`The shadow checkpoint of ${projection.name} moved under its rebuild`);
  const started = context.now();
  if (handled.length > 0) await applyBatch(projection, handled, tx, context.eventLog);
  state.position = last.position;
  state.eventsReplayed += fresh.length;
  state.eventsApplied += handled.length;
  return context.now() - started;
}

async function swap(
  queryRunner: QueryRunner,
  options: RebuildOptions,
  context: ReplayContext,
  target: Target,
): Promise<RebuildResult> {
  const { projection, store } = options;
  const { schema, previousVersion, resumed } = target;
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH;
  const tables = projection.tables;
  const shadow = ident(schema);
  const working: ShadowState = { ...target.state };
  let tailMs = 0;
  await queryRunner.manager.transaction(async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.swapLockTimeoutMs ?? 10_000))}`);
    // First the live checkpoint row: from here on no runner can commit a batch of this projection.
    const [liveRow] = rowsOf<{ position: string | null; version: number; status: CheckpointStatus }>(
      await tx.query(
        `SELECT position, version, status FROM ${LIVE_SCHEMA}.projection_checkpoints WHERE name = $1 FOR UPDATE`,
        [projection.name],
      ),
    );
    if (!liveRow) throw new Error(`Checkpoint row of ${projection.name} vanished`);

    // The tail that arrived since the last replay batch.
    await tx.query(`SET LOCAL search_path TO ${shadow}, ${LIVE_SCHEMA}`);
    await replayLog(store, batchSize, {
      after: working.position,
      untilShortPage: false,
      readAhead: false,
      signal: undefined,
      abortedName: projection.name,
      applyPage: async (events) => {
        tailMs += await replayInto(tx, schema, projection, working, events, context);
      },
    });
    if (comparePositions(working.position, liveRow.position) < 0) {
      throw new Error(`Rebuild of ${projection.name} ended behind the live checkpoint`);
    }

    await tx.query(CATALOG_SEARCH_PATH);
    const differences = shapeDifferences(
      await readShape(tx, LIVE_SCHEMA, tables),
      await readShape(tx, schema, tables),
    );
    if (differences.length > 0) {
      throw new RebuildRefusedError(
        `The live tables of ${projection.name} changed during the rebuild (${differences.join('; ')}); rebuild again`,
      );
    }

    // Serial columns: the shadow's defaults use the live sequences; keep them when the live tables go.
    const sequences = rowsOf<{ sequence: string; table_name: string; column_name: string }>(
      await tx.query(
        `SELECT s.oid::regclass::text AS sequence, c.relname AS table_name, a.attname AS column_name
           FROM pg_depend d
           JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
           JOIN pg_class c ON c.oid = d.refobjid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
            AND n.nspname = $1 AND c.relname = ANY($2::text[])`,
        [LIVE_SCHEMA, [...tables]],
      ),
    );
    for (const s of sequences) await tx.query(`ALTER SEQUENCE ${s.sequence} OWNED BY NONE`);

    await tx.query(`DROP TABLE ${tables.map((t) => `${LIVE_SCHEMA}.${ident(t)}`).join(', ')}`);
    for (const table of tables) await tx.query(`ALTER TABLE ${shadow}.${ident(table)} SET SCHEMA ${LIVE_SCHEMA}`);
    for (const s of sequences) {
      await tx.query(
        `ALTER SEQUENCE ${s.sequence} OWNED BY ${LIVE_SCHEMA}.${ident(s.table_name)}.${ident(s.column_name)}`,
      );
    }

    await tx.query(
      `UPDATE ${LIVE_SCHEMA}.projection_checkpoints
          SET version = $2, position = $3, events_applied = $4, status = $5, last_error = NULL, updated_at = now()
        WHERE name = $1`,
      [
        projection.name,
        projection.version,
        working.position,
        working.eventsApplied,
        statusAfterSwap(liveRow, projection.version),
      ],
    );
    await announceCheckpoint(tx, { name: projection.name, version: projection.version, position: working.position });
    await tx.query(`DROP SCHEMA ${shadow} CASCADE`);
  });
  target.state = working;
  target.applyMs += tailMs;
  return {
    projection: projection.name,
    version: projection.version,
    previousVersion,
    position: working.position,
    eventsReplayed: working.eventsReplayed,
    eventsApplied: working.eventsApplied,
    resumed,
    skipped: false,
    applySeconds: target.applyMs / 1000,
  };
}

/**
 * The live row's status after a swap: a runner that was rebuilding (or failing) goes on catching up; a
 * runner of the old version can no longer write (its compare-and-set checks the version), so unless the
 * version stayed the same nobody applies events until a runner of the new version takes over.
 */
function statusAfterSwap(live: { version: number; status: CheckpointStatus }, version: number): CheckpointStatus {
  if (live.status === 'rebuilding') return 'catching_up';
  if (live.version !== version || live.status === 'new') return 'stopped';
  if (live.status === 'failing') return 'catching_up';
  return live.status;
}

/** Refuses table set-ups a swap cannot carry over faithfully. */
async function refuseUnsupported(q: Queryable, projection: Projection): Promise<void> {
  const tables = [...projection.tables];
  const missing = rowsOf<{ table_name: string }>(
    await q.query(
      `SELECT t AS table_name FROM unnest($1::text[]) AS t
        WHERE to_regclass(quote_ident($2) || '.' || quote_ident(t)) IS NULL`,
      [tables, LIVE_SCHEMA],
    ),
  );
  if (missing.length > 0) {
    throw new RebuildRefusedError(
      `Tables of ${projection.name} missing in ${LIVE_SCHEMA}: ${missing.map((m) => m.table_name).join(', ')} (run the migrations)`,
    );
  }
  const problems = rowsOf<{ problem: string }>(
    await q.query(
      `WITH own AS (
         SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $2 AND c.relname = ANY($1::text[])
       )
       SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass AS problem
         FROM pg_trigger t WHERE t.tgrelid IN (SELECT oid FROM own) AND NOT t.tgisinternal
       UNION ALL
       SELECT 'row-level security on ' || c.oid::regclass FROM pg_class c
        WHERE c.oid IN (SELECT oid FROM own) AND c.relrowsecurity
       UNION ALL
       SELECT 'foreign key ' || con.conname || ' from ' || con.conrelid::regclass || ' to ' || con.confrelid::regclass
         FROM pg_constraint con
        WHERE con.contype = 'f'
          AND ((con.confrelid IN (SELECT oid FROM own)) <> (con.conrelid IN (SELECT oid FROM own)))
       UNION ALL
       SELECT DISTINCT 'view ' || v.oid::regclass || ' reads ' || d.refobjid::regclass
         FROM pg_depend d
         JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
         JOIN pg_class v ON v.oid = r.ev_class
        WHERE d.refobjid IN (SELECT oid FROM own) AND v.oid NOT IN (SELECT oid FROM own)`,
      [tables, LIVE_SCHEMA],
    ),
  );
  if (problems.length > 0) {
    throw new RebuildRefusedError(
      `Cannot rebuild ${projection.name} by swapping tables: ${problems.map((p) => p.problem).join('; ')}`,
    );
  }
}

/** Creates the shadow schema: the live tables' shape under the live names, plus the rebuild checkpoint. */
async function createShadow(
  queryRunner: QueryRunner,
  schema: string,
  projection: Projection,
  optimisations: RebuildOptimisations,
): Promise<ShadowState> {
  const tables = projection.tables;
  const shadow = ident(schema);
  let deferred: DeferredObject[] = [];
  await queryRunner.manager.transaction(async (tx) => {
    await tx.query(CATALOG_SEARCH_PATH);
    await tx.query(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`);
    await tx.query(`CREATE SCHEMA ${shadow}`);
    for (const table of tables) {
      await tx.query(`CREATE TABLE ${shadow}.${ident(table)} (LIKE ${LIVE_SCHEMA}.${ident(table)} INCLUDING ALL)`);
    }
    // LIKE copies neither foreign keys nor grants. Keys between the projection's own tables point at the copies.
    const foreignKeys = rowsOf<{ table_name: string; conname: string; def: string }>(
      await tx.query(
        `SELECT c.relname AS table_name, con.conname, pg_get_constraintdef(con.oid) AS def
           FROM pg_constraint con
           JOIN pg_class c ON c.oid = con.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE con.contype = 'f' AND n.nspname = $1 AND c.relname = ANY($2::text[])`,
        [LIVE_SCHEMA, [...tables]],
      ),
    );
    for (const fk of foreignKeys) {
      const def = fk.def.replace(`REFERENCES ${LIVE_SCHEMA}.`, `REFERENCES ${shadow}.`);
      await tx.query(`ALTER TABLE ${shadow}.${ident(fk.table_name)} ADD CONSTRAINT ${ident(fk.conname)} ${def}`);
    }
    const grants = rowsOf<{ table_name: string; privilege: string; grantee: string; grantable: boolean }>(
      await tx.query(
        `SELECT c.relname AS table_name, a.privilege_type AS privilege, a.is_grantable AS grantable,
                CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND a.grantee <> c.relowner`,
        [LIVE_SCHEMA, [...tables]],
      ),
    );
    for (const g of grants) {
      await tx.query(
        `GRANT ${g.privilege} ON ${shadow}.${ident(g.table_name)} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
      );
    }

    // Give copied indexes and constraints the live names (matched by definition), so the table that is
    // swapped in answers to the names later migrations use. Two steps, so no rename collides with a name
    // another copied object still has.
    const liveShape = await readShape(tx, LIVE_SCHEMA, tables);
    const renames = renamesToLiveNames(liveShape, await readShape(tx, schema, tables));
    const rename = async (r: { table: string; kind: 'index' | 'constraint'; from: string; to: string }) =>
      r.kind === 'index'
        ? tx.query(`ALTER INDEX ${shadow}.${ident(r.from)} RENAME TO ${ident(r.to)}`)
        : tx.query(`ALTER TABLE ${shadow}.${ident(r.table)} RENAME CONSTRAINT ${ident(r.from)} TO ${ident(r.to)}`);
    const staged = renames.map((r, i) => ({ ...r, staging: `_rebuild_rename_${i}` }));
    for (const r of staged) await rename({ ...r, to: r.staging });
    for (const r of staged) await rename({ ...r, from: r.staging });
    const differences = shapeDifferences(liveShape, await readShape(tx, schema, tables));
    if (differences.length > 0) {
      throw new RebuildRefusedError(`Cannot copy the tables of ${projection.name}: ${differences.join('; ')}`);
    }
    if (projection.rebuildIndexesAfterReplay && optimisations.deferIndexes) deferred = await dropDeferrable(tx, schema, tables);

    await tx.query(
      `CREATE TABLE ${shadow}.${REBUILD_STATE_TABLE} (
         projection text NOT NULL,
         version integer NOT NULL,
         position text NULL,
         events_replayed bigint NOT NULL DEFAULT 0,
         events_applied bigint NOT NULL DEFAULT 0,
         deferred jsonb NOT NULL DEFAULT '[]',
         started_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await tx.query(`INSERT INTO ${shadow}.${REBUILD_STATE_TABLE} (projection, version, deferred) VALUES ($1, $2, $3)`, [
      projection.name,
      projection.version,
      JSON.stringify(deferred),
    ]);
  });
  return { version: projection.version, position: null, eventsReplayed: 0, eventsApplied: 0, deferred };
}

async function loadShadowState(q: Queryable, schema: string): Promise<ShadowState | null> {
  const [exists] = rowsOf<{ found: boolean }>(
    await q.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [`${ident(schema)}.${REBUILD_STATE_TABLE}`]),
  );
  if (!exists?.found) return null;
  // to_jsonb: a shadow left by an older build has no `deferred` column (and nothing deferred).
  const [row] = rowsOf<{ version: number; position: string | null; events_replayed: string; events_applied: string; deferred: string | null }>(
    await q.query(
      `SELECT version, position, events_replayed, events_applied, (to_jsonb(s) -> 'deferred')::text AS deferred
         FROM ${ident(schema)}.${REBUILD_STATE_TABLE} s`,
    ),
  );
  if (!row) return null;
  return {
    version: row.version,
    position: row.position,
    eventsReplayed: Number(row.events_replayed),
    eventsApplied: Number(row.events_applied),
    deferred: row.deferred === null ? [] : (JSON.parse(row.deferred) as DeferredObject[]),
  };
}

/** The state of an interrupted rebuild worth continuing: same version, shadow still shaped like the live tables. */
async function resumableState(
  queryRunner: QueryRunner,
  schema: string,
  projection: Projection,
  logger: ProjectionLogger,
): Promise<ShadowState | null> {
  const state = await loadShadowState(queryRunner, schema);
  if (!state) return null;
  let differences: string[] = [];
  if (state.version === projection.version) {
    differences = await queryRunner.manager.transaction(async (tx) => {
      await tx.query(CATALOG_SEARCH_PATH);
      return shapeDifferences(
        withoutDeferred(await readShape(tx, LIVE_SCHEMA, projection.tables), state.deferred),
        await readShape(tx, schema, projection.tables),
      );
    });
    if (differences.length === 0) return state;
  }
  logger.info(
    { projection: projection.name, shadowVersion: state.version, differences },
    'discarding the shadow tables of an earlier rebuild',
  );
  return null;
}

/** Builds what the replay left out of a target's shadow tables, once; the swap then finds the full shape. */
async function buildDeferredIndexes(dataSource: DataSource, target: Target, logger: ProjectionLogger): Promise<void> {
  const { projection, schema } = target;
  const { deferred } = target.state;
  if (deferred.length === 0) return;
  logger.info({ projection: projection.name, objects: deferred.map((d) => d.name) }, 'building the indexes left out of the replay');
  await dataSource.transaction(async (tx) => {
    await buildDeferred(tx, projection.name, deferred);
    await tx.query(`UPDATE ${ident(schema)}.${REBUILD_STATE_TABLE} SET deferred = '[]', updated_at = now()`);
  });
  target.state = { ...target.state, deferred: [] };
}

async function dropShadow(q: Queryable, schema: string): Promise<void> {
  await q.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`).catch(() => undefined);
}

/** Counts events after `after` up to and including `upTo`, reading them in pages. */
async function countEvents(
  store: EventStore,
  after: Position | null,
  upTo: Position | null,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (upTo === null) return 0;
  let count = 0;
  let cursor = after;
  while (comparePositions(cursor, upTo) < 0) {
    if (signal?.aborted) break;
    const page = await store.readAll({ after: cursor, limit: 5_000 });
    if (page.events.length === 0) break;
    for (const event of page.events) if (comparePositions(event.position, upTo) <= 0) count += 1;
    cursor = page.position;
  }
  return count;
}
