/**
 * Scenario 5, tender look-up: the credit ratings of 30 enterprises as of an instant, in one GraphQL request
 * (`creditRatingsAsOf(subjectIds:, asOf:)`, TENDER token, the ids and the instant as variables, as a tender
 * system sends them at a bid opening) vs the bare app's constant query of the same name and response shape.
 * Diagnostic row: the same query for 1 subject.
 *
 * The ratings are the product's own events, written through its GraphQL API: 300 registered firms and one
 * credit cycle (bench/lib/credit-seed.ts) with 120 applications filed, scored, reviewed, noticed and issued,
 * a few of them downgraded in an annual review.
 *
 * With `--baseline DIR` (another checkout, built), that build's product runs too, on a cluster of its own seeded the
 * same way through its own API, and its look-up alternates with this build's in every round (saturated and one
 * client): the before/after ratios come from one run.
 */
import { baselineBuild, perRoundRatios } from '../lib/baseline.js';
import { withCluster } from '../lib/cluster.js';
import { startCluster } from '../lib/embedded-postgres.js';
import { seedCreditCycle } from '../lib/credit-seed.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { graphql, load, type Product, startBare, startProduct, type LoadResult } from '../lib/http.js';
import { benchCode, ratingsQuery } from '../load/driver.js';

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;

export interface RatingsDataset {
  /** Subjects that hold an issued rating, in cycle order. */
  readonly rated: string[];
  /** The look-up instant: after every seeded event. */
  readonly asOf: string;
}

/**
 * Registers `firms` firms through the product's GraphQL API and seeds a credit cycle (bench/lib/credit-seed.ts)
 * in which the first `applicants` apply; returns the subjects whose rating was issued.
 */
export async function seedRatings(product: Pick<Product, 'url' | 'adminToken' | 'setClock'>, firms: number, applicants: number): Promise<RatingsDataset> {
  const codes = Array.from({ length: firms }, (_, i) => benchCode(7, i));
  for (let i = 0; i < codes.length; i += 10) {
    await Promise.all(
      codes.slice(i, i + 10).map((code, j) =>
        graphql(product.url, product.adminToken, REGISTER, {
          input: { code, name: `招标查询企业${i + j}建设有限公司`, legalRepresentative: '李四', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'MEDIUM' },
        }),
      ),
    );
  }
  const { rated } = await seedCreditCycle(product, {
    associationId: 'bench-assoc',
    rulebookId: 'bench-rulebook',
    cycleId: 'bench-cycle',
    certificatePrefix: 'BENCH-XY',
    scorers: ['bench-expert-assoc', 'bench-expert-dept'],
    subjects: codes.slice(0, applicants),
  });
  await new Promise((done) => setTimeout(done, 20));
  return { rated, asOf: new Date().toISOString() };
}

/** Every bidder must have a rating in force as of the look-up instant, or the look-up measures the wrong answer. */
async function expectAllInForce(product: Pick<Product, 'url' | 'tenderToken'>, wanted: string[], asOf: string): Promise<void> {
  const check = await graphql<{ creditRatingsAsOf: { ratings: { inForce: boolean }[] }[] }>(product.url, product.tenderToken, ratingsQuery, { ids: wanted, asOf });
  const inForce = check.creditRatingsAsOf.filter((s) => s.ratings.some((r) => r.inForce)).length;
  if (inForce !== wanted.length) throw new Error(`${inForce} of ${wanted.length} subjects have a rating in force`);
}

/**
 * Saturation runs (16 connections, each sending its next request as soon as the last is answered) and latency
 * runs (one client doing the same: a tender system looking up the bidders of one bid opening after another).
 */
type Kind = 'bare' | 'product' | 'single' | 'baselineProduct' | 'latencyBare' | 'latencyProduct' | 'latencyBaseline';

/** Connections of the latency runs. */
const LATENCY_CONNECTIONS = 1;

const WARM_UP_SECONDS = 3;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('lookup', async (cluster, _admin, settings) => {
    const baseline = options.baseline === undefined ? null : baselineBuild(options.baseline);
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    // The baseline's product on a cluster of its own: the two products' pools exceed one cluster's connections.
    const baselineCluster = baseline ? await startCluster('lookup_baseline') : null;
    const baselineProduct = baseline && baselineCluster ? await startProduct(baselineCluster.url, {}, baseline.benchDist) : null;
    const measured: Record<Kind, LoadResult[]> = { bare: [], product: [], single: [], baselineProduct: [], latencyBare: [], latencyProduct: [], latencyBaseline: [] };
    let wanted: string[] = [];
    try {
      const firms = options.smoke ? 40 : 300;
      const applicants = options.smoke ? 36 : 120;
      const dataset = await seedRatings(product, firms, applicants);
      // Every third rated firm: 30 bidders spread over the cycle (the smoke run's small cycle: the first 30).
      const bidders = (rated: string[]) => (options.smoke ? rated : rated.filter((_, i) => i % 3 === 1)).slice(0, 30);
      wanted = bidders(dataset.rated);
      if (wanted.length < 30) throw new Error(`only ${wanted.length} rated subjects to look up`);
      await expectAllInForce(product, wanted, dataset.asOf);
      // The same dataset written through the baseline's own API: the same codes, so the same bidders.
      const baselineDataset = baselineProduct ? await seedRatings(baselineProduct, firms, applicants) : null;
      if (baselineProduct && baselineDataset) {
        if (bidders(baselineDataset.rated).join() !== wanted.join()) throw new Error('the baseline rated other subjects than this build');
        await expectAllInForce(baselineProduct, wanted, baselineDataset.asOf);
      }
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      const send = (kind: Kind, runSeconds: number, runAmount?: number) => {
        const connections = kind === 'latencyBare' || kind === 'latencyProduct' || kind === 'latencyBaseline' ? LATENCY_CONNECTIONS : options.connections;
        if (kind === 'bare' || kind === 'latencyBare') {
          return load({ url: bare.url, operation: 'ratings', codes: wanted, asOf: dataset.asOf, seed: 0, seconds: runSeconds, connections, amount: runAmount });
        }
        const onBaseline = kind === 'baselineProduct' || kind === 'latencyBaseline';
        const target = onBaseline ? baselineProduct! : product;
        const asOf = onBaseline ? baselineDataset!.asOf : dataset.asOf;
        return load({ url: target.url, token: target.tenderToken, operation: 'ratings', codes: kind === 'single' ? wanted.slice(0, 1) : wanted, asOf, seed: 0, seconds: runSeconds, connections, amount: runAmount });
      };
      const saturated: Kind[] = baselineProduct ? ['bare', 'product', 'single', 'baselineProduct'] : ['bare', 'product', 'single'];
      // Warm up (JIT, connection pools), untimed.
      if (!options.smoke) for (const kind of saturated) await send(kind, WARM_UP_SECONDS);
      for (let round = 1; round <= options.rounds; round++) {
        const shift = (round - 1) % saturated.length;
        for (const kind of [...saturated.slice(shift), ...saturated.slice(0, shift)]) {
          const r = await send(kind, seconds, amount);
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
      // Latency is read without a queue: under saturation, 16 connections on one event loop wait about 16
      // requests deep whatever the server (the bare app's own p99 is over 20 ms there). autocannon's fixed-rate
      // mode is no way out: it releases each second's requests in bursts.
      const oneClient: Kind[] = baselineProduct ? ['latencyBare', 'latencyProduct', 'latencyBaseline'] : ['latencyBare', 'latencyProduct'];
      for (let round = 1; round <= options.rounds; round++) {
        const shift = (round - 1) % oneClient.length;
        for (const kind of [...oneClient.slice(shift), ...oneClient.slice(0, shift)]) {
          const r = await send(kind, seconds, amount);
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
    } finally {
      await product.child.stop();
      await bare.child.stop();
      await baselineProduct?.child.stop();
      await baselineCluster?.stop();
    }
    const rate = (k: Kind) => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: Kind, f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const bareRate = rate('bare');
    const productRate = rate('product');
    const rows: Row[] = [
      { scenario: 'lookup', kind: 'bare constant query (30 subjects)', metric: 'throughput', unit: 'req/s', value: bareRate, extra: { p50ms: med('bare', 'p50Ms'), p99ms: med('bare', 'p99Ms') } },
      {
        scenario: 'lookup',
        kind: 'credit ratings of 30 enterprises as of an instant (product)',
        metric: 'throughput',
        unit: 'req/s',
        value: productRate,
        ratio: productRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('product', 'p50Ms'), p99ms: med('product', 'p99Ms') },
      },
      { scenario: 'lookup', kind: 'credit ratings of 1 enterprise (diagnostic)', metric: 'throughput', unit: 'req/s', value: rate('single'), extra: { p50ms: med('single', 'p50Ms'), p99ms: med('single', 'p99Ms') } },
      {
        scenario: 'lookup',
        kind: `credit ratings of 30 enterprises, one client (${LATENCY_CONNECTIONS} connection)`,
        metric: 'p99 latency',
        unit: 'ms',
        value: figure(measured.latencyProduct.map((m) => m.p99Ms)),
        extra: { p50ms: med('latencyProduct', 'p50Ms'), 'req/s': rate('latencyProduct').median },
      },
      { scenario: 'lookup', kind: `bare constant query, one client (${LATENCY_CONNECTIONS} connection)`, metric: 'p99 latency', unit: 'ms', value: figure(measured.latencyBare.map((m) => m.p99Ms)), extra: { p50ms: med('latencyBare', 'p50Ms'), 'req/s': rate('latencyBare').median } },
    ];
    if (baseline) {
      const baselineRate = rate('baselineProduct');
      const reqs = (k: Kind) => measured[k].map((m) => m.requestsPerSecond);
      const p99s = (k: Kind) => measured[k].map((m) => m.p99Ms);
      rows.push(
        {
          scenario: 'lookup',
          kind: `credit ratings of 30 enterprises (baseline ${baseline.commit})`,
          metric: 'throughput',
          unit: 'req/s',
          value: baselineRate,
          ratio: baselineRate.median / bareRate.median,
          ratioTo: 'ceiling',
          extra: {
            p50ms: med('baselineProduct', 'p50Ms'),
            p99ms: med('baselineProduct', 'p99Ms'),
            'this build vs baseline': `${(productRate.median / baselineRate.median).toFixed(3)}x req/s`,
            'per round': `req/s ${perRoundRatios(reqs('product'), reqs('baselineProduct'))}`,
          },
        },
        {
          scenario: 'lookup',
          kind: `credit ratings of 30 enterprises, one client (baseline ${baseline.commit})`,
          metric: 'p99 latency',
          unit: 'ms',
          value: figure(p99s('latencyBaseline')),
          extra: {
            p50ms: med('latencyBaseline', 'p50Ms'),
            'req/s': rate('latencyBaseline').median,
            'per round': `req/s ${perRoundRatios(reqs('latencyProduct'), reqs('latencyBaseline'))}, p99 ${perRoundRatios(p99s('latencyProduct'), p99s('latencyBaseline'))}`,
          },
        },
      );
    }
    return {
      scenario: 'lookup',
      rows,
      targets: [
        target('lookup', '≥ 0.7x the framework ceiling', productRate.median / bareRate.median, 0.7, true),
        target('lookup', 'p99 < 10 ms', med('latencyProduct', 'p99Ms'), 10, false, ' ms', `one client; at ${options.connections} connections (saturated) ${med('product', 'p99Ms')} ms, the bare app ${med('bare', 'p99Ms')} ms`),
      ],
      notes: [
        `creditRatingsAsOf for ${wanted.length} subjects with issued ratings (TENDER token), out of 300 registered firms and 120 applications of one cycle written through the GraphQL API`,
        ...(baseline ? [`baseline rows: the product built in ${options.baseline} (${baseline.commit}) on a cluster of its own, seeded the same way, alternating with this build in every round`] : []),
      ],
      postgres: settings,
    };
  });
}
