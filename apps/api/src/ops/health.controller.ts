import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { Public } from '#platform';
import { ReadModelDatabaseQueries } from '#projections';
import { API_RUNTIME, type ApiRuntime, type ProjectionHealth } from '../runtime.js';

interface StatusSink {
  status(code: number): unknown;
}

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(check: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** Projections further behind than this many events make the service report itself degraded. */
const LAG_DEGRADED = 1000;

/**
 * GET /health: the event store, the read-model database and every projection's lag. 200 when the service
 * can take commands and answer queries (status ok or degraded), 503 when a dependency is down.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly readModels: ReadModelDatabaseQueries,
  ) {}

  @Get('health')
  @Public()
  async health(@Res({ passthrough: true }) res: StatusSink) {
    const [eventStore, database] = await Promise.all([
      timed(() => this.runtime.store.ping()),
      timed(() => this.readModels.ping()),
    ]);
    let projections: ProjectionHealth[] = [];
    let projectionError: string | undefined;
    try {
      projections = await this.runtime.projectionHealth();
    } catch (error) {
      projectionError = (error as Error).message;
    }
    const down = !eventStore.ok || !database.ok;
    const degraded = projectionError !== undefined || projections.some((p) => p.lastError !== null || p.lag > LAG_DEGRADED);
    res.status(down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return {
      status: down ? 'down' : degraded ? 'degraded' : 'ok',
      eventStore,
      database,
      projections,
      ...(projectionError ? { projectionError } : {}),
    };
  }
}
