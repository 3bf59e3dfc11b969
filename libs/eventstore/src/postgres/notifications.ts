import pg from 'pg';

/**
 * Wake-ups for subscriptions. Everything that may mean "new events committed" bumps one generation
 * counter: a NOTIFY from any process, an append completed in this process, the listener reconnecting.
 * A subscription notes the generation before it reads and only sleeps if nothing happened since, so a
 * wake-up between its read and its wait is never lost.
 */
export class WakeSignal {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  wake(): void {
    this.generation++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /**
   * Resolves on the next wake-up after `since` (at once if one already happened), after `timeoutMs`, or
   * when `interrupt` fires.
   */
  wait(since: number, timeoutMs: number, interrupt: AbortSignal): Promise<void> {
    if (this.generation !== since || interrupt.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        interrupt.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      interrupt.addEventListener('abort', done, { once: true });
    });
  }
}

/** Sleeps `ms`, or less if `interrupt` fires. */
export function pause(ms: number, interrupt: AbortSignal): Promise<void> {
  if (interrupt.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      interrupt.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    interrupt.addEventListener('abort', done, { once: true });
  });
}

export type BackgroundErrorHandler = (error: unknown, context: string) => void;

/** Longest pause between the listener's reconnection attempts (subscriptions poll meanwhile). */
const MAX_LISTEN_RETRY_MS = 2_000;

/**
 * One dedicated connection that LISTENs on the channel while at least one subscription runs. On a
 * connection error it reconnects (after 1 s, then up to 2 s apart) and wakes everyone once it is back, since
 * notifications sent meanwhile are lost; subscriptions also poll, so nothing waits forever meanwhile.
 */
export class NotificationListener {
  private users = 0;
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 1_000;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly signal: WakeSignal,
    private readonly onError: BackgroundErrorHandler,
  ) {}

  acquire(): void {
    this.users++;
    if (this.users === 1) this.start();
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) void this.disconnect();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.disconnect();
  }

  private start(): void {
    if (this.closed || this.users === 0 || this.client || this.connecting) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', () => this.signal.wake());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.onError(error, 'event store listener: connect');
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.closed || this.users === 0) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryDelayMs = 1_000;
    // Anything committed while we were not listening would otherwise wait for the next poll.
    this.signal.wake();
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (error) this.onError(error, 'event store listener: connection lost');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.users === 0 || this.retryTimer) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_LISTEN_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delay);
  }

  private async disconnect(): Promise<void> {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.connecting) await this.connecting;
    // A subscription may have started while we waited for the connection: keep it then.
    if (this.users > 0 && !this.closed) return;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Sends NOTIFY after appends have committed, coalesced: at most one NOTIFY in flight on its own
 * connection, at most one more queued behind it however many appends complete meanwhile, and under a
 * steady stream of appends no more than one per `minIntervalMs`. Every append is thus followed by a
 * NOTIFY sent after its commit (at most `minIntervalMs` later), without any append waiting for it or
 * taking Postgres's commit-time notify lock (see docs/adr/0002-postgres-event-store.md).
 * Fire-and-forget: a failure only delays remote subscribers until their next poll.
 */
export class CoalescingNotifier {
  private client: pg.Client | null = null;
  private inFlight: Promise<void> | null = null;
  private pending = false;
  private closed = false;
  private lastSentAt = 0;
  private readonly closing = new AbortController();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly onError: BackgroundErrorHandler,
    private readonly minIntervalMs = 5,
  ) {}

  poke(): void {
    if (this.closed) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = this.drain().finally(() => {
      this.inFlight = null;
    });
  }

  /** Resolves once no NOTIFY is in flight or queued (used by close and by tests). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  async close(): Promise<void> {
    // Send what is queued without waiting out the interval, then stop.
    this.closing.abort();
    await this.idle();
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    do {
      const wait = this.lastSentAt + this.minIntervalMs - Date.now();
      if (wait > 0) await pause(wait, this.closing.signal);
      // Everything poked so far committed before this NOTIFY goes out, so it covers them all.
      this.pending = false;
      try {
        const client = await this.connection();
        this.lastSentAt = Date.now();
        await client.query(`NOTIFY ${this.channel}`);
      } catch (error) {
        this.onError(error, 'event store notifier');
        this.dropConnection();
        return;
      }
    } while (this.pending && !this.closed);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client(this.config);
    client.on('error', (error) => {
      this.onError(error, 'event store notifier: connection lost');
      if (this.client === client) this.dropConnection();
    });
    try {
      await client.connect();
      // A NOTIFY is its own small transaction; it carries no data and notifications do not survive a
      // crash anyway, so it need not wait for its commit record to reach disk (the appends it announces
      // were flushed by their own commits).
      await client.query('SET synchronous_commit = off');
    } catch (error) {
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private dropConnection(): void {
    const client = this.client;
    this.client = null;
    if (client) {
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
    }
  }
}
