#!/usr/bin/env node
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { ApplicationModule } from '#application';
import { describeFailure, EXIT, listenForStop, loadConfig, NestPinoLogger, runService, ServiceRuntimeModule, type ServiceRuntime, type StartHost } from '#platform';

/** The projector's Nest application: the use cases its background jobs run, and nothing that serves requests. */
@Module({})
class ProjectorModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return { module: ProjectorModule, imports: [ServiceRuntimeModule.forRoot(runtime), ApplicationModule] };
  }
}

/** Background jobs (e.g. recording credit expiries) beside the projections; serves nothing. */
const backgroundJobs: StartHost = async (runtime) => {
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(runtime), {
    logger: new NestPinoLogger(runtime.logger.child({ component: 'projector' }, { level: 'warn' })),
  });
  await app.init();
  return { url: null, get: (token) => app.get(token), close: () => app.close() };
};

/** Entry of a separately deployed projector process (RUN_MODE=projector, DATABASE_URL set): runs every projection. */
async function main(): Promise<number> {
  const stop = listenForStop();
  try {
    const service = await runService(loadConfig({ ...process.env, RUN_MODE: 'projector' }), backgroundJobs);
    service.runtime.logger.info('projector running');
    await stop.requested;
    await service.stop();
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`${describeFailure('projector', error)}\n`);
    return EXIT.failed;
  } finally {
    stop.release();
  }
}

process.exit(await main());
