import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { NestPinoLogger, type ServiceHost, type ServiceRuntime, type StartHost } from '#platform';
import { ApiModule } from './app.module.js';

export interface ApiServer extends ServiceHost {
  readonly app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
}

/** Starts the HTTP edge (GraphQL, console, health, metrics) on the runtime's host and port (0: any free port). */
export async function startApiServer(runtime: ServiceRuntime, listen = runtime.config.http): Promise<ApiServer> {
  // Nest's own start-up chatter (modules, routes) only at debug; its warnings and errors always.
  const nestLevel = ['debug', 'trace'].includes(runtime.logger.level) ? runtime.logger.level : 'warn';
  const app = await NestFactory.create(ApiModule.forRoot(runtime), {
    logger: new NestPinoLogger(runtime.logger.child({ component: 'api' }, { level: nestLevel })),
  });
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return { app, url: `http://${host}:${address.port}`, get: (token) => app.get(token), close: () => app.close() };
}

/** The API as the host `runService` starts, listening where configured or at `listen` (tests use port 0). */
export function apiHost(listen?: { host: string; port: number }): StartHost {
  return (runtime) => startApiServer(runtime, listen ?? runtime.config.http);
}
