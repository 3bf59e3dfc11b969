import { Global, Module } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock.js';
import { Metrics } from './metrics.js';

/** Provides one `Metrics` to the whole application (with the injected CLOCK when there is one). */
@Global()
@Module({
  providers: [
    {
      provide: Metrics,
      useFactory: (clock?: Clock) => new Metrics(clock === undefined ? {} : { clock }),
      inject: [{ token: CLOCK, optional: true }],
    },
  ],
  exports: [Metrics],
})
export class MetricsModule {}
