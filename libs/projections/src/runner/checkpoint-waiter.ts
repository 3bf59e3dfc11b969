import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { comparePositions } from '#eventstore';
import type { Position } from '#eventstore';
import { CHECKPOINT_CHANNEL, loadCheckpoints } from './checkpoints.js';
import type { CheckpointNotice } from './checkpoints.js';
import { describeError, silentLogger } from './logger.js';
import type { ProjectionLogger } from './logger.js';
import { openSession, sessionConfig } from './pg-connection.js';
import { backoffDelay } from './timing.js';

export interface CheckpointWaiterOptions {
  /** The read-model database (its pool answers the look-ups; LISTEN runs on a session of its own). */
  readonly dataSource: DataSource;
  readonly logger?: ProjectionLogger;
}

interface PendingWait {
  readonly position: Position;
  readonly names: readonly string[];
  readonly resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Read-your-writes for processes that may not run the projections themselves: resolves once every named
 * projection's checkpoint has reached a position (typically the position an append returned).
 *
 * Event-driven: it LISTENs on `projection_checkpoint` (runners NOTIFY in each batch transaction, so the
 * notice arrives exactly when the batch becomes visible) and reads `projection_checkpoints` once per
 * projection and LISTEN session, to cover what committed before the LISTEN; after that, notices keep it
 * current and a wait costs no statement. A runner in the same process also feeds it directly
 * (`observe`), so waits it can answer from memory cost no round trip.
 */
export class CheckpointWaiter {
  private readonly dataSource: DataSource;
  private readonly logger: ProjectionLogger;
  private readonly known = new Map<string, Position | null>();
  private readonly pending = new Set<PendingWait>();
  /**
   * Projections whose checkpoint was read after the current LISTEN session started: from then on every
   * advance reaches `known` as a notice (or through `observe`), so a wait on them needs no read of its own.
   * Emptied when the session is lost.
   */
  private readonly followed = new Set<string>();
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: CheckpointWaiterOptions) {
    this.dataSource = options.dataSource;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * True once every projection in `names` has applied everything up to `position` (its checkpoint is at or
   * after it); false when `timeoutMs` passes first. Never rejects for a lost connection: it reconnects.
   */
  async waitFor(position: Position, names: readonly string[], timeoutMs: number): Promise<boolean> {
    if (this.closed) throw new Error('CheckpointWaiter is closed');
    if (this.reached(position, names)) return true;
    return new Promise<boolean>((resolve) => {
      const wait: PendingWait = {
        position,
        names: [...names],
        timer: undefined,
        resolve: (reached) => {
          if (!this.pending.delete(wait)) return;
          clearTimeout(wait.timer);
          resolve(reached);
        },
      };
      this.pending.add(wait);
      wait.timer = setTimeout(() => wait.resolve(false), Math.max(0, timeoutMs));
      if (this.listener && wait.names.every((name) => this.followed.has(name))) return;
      // LISTEN first, then read: a batch committing in between is seen by one or the other.
      void this.listen()
        .then(() => this.follow(wait.names))
        .catch((error: unknown) => {
          this.logger.warn({ err: describeError(error) }, 'checkpoint waiter could not read checkpoints');
          this.scheduleReconnect();
        });
    });
  }

  /** Feeds a checkpoint this process has just committed (the in-process fast path). */
  observe(name: string, position: Position | null): void {
    // Never backwards: a runner announces a checkpoint before storing it when it had nothing to write, so the
    // stored row (or a late notice) can be behind what is already known.
    if (comparePositions(position, this.known.get(name)) >= 0) this.known.set(name, position);
    this.settle();
  }

  /** Latest checkpoint seen for `name` (undefined: not seen yet). */
  lastSeen(name: string): Position | null | undefined {
    return this.known.get(name);
  }

  /** Resolves pending waits with false and closes the LISTEN session. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const wait of [...this.pending]) wait.resolve(false);
    await this.connecting?.catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    this.followed.clear();
    await listener?.end().catch(() => undefined);
  }

  private reached(position: Position, names: readonly string[]): boolean {
    return names.every((name) => {
      const seen = this.known.get(name);
      return seen !== undefined && seen !== null && comparePositions(seen, position) >= 0;
    });
  }

  private settle(): void {
    for (const wait of [...this.pending]) {
      if (this.reached(wait.position, wait.names)) wait.resolve(true);
    }
  }

  /** Reads the checkpoints of `names` under the current LISTEN session; they are followed from then on. */
  private async follow(names: readonly string[]): Promise<void> {
    const session = this.listener;
    await this.refresh(names);
    if (session && this.listener === session) for (const name of names) this.followed.add(name);
  }

  private async refresh(names: readonly string[]): Promise<void> {
    const checkpoints = await loadCheckpoints(this.dataSource, names);
    for (const checkpoint of checkpoints) this.observe(checkpoint.name, checkpoint.position);
  }

  private listen(): Promise<void> {
    if (this.listener) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = await openSession(sessionConfig(this.dataSource, 'register-checkpoint-waiter'), (error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.followed.clear();
      if (this.closed) return;
      this.logger.warn({ err: error ? describeError(error) : null }, 'checkpoint waiter lost its LISTEN session');
      this.scheduleReconnect();
    });
    client.on('notification', (message) => {
      if (message.channel !== CHECKPOINT_CHANNEL || !message.payload) return;
      try {
        const notice = JSON.parse(message.payload) as CheckpointNotice;
        this.observe(notice.name, notice.position);
      } catch {
        this.logger.warn({ payload: message.payload }, 'ignored a malformed checkpoint notice');
      }
    });
    try {
      await client.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectAttempt = 0;
  }

  /** After a lost session, notices may have been missed: reconnect, then re-read what pending waits need. */
  private scheduleReconnect(): void {
    if (this.closed || this.pending.size === 0 || this.reconnectTimer) return;
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed || this.pending.size === 0) return;
      const names = [...new Set([...this.pending].flatMap((wait) => wait.names))];
      void this.listen()
        .then(() => this.follow(names))
        .catch((error: unknown) => {
          this.logger.warn({ err: describeError(error) }, 'checkpoint waiter could not reconnect');
          this.scheduleReconnect();
        });
    }, backoffDelay(this.reconnectAttempt, { maxDelayMs: 1_000 }));
  }
}
