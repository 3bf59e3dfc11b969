import { comparePositions } from '#eventstore';
import type { EventStore, Position, RecordedEvent, Subscription } from '#eventstore';
import { describeError } from './logger.js';
import type { ProjectionLogger } from './logger.js';
import { backoffDelay } from './timing.js';
import type { BackoffOptions } from './timing.js';

export interface LiveFeedOptions {
  readonly store: EventStore;
  readonly logger: ProjectionLogger;
  readonly batchSize: number;
  /** Events kept for workers that are behind; one that falls further behind reads the store itself. */
  readonly capacity: number;
  readonly retry: BackoffOptions;
}

/**
 * One store subscription for all the live workers of a runner. Each worker used to hold its own, so every
 * append cost every projection a read of the new events, a read that found nothing more, and a held-back
 * check. The feed reads once and keeps the latest `capacity` events; each worker takes what lies after its own
 * checkpoint, at its own pace.
 *
 * The feed never waits for a worker: a failing or slow worker does not hold back the others. One that is
 * behind what the feed still holds (`take` returns null) catches up through `readAll` on its own, then takes
 * from the feed again.
 */
export class LiveFeed {
  private readonly options: LiveFeedOptions;
  /** Events in global order; every committed event after `floor` up to the last one is here. */
  private events: RecordedEvent[] = [];
  private floor: Position | null = null;
  private started = false;
  private stopped = false;
  private subscription: Subscription | null = null;
  private arrived: { promise: Promise<void>; resolve: () => void } = LiveFeed.signal();
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(options: LiveFeedOptions) {
    this.options = options;
  }

  private static signal(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  /** Starts the subscription after `after` (the first live worker's checkpoint); later calls do nothing. */
  start(after: Position | null): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.floor = after;
    this.subscribe(after);
  }

  /**
   * Up to `limit` events after `after`; an empty array when there are none yet; null when the feed no
   * longer holds (or never held) every event after `after`: read the store directly.
   */
  take(after: Position | null, limit: number): RecordedEvent[] | null {
    if (!this.started || comparePositions(after, this.floor) < 0) return null;
    // First event after `after` (binary search: the events are in position order).
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePositions(this.events[mid]!.position, after) <= 0) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low, low + limit);
  }

  /** Resolves when new events arrive (or the feed stops). */
  next(): Promise<void> {
    return this.arrived.promise;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.wake();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop().catch(() => undefined);
  }

  private subscribe(after: Position | null): void {
    const subscription = this.options.store.subscribe({ after, batchSize: this.options.batchSize }, async (events) => {
      this.failures = 0;
      this.append(events);
    });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => {
        if (this.stopped || this.subscription !== subscription) return;
        this.failures += 1;
        const retryInMs = backoffDelay(this.failures, this.options.retry);
        this.options.logger.warn({ err: describeError(error), retryInMs }, 'the live feed lost its subscription; resubscribing');
        this.restartTimer = setTimeout(() => {
          if (this.stopped) return;
          this.subscribe(this.events.at(-1)?.position ?? this.floor);
        }, retryInMs);
        this.restartTimer.unref();
      },
    );
  }

  private append(events: readonly RecordedEvent[]): void {
    const last = this.events.at(-1)?.position ?? this.floor;
    const fresh = events.filter((event) => comparePositions(event.position, last) > 0);
    if (fresh.length === 0) return;
    this.events.push(...fresh);
    const excess = this.events.length - this.options.capacity;
    if (excess > 0) {
      this.floor = this.events[excess - 1]!.position;
      this.events = this.events.slice(excess);
    }
    this.wake();
  }

  private wake(): void {
    const arrived = this.arrived;
    this.arrived = LiveFeed.signal();
    arrived.resolve();
  }
}
