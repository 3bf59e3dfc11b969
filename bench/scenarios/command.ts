/**
 * Scenario 4, command end to end over HTTP: the product's `registerEnterprise` mutation (auth, validation,
 * load-decide-append, read-your-writes), a fresh valid credit code per request, at 16 connections from a
 * load generator in its own process, vs the bare NestJS + Apollo mutation returning a constant (the
 * framework ceiling). Also reads the API process's peak RSS (scenario 8).
 *
 * To show where the time goes, the same mutation also runs against a second instance of the product with
 * the read-your-writes wait off (READ_YOUR_WRITES_TIMEOUT_MS=0): the difference is the wait for the
 * projections' checkpoint.
 */
import { withCluster } from '../lib/cluster.js';
import { figure, log, memoryOf, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { load, startBare, startProduct, type LoadResult } from '../lib/http.js';

type Kind = 'bare' | 'product' | 'noWait';

const WARM_UP_SECONDS = 3;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('command', async (cluster, admin, settings) => {
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    // The diagnostic instance needs a database of its own (its projector would otherwise share checkpoints).
    const noWaitDb = `${new URL(cluster.url).pathname.slice(1)}_no_wait`;
    await admin.query(`CREATE DATABASE ${noWaitDb}`);
    const noWaitUrl = new URL(cluster.url);
    noWaitUrl.pathname = `/${noWaitDb}`;
    const noWait = await startProduct(noWaitUrl.toString(), { READ_YOUR_WRITES_TIMEOUT_MS: '0' });
    const measured: Record<Kind, LoadResult[]> = { bare: [], product: [], noWait: [] };
    let rss: ReturnType<typeof memoryOf> | undefined;
    try {
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      const send = (kind: Kind, seed: number, runSeconds: number, runAmount?: number) =>
        kind === 'bare'
          ? load({ url: bare.url, operation: 'register', seed, seconds: runSeconds, connections: options.connections, amount: runAmount })
          : load({ url: (kind === 'product' ? product : noWait).url, token: (kind === 'product' ? product : noWait).adminToken, operation: 'register', seed, seconds: runSeconds, connections: options.connections, amount: runAmount });
      const kinds: Kind[] = ['bare', 'product', 'noWait'];
      // Warm up (JIT, connection pools), untimed: the product's larger code base is still being compiled for
      // several seconds (a quarter of its CPU in the first seconds went to the compiler threads).
      if (!options.smoke) for (const [i, kind] of kinds.entries()) await send(kind, 1 + i, WARM_UP_SECONDS);
      for (let round = 1; round <= options.rounds; round++) {
        const shift = (round - 1) % kinds.length;
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          const r = await send(kind, 10 * round + kinds.indexOf(kind) + 10, seconds, amount);
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
      rss = memoryOf(product.child.pid);
    } finally {
      await product.child.stop();
      await noWait.child.stop();
      await bare.child.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${noWaitDb} WITH (FORCE)`);
    }
    const rate = (k: Kind) => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: Kind, f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const bareRate = rate('bare');
    const productRate = rate('product');
    const noWaitRate = rate('noWait');
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
      {
        scenario: 'command',
        kind: 'register enterprise, no read-your-writes wait',
        metric: 'throughput',
        unit: 'req/s',
        value: noWaitRate,
        ratio: noWaitRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('noWait', 'p50Ms'), p99ms: med('noWait', 'p99Ms') },
      },
    ];
    if (rss) rows.push({ scenario: 'command', kind: 'API process peak RSS', metric: 'peak RSS', unit: 'MiB', value: figure([rss.peakRssMiB]), extra: { 'RSS at end': rss.rssMiB } });
    return {
      scenario: 'command',
      rows,
      targets: [target('command', '≥ 0.5x the framework ceiling', productRate.median / bareRate.median, 0.5, true)],
      notes: [
        `${options.connections} connections; every product response checked for GraphQL errors (none allowed); readModelCurrent requested`,
        'the no-wait row is a diagnostic (a second product instance on its own database with READ_YOUR_WRITES_TIMEOUT_MS=0), not a target',
      ],
      postgres: settings,
    };
  });
}
