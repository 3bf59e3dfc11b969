/**
 * Shared pieces of the benchmark harness (`bench/run.ts`): options, figures (median of rounds with min and
 * max), machine load, and spawning the helper processes (peers, load generator, service) the scenarios use.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarise } from './stats.js';

/** dist/bench (where the compiled scripts live). */
export const BENCH_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (dist/bench/../..). */
export const REPO_ROOT = resolve(BENCH_DIST, '../..');

export interface ScenarioOptions {
  /** Short runs (CI-sized, seconds): figures are indicative only. */
  readonly quick: boolean;
  /** Tiny sizes for the smoke test: checks that every path works, measures nothing. */
  readonly smoke: boolean;
  /** Seconds per timed run (throughput scenarios). */
  readonly seconds: number;
  /** Rounds per figure (median, min, max are over rounds). */
  readonly rounds: number;
  /** Events of the smaller rebuild (the larger one is twice as many). */
  readonly rebuildEvents: number;
  /** Events already in the store for the scale scenario. */
  readonly scaleEvents: number;
  /** Connections of the HTTP load generator. */
  readonly connections: number;
  /**
   * Another checkout, built (`npm run build` there): the command scenario also runs that build's product, alternating
   * with this one in every round, so a before/after pair is measured side by side in one run.
   */
  readonly baseline?: string;
}

export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function figure(values: readonly number[]): Figure {
  const s = summarise(values);
  return { ...s, runs: [...values] };
}

/** One line of the printed table: a measured kind with its figure and the ratio to its baseline. */
export interface Row {
  readonly scenario: string;
  readonly kind: string;
  readonly metric: string;
  readonly unit: string;
  readonly value: Figure;
  /** Extra figures (p50/p99 ms, RSS MiB...) shown beside the main one. */
  readonly extra?: Readonly<Record<string, number | string>>;
  /** Ratio to the scenario's baseline (higher is better for rates, computed by the scenario). */
  readonly ratio?: number;
  readonly ratioTo?: string;
}

export interface Target {
  readonly scenario: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean | null;
  readonly note?: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly rows: Row[];
  readonly targets: Target[];
  readonly notes: string[];
  readonly postgres?: Record<string, string>;
  readonly details?: unknown;
}

export function loadAverage(): { one: number; five: number; fifteen: number } {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return { one: round2(one), five: round2(five), fifteen: round2(fifteen) };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Peak resident set size (VmHWM) and current RSS of a process, in MiB (Linux). */
export function memoryOf(pid: number): { peakRssMiB: number; rssMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakRssMiB: round2(kib('VmHWM') / 1024), rssMiB: round2(kib('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used so far (Linux): with a request count, its CPU per request. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // The fields after the command name (which may hold spaces), from the closing parenthesis on: utime is the 14th field.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** The last few KB it wrote to stderr (also passed through to ours). */
  stderrTail(): string;
  /** Resolves with the first stdout line starting with `prefix` (the rest of the line, JSON-parsed). */
  line<T>(prefix: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Writes one line to its stdin. */
  send(line: string): void;
  stop(): Promise<void>;
}

/** Runs `node dist/bench/<script>` with arguments; stderr is passed through. */
/**
 * When set, every process the harness starts writes a V8 CPU profile into this directory when it exits (open
 * one in Chrome DevTools): how docs/benchmarks.md's "where the time goes" was found.
 */
export const PROFILE_DIR_ENV = 'BENCH_PROFILE_DIR';

function profileArgs(): string[] {
  const dir = process.env[PROFILE_DIR_ENV];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** `benchDist`: another build's dist/bench (a baseline checkout's), whose scripts then run on its own code. */
export function spawnNode(script: string, args: readonly string[], env: Record<string, string> = {}, benchDist = BENCH_DIST): Child {
  const child = spawn(process.execPath, [...profileArgs(), join(benchDist, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    process.stderr.write(chunk);
    err = (err + chunk).slice(-4000);
  });
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => {
    for (const wake of waiters.splice(0)) wake();
    resolveExit(code);
  }));
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    process: child,
    pid: child.pid!,
    stdout: () => out,
    stderrTail: () => err,
    exited,
    line<T>(prefix: string, timeoutMs = 120_000): Promise<T> {
      return new Promise<T>((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs);
        const look = () => {
          const found = out.split('\n').find((l) => l.startsWith(prefix));
          if (found !== undefined && out.includes('\n', out.indexOf(found))) {
            clearTimeout(timer);
            resolveLine(JSON.parse(found.slice(prefix.length)) as T);
          } else if (ended) {
            clearTimeout(timer);
            reject(new Error(`${script} exited without a "${prefix}" line`));
          } else waiters.push(look);
        };
        look();
      });
    },
    send(line: string) {
      child.stdin!.write(`${line}\n`);
    },
    async stop() {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a helper script to completion and returns its `RESULT ` line. */
export async function runNode<T>(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const child = spawnNode(script, args, env);
  const code = await child.exited;
  const found = child.stdout().split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || found === undefined) {
    const reason = child.stderrTail().trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-6).join(' | ');
    throw new Error(`${script} ${args[0] ?? ''} failed (exit ${code}): ${reason}`);
  }
  return JSON.parse(found.slice('RESULT '.length)) as T;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function ratioText(ratio: number | undefined): string {
  return ratio === undefined || Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}x`;
}

export function target(scenario: string, text: string, actual: number, goal: number, higherIsBetter: boolean, unit = 'x', note?: string): Target {
  const met = Number.isNaN(actual) ? null : higherIsBetter ? actual >= goal : actual <= goal;
  return { scenario, target: text, actual: `${unit === 'x' ? actual.toFixed(2) : actual.toFixed(1)}${unit}`, met, note };
}
