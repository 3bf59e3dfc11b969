import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest injection token for the process's pino logger: `@Inject(LOGGER) private readonly log: Logger`. */
export const LOGGER = Symbol.for('association-register.logger');

/** Makes one pino logger injectable everywhere (`LoggingModule.forRoot(createLogger({ level }))`). */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, global: true, providers: [{ provide: LOGGER, useValue: logger }], exports: [LOGGER] };
  }
}
