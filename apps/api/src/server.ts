import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { NestPinoLogger } from '#platform';
import { ApiModule } from './app.module.js';
import type { ApiRuntime } from './runtime.js';

export interface ApiServer {
  readonly app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the HTTP edge (GraphQL, console, health, metrics) on the runtime's host and port (0: any free port). */
export async function startApiServer(runtime: ApiRuntime, listen = runtime.config.http): Promise<ApiServer> {
  // Nest's own start-up chatter (modules, routes) only at debug; its warnings and errors always.
  const nestLevel = ['debug', 'trace'].includes(runtime.logger.level) ? runtime.logger.level : 'warn';
  const app = await NestFactory.create(ApiModule.forRoot(runtime), {
    logger: new NestPinoLogger(runtime.logger.child({ component: 'api' }, { level: nestLevel })),
  });
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return { app, url: `http://${host}:${address.port}`, close: () => app.close() };
}
