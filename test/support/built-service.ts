// The service as `npm start` runs it, built (`npm run build` writes the same files) into a temporary folder and
// started as a child process of its own: what the reliability specs kill, starve of its database and watch
// recover. A child process, not the service inside the test process, so that a SIGKILL ends the service and
// nothing else, and its output is what an operator's terminal or log collector gets.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Role } from '#domain/shared';
import { TokenService } from '#platform';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVICE_JWT_SECRET = 'reliability-secret-that-is-long-enough-for-hs256-0123456789';
const ISSUER = 'association-register';

export interface ServiceBuild {
  readonly dir: string;
  /** dist/apps/api/src/main.js: `npm start`'s entry point. */
  readonly main: string;
  remove(): Promise<void>;
}

/** Builds apps and libs with the project's swc settings into a temporary folder (npm test itself does not build). */
export async function buildService(): Promise<ServiceBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'register-reliability-build-'));
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'swc'), ['apps', 'libs', '-d', join(dir, 'dist'), '--copy-files', '--config-file', '.swcrc', '-q'], { cwd: ROOT });
  await copyFile(join(ROOT, 'package.json'), join(dir, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, main: join(dir, 'dist', 'apps', 'api', 'src', 'main.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Ends it with SIGKILL (no chance to stop anything; its embedded Postgres, in a process group of its own, runs on). */
  kill(): Promise<void>;
  /** SIGINT, as Ctrl+C sends, and waits for it to end (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Only what a shell would pass, and the settings given: none of the test run's own (NODE_OPTIONS, database URLs). */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'USER']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', JWT_SECRET: SERVICE_JWT_SECRET, LOG_LEVEL: 'info', ...extra };
}

/** Starts the built service with these settings (PORT is required: the URL is built from it). */
export function startServiceProcess(build: ServiceBuild, env: Record<string, string> & { PORT: string }): ServiceProcess {
  const child = spawn(process.execPath, [build.main], { cwd: build.dir, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    url: `http://127.0.0.1:${env.PORT}`,
    exited,
    output: () => output,
    async kill() {
      if (running()) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 30_000) {
      if (!running()) return;
      process.kill(child.pid!, 'SIGINT');
      const ended = await Promise.race([exited.then(() => true), delay(timeoutMs).then(() => false)]);
      if (!ended) await this.kill();
    },
  };
}

/** Resolves once GET /health answers 200 (ok or degraded); fails if the service ends first or after `timeoutMs`. */
export async function healthy(service: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void service.exited.then(() => (ended = true));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`the service ended before it was healthy:\n${service.output().slice(-4000)}`);
    const ok = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await delay(100);
  }
  throw new Error(`the service was not healthy within ${timeoutMs} ms:\n${service.output().slice(-4000)}`);
}

/** A token the built service accepts (it runs with SERVICE_JWT_SECRET). */
export function serviceToken(role: Role, associationId: string | null): Promise<string> {
  return new TokenService({ secret: SERVICE_JWT_SECRET, issuer: ISSUER }).issue({ userId: `${role.toLowerCase()}-reliability`, role, associationId, enterpriseCode: null, ttlSeconds: 3600 });
}

/** The service's JSON log lines (other output, such as the start-up banner, is left out). */
export function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Processes (a postmaster and its backends) whose working directory is a cluster's data folder. */
export async function postgresProcessesOf(pgdata: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd === pgdata) found.push(Number(entry));
  }
  return found;
}
