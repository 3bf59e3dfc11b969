/**
 * Scenario 4, command end to end over HTTP: the product's `registerEnterprise` mutation (auth, validation,
 * load-decide-append, read-your-writes), a fresh valid credit code per request, at 16 connections from a
 * load generator in its own process, vs the bare NestJS + Apollo mutation returning a constant (the
 * framework ceiling). Also reads the API process's peak RSS (scenario 8).
 *
 * To show where the time goes, the same mutation also runs against a second instance of the product with
 * the read-your-writes wait off (READ_YOUR_WRITES_TIMEOUT_MS=0): the difference is the wait for the
 * projections' checkpoint.
 *
 * With `--baseline DIR` (another checkout, built), that build's product runs too, with and without the wait, on a
 * cluster of its own set up as this build's, alternating with this build's in every round: the before/after ratios
 * come from one run.
 */
import { baselineBuild, perRoundRatios } from '../lib/baseline.js';
import { benchPool, withCluster } from '../lib/cluster.js';
import { startCluster } from '../lib/embedded-postgres.js';
import { cpuSecondsOf, figure, log, memoryOf, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { load, startBare, startProduct, type LoadResult, type Product } from '../lib/http.js';

type Kind = 'bare' | 'product' | 'noWait' | 'baselineProduct' | 'baselineNoWait';
type ProductKind = Exclude<Kind, 'bare'>;

const WARM_UP_SECONDS = 3;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('command', async (cluster, admin, settings) => {
    const baseline = options.baseline === undefined ? null : baselineBuild(options.baseline);
    // Every product instance but the first needs a database of its own (its projector would otherwise share checkpoints).
    const databases: string[] = [];
    const databaseUrl = async (suffix: string, of: { url: string } = cluster, query: (sql: string) => Promise<unknown> = (sql) => admin.query(sql)) => {
      const name = `${new URL(of.url).pathname.slice(1)}_${suffix}`;
      await query(`CREATE DATABASE ${name}`);
      if (of === cluster) databases.push(name);
      const url = new URL(of.url);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const noWaitConfig = { READ_YOUR_WRITES_TIMEOUT_MS: '0' };
    const products = new Map<ProductKind, Product>();
    products.set('product', await startProduct(cluster.url));
    const bare = await startBare();
    products.set('noWait', await startProduct(await databaseUrl('no_wait'), noWaitConfig));
    // The baseline's pair on a cluster of its own, set up as this one: four services' pools exceed one cluster's
    // default max_connections (100).
    const baselineCluster = baseline ? await startCluster('command_baseline') : null;
    if (baseline && baselineCluster) {
      const baselineAdmin = benchPool(baselineCluster.url, 1);
      try {
        products.set('baselineProduct', await startProduct(baselineCluster.url, {}, baseline.benchDist));
        const noWaitUrl = await databaseUrl('no_wait', baselineCluster, (sql) => baselineAdmin.query(sql));
        products.set('baselineNoWait', await startProduct(noWaitUrl, noWaitConfig, baseline.benchDist));
      } finally {
        await baselineAdmin.end();
      }
    }
    const measured: Record<Kind, LoadResult[]> = { bare: [], product: [], noWait: [], baselineProduct: [], baselineNoWait: [] };
    // The server process's CPU time per answered request: steadier than throughput when the machine is shared.
    const cpuPerRequest: Record<Kind, number[]> = { bare: [], product: [], noWait: [], baselineProduct: [], baselineNoWait: [] };
    let rss: ReturnType<typeof memoryOf> | undefined;
    try {
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      const send = (kind: Kind, seed: number, runSeconds: number, runAmount?: number) => {
        const to = kind === 'bare' ? { url: bare.url } : { url: products.get(kind)!.url, token: products.get(kind)!.adminToken };
        return load({ ...to, operation: 'register', seed, seconds: runSeconds, connections: options.connections, amount: runAmount });
      };
      const kinds: Kind[] = baseline ? ['bare', 'product', 'noWait', 'baselineProduct', 'baselineNoWait'] : ['bare', 'product', 'noWait'];
      // Warm up (JIT, connection pools), untimed: the product's larger code base is still being compiled for
      // several seconds (a quarter of its CPU in the first seconds went to the compiler threads).
      if (!options.smoke) for (const [i, kind] of kinds.entries()) await send(kind, 1 + i, WARM_UP_SECONDS);
      for (let round = 1; round <= options.rounds; round++) {
        const shift = (round - 1) % kinds.length;
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          const pid = kind === 'bare' ? bare.child.pid : products.get(kind)!.child.pid;
          const cpuBefore = cpuSecondsOf(pid);
          const r = await send(kind, 10 * round + kinds.indexOf(kind) + 10, seconds, amount);
          const cpuAfter = cpuSecondsOf(pid);
          if (cpuBefore !== null && cpuAfter !== null && r.requests > 0) cpuPerRequest[kind].push(((cpuAfter - cpuBefore) * 1e6) / r.requests);
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${cpuPerRequest[kind].at(-1)?.toFixed(0) ?? '?'} µs CPU/request`);
        }
      }
      rss = memoryOf(products.get('product')!.child.pid);
    } finally {
      for (const product of products.values()) await product.child.stop();
      await bare.child.stop();
      for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await baselineCluster?.stop();
    }
    const rate = (k: Kind) => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: Kind, f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const cpu = (k: Kind) => (cpuPerRequest[k].length > 0 ? figure(cpuPerRequest[k]).median : Number.NaN);
    const cpuText = (k: Kind) => {
      if (cpuPerRequest[k].length === 0) return 'n/a';
      const f = figure(cpuPerRequest[k]);
      return `${f.median.toFixed(0)} (${f.min.toFixed(0)}–${f.max.toFixed(0)})`;
    };
    const bareRate = rate('bare');
    const productRate = rate('product');
    const noWaitRate = rate('noWait');
    const rows: Row[] = [
      { scenario: 'command', kind: 'bare NestJS + Apollo (constant)', metric: 'throughput', unit: 'req/s', value: bareRate, extra: { p50ms: med('bare', 'p50Ms'), p99ms: med('bare', 'p99Ms'), 'CPU µs/req': cpuText('bare') } },
      {
        scenario: 'command',
        kind: 'register enterprise (product)',
        metric: 'throughput',
        unit: 'req/s',
        value: productRate,
        ratio: productRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('product', 'p50Ms'), p99ms: med('product', 'p99Ms'), 'CPU µs/req': cpuText('product') },
      },
      {
        scenario: 'command',
        kind: 'register enterprise, no read-your-writes wait',
        metric: 'throughput',
        unit: 'req/s',
        value: noWaitRate,
        ratio: noWaitRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('noWait', 'p50Ms'), p99ms: med('noWait', 'p99Ms'), 'CPU µs/req': cpuText('noWait') },
      },
    ];
    const perRound = (mine: Kind, theirs: Kind) =>
      `req/s ${perRoundRatios(measured[mine].map((m) => m.requestsPerSecond), measured[theirs].map((m) => m.requestsPerSecond))}, CPU/req ${perRoundRatios(cpuPerRequest[mine], cpuPerRequest[theirs])}`;
    if (baseline) {
      const baselineRate = rate('baselineProduct');
      const baselineNoWaitRate = rate('baselineNoWait');
      rows.push(
        {
          scenario: 'command',
          kind: `register enterprise (baseline ${baseline.commit})`,
          metric: 'throughput',
          unit: 'req/s',
          value: baselineRate,
          ratio: baselineRate.median / bareRate.median,
          ratioTo: 'ceiling',
          extra: {
            p50ms: med('baselineProduct', 'p50Ms'),
            p99ms: med('baselineProduct', 'p99Ms'),
            'CPU µs/req': cpuText('baselineProduct'),
            'this build vs baseline': `${(productRate.median / baselineRate.median).toFixed(3)}x req/s, ${(cpu('product') / cpu('baselineProduct')).toFixed(3)}x CPU/req`,
            'per round': perRound('product', 'baselineProduct'),
          },
        },
        {
          scenario: 'command',
          kind: `register enterprise, no wait (baseline ${baseline.commit})`,
          metric: 'throughput',
          unit: 'req/s',
          value: baselineNoWaitRate,
          ratio: baselineNoWaitRate.median / bareRate.median,
          ratioTo: 'ceiling',
          extra: {
            p50ms: med('baselineNoWait', 'p50Ms'),
            p99ms: med('baselineNoWait', 'p99Ms'),
            'CPU µs/req': cpuText('baselineNoWait'),
            'this build vs baseline': `${(noWaitRate.median / baselineNoWaitRate.median).toFixed(3)}x req/s, ${(cpu('noWait') / cpu('baselineNoWait')).toFixed(3)}x CPU/req`,
            'per round': perRound('noWait', 'baselineNoWait'),
          },
        },
      );
    }
    if (rss) rows.push({ scenario: 'command', kind: 'API process peak RSS', metric: 'peak RSS', unit: 'MiB', value: figure([rss.peakRssMiB]), extra: { 'RSS at end': rss.rssMiB } });
    return {
      scenario: 'command',
      rows,
      targets: [target('command', '≥ 0.5x the framework ceiling', productRate.median / bareRate.median, 0.5, true)],
      notes: [
        `${options.connections} connections; every product response checked for GraphQL errors (none allowed); readModelCurrent requested`,
        'the no-wait row is a diagnostic (a second product instance on its own database with READ_YOUR_WRITES_TIMEOUT_MS=0), not a target',
        'CPU µs/req: user + system CPU time of the server process during a timed run over the requests it answered (median and range of the rounds)',
        ...(baseline ? [`baseline rows: the product built in ${options.baseline} (${baseline.commit}), alternating with this build in every round`] : []),
      ],
      postgres: settings,
    };
  });
}
