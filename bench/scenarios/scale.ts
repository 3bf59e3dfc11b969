/**
 * Scenario 9, scale: append p50 (one writer, one event per append with its expected revision, own stream)
 * on an empty store, then with N events already in it (payment events generated in bulk inside Postgres:
 * filler.ts), same cluster.
 */
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '#eventstore';
import { withCluster } from '../lib/cluster.js';
import { fillServerSide } from '../lib/filler.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { sampleEvents, timed } from '../lib/sample.js';
import { quantile } from '../lib/stats.js';

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const n = options.scaleEvents;
  return withCluster('scale', async (cluster, admin, settings) => {
    const store = new PostgresEventStore({ connectionString: cluster.url, poolSize: 2 });
    await store.ensureSchema();
    const measured: Record<'empty' | 'full', { p50: number; p99: number; eps: number }[]> = { empty: [], full: [] };
    const measure = async (label: 'empty' | 'full') => {
      for (let round = 1; round <= options.rounds; round++) {
        await admin.query('CHECKPOINT');
        const stream = `member-${randomUUID()}`;
        const r = await timed(1, options.seconds, async (w, k) => {
          await store.append(stream, sampleEvents(stream, w, k, 1), { expectedRevision: k === 0 ? 'no_stream' : k - 1 });
          return 1;
        });
        measured[label].push({ p50: quantile(r.latenciesMs, 0.5), p99: quantile(r.latenciesMs, 0.99), eps: r.eventsPerSecond });
        log(`  ${label} round ${round}: p50 ${quantile(r.latenciesMs, 0.5).toFixed(2)} ms`);
      }
    };
    try {
      await measure('empty');
      const started = performance.now();
      await fillServerSide(cluster.url, n);
      await admin.query('VACUUM ANALYZE es_events');
      log(`scale: ${n} events written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await measure('full');
    } finally {
      await store.close();
    }
    const empty = figure(measured.empty.map((m) => m.p50));
    const full = figure(measured.full.map((m) => m.p50));
    const med = (k: 'empty' | 'full', f: 'p99' | 'eps') => figure(measured[k].map((m) => m[f])).median;
    const rows: Row[] = [
      { scenario: 'scale', kind: 'append, empty store', metric: 'p50', unit: 'ms', value: empty, extra: { p99ms: med('empty', 'p99'), 'events/s': med('empty', 'eps') } },
      { scenario: 'scale', kind: `append, ${n} events in store`, metric: 'p50', unit: 'ms', value: full, ratio: full.median / empty.median, ratioTo: 'empty (time)', extra: { p99ms: med('full', 'p99'), 'events/s': med('full', 'eps') } },
    ];
    return {
      scenario: 'scale',
      rows,
      targets: [target('scale', `p50 with ${n} events ≤ 1.2x empty`, full.median / empty.median, 1.2, false)],
      notes: [`N = ${n} (--scale-events; the issue asks for 5,000,000)`],
      postgres: settings,
    };
  });
}
