import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { KurrentDbEventStore } from '#eventstore';
import { Public } from '#platform';
import { ReadModelDatabaseQueries, registerProjections } from '#projections';
import { API_RUNTIME, type ApiRuntime, type ProjectionHealth } from '../runtime.js';

interface StatusSink {
  status(code: number): unknown;
}

type Status = 'ok' | 'degraded' | 'down';

interface DependencyHealth {
  status: Status;
  ok: boolean;
  latencyMs: number;
}

/** The event store's entry: which adapter, and on KurrentDB whether the server is reachable (never its address). */
interface EventStoreHealth extends DependencyHealth {
  kind: 'postgres' | 'kurrentdb';
  /** KurrentDB only: the connection as the adapter last saw it. */
  connection?: 'connecting' | 'connected' | 'unreachable' | 'closed';
}

interface ProjectionStatus {
  name: string;
  status: Status;
  /** Events appended but not yet applied; null while the database cannot be asked. */
  lag: number | null;
  /** The kind of the projection's last failure (an error class or SQLSTATE, never its message); null when none. */
  lastError: string | null;
}

/** Projections further behind than this many events make the service report itself degraded. */
const LAG_DEGRADED = 1000;
/** A check that has not answered by then counts as down (a connection attempt may otherwise wait much longer). */
const CHECK_TIMEOUT_MS = 3_000;

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `QueryFailedError: relation "x" does not exist` → `QueryFailedError`: what failed, not what it said. */
function errorKind(lastError: string | null): string | null {
  if (lastError === null) return null;
  const kind = /^[A-Za-z][\w.]*/.exec(lastError)?.[0];
  return kind ?? 'Error';
}

function projectionStatus(projection: ProjectionHealth): ProjectionStatus {
  const failing = projection.lastError !== null || projection.status === 'failing';
  return {
    name: projection.name,
    status: failing || projection.lag > LAG_DEGRADED ? 'degraded' : 'ok',
    lag: projection.lag,
    lastError: errorKind(projection.lastError),
  };
}

/**
 * GET /health, open to anyone: the event store, the read-model database and every projection, each as a status
 * (ok, degraded, down) with its latency or lag as numbers. 200 when the service can take commands and answer
 * queries (ok or degraded), 503 when a dependency is down. What went wrong (which host refused, what a
 * projection's error said) is written to the log when a component changes state, never into the answer.
 */
@Controller()
export class HealthController {
  /** Each component's last reported state, so a failure is logged when it starts and when it ends, not per probe. */
  private readonly lastStatus = new Map<string, Status>();

  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly readModels: ReadModelDatabaseQueries,
  ) {}

  @Get('health')
  @Public()
  async health(@Res({ passthrough: true }) res: StatusSink) {
    const [eventStorePing, database] = await Promise.all([
      this.check('eventStore', () => this.runtime.store.ping()),
      this.check('database', () => this.readModels.ping()),
    ]);
    const store = this.runtime.store;
    const eventStore: EventStoreHealth =
      store instanceof KurrentDbEventStore ? { ...eventStorePing, kind: 'kurrentdb', connection: store.state().status } : { ...eventStorePing, kind: 'postgres' };
    let projections: ProjectionStatus[];
    try {
      projections = (await withinTimeout(this.runtime.projectionHealth())).map(projectionStatus);
      this.record('projections', 'ok', null);
    } catch (error) {
      this.record('projections', 'down', error);
      projections = registerProjections.map((p) => ({ name: p.name, status: 'down', lag: null, lastError: null }));
    }
    for (const projection of projections) {
      if (projection.status !== 'down') this.record(`projection ${projection.name}`, projection.status, null, { lag: projection.lag, lastError: projection.lastError });
    }
    const down = eventStore.status === 'down' || database.status === 'down';
    const degraded = projections.some((p) => p.status !== 'ok');
    res.status(down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return { status: down ? 'down' : degraded ? 'degraded' : 'ok', eventStore, database, projections };
  }

  private async check(component: string, ping: () => Promise<unknown>): Promise<DependencyHealth> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await withinTimeout(ping());
      this.record(component, 'ok', null);
      return { status: 'ok', ok: true, latencyMs: latency() };
    } catch (error) {
      this.record(component, 'down', error);
      return { status: 'down', ok: false, latencyMs: latency() };
    }
  }

  private record(component: string, status: Status, error: unknown, details: Record<string, unknown> = {}): void {
    const previous = this.lastStatus.get(component) ?? 'ok';
    this.lastStatus.set(component, status);
    if (previous === status) return;
    const logger = this.runtime.logger.child({ component: 'health' });
    if (status === 'ok') logger.info({ check: component }, `health: ${component} is ok again`);
    else logger.warn({ check: component, ...details, ...(error === null ? {} : { err: error }) }, `health: ${component} is ${status}`);
  }
}
