/**
 * Scenario 1, append: one event per append with its expected revision, own stream per writer, 1 and 8
 * writers. The project and the raw single-row INSERT come from `bench/append.ts` (run as it is, in its own
 * process and cluster); the Emmett peer runs in its own process against a cluster of its own.
 */
import { readFile, rm } from 'node:fs/promises';
import { figure, log, spawnNode, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { withCluster } from '../lib/cluster.js';
import { runEmmett, type EmmettMeasured } from './emmett-runner.js';

interface AppendSummaryRow {
  readonly variant: string;
  readonly label?: string;
  readonly writers: number;
  readonly eventsPerSecond: { median: number; min: number; max: number };
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const writers = [1, 8];
  const notes: string[] = [];
  log('append: bench/append.js (raw INSERT and the event store)');
  const child = spawnNode('append.js', ['--seconds', String(options.seconds), '--rounds', String(options.rounds), '--writers', writers.join(',')]);
  const code = await child.exited;
  const wrote = /Wrote (.+\.json)/.exec(child.stdout())?.[1];
  if (code !== 0 || !wrote) throw new Error(`bench/append.js failed (exit ${code}): ${child.stderrTail().slice(-600)}`);
  const own = JSON.parse(await readFile(wrote, 'utf8')) as { summary: AppendSummaryRow[]; postgres?: Record<string, string>; runs?: unknown[] };
  await rm(wrote, { force: true }); // its figures are part of this run's record
  process.stderr.write(child.stdout().split('\n').filter((l) => l.startsWith('  round')).join('\n') + '\n');

  log('append: Emmett peer');
  const { emmett, settings } = await withCluster('emmett', async (cluster, _admin, settings) => ({
    emmett: await runEmmett(cluster.url, { mode: 'append', writers, seconds: options.seconds, rounds: options.rounds }),
    settings,
  }));

  const rows: Row[] = [];
  const targets = [];
  for (const w of writers) {
    const raw = own.summary.find((r) => r.variant === 'raw' && r.writers === w);
    const store = own.summary.find((r) => r.variant === 'store' && r.writers === w);
    const peer = emmett.filter((m: EmmettMeasured) => m.writers === w);
    const peerRate = figure(peer.map((m) => m.eventsPerSecond));
    const peerP = (k: 'p50Ms' | 'p99Ms') => figure(peer.map((m) => m[k])).median;
    if (raw) rows.push({ scenario: 'append', kind: `raw INSERT, ${w} writer(s)`, metric: 'throughput', unit: 'events/s', value: { ...raw.eventsPerSecond, runs: [] }, extra: { p50ms: raw.p50Ms, p99ms: raw.p99Ms } });
    if (store) {
      rows.push({
        scenario: 'append',
        kind: `event store, ${w} writer(s)`,
        metric: 'throughput',
        unit: 'events/s',
        value: { ...store.eventsPerSecond, runs: [] },
        extra: { p50ms: store.p50Ms, p99ms: store.p99Ms, 'vs Emmett': `${(store.eventsPerSecond.median / peerRate.median).toFixed(2)}x` },
        ratio: raw ? store.eventsPerSecond.median / raw.eventsPerSecond.median : undefined,
        ratioTo: 'raw',
      });
    }
    rows.push({ scenario: 'append', kind: `Emmett appendToStream, ${w} writer(s)`, metric: 'throughput', unit: 'events/s', value: peerRate, extra: { p50ms: peerP('p50Ms'), p99ms: peerP('p99Ms') } });
    if (w === 8 && raw && store) {
      targets.push(target('append', '≥ 0.75x raw at 8 writers', store.eventsPerSecond.median / raw.eventsPerSecond.median, 0.75, true));
      targets.push(target('append', '≥ 2.5x Emmett at 8 writers', store.eventsPerSecond.median / peerRate.median, 2.5, true));
    }
  }
  notes.push('project and raw rows: bench/append.js (its rounds interleave raw and store on one cluster); Emmett: its own process and cluster, same payload, same durations');
  return { scenario: 'append', rows, targets, notes, postgres: own.postgres ?? settings, details: { append: own, emmett } };
}
