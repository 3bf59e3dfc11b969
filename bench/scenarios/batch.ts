/**
 * Scenario 2, batch append: 100 events per append (a new stream each, expected `no_stream`), one writer:
 * the event store vs a raw multi-row INSERT (unnest) into an event-shaped table with the same indexes, and
 * vs Emmett's appendToStream (own process, same cluster, after the others).
 */
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '#eventstore';
import { withCluster, benchPool } from '../lib/cluster.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { RAW_TABLE_SQL } from '../lib/raw-table.js';
import { sampleEvents, timed } from '../lib/sample.js';
import { quantile } from '../lib/stats.js';
import { runEmmett } from './emmett-runner.js';

const BATCH = 100;
const HASH = 'a'.repeat(64);

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('batch', async (cluster, admin, settings) => {
    await admin.query(RAW_TABLE_SQL);
    const store = new PostgresEventStore({ connectionString: cluster.url, poolSize: 2 });
    await store.ensureSchema();
    const raw = benchPool(cluster.url, 2);
    const measured: Record<'raw' | 'store', { eps: number; p50: number; p99: number }[]> = { raw: [], store: [] };
    try {
      const kinds = {
        raw: async (w: number, n: number) => {
          const stream = `raw-${randomUUID()}`;
          const events = sampleEvents(stream, w, n * BATCH, BATCH);
          await raw.query({
            name: 'bench_raw_batch',
            text: `INSERT INTO bench_raw_events
              (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
              SELECT $1, r - 1, id, $2, d::jsonb, m::jsonb, $3, $3, $3, now()
                FROM unnest($4::uuid[], $5::text[], $6::text[]) WITH ORDINALITY AS t(id, d, m, r)`,
            values: [stream, 'DuesPaid', HASH, events.map((e) => e.id), events.map((e) => JSON.stringify(e.data)), events.map((e) => JSON.stringify(e.metadata))],
          });
          return BATCH;
        },
        store: async (w: number, n: number) => {
          const stream = `member-${randomUUID()}`;
          await store.append(stream, sampleEvents(stream, w, n * BATCH, BATCH), { expectedRevision: 'no_stream' });
          return BATCH;
        },
      };
      for (let round = 1; round <= options.rounds; round++) {
        const order = round % 2 === 1 ? (['raw', 'store'] as const) : (['store', 'raw'] as const);
        for (const kind of order) {
          await admin.query('CHECKPOINT');
          const r = await timed(1, options.seconds, kinds[kind]);
          measured[kind].push({ eps: r.eventsPerSecond, p50: quantile(r.latenciesMs, 0.5), p99: quantile(r.latenciesMs, 0.99) });
          log(`  round ${round} ${kind}: ${r.eventsPerSecond.toFixed(0)} events/s`);
        }
      }
    } finally {
      await store.close();
      await raw.end();
    }
    log('batch: Emmett peer');
    const emmett = await runEmmett(cluster.url, { mode: 'batch', batch: BATCH, seconds: options.seconds, rounds: options.rounds });
    const rawFig = figure(measured.raw.map((m) => m.eps));
    const storeFig = figure(measured.store.map((m) => m.eps));
    const emFig = figure(emmett.map((m) => m.eventsPerSecond));
    const med = (xs: number[]) => figure(xs).median;
    const rows: Row[] = [
      { scenario: 'batch', kind: 'raw INSERT … unnest (100 rows)', metric: 'throughput', unit: 'events/s', value: rawFig, extra: { p50ms: med(measured.raw.map((m) => m.p50)), p99ms: med(measured.raw.map((m) => m.p99)) } },
      {
        scenario: 'batch',
        kind: 'event store, 100 events/append',
        metric: 'throughput',
        unit: 'events/s',
        value: storeFig,
        ratio: storeFig.median / rawFig.median,
        ratioTo: 'raw',
        extra: { p50ms: med(measured.store.map((m) => m.p50)), p99ms: med(measured.store.map((m) => m.p99)), 'vs Emmett': `${(storeFig.median / emFig.median).toFixed(2)}x` },
      },
      { scenario: 'batch', kind: 'Emmett appendToStream, 100 events', metric: 'throughput', unit: 'events/s', value: emFig, extra: { p50ms: med(emmett.map((m) => m.p50Ms)), p99ms: med(emmett.map((m) => m.p99Ms)) } },
    ];
    return {
      scenario: 'batch',
      rows,
      targets: [target('batch', 'no target set (reported)', storeFig.median / rawFig.median, 0, true)].map((t) => ({ ...t, met: null })),
      notes: ['one writer, a new stream per append; raw rows carry constant hashes (no chain), the store computes content and chain hashes'],
      postgres: settings,
    };
  });
}
