import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventStore, Position, SealStore } from '#eventstore';
import type { TokenService } from '../auth/token.service.js';
import type { Clock } from '../clock/clock.js';
import type { AppConfig } from '../config/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PersonalData } from '../privacy/personal-data.js';

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

/**
 * Everything the application and its edges need from the process that hosts them, built once by `runService`
 * and handed to Nest as one provider (SERVICE_RUNTIME).
 */
export interface ServiceRuntime {
  readonly config: AppConfig;
  readonly store: EventStore;
  /** The signed seals of the event log (ADR 0017). */
  readonly seals: SealStore;
  readonly dataSource: DataSource;
  readonly waiter: ReadModelWaiter;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Seals, opens and erases personal data under the keys kept outside the database (docs/privacy.md). */
  readonly personalData: PersonalData;
  /** True where the projector runs (single and projector modes): background jobs run there, once per deployment. */
  readonly runsBackgroundJobs: boolean;
  projectionHealth(): Promise<ProjectionHealth[]>;
}

export const SERVICE_RUNTIME = Symbol.for('association-register.service-runtime');
export const EVENT_STORE = Symbol.for('association-register.event-store');
export const READ_MODEL_WAITER = Symbol.for('association-register.read-model-waiter');
