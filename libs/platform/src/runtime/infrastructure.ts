import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { type EventLogRelation, type EventStore, KurrentDbEventStore, KurrentDbSealStore, PostgresEventStore, postgresEventLog, PostgresSealStore, type SealStore, withoutCredentials } from '#eventstore';
import { createReadModelDataSource, registerEntities, registerMigrations } from '#projections';
import type { AppConfig } from '../config/index.js';
import { type DatabaseLocation, type EmbeddedDatabase, startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { EmbeddedDatabaseSupervisor } from '../database/embedded-supervisor.js';
import { destroyDataSource, endPool } from '../database/pool-shutdown.js';
import { PostgresDataKeyStore } from '../privacy/data-key-store.js';
import { PersonalData } from '../privacy/personal-data.js';
import { ensureStoreFormat } from './store-format.js';

/** The process's connections: the database (embedded or external), the event store and the read models. */
export interface Infrastructure {
  readonly databaseUrl: string;
  readonly embedded: boolean;
  /** Which database this is (host, port, name, the embedded cluster's folder; never the password). */
  readonly database: DatabaseLocation;
  /** The embedded cluster, when there is one: how it was found (started, taken over, already running). */
  readonly embeddedDatabase: EmbeddedDatabase | null;
  /**
   * Resolves when the database can no longer be used by this process: the embedded cluster it owns ended and
   * could not be started again (`restartEmbeddedDatabase`). Never resolves otherwise; it never rejects.
   */
  readonly failure: Promise<Error>;
  readonly pool: pg.Pool;
  readonly store: EventStore;
  /** The signed seals of the event log, kept beside it (ADR 0017): `es_seals`, or KurrentDB's `registerSeals` stream. */
  readonly seals: SealStore;
  /** The store's events as a relation in the read models' database, when they share one (for projections). */
  readonly eventLog: EventLogRelation | null;
  readonly dataSource: DataSource;
  /** The data keys (in the register's Postgres, wrapped by the master key of the configuration) and their use. */
  readonly keyStore: PostgresDataKeyStore;
  readonly personalData: PersonalData;
  close(): Promise<void>;
}

export interface MigrationReport {
  readonly eventStoreSchema: string;
  readonly readModelMigrations: readonly string[];
  /** Events read to check the store's stream ids (0 once a migrate of this build has checked it). */
  readonly streamIdsChecked: number;
}

export interface OpenInfrastructureOptions {
  /**
   * An embedded cluster already running in the data folder for another process (`npm start`): use it (CLI
   * commands) instead of refusing to run a second service on the same folder (the default).
   */
  readonly shareRunningDatabase?: boolean;
  /**
   * Watch the embedded cluster this process starts or takes over, and start it again when it ends unasked
   * (the service; ADR 0015). CLI commands leave it off: a command whose database went away fails.
   */
  readonly restartEmbeddedDatabase?: boolean;
}

/** How long a new connection may take before a request fails as UNAVAILABLE instead of waiting on. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens everything a process needs. With no DATABASE_URL it starts the embedded Postgres in the data folder
 * (kept between runs). The event store and the read models share the database; the event store owns the
 * `es_*` objects, TypeORM migrations own the read-model tables.
 */
export async function openInfrastructure(config: AppConfig, logger: Logger, options: OpenInfrastructureOptions = {}): Promise<Infrastructure> {
  // KurrentDB first: a service that cannot reach its store refuses to start before it opens anything else.
  const kurrent = config.eventStore.kind === 'esdb' ? await openKurrentDb(config.eventStore.url, logger) : null;
  let embedded: EmbeddedDatabase | null = null;
  let supervisor: EmbeddedDatabaseSupervisor | null = null;
  let url: string;
  if (config.database.mode === 'embedded') {
    logger.info({ dataDir: config.database.dataDir }, 'opening the embedded Postgres of the data folder');
    const log = logger.child({ component: 'embedded-postgres' });
    const embeddedOptions = {
      dataDir: config.database.dataDir,
      whenRunning: options.shareRunningDatabase ? ('share' as const) : ('refuse' as const),
      log: (level: 'info' | 'warn' | 'error', message: string) => log[level](message),
    };
    try {
      embedded = await startEmbeddedPostgres({ ...embeddedOptions, port: config.database.port });
    } catch (error) {
      await kurrent?.close().catch(() => undefined);
      throw error;
    }
    url = embedded.url;
    if (options.restartEmbeddedDatabase && embedded.origin !== 'running') {
      supervisor = new EmbeddedDatabaseSupervisor({
        initial: embedded,
        start: (port) => startEmbeddedPostgres({ ...embeddedOptions, whenRunning: 'refuse', port }),
        log: embeddedOptions.log,
      });
    }
  } else {
    url = config.database.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: 20, application_name: 'register-event-store', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // The error carries the pg client (its connection parameters, its cancel key): the logger's error serializer
  // keeps only what the error says. The pool has already dropped the client; the next query opens a new one.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle event-store connection failed; it will reconnect'));
  const store: EventStore = kurrent ?? new PostgresEventStore({
    pool,
    // Listener and notifier reconnects, and subscription reads retried: the pool's and the projector's own
    // messages already say when the database is gone, so these are details for debugging.
    onBackgroundError: (error, context) => logger.debug({ err: error, context }, 'event store background work failed; retrying'),
  });
  const dataSource = createReadModelDataSource({
    url,
    entities: registerEntities,
    migrations: registerMigrations,
    poolSize: 20,
    applicationName: 'register-read-models',
  });
  dataSource.setOptions({
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    poolErrorHandler: (error: unknown) => logger.warn({ err: error }, 'idle read-model connection failed; it will reconnect'),
  });
  const stopDatabase = async () => {
    if (supervisor) await supervisor.stop();
    else await embedded?.stop();
  };
  try {
    await dataSource.initialize();
  } catch (error) {
    await store.close().catch(() => undefined);
    await endPool(pool).catch(() => undefined);
    await stopDatabase().catch(() => undefined);
    throw error;
  }
  const keyStore = new PostgresDataKeyStore(pool);
  const kurrentSeals = config.eventStore.kind === 'esdb' ? new KurrentDbSealStore(config.eventStore.url) : null;
  return {
    databaseUrl: url,
    embedded: embedded !== null,
    database: embedded?.location ?? externalLocation(url),
    get embeddedDatabase() {
      return supervisor?.current ?? embedded;
    },
    failure: supervisor?.failed ?? new Promise<Error>(() => undefined),
    pool,
    store,
    seals: kurrentSeals ?? new PostgresSealStore(pool),
    // The runner copies from the log only where it shares the read models' database; on KurrentDB it reads $all.
    eventLog: kurrent ? null : postgresEventLog,
    dataSource,
    keyStore,
    personalData: new PersonalData(keyStore, config.privacy.masterKey, config.privacy.identitySecret),
    // In order, each waiting for its connections to close, and the database last: stopping it under open
    // sessions would fail them (and log each failure).
    async close() {
      await store.close();
      await kurrentSeals?.close().catch(() => undefined);
      await destroyDataSource(dataSource);
      await endPool(pool);
      await stopDatabase();
    },
  };
}

/** How long a starting service waits for KurrentDB (the client retries within it) before refusing to start. */
const KURRENTDB_START_ATTEMPTS = 5;

/**
 * Opens the KurrentDB adapter and checks the server answers; refuses to start with the URL (without credentials)
 * when it does not, so an operator sees which server is meant. After the start, outages are the adapter's to retry
 * and /health's to report.
 */
async function openKurrentDb(url: string, logger: Logger): Promise<KurrentDbEventStore> {
  const log = logger.child({ component: 'kurrentdb' });
  const store = new KurrentDbEventStore({
    connectionString: url,
    onBackgroundError: (error, context) => log.debug({ err: error, context }, 'event store background work failed; retrying'),
  });
  let lastError: unknown = null;
  for (let attempt = 1; attempt <= KURRENTDB_START_ATTEMPTS; attempt++) {
    try {
      await store.ping();
      log.info({ server: store.state().server }, 'connected to KurrentDB');
      return store;
    } catch (error) {
      lastError = error;
      log.warn({ server: store.state().server, attempt }, 'KurrentDB does not answer yet');
      if (attempt < KURRENTDB_START_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
  await store.close().catch(() => undefined);
  throw new Error(
    `EVENT_STORE=esdb: the event store at EVENTSTORE_URL=${withoutCredentials(url)} cannot be reached (${(lastError as Error | null)?.message ?? 'no answer'}). ` +
      'Start KurrentDB (docker compose up eventstore) or correct EVENTSTORE_URL, then start again.',
    { cause: lastError },
  );
}

function externalLocation(url: string): DatabaseLocation {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || 'localhost',
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username),
    user: decodeURIComponent(parsed.username),
    dataDir: null,
  };
}

/** Brings the event store's schema and the read-model tables up to date (idempotent). */
export async function migrate(infrastructure: Infrastructure): Promise<MigrationReport> {
  // KurrentDB has no schema of the register's; only the Postgres store is migrated.
  const store = infrastructure.store;
  const schema = store instanceof PostgresEventStore ? await store.ensureSchema() : null;
  const ran = await infrastructure.dataSource.runMigrations({ transaction: 'each' });
  await infrastructure.keyStore.ensureSchema();
  // A store written under an earlier stream-id scheme is refused here, before anything reads it (ADR 0012).
  const streamIdsChecked = await ensureStoreFormat(infrastructure.store, infrastructure.dataSource, describeStore(infrastructure));
  return {
    eventStoreSchema: schema === null ? 'KurrentDB (no schema)' : schema.from === schema.to ? `at version ${schema.to}` : `version ${schema.from} -> ${schema.to}`,
    readModelMigrations: ran.map((m) => m.name),
    streamIdsChecked,
  };
}

/** How an operator would name the store in a message: the data folder, or the database. */
export function describeStore(infrastructure: Pick<Infrastructure, 'database'>): string {
  const { dataDir, host, port, database } = infrastructure.database;
  return dataDir ? `The data folder ${dataDir}` : `The database ${database} on ${host}:${port}`;
}
