import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { Logger, LoggerOptions, MigrationInterface } from 'typeorm';

/** A TypeORM entity class (read models are plain decorated classes, no entity schemas). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

export type MigrationClass = new () => MigrationInterface;

export interface ReadModelDataSourceOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Every read-model entity, listed explicitly (see `readModelEntities`). */
  readonly entities: readonly EntityClass[];
  /** Every read-model migration, listed explicitly (see `readModelMigrations`). */
  readonly migrations: readonly MigrationClass[];
  /** TypeORM query logging; off by default. */
  readonly logging?: LoggerOptions;
  /** A TypeORM logger to receive the queries (tests use it to inspect the generated SQL). */
  readonly logger?: Logger;
  /** Connections in the pool. The projection runner's lock and LISTEN sessions are outside it. Default 10. */
  readonly poolSize?: number;
  /** Shown in pg_stat_activity. */
  readonly applicationName?: string;
}

/** Table where TypeORM records the read-model migrations it has run. */
export const READ_MODEL_MIGRATIONS_TABLE = 'read_model_migrations';

/**
 * The read-model database as a TypeORM DataSource (not yet initialised).
 *
 * - `synchronize` and `migrationsRun` are always off: the schema changes only through the migrations in
 *   `readModelMigrations`, run explicitly (`migrate` in the CLI, `dataSource.runMigrations()` in tests).
 * - Entities and migrations are passed as classes, never as globs: globs break under native ESM and when the
 *   code runs from `dist/`.
 * - No `schema` option: TypeORM then writes unqualified table names, which the projection rebuild relies on
 *   (it redirects a projection's writes into a shadow schema with `SET LOCAL search_path`).
 * - `parseInt8` is left alone on purpose: it changes the global `pg` type parsers for the whole process.
 *   bigint columns come back as strings.
 */
export function createReadModelDataSource(options: ReadModelDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...options.entities],
    migrations: [...options.migrations],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    installExtensions: false,
    logging: options.logging ?? false,
    ...(options.logger ? { logger: options.logger } : {}),
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'register-read-models',
    extra: { idleTimeoutMillis: 30_000 },
  });
}

/**
 * A read-model query sent as a named (prepared) statement on the data source's own pool: Postgres parses and plans
 * it once per connection instead of on every call. For the hot reads of the request path (the tender look-up),
 * whose plan costs as much as running them; TypeORM's `query` cannot name a statement.
 */
export async function preparedQuery<T>(dataSource: DataSource, name: string, text: string, values: readonly unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  return (await pool.query({ name, text, values: [...values] })).rows as T[];
}
