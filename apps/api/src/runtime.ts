import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventStore, Position } from '#eventstore';
import type { AppConfig, Clock, Metrics, TokenService } from '#platform';

/** Waits until the named projections have applied everything up to a position (read-your-writes). */
export interface ReadModelWaiter {
  waitFor(position: Position, projections: readonly string[], timeoutMs: number): Promise<boolean>;
}

export interface ProjectionHealth {
  readonly name: string;
  readonly version: number;
  readonly position: Position | null;
  /** Events appended but not yet applied by this projection. */
  readonly lag: number;
  readonly status: string;
  readonly lastError: string | null;
}

/** Everything the API needs from the process that hosts it; built by the composition root. */
export interface ApiRuntime {
  readonly config: AppConfig;
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly waiter: ReadModelWaiter;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly logger: Logger;
  readonly metrics: Metrics;
  projectionHealth(): Promise<ProjectionHealth[]>;
}

export const API_RUNTIME = Symbol.for('association-register.api-runtime');
