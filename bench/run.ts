/**
 * The benchmark harness: every scenario against its baseline, measured in the same run on this machine.
 *
 *   npm run bench                              all scenarios (a few minutes on 2 cores)
 *   npm run bench -- append read --quick       some scenarios, shorter runs
 *   npm run bench -- rebuild --rebuild-events 1000000     the issue's full rebuild size (slow)
 *
 * Options: --quick, --smoke (tiny sizes, for the test), --seconds N, --rounds N, --rebuild-events N,
 * --scale-events N, --connections N, --out DIR (default bench/results), --baseline DIR (another built checkout whose
 * product the command and lookup scenarios run beside this one's, alternating, for a before/after pair in one run).
 * Each scenario runs in a process of its own; the run's table is printed and written, with the machine,
 * the Postgres settings and the load, to <out>/<timestamp>.json. See docs/benchmarks-harness.md.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SHARED_CLUSTER_ENV } from './lib/cluster.js';
import { startCluster, type BenchCluster } from './lib/embedded-postgres.js';
import { machineInfo } from './lib/machine.js';
import {
  loadAverage,
  log,
  ratioText,
  REPO_ROOT,
  runNode,
  type Row,
  type ScenarioOptions,
  type ScenarioResult,
  type Target,
} from './lib/harness.js';

export const SCENARIOS = ['append', 'batch', 'read', 'command', 'lookup', 'arrears', 'rebuild', 'lag', 'memory', 'scale'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Args {
  scenarios: ScenarioName[];
  options: ScenarioOptions;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const scenarios: ScenarioName[] = [];
  let quick = false;
  let smoke = false;
  const numbers: Record<string, number> = {};
  let out = join(REPO_ROOT, 'bench', 'results');
  let baseline: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--smoke') smoke = true;
    else if (arg === '--out') out = argv[++i]!;
    else if (arg === '--baseline') baseline = resolve(argv[++i] ?? '');
    else if (arg.startsWith('--')) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${arg} needs a number`);
      numbers[arg.slice(2)] = value;
    } else if ((SCENARIOS as readonly string[]).includes(arg)) scenarios.push(arg as ScenarioName);
    else throw new Error(`unknown scenario or option ${arg}; scenarios: ${SCENARIOS.join(', ')}`);
  }
  const known = ['seconds', 'rounds', 'rebuild-events', 'scale-events', 'connections'];
  for (const key of Object.keys(numbers)) if (!known.includes(key)) throw new Error(`unknown option --${key}`);
  const defaults = smoke
    ? { seconds: 0.3, rounds: 1, rebuildEvents: 600, scaleEvents: 600 }
    : quick
      ? { seconds: 2, rounds: 3, rebuildEvents: 2_000, scaleEvents: 100_000 }
      : { seconds: 5, rounds: 3, rebuildEvents: 50_000, scaleEvents: 500_000 };
  return {
    scenarios: scenarios.length > 0 ? scenarios : [...SCENARIOS],
    out,
    options: {
      quick,
      smoke,
      seconds: numbers.seconds ?? defaults.seconds,
      rounds: numbers.rounds ?? defaults.rounds,
      rebuildEvents: numbers['rebuild-events'] ?? defaults.rebuildEvents,
      scaleEvents: numbers['scale-events'] ?? defaults.scaleEvents,
      connections: numbers.connections ?? (smoke ? 2 : 16),
      ...(baseline !== undefined ? { baseline } : {}),
    },
  };
}

async function scenario(name: string, options: ScenarioOptions, inputs: Record<string, unknown> = {}): Promise<ScenarioResult> {
  log(`\n=== ${name} (load ${loadAverage().one}) ===`);
  const started = Date.now();
  const result = await runNode<ScenarioResult>('scenario.js', [name, JSON.stringify(options), JSON.stringify(inputs)]);
  log(`=== ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

function pick(rows: readonly Row[], scenarioName: string, kind: string): Row | undefined {
  return rows.find((r) => r.scenario === scenarioName && r.kind === kind);
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return '';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function renderTable(rows: readonly Row[], targets: readonly Target[]): string {
  const header = ['scenario', 'kind', 'metric', 'median', 'min–max', 'vs', 'other figures'];
  const body = rows.map((r) => [
    r.scenario,
    r.kind,
    `${r.metric} (${r.unit})`,
    fmt(r.value.median),
    `${fmt(r.value.min)}–${fmt(r.value.max)}`,
    r.ratio === undefined ? '' : `${ratioText(r.ratio)} ${r.ratioTo ?? ''}`.trim(),
    Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
      .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const table = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
  const targetLines = targets.map(
    (t) => `  ${t.met === null ? 'n/a    ' : t.met ? 'met    ' : 'NOT met'}  ${t.scenario}: ${t.target}: ${t.actual}${t.note ? ` (${t.note})` : ''}`,
  );
  return `${table}\n\nTargets:\n${targetLines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { scenarios, options, out } = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const loadBefore = loadAverage();
  const startedAt = new Date().toISOString();
  log(
    `Benchmark harness: ${scenarios.join(', ')}${options.quick ? ' (quick)' : ''}${options.smoke ? ' (smoke)' : ''}\n` +
      `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load ${loadBefore.one}/${loadBefore.five}/${loadBefore.fifteen}`,
  );
  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  const byName = new Map<string, ScenarioResult>();
  const runOne = async (name: ScenarioName, inputs: Record<string, unknown> = {}) => {
    if (byName.has(name)) return byName.get(name);
    try {
      const result = await scenario(name, options, inputs);
      byName.set(name, result);
      results.push(result);
      return result;
    } catch (error) {
      failures.push({ scenario: name, error: error instanceof Error ? error.message : String(error) });
      log(`!!! ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  // The smoke run checks that every path works, fast: one shared cluster, independent scenarios side by side.
  let shared: BenchCluster | null = null;
  if (options.smoke) {
    shared = await startCluster('smoke');
    process.env[SHARED_CLUSTER_ENV] = shared.url;
    const independent = scenarios.filter((n) => n !== 'lag' && n !== 'memory');
    const queue = [...independent];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) await runOne(name);
      }),
    );
  }
  for (const name of scenarios) {
    if (byName.has(name)) continue;
    if (name === 'lag') {
      // ~70% of the end-to-end maximum measured by the command scenario (run it first if needed).
      const command = byName.get('command') ?? (await runOne('command'));
      const max = command ? pick(command.rows, 'command', 'register enterprise (product)')?.value.median : undefined;
      await runOne('lag', { maxRate: max ?? null });
    } else if (name === 'memory') {
      // Derived from the API process of `command` and the rebuild processes of `rebuild`.
      const command = byName.get('command') ?? (await runOne('command'));
      const rebuild = byName.get('rebuild') ?? (await runOne('rebuild'));
      const result = memoryResult(command, rebuild);
      byName.set('memory', result);
      results.push(result);
    } else {
      await runOne(name);
    }
  }
  if (shared) {
    delete process.env[SHARED_CLUSTER_ENV];
    await shared.stop();
  }
  const ordered = SCENARIOS.flatMap((n) => results.filter((r) => r.scenario === n));
  const rows = ordered.flatMap((r) => r.rows);
  const targets = ordered.flatMap((r) => r.targets);
  const notes = ordered.flatMap((r) => r.notes.map((n) => `${r.scenario}: ${n}`));
  const postgres = ordered.find((r) => r.postgres)?.postgres ?? {};
  const loadAfter = loadAverage();
  const finishedAt = new Date().toISOString();

  const settingsLine =
    `Postgres ${postgres.server_version ?? '?'} (fsync=${postgres.fsync ?? '?'}, synchronous_commit=${postgres.synchronous_commit ?? '?'}, ` +
    `wal_sync_method=${postgres.wal_sync_method ?? '?'}, shared_buffers=${postgres.shared_buffers ?? '?'}); ` +
    `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB; load (1/5/15 min) before ${loadBefore.one}/${loadBefore.five}/${loadBefore.fifteen}, ` +
    `after ${loadAfter.one}/${loadAfter.five}/${loadAfter.fifteen}`;
  process.stdout.write(`\n${settingsLine}\n${options.rounds} round(s) per figure, ${options.seconds} s per timed run\n\n`);
  process.stdout.write(renderTable(rows, targets));
  if (notes.length > 0) process.stdout.write(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}\n`);
  if (failures.length > 0) process.stdout.write(`\nFailed:\n${failures.map((f) => `  - ${f.scenario}: ${f.error}`).join('\n')}\n`);

  await mkdir(out, { recursive: true });
  let file = join(out, `${startedAt.replace(/:/g, '-')}.json`);
  if (await access(file).then(() => true, () => false)) file = file.replace(/\.json$/, `-${process.pid}.json`);
  await writeFile(
    file,
    `${JSON.stringify(
      { harness: 'bench/run.ts', startedAt, finishedAt, scenarios, options, machine, load: { before: loadBefore, after: loadAfter }, postgres, rows, targets, notes, failures, results },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\nWrote ${file}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

function memoryResult(command: ScenarioResult | undefined, rebuild: ScenarioResult | undefined): ScenarioResult {
  const rows: Row[] = [];
  const targets: Target[] = [];
  const apiRow = command?.rows.find((r) => r.kind === 'API process peak RSS');
  if (apiRow) rows.push({ ...apiRow, scenario: 'memory' });
  const small = rebuild?.rows.find((r) => r.kind === 'rebuild peak RSS (N)');
  const large = rebuild?.rows.find((r) => r.kind === 'rebuild peak RSS (2N)');
  if (small && large) {
    const ratio = large.value.median / small.value.median;
    rows.push({ ...small, scenario: 'memory' }, { ...large, scenario: 'memory', ratio, ratioTo: 'of N' });
    targets.push({
      scenario: 'memory',
      target: 'rebuild RSS at 2N ≤ 1.2x RSS at N (streams)',
      actual: `${ratio.toFixed(2)}x`,
      met: ratio <= 1.2,
    });
  }
  return {
    scenario: 'memory',
    rows,
    targets,
    notes: ['peak RSS is VmHWM of the process (the API under the command load; the rebuild process at N and 2N events)'],
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
