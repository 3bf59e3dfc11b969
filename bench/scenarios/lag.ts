/**
 * Scenario 7, projection lag under sustained command load: `registerEnterprise` at ~70% of the maximum
 * measured by scenario 4 (open loop, fixed rate), for every event the time from its recorded time
 * (`recorded_at`, the service's clock at append) to the commit of the first checkpoint of every projection
 * that covers it (the `projection_checkpoint` NOTIFY each projector batch sends at commit, received here).
 */
import pg from 'pg';
import { CHECKPOINT_CHANNEL } from '#projections';
import { withCluster } from '../lib/cluster.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { load, startProduct } from '../lib/http.js';
import { quantile } from '../lib/stats.js';

interface Notice {
  readonly at: number;
  readonly name: string;
  readonly position: string;
}

export async function run(options: ScenarioOptions, inputs: Record<string, unknown>): Promise<ScenarioResult> {
  return withCluster('lag', async (cluster, admin, settings) => {
    const product = await startProduct(cluster.url);
    const listener = new pg.Client({ connectionString: cluster.url });
    const notices: Notice[] = [];
    const rounds: { p50: number; p99: number; max: number; events: number; rate: number }[] = [];
    try {
      await listener.connect();
      listener.on('notification', (n) => {
        const at = Date.now();
        const body = JSON.parse(n.payload ?? '{}') as { name: string; position: string | null };
        if (body.position) notices.push({ at, name: body.name, position: body.position });
      });
      await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
      let maxRate = typeof inputs.maxRate === 'number' ? inputs.maxRate : null;
      if (maxRate === null) {
        log('lag: measuring the maximum first (closed loop)');
        maxRate = (await load({ url: product.url, token: product.adminToken, operation: 'register', seed: 300, seconds: Math.max(1, Math.round(options.seconds)), connections: options.connections })).requestsPerSecond;
      }
      const rate = Math.max(1, Math.round(maxRate * 0.7));
      const seconds = Math.max(2, Math.round(options.seconds * 2));
      for (let round = 1; round <= options.rounds; round++) {
        notices.length = 0;
        const since = (await admin.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
        const r = await load({ url: product.url, token: product.adminToken, operation: 'register', seed: 400 + round, seconds, connections: options.connections, rate, ...(options.smoke ? { amount: 20 } : {}) });
        await new Promise((done) => setTimeout(done, 500)); // let the last batches commit and notify
        const events = (
          await admin.query<{ position: string; recorded_at: Date }>(
            `SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0') AS position, recorded_at
               FROM es_events WHERE recorded_at >= $1 ORDER BY transaction_id, global_position`,
            [since],
          )
        ).rows;
        const byName = new Map<string, Notice[]>();
        for (const n of notices) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
        const lags: number[] = [];
        for (const event of events) {
          let worst = 0;
          for (const list of byName.values()) {
            const covering = list.find((n) => n.position >= event.position);
            worst = Math.max(worst, covering ? covering.at - event.recorded_at.getTime() : Number.POSITIVE_INFINITY);
          }
          lags.push(worst);
        }
        lags.sort((a, b) => a - b);
        rounds.push({ p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags[lags.length - 1] ?? Number.NaN, events: events.length, rate: r.requestsPerSecond });
        log(`  round ${round}: ${r.requestsPerSecond.toFixed(0)} req/s, ${events.length} events, lag p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms`);
      }
    } finally {
      await listener.end().catch(() => undefined);
      await product.child.stop();
    }
    const p99 = figure(rounds.map((r) => r.p99));
    const rows: Row[] = [
      { scenario: 'lag', kind: 'append → every read model committed', metric: 'p50 lag', unit: 'ms', value: figure(rounds.map((r) => r.p50)), extra: { 'load req/s': figure(rounds.map((r) => r.rate)).median } },
      { scenario: 'lag', kind: 'append → every read model committed', metric: 'p99 lag', unit: 'ms', value: p99, extra: { max: figure(rounds.map((r) => r.max)).median } },
    ];
    return {
      scenario: 'lag',
      rows,
      targets: [target('lag', 'p99 < 200 ms', p99.median, 200, false, ' ms')],
      notes: ['load: ~70% of the command maximum, fixed rate; lag measured to the slowest of all projections (ms resolution of the recorded time)'],
      postgres: settings,
    };
  });
}
