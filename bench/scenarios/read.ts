/**
 * Scenario 3, read a 1,000-event stream: `readStream` of the event store vs a raw SELECT of the same rows
 * (same columns, pg's default parsing) and vs Emmett's readStream (own process, same cluster).
 */
import { PostgresEventStore } from '#eventstore';
import { withCluster, benchPool } from '../lib/cluster.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { sampleEvents, timed } from '../lib/sample.js';
import { quantile } from '../lib/stats.js';
import { runEmmett } from './emmett-runner.js';

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const size = options.smoke ? 100 : 1000;
  return withCluster('read', async (cluster, admin, settings) => {
    const store = new PostgresEventStore({ connectionString: cluster.url, poolSize: 2 });
    await store.ensureSchema();
    const raw = benchPool(cluster.url, 1);
    const stream = 'member-read-bench';
    const measured: Record<'raw' | 'store', { eps: number; p50: number; p99: number }[]> = { raw: [], store: [] };
    try {
      for (let i = 0; i < size; i += 100) {
        await store.append(stream, sampleEvents(stream, 0, i, Math.min(100, size - i)), { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
      }
      await admin.query('VACUUM ANALYZE es_events');
      const kinds = {
        raw: async () => {
          const r = await raw.query({
            name: 'bench_raw_read',
            text: `SELECT stream_id, stream_revision::text, event_id, event_type, data, metadata, prev_hash, hash,
                          transaction_id::text, global_position::text, recorded_at
                     FROM es_events WHERE stream_id = $1 ORDER BY stream_revision`,
            values: [stream],
          });
          if (r.rows.length !== size) throw new Error('short read');
          return size;
        },
        store: async () => {
          const events = await store.readStream(stream);
          if (events.length !== size) throw new Error('short read');
          return size;
        },
      };
      for (let round = 1; round <= options.rounds; round++) {
        const order = round % 2 === 1 ? (['raw', 'store'] as const) : (['store', 'raw'] as const);
        for (const kind of order) {
          const r = await timed(1, options.seconds, kinds[kind]);
          measured[kind].push({ eps: r.eventsPerSecond, p50: quantile(r.latenciesMs, 0.5), p99: quantile(r.latenciesMs, 0.99) });
          log(`  round ${round} ${kind}: p50 ${quantile(r.latenciesMs, 0.5).toFixed(2)} ms per ${size}-event read`);
        }
      }
    } finally {
      await store.close();
      await raw.end();
    }
    log('read: Emmett peer');
    const emmett = await runEmmett(cluster.url, { mode: 'read', events: size, seconds: options.seconds, rounds: options.rounds });
    const p50 = (xs: { p50: number }[]) => figure(xs.map((x) => x.p50));
    const rawFig = p50(measured.raw);
    const storeFig = p50(measured.store);
    const emFig = figure(emmett.map((m) => m.p50Ms));
    const med = (xs: number[]) => figure(xs).median;
    const rows: Row[] = [
      { scenario: 'read', kind: `raw SELECT (${size} rows)`, metric: 'p50 per read', unit: 'ms', value: rawFig, extra: { 'events/s': med(measured.raw.map((m) => m.eps)), p99ms: med(measured.raw.map((m) => m.p99)) } },
      {
        scenario: 'read',
        kind: `event store readStream (${size})`,
        metric: 'p50 per read',
        unit: 'ms',
        value: storeFig,
        ratio: storeFig.median / rawFig.median,
        ratioTo: 'raw time',
        extra: { 'events/s': med(measured.store.map((m) => m.eps)), p99ms: med(measured.store.map((m) => m.p99)), 'vs Emmett': `${(storeFig.median / emFig.median).toFixed(2)}x time` },
      },
      { scenario: 'read', kind: `Emmett readStream (${size})`, metric: 'p50 per read', unit: 'ms', value: emFig, extra: { 'events/s': med(emmett.map((m) => m.eventsPerSecond)), p99ms: med(emmett.map((m) => m.p99Ms)) } },
    ];
    return {
      scenario: 'read',
      rows,
      targets: [target('read', 'read time ≤ 1.5x raw', storeFig.median / rawFig.median, 1.5, false)],
      notes: ['ratios here are of time (lower is better)'],
      postgres: settings,
    };
  });
}
