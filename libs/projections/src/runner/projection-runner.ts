import type { DataSource } from 'typeorm';
import { comparePositions } from '#eventstore';
import type { EventLogRelation, EventStore, Position } from '#eventstore';
import type { Projection } from '../projection.js';
import type { CheckpointStatus } from '../read-models/projection-checkpoint.entity.js';
import { CheckpointWaiter } from './checkpoint-waiter.js';
import { CHECKPOINT_CHANNEL, loadCheckpoints } from './checkpoints.js';
import type { CheckpointNotice } from './checkpoints.js';
import { describeError } from './logger.js';
import type { ProjectionLogger } from './logger.js';
import { sessionConfig } from './pg-connection.js';
import { ProjectionWorker } from './projection-worker.js';
import type { CheckpointAdvanced, ProjectionFailure, WorkerRole } from './projection-worker.js';
import { LiveFeed } from './live-feed.js';
import { rebuildProjection } from './rebuild.js';
import type { RebuildProgress } from './rebuild.js';
import { monotonicNow } from './timing.js';
import type { BackoffOptions, MonotonicNow } from './timing.js';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  /** The read-model database (migrations already run). */
  readonly dataSource: DataSource;
  readonly projections: readonly Projection[];
  readonly logger: ProjectionLogger;
  /**
   * The event log as a relation in the read-model database (the Postgres store's, which shares it): live
   * batches and rebuilds of projections with an `applyFromLog` then copy events inside Postgres.
   */
  readonly eventLog?: EventLogRelation | null;
  /** Events per batch transaction, catching up and live. Default 500. */
  readonly batchSize?: number;
  /**
   * How long a standby waits on the lock before re-checking its session (it is woken at once when the
   * holder lets go). Also how often a superseded runner looks again. Default 5 s.
   */
  readonly standbyRetryMs?: number;
  /** Backoff after a failed batch: exponential from `initialDelayMs` (100 ms), capped at `maxDelayMs` (5 s). */
  readonly retry?: BackoffOptions;
  /**
   * Backoff while the database cannot be reached (its lock session, its reads): from 100 ms, capped at 1 s by
   * default, so the projections resume within about a second of the database coming back.
   */
  readonly reconnect?: BackoffOptions;
  readonly rebuild?: {
    /** Events per replay page. Default: `rebuildProjection`'s (2,000). */
    readonly batchSize?: number;
    /** Rebuilds running at once in this runner (each holds one pooled connection). Default 1. */
    readonly maxConcurrent?: number;
    readonly onProgress?: (progress: RebuildProgress) => void;
  };
  /**
   * A batch with no event for a projection stores nothing: its checkpoint is announced at once and stored
   * with the projection's next batch or after this long, whichever comes first. Default 1 s.
   */
  readonly idleCheckpointMs?: number;
  /** Monotonic clock for durations (default `performance.now`). */
  readonly now?: MonotonicNow;
}

export interface ProjectionStatus {
  readonly name: string;
  /** The version this process runs. */
  readonly version: number;
  /** The version the live tables were built by (0: never built; null: no checkpoint row yet). */
  readonly storedVersion: number | null;
  readonly position: Position | null;
  readonly headPosition: Position | null;
  /** The checkpoint is at the store's head (lag: none). */
  readonly caughtUp: boolean;
  /** The shared status in projection_checkpoints ('missing' before the first run). */
  readonly status: CheckpointStatus | 'missing';
  /** What this process's worker is doing. */
  readonly role: WorkerRole;
  readonly lastError: string | null;
  readonly eventsApplied: number;
  readonly updatedAt: Date | null;
}

type Listener<T> = (event: T) => void;

/**
 * Runs projections: one worker per projection, each isolated (its failures, retries and rebuilds never
 * hold up the others). At most one runner per projection is active across all processes (a session advisory
 * lock); the others stand by and take over when it stops. Each batch commits the projection's writes together
 * with a compare-and-set of its checkpoint. See docs/adr/0004-projection-runner.md.
 */
export class ProjectionRunner {
  private readonly options: ProjectionRunnerOptions;
  private readonly workers: ProjectionWorker[];
  private readonly waiter: CheckpointWaiter;
  private readonly feed: LiveFeed;
  private notices: CheckpointNotice[] = [];
  private noticesSent: Promise<void> | null = null;
  private readonly checkpointListeners = new Set<Listener<CheckpointAdvanced>>();
  private readonly failureListeners = new Set<Listener<ProjectionFailure>>();
  private readonly rebuildSlots: { free: number; queue: (() => void)[] };
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';

  constructor(options: ProjectionRunnerOptions) {
    const names = new Set<string>();
    for (const projection of options.projections) {
      if (names.has(projection.name)) throw new Error(`Two projections are named ${projection.name}`);
      names.add(projection.name);
      if (!Number.isInteger(projection.version) || projection.version < 1) {
        throw new Error(`Projection ${projection.name} needs an integer version >= 1`);
      }
      if (projection.tables.length === 0) {
        throw new Error(`Projection ${projection.name} lists no tables (a rebuild needs them)`);
      }
    }
    this.options = options;
    this.waiter = new CheckpointWaiter({ dataSource: options.dataSource, logger: options.logger });
    this.rebuildSlots = { free: Math.max(1, options.rebuild?.maxConcurrent ?? 1), queue: [] };
    const lockSession = sessionConfig(options.dataSource, 'register-projection-lock');
    const batchSize = options.batchSize ?? 500;
    this.feed = new LiveFeed({
      store: options.store,
      logger: options.logger,
      batchSize,
      capacity: 20 * batchSize,
      retry: options.retry ?? {},
    });
    this.workers = options.projections.map(
      (projection) =>
        new ProjectionWorker(projection, {
          store: options.store,
          dataSource: options.dataSource,
          eventLog: options.eventLog ?? null,
          logger: options.logger,
          batchSize,
          standbyRetryMs: options.standbyRetryMs ?? 5_000,
          retry: options.retry ?? {},
          reconnect: options.reconnect ?? { maxDelayMs: 1_000 },
          now: options.now ?? monotonicNow,
          lockSession,
          feed: this.feed,
          announce: (notice) => this.announce(notice),
          idleCheckpointMs: options.idleCheckpointMs ?? 1_000,
          rebuild: (p, signal) => this.rebuild(p, signal),
          advanced: (event) => this.advanced(event),
          failed: (event) => this.failed(event),
        }),
    );
  }

  /** Starts every worker. Resolves once they are launched (not once caught up: use `waitFor`). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`ProjectionRunner cannot start when ${this.state}`);
    // Fail fast, with a clear message, when the migrations have not run.
    await this.options.dataSource.query('SELECT 1 FROM projection_checkpoints LIMIT 0').catch((error: unknown) => {
      throw new Error(`projection_checkpoints is not reachable (run the read-model migrations): ${describeError(error)}`);
    });
    this.state = 'running';
    for (const worker of this.workers) worker.start();
    this.options.logger.info(
      { projections: this.workers.map((w) => w.name) },
      'projection runner started',
    );
  }

  /** Graceful: each worker finishes its batch in flight, records the stop and releases its lock. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    await Promise.all(this.workers.map((worker) => worker.stop()));
    await this.feed.stop();
    await this.waiter.close();
    this.state = 'stopped';
    if (wasRunning) this.options.logger.info({}, 'projection runner stopped');
  }

  /** Per projection: versions, checkpoint against the store's head, shared status and this worker's role. */
  async status(): Promise<ProjectionStatus[]> {
    const [checkpoints, headPosition] = await Promise.all([
      loadCheckpoints(
        this.options.dataSource,
        this.workers.map((w) => w.name),
      ),
      this.options.store.headPosition(),
    ]);
    const byName = new Map(checkpoints.map((c) => [c.name, c]));
    return this.options.projections.map((projection, i) => {
      const checkpoint = byName.get(projection.name);
      const worker = this.workers[i] as ProjectionWorker;
      // An active worker may be ahead of the stored row by events it does not handle (stored lazily).
      const stored = checkpoint?.position ?? null;
      const ahead = worker.role === 'active' && checkpoint?.version === projection.version ? worker.checkpoint : null;
      const position = comparePositions(ahead, stored) > 0 ? ahead : stored;
      return {
        name: projection.name,
        version: projection.version,
        storedVersion: checkpoint?.version ?? null,
        position,
        headPosition,
        caughtUp: comparePositions(position, headPosition) >= 0,
        status: checkpoint?.status ?? 'missing',
        role: worker.role,
        lastError: checkpoint?.lastError ?? worker.lastError,
        eventsApplied: checkpoint?.eventsApplied ?? 0,
        updatedAt: checkpoint?.updatedAt ?? null,
      };
    });
  }

  /**
   * True once every named projection (default: all of this runner's) has applied everything up to
   * `position`, whichever process applied it; false after `timeoutMs`.
   */
  waitFor(position: Position, projectionNames?: readonly string[], timeoutMs = 5_000): Promise<boolean> {
    const names = projectionNames ?? this.workers.map((w) => w.name);
    return this.waiter.waitFor(position, names, timeoutMs);
  }

  /** Called after every committed batch (metrics). Returns the unsubscribe function. */
  onCheckpoint(listener: Listener<CheckpointAdvanced>): () => void {
    this.checkpointListeners.add(listener);
    return () => this.checkpointListeners.delete(listener);
  }

  /** Called after every failed batch or rebuild attempt. Returns the unsubscribe function. */
  onFailure(listener: Listener<ProjectionFailure>): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /**
   * Notices sent outside a transaction (workers with nothing to write for a batch) that arrive in the same
   * turn of the event loop go out in one statement: the shared feed hands every worker the same events at
   * once, so one command's events cost one statement for all the projections they do not concern.
   */
  private announce(notice: CheckpointNotice): Promise<void> {
    this.notices.push(notice);
    this.noticesSent ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const notices = this.notices;
      this.notices = [];
      this.noticesSent = null;
      await this.options.dataSource.query(`SELECT pg_notify($1, notice) FROM unnest($2::text[]) AS notice`, [
        CHECKPOINT_CHANNEL,
        notices.map((n) => JSON.stringify(n)),
      ]);
    });
    return this.noticesSent;
  }

  private advanced(event: CheckpointAdvanced): void {
    this.waiter.observe(event.projection, event.position);
    this.emit(this.checkpointListeners, event);
  }

  private failed(event: ProjectionFailure): void {
    this.emit(this.failureListeners, event);
  }

  private emit<T>(listeners: Set<Listener<T>>, event: T): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn({ err: describeError(error) }, 'a projection runner listener failed');
      }
    }
  }

  /** Rebuilds for the workers, a bounded number at a time (each holds a pooled connection throughout). */
  private async rebuild(projection: Projection, signal: AbortSignal): Promise<void> {
    const slots = this.rebuildSlots;
    if (slots.free > 0) slots.free -= 1;
    else await new Promise<void>((resolve) => slots.queue.push(resolve));
    try {
      if (signal.aborted) return;
      const { logger } = this.options;
      let lastLogged = -Infinity;
      const now = this.options.now ?? monotonicNow;
      await rebuildProjection({
        store: this.options.store,
        dataSource: this.options.dataSource,
        eventLog: this.options.eventLog,
        projection,
        batchSize: this.options.rebuild?.batchSize,
        logger,
        signal,
        now,
        skipIfCurrent: true,
        onProgress: (progress) => {
          this.options.rebuild?.onProgress?.(progress);
          if (progress.phase === 'replaying' && now() - lastLogged < 10_000) return;
          lastLogged = now();
          logger.info({ ...progress }, 'rebuild progress');
        },
      });
    } finally {
      const next = slots.queue.shift();
      if (next) next();
      else slots.free += 1;
    }
  }
}
