import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '#platform';

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Postgres cluster of its own for one test, in a temporary folder, that the test can kill and start again
 * (the shared test clusters must never go down under other suites). The service under test reaches it through
 * DATABASE_URL, as it would an external server.
 */
export interface OwnPostgres {
  readonly dataDir: string;
  readonly port: number;
  /** postgres://… of the `register` database in it. */
  readonly url: string;
  /** Process id of the postmaster running now (null while it is down). */
  readonly pid: number | null;
  /** Kills the postmaster with SIGKILL, as a crash would, and resolves once it has ended. */
  kill(): Promise<void>;
  /** Starts the cluster again on the same folder and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its folder. */
  remove(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const folder = await mkdtemp(join(tmpdir(), 'register-own-pg-'));
  const dataDir = join(folder, 'postgres');
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, port, whenRunning: 'refuse' });
  let cluster: EmbeddedDatabase | null = await start();
  const url = cluster.url;
  return {
    dataDir,
    port,
    url,
    get pid() {
      return cluster?.pid ?? null;
    },
    async kill() {
      if (!cluster) return;
      const ended = cluster.ended;
      process.kill(cluster.pid, 'SIGKILL');
      await ended;
      cluster = null;
    },
    async start() {
      if (cluster) return;
      cluster = await start();
    },
    async remove() {
      await cluster?.stop().catch(() => undefined);
      cluster = null;
      await rm(folder, { recursive: true, force: true });
    },
  };
}
