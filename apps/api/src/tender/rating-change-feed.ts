import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { RecordedEvent, Subscription } from '#eventstore';
import { positionOfRatingChangeCursor, RATING_CHANGE_EVENT_TYPES, RATING_CHANGES_PROJECTION, RatingChangeQueries, type RatingChangeView } from '#projections';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/** Changes read per page while replaying. */
const REPLAY_PAGE = 200;
/** A follower re-reads at least this often, should a wake-up ever be missed. */
const FALLBACK_POLL_MS = 5_000;
/** How long the wake-up waits for the projection to apply a rating event it saw in the store. */
const PROJECTION_WAIT_MS = 10_000;
const RATING_TYPES: ReadonlySet<string> = new Set(RATING_CHANGE_EVENT_TYPES);

export interface FollowFilter {
  readonly codes: readonly string[] | null;
  readonly associationId: string | null;
}

/**
 * The live side of the rating change feed (ADR 0018). Every follower reads the feed's read model, after its cursor
 * and up to the projection's checkpoint, so what it is sent is exactly what `ratingChanges` pages through, in the
 * same order, with the same cursors. Between reads it sleeps until woken.
 *
 * The wake-up is one store subscription per process, held while anyone follows: when a rating event commits, it
 * waits for the projection to apply it and wakes every follower. It carries nothing a follower sends on; a lost or
 * late wake-up only delays a follower until its fallback poll.
 */
@Injectable()
export class RatingChangeFeed implements OnModuleDestroy {
  private readonly followers = new Set<Follower>();
  private wakeUps: Subscription | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly queries: RatingChangeQueries,
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
  ) {}

  /** The changes after `after` (a cursor, validated), then each change as the projection applies it, until closed. */
  follow(after: string | null, filter: FollowFilter): AsyncIterableIterator<RatingChangeView> {
    const follower = new Follower(positionOfRatingChangeCursor(after), filter, this.queries, () => this.leave(follower));
    this.followers.add(follower);
    if (this.followers.size === 1) this.startWakeUps();
    return follower;
  }

  /** How many subscribers are following now. */
  get following(): number {
    return this.followers.size;
  }

  async onModuleDestroy(): Promise<void> {
    for (const follower of [...this.followers]) await follower.return();
    await this.stopWakeUps();
  }

  private leave(follower: Follower): void {
    if (this.followers.delete(follower) && this.followers.size === 0) void this.stopWakeUps();
  }

  private startWakeUps(): void {
    if (this.wakeUps || this.starting) return;
    this.starting = (async () => {
      try {
        const head = await this.runtime.store.headPosition();
        if (this.followers.size === 0) return;
        this.wakeUps = this.runtime.store.subscribe({ after: head }, (events) => this.onEvents(events));
        this.wakeUps.done.catch((error: unknown) => {
          this.runtime.logger.warn({ err: error }, 'the rating change wake-up stopped; followers fall back to polling');
          this.wakeUps = null;
          if (this.followers.size > 0) setTimeout(() => this.startWakeUps(), FALLBACK_POLL_MS).unref();
        });
      } catch (error) {
        this.runtime.logger.warn({ err: error }, 'the rating change wake-up could not start; followers fall back to polling');
      } finally {
        this.starting = null;
      }
    })();
  }

  private async stopWakeUps(): Promise<void> {
    await this.starting;
    const subscription = this.wakeUps;
    this.wakeUps = null;
    await subscription?.stop();
  }

  private async onEvents(events: RecordedEvent[]): Promise<void> {
    let last: string | null = null;
    for (const event of events) if (RATING_TYPES.has(event.type)) last = event.position;
    if (last === null) return;
    await this.runtime.waiter.waitFor(last, [RATING_CHANGES_PROJECTION], PROJECTION_WAIT_MS);
    for (const follower of this.followers) follower.wake();
  }
}

/** One subscriber: replays, then waits for wake-ups; `return()` ends it at once, even mid-wait. */
class Follower implements AsyncIterableIterator<RatingChangeView> {
  private buffer: RatingChangeView[] = [];
  private closed = false;
  /** Set when a wake-up came since the last read began: the next wait returns at once. */
  private woken = false;
  private sleeper: (() => void) | null = null;

  constructor(
    private position: string | null,
    private readonly filter: FollowFilter,
    private readonly queries: RatingChangeQueries,
    private readonly onClose: () => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  wake(): void {
    this.woken = true;
    this.sleeper?.();
  }

  async next(): Promise<IteratorResult<RatingChangeView>> {
    while (!this.closed) {
      const change = this.buffer.shift();
      if (change) {
        this.position = positionOfRatingChangeCursor(change.cursor);
        return { value: change, done: false };
      }
      // Cleared before the read: a wake-up during the read makes the next wait return at once.
      this.woken = false;
      let page: Awaited<ReturnType<RatingChangeQueries['page']>>;
      try {
        page = await this.queries.page(this.position, { first: REPLAY_PAGE, codes: this.filter.codes, associationId: this.filter.associationId });
      } catch (error) {
        // The subscription ends with the error (the client resubscribes from its cursor); nothing is left following.
        await this.return();
        throw error;
      }
      this.buffer = page.changes;
      if (page.changes.length === 0 && !this.closed) await this.sleep();
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<RatingChangeView>> {
    if (!this.closed) {
      this.closed = true;
      this.buffer = [];
      this.sleeper?.();
      this.onClose();
    }
    return { value: undefined, done: true };
  }

  private sleep(): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, FALLBACK_POLL_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.sleeper = () => {
        this.sleeper = null;
        done();
      };
    });
  }
}
