import { Module, type DynamicModule } from '@nestjs/common';
import { loadConsoleAssets } from './console.assets.js';
import { CONSOLE_ASSETS, CONSOLE_OPTIONS, ConsoleController } from './console.controller.js';
import type { ConsoleOptions } from './console.page.js';

/**
 * The offline GraphQL console at GET /console. Import `ConsoleModule` for the defaults (endpoint
 * /graphql), or `ConsoleModule.forRoot({ defaultQuery })` to open on a query of your choice.
 */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_ASSETS, useFactory: loadConsoleAssets }],
})
export class ConsoleModule {
  static forRoot(options: Partial<ConsoleOptions> = {}): DynamicModule {
    return { module: ConsoleModule, providers: [{ provide: CONSOLE_OPTIONS, useValue: options }] };
  }
}

/** The link the start-up banner prints: the token travels in the fragment, which browsers never send to a server. */
export function consoleUrl(baseUrl: string, token?: string): string {
  const url = new URL('console', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (token !== undefined && token !== '') url.hash = `token=${encodeURIComponent(token)}`;
  return url.toString();
}
