/**
 * Scenario 4, command end to end over HTTP: the product's `registerEnterprise` mutation (auth, validation,
 * load-decide-append, read-your-writes), a fresh valid credit code per request, at 16 connections from a
 * load generator in its own process, vs the bare NestJS + Apollo mutation returning a constant (the
 * framework ceiling). Also reads the API process's peak RSS (scenario 8).
 */
import { withCluster } from '../lib/cluster.js';
import { figure, log, memoryOf, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { load, startBare, startProduct, type LoadResult } from '../lib/http.js';

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('command', async (cluster, _admin, settings) => {
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    const measured: Record<'bare' | 'product', LoadResult[]> = { bare: [], product: [] };
    let rss: ReturnType<typeof memoryOf> | undefined;
    try {
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      // Warm up both (JIT, connection pools), untimed.
      if (!options.smoke) await load({ url: bare.url, operation: 'register', seed: 1, seconds: 1, connections: options.connections });
      if (!options.smoke) await load({ url: product.url, token: product.adminToken, operation: 'register', seed: 2, seconds: 1, connections: options.connections });
      for (let round = 1; round <= options.rounds; round++) {
        const order = round % 2 === 1 ? (['bare', 'product'] as const) : (['product', 'bare'] as const);
        for (const kind of order) {
          const r =
            kind === 'bare'
              ? await load({ url: bare.url, operation: 'register', seed: 10 + round, seconds, connections: options.connections, amount })
              : await load({ url: product.url, token: product.adminToken, operation: 'register', seed: 100 + round, seconds, connections: options.connections, amount });
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
      rss = memoryOf(product.child.pid);
    } finally {
      await product.child.stop();
      await bare.child.stop();
    }
    const rate = (k: 'bare' | 'product') => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: 'bare' | 'product', f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const bareRate = rate('bare');
    const productRate = rate('product');
    const rows: Row[] = [
      { scenario: 'command', kind: 'bare NestJS + Apollo (constant)', metric: 'throughput', unit: 'req/s', value: bareRate, extra: { p50ms: med('bare', 'p50Ms'), p99ms: med('bare', 'p99Ms') } },
      {
        scenario: 'command',
        kind: 'register enterprise (product)',
        metric: 'throughput',
        unit: 'req/s',
        value: productRate,
        ratio: productRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('product', 'p50Ms'), p99ms: med('product', 'p99Ms') },
      },
    ];
    if (rss) rows.push({ scenario: 'command', kind: 'API process peak RSS', metric: 'peak RSS', unit: 'MiB', value: figure([rss.peakRssMiB]), extra: { 'RSS at end': rss.rssMiB } });
    return {
      scenario: 'command',
      rows,
      targets: [target('command', '≥ 0.5x the framework ceiling', productRate.median / bareRate.median, 0.5, true)],
      notes: [`${options.connections} connections; every product response checked for GraphQL errors (none allowed); readModelCurrent requested`],
      postgres: settings,
    };
  });
}
