/**
 * Scenario 5, tender look-up: 30 enterprises by code in one GraphQL request (aliases e1…e30 of
 * `enterprise(code:)`, TENDER token) vs the bare app's constant query with the same shape. The issue's
 * version (credit ratings of 30 enterprises as of an instant) awaits the credit context; this is the
 * closest real batch look-up the register has today.
 */
import { withCluster } from '../lib/cluster.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { graphql, load, startBare, startProduct, type LoadResult } from '../lib/http.js';
import { benchCode } from '../load/driver.js';

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('lookup', async (cluster, _admin, settings) => {
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    const measured: Record<'bare' | 'product' | 'single', LoadResult[]> = { bare: [], product: [], single: [] };
    try {
      // 300 registered firms; the look-up asks for 30 of them.
      const codes = Array.from({ length: options.smoke ? 30 : 300 }, (_, i) => benchCode(7, i));
      for (let i = 0; i < codes.length; i += 10) {
        await Promise.all(
          codes.slice(i, i + 10).map((code, j) =>
            graphql(product.url, product.adminToken, REGISTER, {
              input: { code, name: `招标查询企业${i + j}建设有限公司`, legalRepresentative: '李四', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'MEDIUM' },
            }),
          ),
        );
      }
      const wanted = options.smoke ? codes : codes.filter((_, i) => i % 10 === 3);
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      if (!options.smoke) await load({ url: bare.url, operation: 'lookup', codes: wanted, seed: 0, seconds: 1, connections: options.connections });
      if (!options.smoke) await load({ url: product.url, token: product.tenderToken, operation: 'lookup', codes: wanted, seed: 0, seconds: 1, connections: options.connections });
      for (let round = 1; round <= options.rounds; round++) {
        const kinds = ['bare', 'product', 'single'] as const;
        const shift = (round - 1) % kinds.length;
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          const r =
            kind === 'bare'
              ? await load({ url: bare.url, operation: 'lookup', codes: wanted, seed: 0, seconds, connections: options.connections, amount })
              : await load({ url: product.url, token: product.tenderToken, operation: 'lookup', codes: kind === 'single' ? wanted.slice(0, 1) : wanted, seed: 0, seconds, connections: options.connections, amount });
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
    } finally {
      await product.child.stop();
      await bare.child.stop();
    }
    const rate = (k: 'bare' | 'product' | 'single') => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: 'bare' | 'product' | 'single', f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const bareRate = rate('bare');
    const productRate = rate('product');
    const rows: Row[] = [
      { scenario: 'lookup', kind: 'bare constant query (30 aliases)', metric: 'throughput', unit: 'req/s', value: bareRate, extra: { p50ms: med('bare', 'p50Ms'), p99ms: med('bare', 'p99Ms') } },
      {
        scenario: 'lookup',
        kind: '30 enterprises by code (product)',
        metric: 'throughput',
        unit: 'req/s',
        value: productRate,
        ratio: productRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('product', 'p50Ms'), p99ms: med('product', 'p99Ms') },
      },
      { scenario: 'lookup', kind: '1 enterprise by code (diagnostic)', metric: 'throughput', unit: 'req/s', value: rate('single'), extra: { p50ms: med('single', 'p50Ms'), p99ms: med('single', 'p99Ms') } },
    ];
    return {
      scenario: 'lookup',
      rows,
      targets: [
        target('lookup', '≥ 0.7x the framework ceiling', productRate.median / bareRate.median, 0.7, true),
        target('lookup', 'p99 < 10 ms', med('product', 'p99Ms'), 10, false, ' ms', `at ${options.connections} connections, closed loop`),
      ],
      notes: ['the credit-rating look-up of the issue awaits the credit context: this measures 30 enterprise(code:) look-ups in one request instead'],
      postgres: settings,
    };
  });
}
