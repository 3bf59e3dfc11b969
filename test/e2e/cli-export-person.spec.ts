// `export-person` as an operator runs it beside `npm start`: the built application (as test/e2e/cli.spec.ts builds
// it, into a temporary folder), a service on its own embedded Postgres in a temporary data folder, a person
// registered over HTTP, and the export written to standard output or to a new file readable by its owner only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readlink, rm, stat, symlink, writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ASSOC = 'hubei-mea';
const PERSON = { name: '李秀兰', identityCardNumber: '420102197503150026', phone: '027-85551234', address: '武汉市江汉区解放大道690号' };
const NOTICE = /holds personal data of PSN[0-9A-HJKMNP-TV-Z]{16} in plain text: hand it to the person only\.\n/;

let build: string;
let main: string;
let dataDir: string;
let service: ChildProcess | undefined;
let url: string;
let personId: string;

/** Only what a shell would pass, plus the data folder: none of the test run's own settings. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'USER']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, NODE_ENV: 'production', DATA_DIR: dataDir, ...extra };
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: build, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function graphql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'register-cli-export-build-'));
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'swc'), ['apps', 'libs', '-d', join(build, 'dist'), '--copy-files', '--config-file', '.swcrc', '-q'], {
    cwd: ROOT,
  });
  await copyFile(join(ROOT, 'package.json'), join(build, 'package.json'));
  await copyFile(join(ROOT, '.swcrc'), join(build, '.swcrc'));
  await symlink(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  main = join(build, 'dist', 'apps', 'cli', 'src', 'main.js');

  dataDir = await mkdtemp(join(tmpdir(), 'register-cli-export-data-'));
  const [pgPort, httpPort] = [await freePort(), await freePort()];
  url = `http://127.0.0.1:${httpPort}`;
  service = spawn(process.execPath, [join(build, 'dist', 'apps', 'api', 'src', 'main.js')], {
    cwd: build,
    env: environment({ EMBEDDED_PG_PORT: String(pgPort), PORT: String(httpPort) }),
    stdio: 'ignore',
    detached: true,
  });
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || service.exitCode !== null) throw new Error('the service did not become healthy');
    await delay(200);
  }
}, 240_000);

afterAll(async () => {
  if (service && service.exitCode === null && service.signalCode === null) {
    const exited = new Promise((resolve) => service!.once('exit', resolve));
    process.kill(-service.pid!, 'SIGINT');
    await exited;
  }
  // A Postgres a failed start left in the data folder (never anything else).
  if (dataDir) {
    for (const entry of await readdir('/proc')) {
      if (/^\d+$/.test(entry) && (await readlink(`/proc/${entry}/cwd`).catch(() => '')) === join(dataDir, 'postgres')) process.kill(Number(entry), 'SIGKILL');
    }
  }
  await Promise.all([build, dataDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
}, 120_000);

describe('export-person of a registered person', () => {
  beforeAll(async () => {
    const admin = (await cli(['issue-token', '--role', 'ADMIN', '--association', ASSOC])).stdout.trim();
    const registered = await graphql<{ registerPerson: { person: { personId: string } } }>(
      admin,
      `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`,
      { input: { associationId: ASSOC, ...PERSON } },
    );
    personId = registered.registerPerson.person.personId;
  }, 60_000);

  it("writes the person's export as JSON to standard output, and says on stderr that it holds personal data", async () => {
    const run = await cli(['export-person', '--person', personId]);
    expect(run.code).toBe(0);
    const exported = JSON.parse(run.stdout) as { personId: string; status: string; details: Record<string, unknown>; streams: { streamId: string; events: { hash: string }[] }[] };
    expect(exported).toMatchObject({ personId, status: 'REGISTERED', details: PERSON });
    expect(exported.streams[0]!.streamId).toBe(`person-${personId}`);
    expect(exported.streams.flatMap((s) => s.events).every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(run.stderr).toMatch(/^Database: "register" on 127\.0\.0\.1:\d+, embedded Postgres with data in \S+ \(already running\)\n/);
    expect(run.stderr).toMatch(NOTICE);
  });

  it('writes it to a new file of mode 0600 with --out, the same JSON, and never over an existing file', async () => {
    const out = join(dataDir, 'export.json');
    const run = await cli(['export-person', '--person', personId, '--out', out]);
    expect([run.code, run.stdout]).toEqual([0, '']);
    expect(run.stderr).toContain(`The output (${out}) holds personal data`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const written = JSON.parse(await readFile(out, 'utf8')) as { details: unknown; generatedAt: string };
    expect(written.details).toEqual(PERSON);

    const existing = join(dataDir, 'existing.json');
    await writeFile(existing, 'kept');
    const again = await cli(['export-person', '--person', personId, '--out', existing]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`export-person: ${existing} exists already: choose a new file.`);
    expect(await readFile(existing, 'utf8')).toBe('kept');
  });
});

describe('export-person refusing', () => {
  it('refuses a missing or malformed register id as a bad command line (64), and an unknown one as a failure (1)', async () => {
    const missing = await cli(['export-person']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('export-person: --person is required');
    expect(missing.stderr).toContain('Usage: npm run cli -- export-person --person ID [--out FILE]');
    const malformed = await cli(['export-person', '--person', PERSON.identityCardNumber]);
    expect(malformed.code).toBe(64);
    expect(malformed.stderr).toContain('--person must be a register id');
    expect(malformed.stderr).not.toContain(PERSON.identityCardNumber);
    const unknown = await cli(['export-person', '--person', 'PSN0000000000000000']);
    expect([unknown.code, unknown.stdout]).toEqual([1, '']);
    expect(unknown.stderr).toContain('export-person: No person PSN0000000000000000 is in the register.');
  });

  it('asks for a migration on a database this build has not migrated, rather than failing obscurely', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'register-cli-export-fresh-'));
    try {
      const run = await cli(['export-person', '--person', 'PSN0000000000000000'], { DATA_DIR: fresh, EMBEDDED_PG_PORT: String(await freePort()) });
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toContain('export-person: This database is not migrated for this build: run `npm run cli -- migrate` (or start the service) first.\n');
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it('prints its help with --help, and is listed by the usage', async () => {
    const help = await cli(['export-person', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run cli -- export-person --person ID \[--out FILE\]\n/);
    expect(help.stdout).toContain('The output holds personal data in plain text');
    expect((await cli(['--help'])).stdout).toContain('  export-person --person ID [--out FILE]\n');
  });
});
