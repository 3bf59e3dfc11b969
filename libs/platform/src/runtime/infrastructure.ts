import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { type EventLogRelation, type EventStore, PostgresEventStore, postgresEventLog } from '#eventstore';
import { createReadModelDataSource, registerEntities, registerMigrations } from '#projections';
import type { AppConfig } from '../config/index.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../database/embedded-postgres.js';

/** The process's connections: the database (embedded or external), the event store and the read models. */
export interface Infrastructure {
  readonly databaseUrl: string;
  readonly embedded: boolean;
  readonly pool: pg.Pool;
  readonly store: EventStore;
  /** The store's events as a relation in the read models' database, when they share one (for projections). */
  readonly eventLog: EventLogRelation | null;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

export interface MigrationReport {
  readonly eventStoreSchema: string;
  readonly readModelMigrations: readonly string[];
}

/**
 * Opens everything a process needs. With no DATABASE_URL it starts the embedded Postgres in the data folder
 * (kept between runs). The event store and the read models share the database; the event store owns the
 * `es_*` objects, TypeORM migrations own the read-model tables.
 */
export async function openInfrastructure(config: AppConfig, logger: Logger): Promise<Infrastructure> {
  if (config.eventStore.kind !== 'postgres') {
    throw new Error('EVENT_STORE=esdb: the EventStoreDB adapter is not in this build yet; use EVENT_STORE=postgres.');
  }
  let embedded: EmbeddedDatabase | null = null;
  let url: string;
  if (config.database.mode === 'embedded') {
    logger.info({ dataDir: config.database.dataDir, port: config.database.port }, 'starting embedded Postgres');
    embedded = await startEmbeddedPostgres({
      dataDir: config.database.dataDir,
      port: config.database.port,
      log: (message) => logger.warn({ component: 'embedded-postgres' }, message),
    });
    url = embedded.url;
  } else {
    url = config.database.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: 20, application_name: 'register-event-store' });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle event-store connection failed; it will reconnect'));
  const store = new PostgresEventStore({ pool });
  const dataSource = createReadModelDataSource({
    url,
    entities: registerEntities,
    migrations: registerMigrations,
    poolSize: 20,
    applicationName: 'register-read-models',
  });
  await dataSource.initialize();
  return {
    databaseUrl: url,
    embedded: embedded !== null,
    pool,
    store,
    eventLog: postgresEventLog,
    dataSource,
    async close() {
      await store.close();
      await dataSource.destroy();
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** Brings the event store's schema and the read-model tables up to date (idempotent). */
export async function migrate(infrastructure: Infrastructure): Promise<MigrationReport> {
  const store = infrastructure.store as PostgresEventStore;
  const schema = await store.ensureSchema();
  const ran = await infrastructure.dataSource.runMigrations({ transaction: 'each' });
  return { eventStoreSchema: schema.from === schema.to ? `at version ${schema.to}` : `version ${schema.from} -> ${schema.to}`, readModelMigrations: ran.map((m) => m.name) };
}
