import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenService } from '../auth/token.service.js';
import { CLOCK } from '../clock/clock.js';
import { Metrics } from '../metrics/metrics.js';
import { EVENT_STORE, READ_MODEL_WAITER, SERVICE_RUNTIME, type ServiceRuntime } from './service-runtime.js';

/**
 * The one way a Nest application of this service gets its process-wide parts: the runtime `runService` built,
 * and each part by its own token, so a handler or a resolver injects only what it uses.
 */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: SERVICE_RUNTIME, useValue: runtime },
      { provide: EVENT_STORE, useValue: runtime.store },
      { provide: READ_MODEL_WAITER, useValue: runtime.waiter },
      { provide: DataSource, useValue: runtime.dataSource },
      { provide: CLOCK, useValue: runtime.clock },
      { provide: Metrics, useValue: runtime.metrics },
      { provide: TokenService, useValue: runtime.tokens },
    ];
    return { module: ServiceRuntimeModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}
