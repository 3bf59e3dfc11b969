import type { Logger } from 'pino';
import { CheckpointWaiter, ProjectionRunner, registerProjections, loadCheckpoints } from '#projections';
import {
  type AppConfig,
  type Clock,
  assertStoreFormat,
  createLogger,
  describeStore,
  type Infrastructure,
  Metrics,
  migrate,
  openInfrastructure,
  SystemClock,
  TokenService,
} from '#platform';
import { type CreditExpiryJob, createCreditExpiryJob } from './credit/credit-expiry.job.js';
import type { ApiRuntime, ProjectionHealth, ReadModelWaiter } from './runtime.js';
import { type ApiServer, startApiServer } from './server.js';

export interface RunningService {
  readonly config: AppConfig;
  readonly infrastructure: Infrastructure;
  readonly runtime: ApiRuntime;
  /** The HTTP edge; absent in projector mode. */
  readonly server: ApiServer | null;
  /** The projection runner; absent in api mode (another process runs it). */
  readonly runner: ProjectionRunner | null;
  /** The credit expiry job; absent in api mode (it runs beside the projector, see ADR 0009). */
  readonly creditExpiry: CreditExpiryJob | null;
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Overrides the configured listen address (tests use port 0). */
  readonly listen?: { host: string; port: number };
}

/** Cap on the events counted for a projection's lag, so /health stays cheap when far behind. */
const LAG_COUNT_CAP = 100_000;

/**
 * Assembles one process by RUN_MODE: `single` (the embedded default: migrate, run the projections and serve
 * the API in one process), `api` (serve only; projections run elsewhere) or `projector` (projections only).
 */
export async function runService(config: AppConfig, options: RunServiceOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, service: `register-${config.runMode}` });
  const clock = options.clock ?? new SystemClock();
  const infrastructure = await openInfrastructure(config, logger);
  try {
    if (config.runMode === 'single') {
      const report = await migrate(infrastructure);
      logger.info(report, 'schema up to date');
    } else {
      // api and projector processes do not migrate; they start only on a store a migrate of this build accepted.
      await assertStoreFormat(infrastructure.dataSource, describeStore(infrastructure));
    }
    const metrics = new Metrics({ clock });
    const runner =
      config.runMode === 'api'
        ? null
        : new ProjectionRunner({
            store: infrastructure.store,
            dataSource: infrastructure.dataSource,
            eventLog: infrastructure.eventLog,
            projections: registerProjections,
            logger: logger.child({ component: 'projector' }),
            batchSize: config.projectionBatchSize,
          });
    const waiter: ReadModelWaiter = runner ?? new CheckpointWaiter({ dataSource: infrastructure.dataSource, logger });

    const projectionHealth = async (): Promise<ProjectionHealth[]> => {
      const checkpoints = await loadCheckpoints(infrastructure.dataSource);
      const byName = new Map(checkpoints.map((c) => [c.name, c]));
      return Promise.all(
        registerProjections.map(async (projection) => {
          const checkpoint = byName.get(projection.name);
          const lag = await infrastructure.store.countEventsAfter(checkpoint?.position ?? null, LAG_COUNT_CAP);
          return {
            name: projection.name,
            version: checkpoint?.version ?? 0,
            position: checkpoint?.position ?? null,
            lag,
            status: checkpoint?.status ?? 'missing',
            lastError: checkpoint?.lastError ?? null,
          };
        }),
      );
    };

    metrics.setProjectionLagSource(projectionHealth);

    const runtime: ApiRuntime = {
      config,
      store: infrastructure.store,
      dataSource: infrastructure.dataSource,
      waiter,
      clock,
      tokens: new TokenService({ secret: config.auth.jwtSecret, issuer: config.auth.jwtIssuer }),
      logger,
      metrics,
      projectionHealth,
    };
    if (runner) await runner.start();
    // Background work runs where the projector runs: one such process in a split deployment, API replicas scale freely.
    const creditExpiry = runner ? createCreditExpiryJob(runtime) : null;
    const server = config.runMode === 'projector' ? null : await startApiServer(runtime, options.listen ?? config.http);
    creditExpiry?.start();
    return {
      config,
      infrastructure,
      runtime,
      server,
      runner,
      creditExpiry,
      async stop() {
        await server?.close();
        await creditExpiry?.stop();
        await runner?.stop();
        await infrastructure.close();
      },
    };
  } catch (error) {
    await infrastructure.close().catch(() => undefined);
    throw error;
  }
}
