import type { Logger } from 'pino';
import { CheckpointWaiter, loadCheckpoints, ProjectionRunner, registerProjections } from '#projections';
import { TokenService } from '../auth/token.service.js';
import { type Clock, SystemClock } from '../clock/clock.js';
import type { AppConfig } from '../config/index.js';
import { createLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/metrics.js';
import { describeStore, type Infrastructure, migrate, openInfrastructure } from './infrastructure.js';
import { EXIT } from './process-lifecycle.js';
import type { ProjectionHealth, ReadModelWaiter, ServiceRuntime } from './service-runtime.js';
import { assertStoreFormat } from './store-format.js';

/**
 * What an app hosts on the runtime: the HTTP edge (apps/api) or the background jobs beside the projector
 * (apps/projector). `runService` knows neither; it starts the host after the projections and stops it first.
 */
export interface ServiceHost {
  /** Base URL of the HTTP edge, e.g. http://127.0.0.1:4000; null for a host that serves nothing. */
  readonly url: string | null;
  /** Resolves a provider of the host's Nest application (tests reach a job through it). */
  get<T>(token: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export type StartHost = (runtime: ServiceRuntime) => Promise<ServiceHost>;

export interface RunningService {
  readonly config: AppConfig;
  readonly infrastructure: Infrastructure;
  readonly runtime: ServiceRuntime;
  readonly host: ServiceHost;
  /** The projection runner; absent in api mode (another process runs it). */
  readonly runner: ProjectionRunner | null;
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Called once the service cannot go on (its embedded Postgres ended and could not be started again). The
   * default stops what is left and ends the process with exit code 1, so that a supervisor (systemd, Docker's
   * restart policy) starts it again, and nothing is left running without a database (ADR 0015).
   */
  readonly onFatal?: (error: Error, service: RunningService) => void;
}

/** How long the fatal path waits for the service to stop before the process exits anyway. */
const FATAL_STOP_TIMEOUT_MS = 10_000;

function exitOnFatal(logger: Logger, entryPoint: string): (error: Error, service: RunningService) => void {
  return (error, service) => {
    logger.fatal({ err: error }, 'the service cannot go on without its database; exiting');
    process.stderr.write(`${entryPoint}: ${error.message}\n`);
    const timer = setTimeout(() => process.exit(EXIT.failed), FATAL_STOP_TIMEOUT_MS);
    timer.unref();
    service.stop().then(
      () => process.exit(EXIT.failed),
      () => process.exit(EXIT.failed),
    );
  };
}

/** Cap on the events counted for a projection's lag, so /health stays cheap when far behind. */
const LAG_COUNT_CAP = 100_000;

/**
 * Assembles one process by RUN_MODE: `single` (the embedded default: migrate, run the projections and the host
 * in one process), `api` (the host only; projections run elsewhere) or `projector` (projections and the host's
 * background jobs). Every app's entry point, the test service and the benchmarks start the service this way.
 */
export async function runService(config: AppConfig, startHost: StartHost, options: RunServiceOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, service: `register-${config.runMode}` });
  const clock = options.clock ?? new SystemClock();
  const infrastructure = await openInfrastructure(config, logger, { restartEmbeddedDatabase: true });
  try {
    if (config.runMode === 'single') {
      const report = await migrate(infrastructure);
      logger.info(report, 'schema up to date');
    } else {
      // api and projector processes do not migrate; they start only on a store a migrate of this build accepted.
      await assertStoreFormat(infrastructure.dataSource, describeStore(infrastructure));
    }
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
    const projectionHealth = () => projectionHealthOf(infrastructure);
    const metrics = new Metrics({ clock });
    metrics.setProjectionLagSource(projectionHealth);

    const runtime: ServiceRuntime = {
      config,
      store: infrastructure.store,
      seals: infrastructure.seals,
      dataSource: infrastructure.dataSource,
      waiter,
      clock,
      tokens: new TokenService({ secret: config.auth.jwtSecret, issuer: config.auth.jwtIssuer }),
      logger,
      metrics,
      personalData: infrastructure.personalData,
      runsBackgroundJobs: runner !== null,
      projectionHealth,
    };
    if (runner) await runner.start();
    let host: ServiceHost;
    try {
      host = await startHost(runtime);
    } catch (error) {
      await runner?.stop();
      throw error;
    }
    let stopping: Promise<void> | null = null;
    const service: RunningService = {
      config,
      infrastructure,
      runtime,
      host,
      runner,
      stop() {
        stopping ??= (async () => {
          await host.close();
          await runner?.stop();
          await infrastructure.close();
        })();
        return stopping;
      },
    };
    // Named as the entry points name their own failures (`start: …`, `projector: …`).
    const onFatal = options.onFatal ?? exitOnFatal(logger, config.runMode === 'projector' ? 'projector' : 'start');
    void infrastructure.failure.then((error) => {
      if (!stopping) onFatal(error, service);
    });
    return service;
  } catch (error) {
    await infrastructure.close().catch(() => undefined);
    throw error;
  }
}

async function projectionHealthOf(infrastructure: Infrastructure): Promise<ProjectionHealth[]> {
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
}
