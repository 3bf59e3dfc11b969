import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { comparePositions } from '#eventstore';
import type { EventLogRelation, EventStore, Position, RecordedEvent } from '#eventstore';
import { applyBatch, type Projection } from '../projection.js';
import type { CheckpointStatus } from '../read-models/projection-checkpoint.entity.js';
import {
  announceCheckpoint,
  compareAndSetCheckpoint,
  ensureCheckpoint,
  runnerLockKey,
  setCheckpointStatus,
} from './checkpoints.js';
import { eventFilter } from './handles.js';
import type { LiveFeed } from './live-feed.js';
import { describeError } from './logger.js';
import type { CheckpointNotice } from './checkpoints.js';
import type { ProjectionLogger } from './logger.js';
import { isConnectionLoss, LOCK_NOT_AVAILABLE, openSession, pgErrorCode } from './pg-connection.js';
import { aborted, backoffDelay, pause } from './timing.js';
import type { BackoffOptions, MonotonicNow } from './timing.js';

/**
 * What this process's worker for a projection is doing:
 * - `starting`: not yet tried the lock;
 * - `standby`: another runner holds the projection's lock; this one waits to take over;
 * - `active`: holds the lock and applies events;
 * - `rebuilding`: holds the lock and rebuilds the projection (stored version older than the code's);
 * - `superseded`: the stored version is newer than this code's: it leaves the projection to newer runners;
 * - `stopped`.
 */
export type WorkerRole = 'starting' | 'standby' | 'active' | 'rebuilding' | 'superseded' | 'stopped';

/** Published after each committed batch (metrics, read-your-writes). */
export interface CheckpointAdvanced {
  readonly projection: string;
  readonly version: number;
  readonly position: Position;
  /** Events read in the batch (the checkpoint moved past all of them). */
  readonly events: number;
  /** Of those, events the projection handles (handed to `apply`). */
  readonly applied: number;
  readonly phase: 'catching_up' | 'live';
  readonly durationMs: number;
}

/** Published when a batch (or a rebuild) fails; the worker retries after `retryInMs`. */
export interface ProjectionFailure {
  readonly projection: string;
  readonly version: number;
  readonly error: unknown;
  readonly attempt: number;
  readonly retryInMs: number;
}

export interface WorkerContext {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly eventLog: EventLogRelation | null;
  readonly logger: ProjectionLogger;
  readonly batchSize: number;
  readonly standbyRetryMs: number;
  readonly retry: BackoffOptions;
  /** Backoff while the database cannot be reached (kept short: the worker should resume soon after it is back). */
  readonly reconnect: BackoffOptions;
  readonly now: MonotonicNow;
  readonly lockSession: pg.ClientConfig;
  /** The runner's shared live subscription. */
  readonly feed: LiveFeed;
  /** Sends a checkpoint notice outside any transaction (the runner sends those of one moment together). */
  announce(notice: CheckpointNotice): Promise<void>;
  /**
   * How long a checkpoint moved only by events the projection does not handle may stay in memory before it is
   * stored (it is announced at once; the next batch with handled events stores it anyway).
   */
  readonly idleCheckpointMs: number;
  rebuild(projection: Projection, signal: AbortSignal): Promise<void>;
  advanced(event: CheckpointAdvanced): void;
  failed(event: ProjectionFailure): void;
}

/** The checkpoint moved under this runner (another runner, a rebuild's swap): reload and go on from there. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
  constructor(
    readonly projection: string,
    readonly expected: Position | null,
  ) {
    super(`Checkpoint of ${projection} is no longer at ${expected ?? 'the start'}`);
  }
}

type LeadOutcome = 'stopped' | 'lost' | 'superseded';

/** While the database stays away, every attempt is not worth a line: the first, then every 30th. */
function worthReporting(attempt: number): boolean {
  return attempt === 1 || attempt % 30 === 0;
}

/**
 * Runs one projection: waits for its advisory lock (one active runner per projection across processes),
 * then catches up from the checkpoint and follows the store live. Failures stay inside the worker.
 */
export class ProjectionWorker {
  role: WorkerRole = 'starting';
  lastError: string | null = null;

  private readonly projection: Projection;
  private readonly context: WorkerContext;
  private readonly handled: (events: readonly RecordedEvent[]) => RecordedEvent[];
  private readonly stopping = new AbortController();
  private lock: pg.Client | null = null;
  private session: AbortController | null = null;
  private loop: Promise<void> | null = null;
  /** Where this worker has got to: every event up to here is applied or was not for this projection. */
  private position: Position | null = null;
  /** The checkpoint as stored (the CAS's expected value): `position`, or behind it by events not handled. */
  private stored: Position | null = null;
  /** Status to store with a lazily stored checkpoint. */
  private unstoredPhase: 'catching_up' | 'live' = 'live';
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set when storing a lazy checkpoint found it moved: the worker reloads it. */
  private storedMoved = false;
  private onStoredMoved: (() => void) | null = null;
  /** Batches and lazy checkpoint stores run one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  /** Version of the checkpoint row as last loaded (status updates target that row). */
  private rowVersion = 0;
  private storedStatus: CheckpointStatus | null = null;
  private failures = 0;
  /** Attempts in a row that found the database gone (not failures of the projection). */
  private connectionLosses = 0;
  private supersededBy: number | null = null;

  constructor(projection: Projection, context: WorkerContext) {
    this.projection = projection;
    this.context = context;
    this.handled = eventFilter(projection);
  }

  get name(): string {
    return this.projection.name;
  }

  /** The checkpoint this worker last committed or loaded (null before it was active). */
  get checkpoint(): Position | null {
    return this.position;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in flight, marks the projection stopped and releases the lock. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.session?.abort();
    // A standby is blocked in pg_advisory_lock: ending its session is how to stop waiting.
    if (this.role !== 'active' && this.role !== 'rebuilding') await this.lock?.end().catch(() => undefined);
    await this.loop;
    this.role = 'stopped';
  }

  private get log() {
    return this.context.logger;
  }

  private async run(): Promise<void> {
    const stop = this.stopping.signal;
    while (!stop.aborted) {
      let outcome: LeadOutcome = 'lost';
      let retryInMs: number | null = null;
      try {
        if (!(await this.acquire(stop))) break;
        const session = new AbortController();
        this.session = session;
        if (stop.aborted || !this.lock) session.abort();
        outcome = await this.lead(session.signal);
      } catch (error) {
        // Unexpected (the checkpoint table unreachable, ...): step down, back off, try again.
        if (stop.aborted) break;
        outcome = 'lost';
        retryInMs = await this.fail(error);
      } finally {
        await this.release(stop.aborted ? 'stopped' : outcome);
      }
      if (outcome === 'superseded') await pause(this.context.standbyRetryMs, stop);
      else if (outcome === 'lost') await pause(retryInMs ?? backoffDelay(this.failures || 1, this.context.retry), stop);
    }
  }

  /** Blocks until this worker holds the projection's advisory lock (true) or is stopped (false). */
  private async acquire(stop: AbortSignal): Promise<boolean> {
    const [classId, objectId] = runnerLockKey(this.name);
    let connectAttempts = 0;
    let announced = false;
    while (!stop.aborted) {
      try {
        const lock = this.lock ?? (await this.openLockSession());
        const [tried] = (await lock.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [classId, objectId]))
          .rows as { locked: boolean }[];
        if (tried?.locked) return this.acquired(announced, connectAttempts);
        if (!announced) {
          announced = true;
          this.role = 'standby';
          this.log.info({ projection: this.name }, 'another runner holds the projection; standing by');
        }
        if (stop.aborted) return false;
        // Woken the moment the holder releases; lock_timeout turns the wait into a periodic health check.
        await lock.query('SELECT pg_advisory_lock($1, $2)', [classId, objectId]);
        return this.acquired(announced, connectAttempts);
      } catch (error) {
        if (stop.aborted) return false;
        if (pgErrorCode(error) === LOCK_NOT_AVAILABLE) continue; // lock_timeout: still held elsewhere
        connectAttempts += 1;
        const delay = backoffDelay(connectAttempts, this.context.reconnect);
        if (worthReporting(connectAttempts)) {
          this.log.warn(
            { projection: this.name, err: describeError(error), attempt: connectAttempts, retryInMs: delay },
            'could not reach the database for the projection lock; retrying',
          );
        }
        await this.dropLockSession();
        await pause(delay, stop);
      }
    }
    return false;
  }

  private acquired(afterStandby: boolean, failedAttempts: number): boolean {
    if (failedAttempts > 0 || this.connectionLosses > 0) {
      this.log.info({ projection: this.name, attempts: failedAttempts + this.connectionLosses }, 'reached the database again');
    }
    this.connectionLosses = 0;
    if (this.supersededBy === null) {
      this.log.info({ projection: this.name }, afterStandby ? 'took over the projection' : 'running the projection');
    }
    this.role = 'active';
    return true;
  }

  private async openLockSession(): Promise<pg.Client> {
    // The session can be lost before openSession resolves; `opened` is null until then.
    let opened: pg.Client | null = null;
    const client = await openSession(this.context.lockSession, (error) => {
      if (opened === null || this.lock !== opened) return;
      this.lock = null;
      if (this.role === 'active' || this.role === 'rebuilding') {
        this.log.warn(
          { projection: this.name, err: error ? describeError(error) : null },
          'lost the projection lock session; stepping down',
        );
      }
      this.session?.abort();
    });
    opened = client;
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(this.context.standbyRetryMs))}`);
    this.lock = client;
    return client;
  }

  private async dropLockSession(): Promise<void> {
    const lock = this.lock;
    this.lock = null;
    await lock?.end().catch(() => undefined);
  }

  /** Gives the projection up: records a graceful stop, then ends the lock session (which releases the lock). */
  private async release(outcome: LeadOutcome): Promise<void> {
    this.session = null;
    const wasLeading = this.role === 'active' || this.role === 'rebuilding';
    if (outcome === 'stopped' && wasLeading && this.lock && this.storedStatus !== null) {
      await setCheckpointStatus(this.context.dataSource, this.name, this.rowVersion, 'stopped').catch(
        (error: unknown) => {
          this.log.warn({ projection: this.name, err: describeError(error) }, 'could not record the stop');
        },
      );
    }
    if (outcome === 'superseded') this.role = 'superseded';
    else if (wasLeading) this.role = 'standby';
    this.storedStatus = null;
    await this.dropLockSession();
  }

  /** The active part: load the checkpoint, rebuild when outdated, catch up, follow live. */
  private async lead(signal: AbortSignal): Promise<LeadOutcome> {
    const { dataSource } = this.context;
    const version = this.projection.version;
    while (!signal.aborted) {
      const checkpoint = await ensureCheckpoint(dataSource, this.name);
      this.rowVersion = checkpoint.version;
      this.storedStatus = checkpoint.status;
      if (checkpoint.version > version) {
        if (this.supersededBy !== checkpoint.version) {
          this.log.warn(
            { projection: this.name, version, storedVersion: checkpoint.version },
            'the projection was built by a newer version; leaving it to newer runners',
          );
        }
        this.supersededBy = checkpoint.version;
        return 'superseded';
      }
      this.supersededBy = null;
      if (checkpoint.version < version) {
        this.role = 'rebuilding';
        this.log.info(
          { projection: this.name, version, storedVersion: checkpoint.version },
          checkpoint.version === 0 ? 'building the projection' : 'rebuilding the projection for a new version',
        );
        try {
          await setCheckpointStatus(dataSource, this.name, checkpoint.version, 'rebuilding');
          this.storedStatus = 'rebuilding';
          await this.context.rebuild(this.projection, signal);
        } catch (error) {
          if (signal.aborted) break;
          await pause(await this.fail(error), signal);
        }
        this.role = 'active';
        continue;
      }
      this.position = checkpoint.position;
      this.stored = checkpoint.position;
      this.storedMoved = false;
      try {
        await this.catchUp(signal);
        if (signal.aborted) break;
        await this.follow(signal);
      } catch (error) {
        if (error instanceof CheckpointMismatchError) {
          this.log.info({ projection: this.name, expected: error.expected }, 'checkpoint moved; reloading it');
          continue;
        }
        if (signal.aborted) break;
        await pause(await this.fail(error), signal);
      }
    }
    return this.stopping.signal.aborted ? 'stopped' : 'lost';
  }

  private async catchUp(signal: AbortSignal, phase: 'catching_up' | 'live' = 'catching_up'): Promise<void> {
    const { store, batchSize } = this.context;
    while (!signal.aborted) {
      const page = await store.readAll({ after: this.position, limit: batchSize });
      if (page.events.length === 0) return;
      await this.applyBatch(page.events, phase);
      if (page.events.length < batchSize) return;
    }
  }

  /** Live: takes batches from the runner's shared feed, reading the store itself when it is behind the feed. */
  private async follow(signal: AbortSignal): Promise<void> {
    if (this.storedMoved) throw new CheckpointMismatchError(this.name, this.stored);
    if (this.storedStatus !== 'live' && this.storedStatus !== 'failing') {
      await setCheckpointStatus(this.context.dataSource, this.name, this.projection.version, 'live');
      this.storedStatus = 'live';
    }
    const { feed, batchSize } = this.context;
    feed.start(this.position);
    const moved = new Promise<'moved'>((resolve) => {
      this.onStoredMoved = () => resolve('moved');
    });
    const stopping = aborted(signal).then(() => 'stopped' as const);
    try {
      while (!signal.aborted) {
        const events = feed.take(this.position, batchSize);
        if (events === null) {
          await this.catchUp(signal, 'live');
          continue;
        }
        if (events.length > 0) {
          // Awaited: a graceful stop never abandons a batch half way.
          await this.applyBatch(events, 'live');
          continue;
        }
        if ((await Promise.race([feed.next(), stopping, moved])) === 'moved') {
          throw new CheckpointMismatchError(this.name, this.stored);
        }
      }
    } finally {
      this.onStoredMoved = null;
      if (signal.aborted) {
        await this.storeIdleCheckpoint().catch((error: unknown) => {
          this.log.warn({ projection: this.name, err: describeError(error) }, 'could not store the checkpoint on stopping');
        });
      }
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Stores a checkpoint that moved only past events this projection does not handle (a transaction with the
   * compare-and-set and the notice, as for any batch). Runs after `idleCheckpointMs`, on stopping, or not at all
   * when a batch with handled events stores it first.
   */
  private storeIdleCheckpoint(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    return this.exclusive(async () => {
      const position = this.position;
      if (position === null || position === this.stored || this.storedMoved) return;
      const { name, version } = this.projection;
      const expected = this.stored;
      const moved = await this.context.dataSource.transaction(async (tx) => {
        const ok = await compareAndSetCheckpoint(tx, {
          name,
          version,
          expected,
          position,
          eventsApplied: 0,
          status: this.unstoredPhase,
        });
        if (ok) await announceCheckpoint(tx, { name, version, position });
        return ok;
      });
      if (moved) {
        this.stored = position;
        this.storedStatus = this.unstoredPhase;
      } else {
        this.storedMoved = true;
        this.onStoredMoved?.();
      }
    });
  }

  private scheduleIdleCheckpoint(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.storeIdleCheckpoint().catch((error: unknown) => {
        // The next batch (or the next timer) tries again; the compare-and-set keeps it safe.
        this.log.warn({ projection: this.name, err: describeError(error) }, 'could not store the checkpoint');
      });
    }, this.context.idleCheckpointMs);
    this.idleTimer.unref();
  }

  /**
   * One batch, one transaction: compare-and-set the checkpoint first, then the projection's writes. A batch
   * with no event for this projection writes nothing: its position is announced at once (so waiters and lag
   * metrics see it) and stored later, by the next batch's compare-and-set or after `idleCheckpointMs`. Losing
   * it in a crash only means reading those events again.
   */
  private applyBatch(events: readonly RecordedEvent[], phase: 'catching_up' | 'live'): Promise<void> {
    return this.exclusive(() => this.applyBatchNow(events, phase));
  }

  private async applyBatchNow(events: readonly RecordedEvent[], phase: 'catching_up' | 'live'): Promise<void> {
    if (this.storedMoved) throw new CheckpointMismatchError(this.name, this.stored);
    const fresh = events.filter((event) => comparePositions(event.position, this.position) > 0);
    const last = fresh[fresh.length - 1];
    if (!last) return;
    const handled = this.handled(fresh);
    const { name, version } = this.projection;
    const started = this.context.now();
    if (handled.length === 0) {
      // Outside any transaction (a NOTIFY needs no transaction id, so no commit to wait for), and together
      // with the other workers' notices for the same events.
      await this.context.announce({ name, version, position: last.position });
      this.position = last.position;
      this.unstoredPhase = phase;
      this.scheduleIdleCheckpoint();
      this.reportBatch(last.position, fresh.length, 0, phase, started);
      return;
    }
    const expected = this.stored;
    await this.context.dataSource.transaction(async (tx) => {
      const moved = await compareAndSetCheckpoint(tx, {
        name,
        version,
        expected,
        position: last.position,
        eventsApplied: handled.length,
        status: phase,
      });
      if (!moved) throw new CheckpointMismatchError(name, expected);
      await applyBatch(this.projection, handled, tx, this.context.eventLog);
      await announceCheckpoint(tx, { name, version, position: last.position });
    });
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.position = last.position;
    this.stored = last.position;
    this.storedStatus = phase;
    this.reportBatch(last.position, fresh.length, handled.length, phase, started);
  }

  private reportBatch(position: Position, events: number, applied: number, phase: 'catching_up' | 'live', started: number): void {
    this.failures = 0;
    this.connectionLosses = 0;
    this.lastError = null;
    this.context.advanced({
      projection: this.projection.name,
      version: this.projection.version,
      position,
      events,
      applied,
      phase,
      durationMs: this.context.now() - started,
    });
  }

  /**
   * Records a failure (status `failing`, `last_error`) outside the rolled-back transaction and reports it; returns
   * how long to wait before trying again. A lost database is no failure of the projection: nothing is recorded
   * (there is nowhere to record it), it is logged once in a while, and the wait stays short.
   */
  private async fail(error: unknown): Promise<number> {
    if (isConnectionLoss(error)) {
      this.connectionLosses += 1;
      const retryInMs = backoffDelay(this.connectionLosses, this.context.reconnect);
      if (worthReporting(this.connectionLosses)) {
        this.log.warn(
          { projection: this.name, err: describeError(error), attempt: this.connectionLosses, retryInMs },
          'lost the database; the projection resumes when it is back',
        );
      }
      this.context.failed({ projection: this.name, version: this.projection.version, error, attempt: this.connectionLosses, retryInMs });
      return retryInMs;
    }
    this.failures += 1;
    this.lastError = describeError(error);
    const retryInMs = backoffDelay(this.failures, this.context.retry);
    this.log.error(
      { projection: this.name, version: this.projection.version, err: this.lastError, attempt: this.failures, retryInMs },
      'projection failed; retrying',
    );
    try {
      await setCheckpointStatus(this.context.dataSource, this.name, this.rowVersion, 'failing', this.lastError);
      this.storedStatus = 'failing';
    } catch (recordError) {
      this.log.warn({ projection: this.name, err: describeError(recordError) }, 'could not record the failure');
    }
    this.context.failed({
      projection: this.name,
      version: this.projection.version,
      error,
      attempt: this.failures,
      retryInMs,
    });
    return retryInMs;
  }
}
