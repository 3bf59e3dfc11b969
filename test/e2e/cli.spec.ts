// The command line as an operator uses it: the built application (`npm run build`, which `npm start` runs),
// started and stopped as processes, with its own embedded Postgres clusters in temporary data folders.
// Built once for this file, into a temporary folder (npm test itself does not build, and ./dist belongs to
// whoever last ran npm start).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CODE = '91420100177678329F';

let build: string;
let main: string;
/** The service's entry point, which `npm start` runs. */
let serviceMain: string;
const folders: string[] = [];
const services: Service[] = [];

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'register-cli-build-'));
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'swc'), ['apps', 'libs', '-d', join(build, 'dist'), '--copy-files', '--config-file', '.swcrc', '-q'], {
    cwd: ROOT,
  });
  await copyFile(join(ROOT, 'package.json'), join(build, 'package.json'));
  await copyFile(join(ROOT, '.swcrc'), join(build, '.swcrc'));
  // The sources too, for the `npm start` test (its script builds first), and the packages.
  for (const dir of ['node_modules', 'apps', 'libs', 'bench']) await symlink(join(ROOT, dir), join(build, dir), 'dir');
  main = join(build, 'dist', 'apps', 'cli', 'src', 'main.js');
  serviceMain = join(build, 'dist', 'apps', 'api', 'src', 'main.js');
}, 120_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  // Whatever a failed test left running in its folders (never anything else).
  for (const dir of folders) for (const pid of await postgresProcessesOf(dir)) process.kill(pid, 'SIGKILL');
  await Promise.all([build, ...folders].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
}, 120_000);

/** Only what a shell would pass: none of the test run's own settings (NODE_OPTIONS, database URLs). */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'USER'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, NODE_ENV: 'production', ...extra };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, entry: string = main): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: build, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'register-cli-data-'));
  folders.push(dir);
  return dir;
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

interface Service {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Stops it if it still runs (SIGINT to its group), for the clean-up. */
  stop(): Promise<void>;
}

/** `node dist/apps/api/src/main.js` (or `npm start`) as a terminal runs it: the leader of its own process group. */
function startService(dataDir: string, env: Record<string, string>, command: readonly string[] = [process.execPath, serviceMain]): Service {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: build,
    env: environment({ DATA_DIR: dataDir, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: Service = {
    child,
    dataDir,
    url: `http://127.0.0.1:${env.PORT}`,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGINT');
        await exited;
      }
    },
  };
  services.push(service);
  return service;
}

async function healthy(service: Service, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void service.exited.then(() => (ended = true));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`the service ended before it was healthy:\n${service.output()}`);
    const ok = await fetch(`${service.url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await delay(200);
  }
  throw new Error(`the service was not healthy within ${timeoutMs} ms:\n${service.output()}`);
}

async function started(dataDir: string): Promise<{ service: Service; pgPort: number; httpPort: number }> {
  const [pgPort, httpPort] = [await freePort(), await freePort()];
  const service = startService(dataDir, { EMBEDDED_PG_PORT: String(pgPort), PORT: String(httpPort) });
  await healthy(service);
  return { service, pgPort, httpPort };
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** Processes (a postmaster and its backends) whose working directory is the cluster's data folder. */
async function postgresProcessesOf(dataDir: string): Promise<number[]> {
  const pgdata = join(dataDir, 'postgres');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd === pgdata) found.push(Number(entry));
  }
  return found;
}

async function gone(dataDir: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await postgresProcessesOf(dataDir);
  while (left.length > 0 && Date.now() < deadline) {
    await delay(100);
    left = await postgresProcessesOf(dataDir);
  }
  return left;
}

/** Log lines at warn level or above (JSON lines with a level label or number), and any other text on the output. */
function noisyLines(output: string): string[] {
  const banner = /^(|Association register is running.*| {2}.*)$/;
  return output.split('\n').filter((line) => {
    if (banner.test(line)) return false;
    try {
      const { level } = JSON.parse(line) as { level: string | number };
      return typeof level === 'number' ? level >= 40 : ['warn', 'error', 'fatal'].includes(level);
    } catch {
      return true;
    }
  }).map((line) => (line.length > 300 ? `${line.slice(0, 300)}… (${line.length} characters)` : line));
}

async function registerEnterprise(service: Service, dataDir: string): Promise<void> {
  const token = (await cli(['issue-token', '--role', 'ADMIN', '--association', 'default'], { DATA_DIR: dataDir })).stdout.trim();
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation { registerEnterprise(input: { code: "${CODE}", name: "武汉市建设工程有限公司", legalRepresentative: "张三",
        regionCode: "420102", ownership: PRIVATE, sizeClass: SMALL }) { revision } }`,
    }),
  });
  expect(await response.json()).toEqual({ data: { registerEnterprise: { revision: 0 } } });
}

const STACK = /\n\s+at \S/;

describe('CLI commands check the database `start` uses', () => {
  let a: string;
  let b: string;
  let aPort: number;
  let bPort: number;

  beforeAll(async () => {
    [a, b] = [await folder(), await folder()];
    // Two registers side by side: A holds one event, B none.
    const [first, second] = await Promise.all([started(a), started(b)]);
    aPort = first.pgPort;
    bPort = second.pgPort;
    await registerEnterprise(first.service, a);
  }, 180_000);

  it("verify-chain beside `start` checks the data folder's running cluster, not whatever answers on the configured port", async () => {
    // The configured port is B's: today's false all-clear came from verifying the cluster found there.
    const run = await cli(['verify-chain'], { DATA_DIR: a, EMBEDDED_PG_PORT: String(bPort) });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `Database: "register" on 127.0.0.1:${aPort}, embedded Postgres with data in ${join(a, 'postgres')} (already running)\n` +
        'Intact: 1 event in 1 stream verified.\n',
    );
    expect(run.code).toBe(0);
  });

  it('reports an empty event store as empty, with exit code 3, never as intact', async () => {
    const run = await cli(['verify-chain'], { DATA_DIR: b });
    expect(run.stdout).toBe(
      `Database: "register" on 127.0.0.1:${bPort}, embedded Postgres with data in ${join(b, 'postgres')} (already running)\n` +
        'Empty: the event store holds no events; nothing to verify.\n',
    );
    expect(run.code).toBe(3);
    const stream = await cli(['verify-chain', '--stream', 'enterprise-91350100M000100Y43'], { DATA_DIR: a });
    expect(stream.stdout).toContain('Empty: stream enterprise-91350100M000100Y43 holds no events; nothing to verify.\n');
    expect(stream.code).toBe(3);
  });

  it('says in JSON which database it checked, and how it ended', async () => {
    const run = await cli(['verify-chain', '--json'], { DATA_DIR: a });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'intact',
      database: { host: '127.0.0.1', port: aPort, database: 'register', dataDir: join(a, 'postgres'), embedded: 'running' },
      intact: true,
      streamsChecked: 1,
      eventsChecked: 1,
      firstBreak: null,
    });
    expect(run.stdout).not.toContain('postgres:postgres');
  });

  it('refuses a cluster of another data folder that answers on the configured port, and touches nothing', async () => {
    const c = await folder();
    const run = await cli(['verify-chain'], { DATA_DIR: c, EMBEDDED_PG_PORT: String(aPort) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `verify-chain: Port ${aPort} is used by another Postgres cluster (data folder ${join(a, 'postgres')}), not the one in ${join(c, 'postgres')}; ` +
        'nothing was done with it. Set EMBEDDED_PG_PORT to a free port, or DATA_DIR (or EMBEDDED_PG_DATA_DIR) to the folder of the cluster you mean.\n',
    );
    expect(existsSync(join(c, 'postgres'))).toBe(false);
  });

  it('starts the folder\'s cluster for the command when none runs there, says so, and stops it again', async () => {
    const d = await folder();
    const port = await freePort();
    const run = await cli(['migrate'], { DATA_DIR: d, EMBEDDED_PG_PORT: String(port) });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe(`Database: "register" on 127.0.0.1:${port}, embedded Postgres with data in ${join(d, 'postgres')} (started for this command)`);
    expect(run.code).toBe(0);
    expect(await gone(d)).toEqual([]);
    const verify = await cli(['verify-chain'], { DATA_DIR: d, EMBEDDED_PG_PORT: String(port) });
    expect(verify.stdout).toContain('Empty: the event store holds no events; nothing to verify.\n');
    expect(verify.code).toBe(3);
  }, 120_000);

  it('refuses a second `start` on the same data folder with a clear message', async () => {
    const second = startService(a, { EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) });
    const ended = await Promise.race([second.exited, delay(60_000).then(() => null)]);
    expect(ended).toEqual({ code: 1, signal: null });
    expect(second.output()).toMatch(/The embedded Postgres in \S+ is already running \(pid \d+, port \d+\) for another process/);
    expect(second.output()).toContain('Is `npm start` already running on this data folder?');
    expect(second.output()).not.toMatch(STACK);
  }, 90_000);
});

describe('Ctrl+C stops `start` in order and quietly', () => {
  it('stops on SIGINT to its process group (what a terminal sends) with exit code 0, no warnings and no Postgres left', async () => {
    const dataDir = await folder();
    const { service } = await started(dataDir);
    const postmaster = await postmasterPid(dataDir);
    expect(await postgresProcessesOf(dataDir)).toContain(postmaster);

    process.kill(-service.child.pid!, 'SIGINT');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(noisyLines(service.output())).toEqual([]);
    expect(service.output()).toMatch(/"msg":"stopped"/);
    expect(await gone(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('`npm start` ends with exit code 0 too when the terminal sends SIGINT to npm, its script and the app', async () => {
    // npm passes the signal on to its script, and dies of it if the script does: the script must exec the app.
    const dataDir = await folder();
    const [pgPort, httpPort] = [await freePort(), await freePort()];
    const service = startService(dataDir, { EMBEDDED_PG_PORT: String(pgPort), PORT: String(httpPort) }, ['npm', 'start']);
    await healthy(service, 150_000);
    process.kill(-service.child.pid!, 'SIGINT');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(noisyLines(service.output()).filter((line) => !/^> |^\S*\[\d*[GK]|^[⠁-⣿]/.test(line))).toEqual([]);
    expect(service.output()).toMatch(/"msg":"stopped"/);
    expect(await gone(dataDir)).toEqual([]);
  }, 240_000);

  it('stops on SIGTERM the same way, and the next start finds the data again', async () => {
    const dataDir = await folder();
    const first = await started(dataDir);
    await registerEnterprise(first.service, dataDir);
    await first.service.stop();

    const { service } = await started(dataDir);
    const verify = await cli(['verify-chain'], { DATA_DIR: dataDir });
    expect(verify.stdout).toContain('Intact: 1 event in 1 stream verified.\n');
    process.kill(service.child.pid!, 'SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(noisyLines(service.output())).toEqual([]);
    expect(await gone(dataDir)).toEqual([]);
  }, 180_000);

  it('takes over a Postgres left running when the app was killed, and stops it when it stops', async () => {
    const dataDir = await folder();
    const first = await started(dataDir);
    const postmaster = await postmasterPid(dataDir);
    process.kill(first.service.child.pid!, 'SIGKILL');
    await first.service.exited;
    expect(await postgresProcessesOf(dataDir)).toContain(postmaster);

    const { service } = await started(dataDir);
    expect(service.output()).toContain(`Took over the embedded Postgres an ended process left running in ${join(dataDir, 'postgres')} (pid ${postmaster}`);
    process.kill(-service.child.pid!, 'SIGINT');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(noisyLines(service.output())).toEqual([]);
    expect(await gone(dataDir)).toEqual([]);
  }, 180_000);

  it('starts again after a crash that left a stale postmaster.pid', async () => {
    const dataDir = await folder();
    const first = await started(dataDir);
    const postmaster = await postmasterPid(dataDir);
    process.kill(first.service.child.pid!, 'SIGKILL');
    process.kill(postmaster, 'SIGKILL');
    await first.service.exited;
    expect(await gone(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    const { service } = await started(dataDir);
    expect(service.output()).toContain('is left from a Postgres that is no longer running');
    process.kill(-service.child.pid!, 'SIGINT');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(await gone(dataDir)).toEqual([]);
  }, 180_000);
});

describe('the command line', () => {
  const commands = ['migrate', 'rebuild-projections', 'verify-chain', 'issue-token'];
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { DATA_DIR: await folder(), EMBEDDED_PG_PORT: String(await freePort()) };
  });

  it.each(commands)('%s --help prints its usage and exits 0', async (name) => {
    for (const flag of ['--help', '-h']) {
      const run = await cli([name, flag], env);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(new RegExp(`^Usage: npm run cli -- ${name}\\b`));
      expect(run.stdout).toContain('Options:');
      expect(run.code).toBe(0);
    }
    expect((await cli(['help', name], env)).stdout).toBe((await cli([name, '--help'], env)).stdout);
  });

  it('prints the list of commands for --help, and refuses an unknown or missing command with exit code 64', async () => {
    const help = await cli(['--help'], env);
    expect(help.code).toBe(0);
    for (const name of commands) expect(help.stdout).toContain(`\n  ${name}`);
    for (const args of [['nonsense'], [], ['help', 'nonsense']]) {
      const run = await cli(args, env);
      expect(run.code).toBe(64);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: npm run cli -- <command> [options]');
      expect(run.stderr).not.toMatch(STACK);
    }
  });

  const refused: [string[], RegExp][] = [
    [['issue-token', '--ttl', '-5s'], /--ttl/],
    [['issue-token', '--role', 'ADMIN', '--association', 'default', '--ttl=-5s'], /--ttl must be a positive duration/],
    [['issue-token', '--role', 'ADMIN', '--association', 'default', '--ttl', '0'], /--ttl must be a positive duration/],
    [['issue-token', '--role', 'ADMIN', '--association', 'default', '--ttl', 'forever'], /--ttl must be a positive duration/],
    [['issue-token'], /--role is required/],
    [['issue-token', '--role', 'KING'], /--role must be one of ADMIN, EXPERT, AUDITOR, TENDER, MEMBER \(got "KING"\)/],
    [['issue-token', '--role', 'ADMIN'], /--association is required for ADMIN/],
    [['issue-token', '--role', 'ADMIN', '--association', 'Wuhan_CIA'], /--association "Wuhan_CIA": The association id must be/],
    [['issue-token', '--role', 'ADMIN', '--association', 'a'], /--association "a"/],
    [['issue-token', '--role', 'ADMIN', '--association', `a${'-b'.repeat(32)}`], /--association/],
    [['issue-token', '--role', 'ADMIN', '--association', 'wuhan--cia'], /--association/],
    [['issue-token', '--role', 'AUDITOR', '--enterprise', 'notacode'], /--enterprise "notacode" is not a unified social credit code: it must be 18 characters long \(got 8\)\./],
    [['issue-token', '--role', 'MEMBER', '--association', 'default', '--enterprise', '91420100177678329J'], /fails its check character: the 18th character should be "F", not "J"/],
    [['issue-token', '--role', 'MEMBER', '--association', 'default'], /--enterprise is required for MEMBER/],
    [['issue-token', '--role', 'AUDITOR', '--user', 'has space'], /--user must be/],
    [['issue-token', '--role', 'AUDITOR', '--name', ''], /--name must be/],
    [['issue-token', '--role', 'AUDITOR', '--bogus'], /Unknown option '--bogus'/],
    [['issue-token', '--role'], /--role/],
    [['verify-chain', '--bogus'], /Unknown option '--bogus'/],
    [['verify-chain', 'extra'], /Unexpected argument 'extra'/],
    [['verify-chain', '--stream'], /--stream/],
    [['verify-chain', '--stream', ' '], /--stream needs a stream id/],
    [['rebuild-projections', '--batch-size', '0'], /--batch-size must be a positive integer/],
    [['rebuild-projections', '--batch-size', '1e3'], /--batch-size must be a positive integer/],
    [['rebuild-projections', 'no-such-projection'], /No projection named "no-such-projection"; the projections are audit-trail, /],
    [['migrate', '--force'], /Unknown option '--force'/],
  ];

  it.each([
    [['--port', 'http'], /--port must be a port number/],
    [['--port', '70000'], /--port must be a port number/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('npm start refuses %j with its usage on stderr and exit code 64, starting nothing', async (args, message) => {
    const run = await cli(args, env, serviceMain);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: npm start');
    expect(run.stderr).not.toMatch(STACK);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(64);
  });

  it('names `npm start` for the service, since the service is not one of its commands', async () => {
    const help = await cli(['--help'], env);
    expect(help.stdout).toContain('The service itself runs with `npm start`');
    expect((await cli(['start'], env)).code).toBe(64);
  });

  it.each(refused)('refuses %j with its usage on stderr and exit code 64, no stack trace', async (args, message) => {
    const run = await cli(args, env);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(`Usage: npm run cli -- ${args[0]}`);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(64);
  });

  it('issues tokens for valid arguments, with the credit code normalised', async () => {
    const member = await cli(['issue-token', '--role', 'member', '--association', 'wuhan-cia', '--enterprise', ` ${CODE.toLowerCase()} `, '--ttl', '90m'], env);
    expect(member.stderr).toBe('');
    expect(member.code).toBe(0);
    const claims = JSON.parse(Buffer.from(member.stdout.trim().split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'MEMBER', assoc: 'wuhan-cia', ent: CODE, sub: 'member-cli' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(5400);

    const override = await cli(['issue-token', '--role', 'MEMBER', '--association', 'wuhan-cia', '--enterprise', '91420100177678329J', '--allow-check-mismatch'], env);
    expect(override.code).toBe(0);
  });

  it('README shows exactly what the commands print', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('\n## ', readme.indexOf('## Command line') + 3));
    expect(section).toContain((await cli(['--help'], env)).stdout);
    expect(section).toContain((await cli(['verify-chain', '--help'], env)).stdout);
    expect(section).toContain('Empty: the event store holds no events; nothing to verify.\n');
    expect(section).toMatch(/^Database: "register" on 127\.0\.0\.1:\d+, embedded Postgres with data in \S+ \(already running\)$/m);
    expect(section).toMatch(/^Intact: \d+ events in \d+ streams? verified\.$/m);
    expect(section).toMatch(/^BROKEN at stream \S+, revision \d+ \(event [0-9a-f-]{36}, position \d+:\d+\): content_hash_mismatch\.$/m);
  });
});
