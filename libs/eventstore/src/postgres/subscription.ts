import pg from 'pg';
import type { Position, RecordedEvent, Subscription, SubscriptionHandler } from '../event-store.port.js';
import { pause, type WakeSignal } from './notifications.js';

export interface SubscriptionSource {
  readonly signal: WakeSignal;
  /** Next committed, gap-safe batch after `after`. */
  read(after: Position | null, limit: number): Promise<{ events: RecordedEvent[]; position: Position | null }>;
  /** Whether committed events after `after` are held back by an older, still-open transaction. */
  heldBack(after: Position | null): Promise<boolean>;
}

export interface SubscriptionTuning {
  readonly batchSize: number;
  /** Fallback poll when no wake-up arrives (a missed NOTIFY, a writer that does not notify). */
  readonly pollIntervalMs: number;
  /** Retry delays while committed events are held back by an older open transaction. */
  readonly heldBackRetryMs: { readonly initial: number; readonly max: number };
  readonly onHeldBack?: (after: Position | null) => void;
  readonly onError?: (error: unknown, context: string) => void;
}

/** Longest pause between reads that failed for a lost connection. */
const MAX_ERROR_DELAY_MS = 1_000;

/** Connection-level failures a subscription rides out (retrying with backoff) rather than ending on. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(code);
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ...
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      error.message,
    );
  }
  return false;
}

/**
 * Catch-up then live: reads batches until caught up, hands each to the handler and waits for it, then
 * sleeps until woken (NOTIFY, a local append, or the fallback poll). When woken but the new events are
 * still held back by an older open transaction, it retries after a short backoff instead of sleeping
 * until the next poll. It never skips: the position only moves past events the handler has handled.
 */
export class PostgresSubscription implements Subscription {
  readonly done: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly source: SubscriptionSource,
    private readonly handler: SubscriptionHandler,
    after: Position | null,
    private readonly tuning: SubscriptionTuning,
  ) {
    this.done = this.run(after);
    // The owner may only ever call stop(); a failure must not surface as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done.catch(() => undefined);
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(after: Position | null): Promise<void> {
    let position = after;
    let heldBackDelay = 0;
    let errorDelay = 0;
    const { signal } = this.source;
    while (!this.stopped) {
      const generation = signal.current;
      let batch: { events: RecordedEvent[]; position: Position | null };
      let heldBack = false;
      try {
        batch = await this.source.read(position, this.tuning.batchSize);
        if (batch.events.length === 0 && !this.stopped) heldBack = await this.source.heldBack(position);
        errorDelay = 0;
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        this.tuning.onError?.(error, 'event store subscription: read');
        // Capped at a second: once the server is back, a subscription should be reading again within one.
        errorDelay = Math.min(Math.max(100, errorDelay * 2), MAX_ERROR_DELAY_MS);
        await pause(errorDelay, this.stopping.signal);
        continue;
      }
      if (this.stopped) break;

      if (batch.events.length > 0) {
        await this.handler(batch.events);
        position = batch.position;
        heldBackDelay = 0;
        continue;
      }
      if (heldBack) {
        this.tuning.onHeldBack?.(position);
        const { initial, max } = this.tuning.heldBackRetryMs;
        heldBackDelay = heldBackDelay === 0 ? initial : Math.min(heldBackDelay * 2, max);
        await pause(heldBackDelay, this.stopping.signal);
        continue;
      }
      heldBackDelay = 0;
      await signal.wait(generation, this.tuning.pollIntervalMs, this.stopping.signal);
    }
  }
}
