import { setTimeout as delay } from 'node:timers/promises';
import { type EmbeddedDatabase, type EmbeddedDatabaseEnd, EmbeddedPostgresError, type EmbeddedPostgresLog } from './embedded-postgres.js';

export interface EmbeddedSupervisorOptions {
  /** The cluster as first found or started. */
  readonly initial: EmbeddedDatabase;
  /** Starts the folder's cluster again on this port (where the pools connect). */
  readonly start: (port: number) => Promise<EmbeddedDatabase>;
  readonly log: EmbeddedPostgresLog;
  /** Restarts allowed within `windowMs`; one more unexpected end gives up. Default 5. */
  readonly maxRestarts?: number;
  /** Default 10 minutes. */
  readonly windowMs?: number;
  /** Start attempts per restart, each after a longer pause (1 s, 2 s, ...). Default 3. */
  readonly attempts?: number;
  readonly retryDelayMs?: number;
  /** Wall clock in milliseconds (tests). */
  readonly now?: () => number;
}

/**
 * Keeps the embedded Postgres of the data folder running for the service that owns it (ADR 0015): when the server
 * ends without being asked to (killed, crashed), it is started again on the same folder and port, where the pools
 * find it on their next connection. A server that cannot be started again, or that keeps ending, is given up on:
 * `failed` resolves, and the service exits non-zero rather than run on without a database.
 */
export class EmbeddedDatabaseSupervisor {
  /** Resolves (never rejects) with the reason once the supervisor has given up. */
  readonly failed: Promise<Error>;
  private database: EmbeddedDatabase;
  private readonly options: EmbeddedSupervisorOptions;
  private readonly endings: number[] = [];
  private restarting: Promise<void> | null = null;
  private stopped = false;
  private giveUp: (error: Error) => void = () => undefined;
  private restartCount = 0;

  constructor(options: EmbeddedSupervisorOptions) {
    this.options = options;
    this.database = options.initial;
    this.failed = new Promise((resolve) => (this.giveUp = resolve));
    this.watch(this.database);
  }

  /** The cluster now serving the folder. */
  get current(): EmbeddedDatabase {
    return this.database;
  }

  /** How many times the server was started again. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Stops watching, then stops the cluster (after a restart under way has finished). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.database.stop();
  }

  private watch(database: EmbeddedDatabase): void {
    void database.ended.then((end) => {
      if (this.stopped || database !== this.database) return;
      this.restarting = this.restart(end).finally(() => {
        this.restarting = null;
      });
    });
  }

  private async restart(end: EmbeddedDatabaseEnd): Promise<void> {
    const { log, windowMs = 10 * 60_000, maxRestarts = 5, attempts = 3, retryDelayMs = 1_000 } = this.options;
    const now = this.options.now?.() ?? Date.now();
    this.endings.push(now);
    while (this.endings.length > 0 && this.endings[0]! < now - windowMs) this.endings.shift();
    const { port, dataDir } = this.database.location;
    if (this.endings.length > maxRestarts) {
      this.giveUp(
        new EmbeddedPostgresError(
          `The embedded Postgres in ${dataDir} ended ${this.endings.length} times within ${Math.round(windowMs / 60_000)} minutes ` +
            `(last: pid ${end.pid}, ${end.reason}); not starting it again. See ${this.database.logFile}.`,
        ),
      );
      return;
    }
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      log('warn', `Starting the embedded Postgres in ${dataDir} again (attempt ${attempt} of ${attempts}).`);
      try {
        const started = await this.options.start(port);
        if (this.stopped) {
          await started.stop();
          return;
        }
        if (started.url !== this.database.url) {
          await started.stop().catch(() => undefined);
          throw new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} came back on port ${started.location.port}, not ${port}, where the service connects.`);
        }
        this.database = started;
        this.restartCount += 1;
        log('info', `The embedded Postgres in ${dataDir} is running again (pid ${started.pid}, port ${port}).`);
        this.watch(started);
        return;
      } catch (error) {
        lastError = error;
        log('error', `Could not start the embedded Postgres in ${dataDir} again: ${error instanceof Error ? error.message : String(error)}`);
        if (attempt < attempts) await delay(retryDelayMs * attempt);
      }
    }
    if (this.stopped) return;
    this.giveUp(
      lastError instanceof Error
        ? new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} ended (${end.reason}) and could not be started again: ${lastError.message}`)
        : new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} ended (${end.reason}) and could not be started again.`),
    );
  }
}
