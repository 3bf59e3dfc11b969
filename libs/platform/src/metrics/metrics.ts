import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SystemClock, type Clock } from '../clock/clock.js';

export const COMMAND_OUTCOMES = ['ok', 'rejected', 'conflict', 'error', 'duplicate'] as const;
/**
 * `ok`: events appended; `rejected`: a business rule refused it; `conflict`: concurrency retries ran out;
 * `duplicate`: the command id had already taken effect, nothing written; `error`: anything unexpected.
 */
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

export const GRAPHQL_OPERATION_TYPES = ['query', 'mutation', 'subscription', 'unknown'] as const;
export type GraphqlOperationType = (typeof GRAPHQL_OPERATION_TYPES)[number];

/** Command latencies: an append is milliseconds, retries and read-your-writes waits reach seconds. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** Used for the checkpoint age; the system clock by default. */
  readonly clock?: Clock;
  /** Process metrics (CPU, memory, event loop, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

/** Reads every projection's lag (events not yet applied); called on each scrape. */
export type ProjectionLagSource = () => Promise<readonly { readonly name: string; readonly lag: number }[]>;

interface ProjectionState {
  lag: number;
  advancedAt: number;
}

/**
 * The register's Prometheus metrics, in a registry of their own (not prom-client's global one), so two
 * applications in one process (tests) never clash and /metrics shows exactly this application.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly clock: Clock;
  private readonly projections = new Map<string, ProjectionState>();
  private lagSource: ProjectionLagSource | null = null;

  readonly commandsTotal: Counter<'command' | 'outcome'>;
  readonly commandDuration: Histogram<'command'>;
  readonly projectionLag: Gauge<'projection'>;
  readonly projectionCheckpointAge: Gauge<'projection'>;
  readonly graphqlRequests: Counter<'operation' | 'outcome'>;

  constructor(options: MetricsOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.commandsTotal = new Counter({
      name: 'register_commands_total',
      help: 'Commands handled, by command and outcome (ok, rejected, conflict, error, duplicate).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'register_command_duration_seconds',
      help: 'Time from receiving a command to its outcome, including concurrency retries.',
      labelNames: ['command'],
      buckets: COMMAND_BUCKETS,
      registers,
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.projectionLag = new Gauge({
      name: 'register_projection_lag_events',
      help: 'Committed events the projection has not applied yet (0 when caught up).',
      labelNames: ['projection'],
      registers,
      async collect() {
        if (!self.lagSource) return;
        for (const { name, lag } of await self.lagSource()) self.recordProjectionLag(name, lag);
      },
    });
    const projections = this.projections;
    const clock = this.clock;
    this.projectionCheckpointAge = new Gauge({
      name: 'register_projection_checkpoint_age_seconds',
      help: 'Seconds since the checkpoint last moved while events are waiting (0 when caught up): how long a projection has been stalled.',
      labelNames: ['projection'],
      registers,
      collect() {
        const now = clock.now().getTime();
        for (const [projection, state] of projections) {
          this.set({ projection }, state.lag === 0 ? 0 : Math.max(0, (now - state.advancedAt) / 1000));
        }
      },
    });
    this.graphqlRequests = new Counter({
      name: 'register_graphql_requests_total',
      help: 'GraphQL requests by operation type (query, mutation, subscription, unknown when unparsable) and outcome (ok, error).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
  }

  /** Content type of `metrics()` (Prometheus text exposition format). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Everything in Prometheus text format, for GET /metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  recordCommand(command: string, outcome: CommandOutcome, seconds: number): void {
    this.commandsTotal.inc({ command, outcome });
    this.commandDuration.observe({ command }, seconds);
  }

  /**
   * Starts timing a command; call the returned function once with its outcome.
   *
   *     const done = metrics.startCommand('RecordPayment');
   *     try { ...; done('ok'); } catch (e) { done(outcomeOf(e)); throw e; }
   */
  startCommand(command: string): (outcome: CommandOutcome) => void {
    const end = this.commandDuration.startTimer({ command });
    let finished = false;
    return (outcome) => {
      if (finished) return;
      finished = true;
      end();
      this.commandsTotal.inc({ command, outcome });
    };
  }

  /** Where scrapes read projection lag from (the service wires its projection health here). */
  setProjectionLagSource(source: ProjectionLagSource): void {
    this.lagSource = source;
  }

  /** Records a projection's lag; the checkpoint age counts from the last time the lag shrank or was 0. */
  recordProjectionLag(projection: string, lag: number): void {
    const previous = this.projections.get(projection);
    const moved = previous === undefined || lag < previous.lag || previous.lag === 0;
    this.projections.set(projection, { lag, advancedAt: moved ? this.clock.now().getTime() : previous.advancedAt });
    this.projectionLag.set({ projection }, lag);
  }

  recordGraphqlRequest(operation: GraphqlOperationType, outcome: 'ok' | 'error'): void {
    this.graphqlRequests.inc({ operation, outcome });
  }
}
