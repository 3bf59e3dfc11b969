// `copy-events` as an operator meets its refusals: the built command line, as a process, against real stores (the
// shared Postgres test cluster; the KurrentDB adapter over gRPC to the protocol test server). The full copy, its
// interruptions and the 100,000-event proof are test/reliability/copy-events.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { deterministicEventId, type EventToAppend, KurrentDbEventStore, PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '#testing';
import { buildService, type ServiceBuild } from '../support/built-service.js';
import { KurrentDbTestServer } from '../support/kurrentdb-test-server/kurrentdb-test-server.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function paid(streamId: string, count: number): EventToAppend[] {
  const commandId = randomUUID();
  return Array.from({ length: count }, (_, i) => ({
    id: deterministicEventId(commandId, streamId, i),
    type: 'DuesPaymentRecorded',
    data: { amountFen: 150_000 + i, receiptNumber: `R2024-${i}` },
    metadata: { actor: { userId: 'treasurer-liu', role: 'ADMIN', associationId: 'wuhan-cia' }, commandId, correlationId: commandId, causationId: commandId, recordedAt: '2024-03-01T08:00:00.000Z' },
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('cli copy-events', () => {
  let build: ServiceBuild;
  let dataDir: string;
  const databases: TestDatabase[] = [];
  const stores: (PostgresEventStore | KurrentDbEventStore)[] = [];
  let server: KurrentDbTestServer;

  function cli(args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER']) if (process.env[key] !== undefined) env[key] = process.env[key];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(build.dir, 'dist', 'apps', 'cli', 'src', 'main.js'), 'copy-events', ...args], { cwd: build.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** A fresh Postgres store holding `streams` streams of three events each. */
  async function postgres(streams: number): Promise<{ url: string; store: PostgresEventStore }> {
    const database = await createTestDatabase('copy_cli');
    databases.push(database);
    const store = new PostgresEventStore(database.url);
    stores.push(store);
    await store.ensureSchema();
    for (let i = 0; i < streams; i++) {
      const streamId = `duesAccount-wuhan-cia:${randomUUID()}`;
      await store.append(streamId, paid(streamId, 3), { expectedRevision: 'no_stream' });
    }
    return { url: database.url, store };
  }

  beforeAll(async () => {
    [build, dataDir, server] = await Promise.all([buildService(), mkdtemp(join(tmpdir(), 'register-copy-cli-')), KurrentDbTestServer.start()]);
  }, 300_000);

  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.stop();
    for (const database of databases) await database.drop();
    await build?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its help, and refuses a bad command line with exit code 64 without echoing a connection string', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run cli -- copy-events --from postgres\|esdb --to postgres\|esdb /);
    expect(help.stdout).toContain('130 interrupted (Ctrl+C), 143 terminated (SIGTERM)');

    const missing = await cli(['--to', 'esdb']);
    expect(missing).toMatchObject({ code: 64, stderr: expect.stringContaining('copy-events: --from is required: postgres or esdb.') });
    const kind = await cli(['--from', 'mysql', '--to', 'esdb']);
    expect(kind).toMatchObject({ code: 64, stderr: expect.stringContaining('--from must be postgres or esdb (got "mysql").') });
    const wrongScheme = await cli(['--from', 'postgres', '--to', 'esdb', '--to-url', 'postgres://copy:s3cret-pw@db.internal/register']);
    expect(wrongScheme).toMatchObject({ code: 64, stderr: expect.stringContaining('--to-url must be a esdb://, kurrentdb:// or kdb:// connection string for --to esdb.') });
    expect(wrongScheme.stderr).not.toContain('s3cret-pw');
    const same = await cli(['--from', 'postgres', '--to', 'postgres']);
    expect(same).toMatchObject({ code: 64, stderr: expect.stringContaining('--from and --to both name the configured postgres store') });
    const sameUrl = await cli(['--from', 'esdb', '--from-url', server.connectionString, '--to', 'esdb', '--to-url', server.connectionString]);
    expect(sameUrl).toMatchObject({ code: 64, stderr: expect.stringContaining('--from-url and --to-url name the same store.') });
    const batch = await cli(['--from', 'postgres', '--to', 'esdb', '--to-url', server.connectionString, '--batch-size', '0']);
    expect(batch).toMatchObject({ code: 64, stderr: expect.stringContaining('--batch-size must be a positive integer (got "0").') });
    const esdbWithoutUrl = await cli(['--from', 'postgres', '--from-url', 'postgres://127.0.0.1:1/none', '--to', 'esdb']);
    expect(esdbWithoutUrl).toMatchObject({ code: 64, stderr: expect.stringContaining('--to esdb needs --to-url or EVENTSTORE_URL.') });
  }, 120_000);

  it('fails with exit code 1 naming a KurrentDB that does not answer', async () => {
    const { url } = await postgres(1);
    const port = await freePort();
    const run = await cli(['--from', 'postgres', '--from-url', url, '--to', 'esdb', '--to-url', `esdb://127.0.0.1:${port}?tls=false`]);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining(`copy-events: The KurrentDB target at 127.0.0.1:${port} cannot be reached: start it or correct the URL.`) });
  }, 120_000);

  it('fails with exit code 1 on a source database that holds no event store', async () => {
    const database = await createTestDatabase('copy_cli');
    databases.push(database);
    const run = await cli(['--from', 'postgres', '--from-url', database.url, '--to', 'esdb', '--to-url', server.connectionString]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/copy-events: The source, Postgres ".*" on 127\.0\.0\.1:\d+ \(--from-url\), has no event store: nothing was ever written there\./);
  }, 120_000);

  it("refuses a target holding another register's events, writing nothing, with exit code 1", async () => {
    const source = await postgres(2);
    const target = new KurrentDbEventStore({ connectionString: server.connectionString });
    stores.push(target);
    const streamId = `duesAccount-other:${randomUUID()}`;
    await target.append(streamId, paid(streamId, 1), { expectedRevision: 'no_stream' });
    const run = await cli(['--from', 'postgres', '--from-url', source.url, '--to', 'esdb', '--to-url', server.connectionString]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^copy-events: The target holds events that are not this source's \(after 0 that are\): it holds event [0-9a-f-]{36} where the source has [0-9a-f-]{36}\. Copy into an empty store/m);
    expect(await target.countEventsAfter(null, 100)).toBe(1);
  }, 120_000);

  it('stops with exit code 1 at a source event altered behind the store', async () => {
    const source = await postgres(3);
    const sql = new pg.Pool({ connectionString: source.url, max: 1 });
    try {
      await sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountFen}', '1') WHERE stream_revision = 1 AND stream_id = (SELECT min(stream_id) FROM es_events)`);
    } finally {
      await sql.end();
    }
    const target = await postgres(0);
    const run = await cli(['--from', 'postgres', '--from-url', source.url, '--to', 'postgres', '--to-url', target.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/copy-events: The source's duesAccount-wuhan-cia:\S+@1 \(event [0-9a-f-]{36}, DuesPaymentRecorded\) does not hash to its recorded hash/);
  }, 120_000);

  it('copies Postgres to Postgres one stream per append when asked, naming both stores', async () => {
    const source = await postgres(4);
    const target = await postgres(0);
    const run = await cli(['--from', 'postgres', '--from-url', source.url, '--to', 'postgres', '--to-url', target.url, '--single-stream-appends', '--batch-size', '100']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^From: Postgres ".*" on 127\.0\.0\.1:\d+ \(--from-url\)\nTo: Postgres ".*" on 127\.0\.0\.1:\d+ \(--to-url\)\n/);
    expect(run.stdout).toMatch(/^Copied 12 events in [\d.]+ s \(4 appends\); the target holds 12, every one with the hash the source recorded\.$/m);
    const read = async (store: PostgresEventStore) => (await store.readAll({ after: null, limit: 100 })).events.map((e) => [e.id, e.streamId, e.revision, e.metadata.hash]);
    expect(await read(target.store)).toEqual(await read(source.store));
  }, 120_000);
});
