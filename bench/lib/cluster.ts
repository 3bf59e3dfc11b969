import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startCluster, type BenchCluster } from './embedded-postgres.js';
import { postgresSettings } from './machine.js';

/**
 * When set (the smoke run), scenarios use a fresh database of this already running cluster instead of
 * starting a cluster of their own: it saves the initdb of every scenario. Measurements never use it.
 */
export const SHARED_CLUSTER_ENV = 'BENCH_SHARED_CLUSTER_URL';

async function databaseIn(sharedUrl: string, name: string): Promise<BenchCluster> {
  const database = `${name.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(sharedUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    postmasterPid: null,
    async stop() {
      const client = new pg.Client({ connectionString: sharedUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A pool for the harness's own queries. Its idle clients' errors are ignored: `pool.end()` resolves before its
 * clients' connections have closed, so a cluster stopped right after it can still send them "terminating
 * connection due to administrator command", which a pool without a listener turns into an uncaught error
 * that kills the process after its measurements are done. An error during a query still reaches the query.
 */
export function benchPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/** A throwaway embedded cluster (server defaults: fsync and synchronous_commit on) with its settings read. */
export async function withCluster<T>(
  name: string,
  body: (cluster: BenchCluster, admin: pg.Pool, settings: Record<string, string>) => Promise<T>,
): Promise<T> {
  const shared = process.env[SHARED_CLUSTER_ENV];
  const cluster = shared ? await databaseIn(shared, name) : await startCluster(name);
  const admin = benchPool(cluster.url, 2);
  try {
    const settings = await postgresSettings(admin);
    return await body(cluster, admin, settings);
  } finally {
    await admin.end();
    await cluster.stop();
  }
}
