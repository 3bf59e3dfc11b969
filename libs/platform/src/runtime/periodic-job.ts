import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ServiceRuntime } from './service-runtime.js';

/**
 * A background job run every interval where the projector runs (`runtime.runsBackgroundJobs`: one such process per
 * deployment), once at once on start so a restart catches up. One run at a time in a process: a call while one is in
 * progress joins it; across processes a job holds a session lease for its run (withSessionLease). A subclass says what
 * a run does and how often; failures are its to log and count, and are rethrown to the caller of `runOnce`.
 */
export abstract class PeriodicJob<Run> implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<Run> | null = null;
  private stopped = false;

  protected constructor(
    protected readonly runtime: ServiceRuntime,
    /** Seconds between runs; 0 schedules none (`runOnce` still works). */
    private readonly intervalSeconds: number,
  ) {}

  protected abstract run(): Promise<Run>;

  onApplicationBootstrap(): void {
    if (this.runtime.runsBackgroundJobs) this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** True while runs are scheduled in this process. */
  get scheduled(): boolean {
    return this.timer !== null;
  }

  /** Runs once now, then every interval; nothing when the interval is 0. */
  start(): void {
    if (this.intervalSeconds <= 0 || this.timer) return;
    const tick = () => {
      if (this.stopped) return;
      void this.runOnce().catch(() => undefined);
    };
    this.timer = setInterval(tick, this.intervalSeconds * 1000);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  /** One run; a call while one is in progress joins it. */
  runOnce(): Promise<Run> {
    this.current ??= this.run().finally(() => {
      this.current = null;
    });
    return this.current;
  }
}
