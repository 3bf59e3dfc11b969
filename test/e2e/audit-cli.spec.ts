import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { deterministicEventId, type EventToAppend, PostgresEventStore, SealSigningKey } from '#eventstore';
import { duesAccountStreamId } from '#domain/dues';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/postgres.js';

/*
 * The seal, verify-seals and export-audit commands as an operator runs them (built, as `npm run cli` runs them), and
 * the bundle checked by verifier/verify.mjs with the department's copy of the public key and of a printed seal.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERIFIER = join(ROOT, 'verifier', 'verify.mjs');
const SEAL_KEY = randomBytes(32);
const CODES = ['91420100177678329F', '914201007483243096'];

let build: string;
let main: string;
let data: string;
let database: TestDatabase;
let store: PostgresEventStore;
let env: Record<string, string>;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(entry: string, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER'];
    const environment: NodeJS.ProcessEnv = { NODE_ENV: 'production', ...extra };
    for (const key of keep) if (process.env[key] !== undefined) environment[key] = process.env[key];
    const child = spawn(process.execPath, [entry, ...args], { cwd: build, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Until readAll shows everything committed: an open transaction anywhere in the test cluster holds the global order back. */
async function settle(store: PostgresEventStore): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await store.headPosition()) === (await store.lastCommittedPosition())) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the global order stayed held back');
}

const cli = (args: string[]) => run(main, args, env);
const verifier = (args: string[]) => run(VERIFIER, args);

function payments(streamId: string, amounts: number[]): EventToAppend[] {
  const commandId = randomUUID();
  return amounts.map((amountFen, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'DuesPaymentRecorded',
    data: { amountFen, receiptNumber: `R-${commandId.slice(0, 8)}-${index}` },
    metadata: { actor: { userId: 'treasurer-1', role: 'ADMIN', associationId: 'wuhan-cia' }, commandId, correlationId: commandId, causationId: commandId, recordedAt: '2026-03-01T08:00:00.000Z' },
  }));
}

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'register-audit-build-'));
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'swc'), ['apps', 'libs', '-d', join(build, 'dist'), '--copy-files', '--config-file', '.swcrc', '-q'], { cwd: ROOT });
  await copyFile(join(ROOT, 'package.json'), join(build, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  main = join(build, 'dist', 'apps', 'cli', 'src', 'main.js');
  data = await mkdtemp(join(tmpdir(), 'register-audit-data-'));
  database = await createTestDatabase('audit_cli');
  env = { DATABASE_URL: database.url, DATA_DIR: data, SEAL_SIGNING_KEY: SEAL_KEY.toString('base64') };
  expect((await cli(['migrate'])).code).toBe(0);
  store = new PostgresEventStore(database.url);
  await store.append(duesAccountStreamId('wuhan-cia', CODES[0]!, 2026), payments(duesAccountStreamId('wuhan-cia', CODES[0]!, 2026), [100, 200]), { expectedRevision: 'no_stream' });
  await store.append(duesAccountStreamId('yueyang-ucia', CODES[1]!, 2026), payments(duesAccountStreamId('yueyang-ucia', CODES[1]!, 2026), [300]), { expectedRevision: 'no_stream' });
  await settle(store);
}, 180_000);

afterAll(async () => {
  await store?.close();
  await database?.drop();
  await Promise.all([build, data].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

// Each test runs several processes of the built CLI (a few seconds each, more on a loaded machine).
const CLI_TEST_MS = 240_000;

describe('seal, verify-seals and export-audit', () => {
  const department = () => join(data, 'department');
  let printedFile: string;

  it('seals, prints the seal for a department, seals again after new events and proves the two consistent', async () => {
    const first = await cli(['seal']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Sealed: seal 1 over 3 events up to position \d+:\d+, sealed \S+\.$/m);
    expect(first.stdout).toContain(`public key  ${new SealSigningKey(SEAL_KEY).publicKey} (ed25519)`);

    const printed = await cli(['seal', '--print']);
    expect(printed.code).toBe(0);
    const seal = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(seal).toMatchObject({ sequence: 1, treeSize: 3, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String), publicKey: expect.any(String) });
    await writeFile(`${department()}-seal-1.json`, printed.stdout);
    printedFile = `${department()}-seal-1.json`;
    await writeFile(`${department()}.pem`, new SealSigningKey(SEAL_KEY).publicKeyPem);

    const stream = duesAccountStreamId('wuhan-cia', CODES[0]!, 2026);
    await store.append(stream, payments(stream, [400]), { expectedRevision: 1 });
    await settle(store);
    expect((await cli(['seal'])).stdout).toMatch(/^Sealed: seal 2 over 4 events/m);
    const proof = await cli(['seal', '--prove', '1', '2']);
    expect(proof.code).toBe(0);
    expect(JSON.parse(proof.stdout)).toMatchObject({ older: { sequence: 1, treeSize: 3 }, newer: { sequence: 2, treeSize: 4 }, verified: true });
    expect((await cli(['seal', '--prove', '2', '1'])).code).toBe(64);
    expect((await cli(['seal', '--prove', '1', '9'])).code).toBe(1);
  }, CLI_TEST_MS);

  it('verifies the store against its seals and the printed one', async () => {
    const verified = await cli(['verify-seals', '--seal', printedFile]);
    expect(verified.stdout).toMatch(/^Intact: 4 events against 2 seals \(latest: seal 2 of \S+, 4 events, root [0-9a-f]{64}\); 0 appended since\.$/m);
    expect(verified.code).toBe(0);
  }, CLI_TEST_MS);

  it('exports a complete and an association bundle that the standalone verifier finds intact, personal data untouched', async () => {
    const out = join(data, 'bundle');
    const exported = await cli(['export-audit', '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`Written: ${out} with 4 events in 2 streams and 2 seals.`);
    expect(exported.stderr).toMatch(/exporting \[#+\] 100\.0% {2}4\/4 events/);
    expect((await stat(join(out, 'events.ndjson'))).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { counts: unknown; build: { version: string } };
    expect(manifest).toMatchObject({ counts: { events: 4, streams: 2, seals: 2 }, build: { version: '0.1.0' } });
    const checked = await verifier(['--key', `${department()}.pem`, '--seal', printedFile, out]);
    expect(checked.stdout).toMatch(/^Intact: 4 events in 2 streams, 2 seals/m);
    expect(checked.stderr).toMatch(/verifying events \[#+\] 100\.0%/);
    expect(checked.code).toBe(0);

    const partial = join(data, 'bundle-wuhan');
    const byAssociation = await cli(['export-audit', '--association', 'wuhan-cia', '--out', partial]);
    expect(byAssociation.stdout).toContain('with 3 events in 1 streams and 2 seals (partial: 4 leaf hashes of the store).');
    expect((await verifier(['--key', `${department()}.pem`, partial])).code).toBe(0);
    expect(await readFile(join(partial, 'events.ndjson'), 'utf8')).not.toContain('yueyang-ucia');
    expect(await readFile(join(partial, 'README.txt'), 'utf8')).toContain('What this bundle cannot show');

    expect((await cli(['export-audit', '--out', out])).code).toBe(1);
    expect((await cli(['export-audit'])).code).toBe(64);
    expect((await cli(['export-audit', '--from', 'yesterday', '--out', join(data, 'x')])).code).toBe(64);
  }, CLI_TEST_MS);

  it('names a stream cut back with its head moved, refuses to seal over it, and the bundle fails the verifier', async () => {
    const sql = new pg.Pool({ connectionString: database.url, max: 1 });
    const stream = duesAccountStreamId('wuhan-cia', CODES[0]!, 2026);
    try {
      const events = await store.readStream(stream);
      await sql.query('DELETE FROM es_events WHERE event_id = $1', [events[2]!.id]);
      await sql.query('UPDATE es_streams SET revision = 1, last_hash = $2 WHERE stream_id = $1', [stream, events[1]!.metadata.hash]);
    } finally {
      await sql.end();
    }
    expect((await cli(['verify-chain'])).code).toBe(0);
    const verified = await cli(['verify-seals']);
    expect(verified.code).toBe(2);
    expect(verified.stdout).toContain(`deleted    ${stream}@2: seal 2: stream ${stream} revisions 2..2 were sealed and are gone`);
    const sealed = await cli(['seal']);
    expect(sealed.code).toBe(2);
    expect(sealed.stdout).toContain('NOT SEALED: the event store does not match its seals');

    const out = join(data, 'bundle-tampered');
    expect((await cli(['export-audit', '--out', out])).code).toBe(0);
    const checked = await verifier(['--key', `${department()}.pem`, '--seal', printedFile, out]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`stream ${stream} revisions 2..2 were sealed and are gone`);
  }, CLI_TEST_MS);
});
