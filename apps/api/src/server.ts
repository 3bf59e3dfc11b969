import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestPinoLogger, type ServiceHost, type ServiceRuntime, type StartHost } from '#platform';
import { ApiModule } from './app.module.js';
import { jsonBodyParser, rateLimitMiddleware, RateLimiter } from './graphql/http-limits.js';

export interface ApiServer extends ServiceHost {
  readonly app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
}

/** Starts the HTTP edge (GraphQL, console, health, metrics) on the runtime's host and port (0: any free port). */
export async function startApiServer(runtime: ServiceRuntime, listen = runtime.config.http): Promise<ApiServer> {
  // Nest's own start-up chatter (modules, routes) only at debug; its warnings and errors always.
  const nestLevel = ['debug', 'trace'].includes(runtime.logger.level) ? runtime.logger.level : 'warn';
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(runtime), {
    logger: new NestPinoLogger(runtime.logger.child({ component: 'api' }, { level: nestLevel })),
    // Our own JSON parser (its limit and its errors as GraphQL errors), after the rate limit: see http-limits.ts.
    bodyParser: false,
  });
  app.disable('x-powered-by');
  // Registered before listen(), so ahead of the routes and Apollo's middleware, which Nest adds on init.
  if (runtime.config.rateLimitPerMinute > 0) app.use('/graphql', rateLimitMiddleware(new RateLimiter(runtime.config.rateLimitPerMinute), runtime.tokens));
  app.use(...jsonBodyParser());
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return { app, url: `http://${host}:${address.port}`, get: (token) => app.get(token), close: () => app.close() };
}

/** The API as the host `runService` starts, listening where configured or at `listen` (tests use port 0). */
export function apiHost(listen?: { host: string; port: number }): StartHost {
  return (runtime) => startApiServer(runtime, listen ?? runtime.config.http);
}
