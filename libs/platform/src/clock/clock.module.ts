import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, SystemClock, type Clock } from './clock.js';

/**
 * Provides `CLOCK` to the whole application: the system clock by default, or a given clock
 * (`ClockModule.withClock(new FixedClock(...))`) in tests.
 */
@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
export class ClockModule {
  static withClock(clock: Clock): DynamicModule {
    return { module: ClockModule, global: true, providers: [{ provide: CLOCK, useValue: clock }], exports: [CLOCK] };
  }
}
