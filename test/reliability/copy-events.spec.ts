// Moving the log between stores, end to end: a register's log in Postgres, copied by the built `copy-events` command
// into KurrentDB (the adapter over gRPC to the protocol test server) and from there into a fresh Postgres, each leg
// interrupted midway (Ctrl+C, then SIGTERM) and resumed. On the copy every hash chain verifies, every event is the
// original's (id, stream, revision, type, data, metadata, hashes, order), and the read models rebuilt from it equal
// those rebuilt from the original, table by table and row by row (position columns aside).
//
// The log: a template written through the service's own command path (persons with sealed fields registered, rated
// in a credit cycle, objected to, one under a conduct record, one erased; an association with admitted members, a fee
// schedule, invoices and receipts), then cloned, as the benchmark's datasets are, into COPY_EVENTS_SIZE events (default
// 3,000; RELIABILITY_SIZE=large: 100,000): each clone with its own association ids, register ids, credit codes,
// identity keys and UUIDs, its content re-encoded and chained per stream as es_append would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { misfitOf } from '#domain/streams';
import { withCheckCharacter } from '#domain/shared';
import { chainHash, encodeContent, GENESIS_HASH, KurrentDbEventStore, PostgresEventStore, postgresEventLog, type ReadAllResult, type RecordedEvent } from '#eventstore';
import { createReadModelDataSource, rebuildProjections, registerEntities, registerMigrations, registerProjections } from '#projections';
import { createTestDatabase, type TestDatabase } from '#testing';
import { DuesFixtures, memberCode } from '../e2e/dues-fixtures.js';
import { erasePerson, runPrivacyScenario } from '../privacy/privacy-scenario.js';
import { buildService, type ServiceBuild } from '../support/built-service.js';
import { KurrentDbTestServer } from '../support/kurrentdb-test-server/kurrentdb-test-server.js';
import { LARGE, report } from '../support/reliability.js';

const SIZE = Number(process.env.COPY_EVENTS_SIZE ?? (LARGE ? 100_000 : 3_000));
const DUES_ASSOC = 'wuhan-cia';

interface TemplateRow {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: string;
}

/** The template, through the service's GraphQL API and command handler; its events in global order. */
async function writeTemplate(): Promise<TemplateRow[]> {
  const scenario = await runPrivacyScenario();
  try {
    const { service } = scenario;
    await erasePerson(scenario, scenario.personIds[3]!, 'erasure-1');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(DUES_ASSOC, ['secretary-general']);
    const seeds = Array.from({ length: 6 }, (_, i) => ({ code: memberCode('TPL', i), sizeClass: i % 2 ? ('SMALL' as const) : ('MEDIUM' as const), tier: 'MEMBER' as const, admittedOn: '2021-03-01' }));
    await fixtures.members(DUES_ASSOC, seeds, 2);
    await fixtures.settled();
    const admin = service.client('ADMIN', { associationId: DUES_ASSOC, userId: 'treasurer-liu' });
    await admin.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: DUES_ASSOC,
        amounts: [
          { tier: 'VICE_PRESIDENT', annualFen: 3_000_000 },
          { tier: 'DIRECTOR', annualFen: 500_000 },
          { tier: 'MEMBER', annualFen: 300_000 },
        ],
        secondHalfPercent: 50,
        effectiveFrom: '2022-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2021〕30号', decidedOn: '2021-12-26' },
      },
    });
    await admin.ok(`mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { written } }`, { input: { associationId: DUES_ASSOC, year: 2022 } });
    for (const [i, seed] of seeds.entries()) {
      if (i % 3 === 2) continue; // still owing
      await admin.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
        input: { associationId: DUES_ASSOC, enterpriseCode: seed.code, year: 2022, receiptNumber: `R2022-${String(i).padStart(5, '0')}`, amountFen: 300_000 },
      });
    }
    await service.settled();
    const { rows } = await service.pool.query<{ stream_id: string; event_id: string; event_type: string; data: string; metadata: string; recorded_at: string }>(
      `SELECT stream_id, event_id::text, event_type, data::text, metadata::text,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
         FROM es_events ORDER BY transaction_id, global_position`,
    );
    return rows.map((r) => ({ streamId: r.stream_id, eventId: r.event_id, type: r.event_type, data: r.data, metadata: r.metadata, recordedAt: r.recorded_at }));
  } finally {
    await scenario.service.stop();
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const UUID = /[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;
const PERSON = /PSN([0-9A-HJKMNP-TV-Z]{16})/g;
const TEMPLATE_CODE = /914201TPL[0-9A-Z]{9}/g;
const IDENTITY_KEY = /\b[0-9a-f]{64}\b/g;

/** Clone `n`'s version of the template's text: every id that must be unique in the store made its own. */
function cloneText(text: string, n: number): string {
  if (n === 0) return text;
  const tag = Array.from({ length: 6 }, (_, i) => CROCKFORD[Math.floor(n / 32 ** (5 - i)) % 32]).join('');
  return text
    .replaceAll('hubei-mea', `hubei-mea-c${n}`)
    .replaceAll(DUES_ASSOC, `${DUES_ASSOC}-c${n}`)
    .replace(PERSON, (_, rest: string) => `PSN${tag}${rest.slice(6)}`)
    .replace(TEMPLATE_CODE, (code) => withCheckCharacter(`9142${String(n).padStart(7, '0')}${code.slice(11, 17)}`))
    .replace(IDENTITY_KEY, (key) => createHash('sha256').update(`${key}:${n}`).digest('hex'))
    .replace(UUID, (_, rest: string) => `${n.toString(16).padStart(8, '0')}${rest}`);
}

/** Writes `count` events (the template, then clones of it) into an empty store, chained per stream. */
async function writeLog(pool: pg.Pool, template: readonly TemplateRow[], count: number): Promise<void> {
  const heads = new Map<string, { revision: number; hash: string }>();
  let rows: unknown[][] = [];
  const flush = async () => {
    const columns = Array.from({ length: 10 }, (_, i) => rows.map((r) => r[i]));
    const touched = new Set(rows.map((r) => r[0] as string));
    rows = [];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
         SELECT s, r, i, t, d::jsonb, m::jsonb, c, p, h, a
           FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
                AS u(s, r, i, t, d, m, c, p, h, a)`,
        columns,
      );
      const streams = [...touched];
      await client.query(
        `INSERT INTO es_streams (stream_id, revision, last_hash) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
        [streams, streams.map((s) => heads.get(s)!.revision), streams.map((s) => heads.get(s)!.hash)],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  let written = 0;
  for (let n = 0; written < count; n++) {
    for (const event of template) {
      if (written >= count) break;
      const streamId = cloneText(event.streamId, n);
      const head = heads.get(streamId);
      const revision = head ? head.revision + 1 : 0;
      const prevHash = head ? head.hash : GENESIS_HASH;
      const content = encodeContent({ type: event.type, data: JSON.parse(cloneText(event.data, n)) as unknown, metadata: JSON.parse(cloneText(event.metadata, n)) as Record<string, unknown> });
      const hash = chainHash(prevHash, streamId, revision, content.contentHash);
      heads.set(streamId, { revision, hash });
      rows.push([streamId, revision, cloneText(event.eventId, n), event.type, content.dataJson, content.metadataJson, content.contentHash, prevHash, hash, event.recordedAt]);
      written++;
      if (rows.length >= 5_000) await flush();
    }
  }
  if (rows.length > 0) await flush();
}

interface Database {
  readonly test: TestDatabase;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  close(): Promise<void>;
}

async function database(prefix: string): Promise<Database> {
  const test = await createTestDatabase(prefix);
  const pool = new pg.Pool({ connectionString: test.url, max: 4 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool });
  return {
    test,
    pool,
    store,
    async close() {
      await store.close();
      await pool.end();
      await test.drop();
    },
  };
}

/** Every projection rebuilt from the database's own log (the migrations first), as `rebuild-projections` does. */
async function rebuildReadModels(db: Database): Promise<void> {
  const dataSource = createReadModelDataSource({ url: db.test.url, entities: registerEntities, migrations: registerMigrations, poolSize: 4, applicationName: 'copy-events-test' });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    await rebuildProjections({ store: db.store, dataSource, eventLog: postgresEventLog, projections: registerProjections });
  } finally {
    await dataSource.destroy();
  }
}

/** Every read-model table's rows, without the columns that hold positions in the log (each store has its own). */
async function readModels(pool: pg.Pool): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of registerProjections.flatMap((p) => p.tables).sort()) {
    const { rows } = await pool.query<{ row: string }>(
      `SELECT (to_jsonb(t) - array(SELECT column_name::text FROM information_schema.columns
                                    WHERE table_schema = 'public' AND table_name = $1 AND column_name LIKE '%position%'))::text AS row
         FROM public.${table} t ORDER BY 1`,
      [table],
    );
    tables[table] = rows.map((r) => r.row);
  }
  return tables;
}

async function readEverything(store: PostgresEventStore | KurrentDbEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page: ReadAllResult = await store.readAll({ after, limit: 2_000 });
    if (page.events.length === 0) return all;
    all.push(...page.events);
    after = page.position;
  }
}

const portable = (e: RecordedEvent) => ({ id: e.id, streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata });

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe(`copy-events: ${SIZE.toLocaleString('en')} events Postgres -> KurrentDB (protocol test server) -> a fresh Postgres`, () => {
  let build: ServiceBuild;
  let dataDir: string;
  let original: Database;
  let copy: Database;
  let server: KurrentDbTestServer;
  const timings: Record<string, number> = {};

  /** The built command line as an operator runs it, with only what a shell would pass. */
  function cli(args: string[]): { child: ChildProcess; done: Promise<Run> } {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER']) if (process.env[key] !== undefined) env[key] = process.env[key];
    const child = spawn(process.execPath, [join(build.dir, 'dist', 'apps', 'cli', 'src', 'main.js'), 'copy-events', ...args], { cwd: build.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const done = new Promise<Run>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { child, done };
  }

  /** Runs a copy, stops it with `signal` once `held()` passes `at` events, and checks it stopped as asked. */
  /** Seconds the runs of one leg took (`postgres->esdb`), interrupted and resumed together. */
  const leg = (args: string[]) => `${args[1]}->${args[5]}`;

  async function interrupted(args: string[], held: () => Promise<number>, at: number, signal: NodeJS.Signals): Promise<number> {
    const started = performance.now();
    const { child, done } = cli(args);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished && (await held()) < at) await delay(100);
    if (!finished) child.kill(signal);
    const run = await done;
    timings[leg(args)] = (performance.now() - started) / 1000;
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: signal === 'SIGTERM' ? 143 : 130,
      stderr: expect.stringMatching(/Interrupted: \d+ events are in the target; run the same command again to copy the rest\.\n$/),
    });
    const count = await held();
    expect(count).toBeGreaterThanOrEqual(at);
    expect(count).toBeLessThan(SIZE);
    return count;
  }

  async function copied(args: string[], found: number): Promise<Run> {
    const started = performance.now();
    const run = await cli(args).done;
    timings[leg(args)] = (timings[leg(args)] ?? 0) + (performance.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Copied ${SIZE - found} events in [\\d.]+ s \\(\\d+ appends\\), resumed after ${found} found in the target; the target holds ${SIZE}, every one with the hash the source recorded\\.$`, 'm'));
    // Progress on stderr: the renderer's lines (not a terminal: one per phase and every few seconds), rate and ETA.
    expect(run.stderr).toMatch(/^copy-events {2}copying .*events {2}[\d,]+ ev\/s {2}ETA /m);
    expect(run.stderr).toMatch(new RegExp(`^copy-events {2}done .*100\\.0%  ${SIZE.toLocaleString('en')}/${SIZE.toLocaleString('en')} events .* in \\d+:\\d\\d$`, 'm'));
    return run;
  }

  beforeAll(async () => {
    const started = performance.now();
    [build, dataDir] = await Promise.all([buildService(), mkdtemp(join(tmpdir(), 'register-copy-events-'))]);
    const template = await writeTemplate();
    original = await database('copy_src');
    await original.store.ensureSchema();
    await writeLog(original.pool, template, SIZE);
    timings.generate = (performance.now() - started) / 1000;
    copy = await database('copy_dst');
    server = await KurrentDbTestServer.start();
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    await original?.close();
    await copy?.close();
    await build?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    report('copy-events', { events: SIZE, seconds: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])) });
  });

  it('starts from a realistic log: several contexts, sealed personal fields, intact chains', async () => {
    const events = await readEverything(original.store);
    expect(events).toHaveLength(SIZE);
    const categories = new Set(events.map((e) => e.streamId.split('-')[0]));
    for (const category of ['person', 'personIdentity', 'creditApplication', 'creditCycle', 'association', 'enterprise', 'membership', 'duesAccount']) expect(categories).toContain(category);
    expect(events.some((e) => e.type === 'PersonErased')).toBe(true);
    expect(JSON.stringify(events.find((e) => e.type === 'PersonRegistered')!.data)).not.toContain('张建国');
    expect(new Set(events.map((e) => e.streamId)).size).toBeGreaterThan(SIZE / 4);
    await expect(original.store.verifyAll({ misfit: misfitOf })).resolves.toMatchObject({ intact: true, eventsChecked: SIZE });
  }, 600_000);

  it('copies Postgres -> KurrentDB, stopped by Ctrl+C midway and resumed', async () => {
    const kurrent = new KurrentDbEventStore({ connectionString: server.connectionString });
    try {
      const args = ['--from', 'postgres', '--from-url', original.test.url, '--to', 'esdb', '--to-url', server.connectionString];
      // The register's events in the server's log: each has its id claim beside it, and the log opens with a system event.
      const held = async () => Math.floor((server.eventCount - 1) / 2);
      const found = await interrupted(args, held, Math.floor(SIZE / 3), 'SIGINT');
      await copied(args, found);
      expect(await kurrent.countEventsAfter(null, SIZE + 1)).toBe(SIZE);
    } finally {
      await kurrent.close();
    }
  }, 3_600_000);

  it('copies KurrentDB -> a fresh Postgres, stopped by SIGTERM midway and resumed', async () => {
    const args = ['--from', 'esdb', '--from-url', server.connectionString, '--to', 'postgres', '--to-url', copy.test.url];
    const held = async () => (await copy.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events').catch(() => ({ rows: [{ n: 0 }] }))).rows[0]!.n;
    const found = await interrupted(args, held, Math.floor(SIZE / 2), 'SIGTERM');
    await copied(args, found);
    // A third run finds everything there and writes nothing.
    const again = await cli(args).done;
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining(`Nothing to copy: the target already holds all ${SIZE} events of the source.`) });
  }, 3_600_000);

  it('keeps every event as it was and every hash chain valid on the copy', async () => {
    const started = performance.now();
    await expect(copy.store.verifyAll({ misfit: misfitOf })).resolves.toEqual({ intact: true, streamsChecked: expect.any(Number), eventsChecked: SIZE, firstBreak: null });
    timings.verify = (performance.now() - started) / 1000;
    const [before, after] = await Promise.all([readEverything(original.store), readEverything(copy.store)]);
    expect(after.map(portable)).toEqual(before.map(portable));
  }, 600_000);

  it('rebuilds read models from the copy equal to those rebuilt from the original, row by row', async () => {
    const started = performance.now();
    await rebuildReadModels(original);
    await rebuildReadModels(copy);
    timings.rebuild = (performance.now() - started) / 1000;
    const [expected, actual] = await Promise.all([readModels(original.pool), readModels(copy.pool)]);
    expect(Object.values(expected).flat().length).toBeGreaterThan(SIZE / 10);
    for (const table of Object.keys(expected)) expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });
  }, 1_200_000);
});
