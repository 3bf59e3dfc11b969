/**
 * Scenario 10, dues arrears (欠费账龄) on two time axes: the first page of `duesArrears` for an association of 1,237
 * member firms (the size of the dues year in docs/domain.md), as its secretariat asks it, in one GraphQL request
 * (ADMIN token), vs the bare app's constant query (the framework ceiling).
 *
 * The dataset is the benchmark template (bench/lib/dataset.ts) at that size without its credit cycle: every firm
 * registered and admitted through the real deciders, the 2020 fee schedule, the year invoiced, a relief policy
 * applied (small firms waived in full, the others by half), then the remaining half paid by all but every fifth
 * firm. Two questions side by side:
 * - "now": as recorded now, on today's business date: the firms that never paid (about 165);
 * - "before the payments": as recorded just before the first payment, on that instant's business date: every firm
 *   not waived in full (about 825), so the same query aggregates five times the unpaid rows. The ratio of the two says
 *   how the answer's cost grows with the arrears it finds.
 * Each question reads, per firm in arrears, its membership status on the business date from the membership history
 * (ADR 0022) and its name as the enterprise register had it.
 */
import { withCluster } from '../lib/cluster.js';
import { writeTemplate } from '../lib/dataset.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { graphql, load, type LoadResult, startBare, startProduct } from '../lib/http.js';

const ASSOCIATION = 'bench-assoc';
const MEMBERS = 1_237;
const PAGE = 50;

const ARREARS = `query Arrears($associationId: String!, $asOf: DateTime, $effectiveAt: String, $first: Int!) {
  duesArrears(associationId: $associationId, asOf: $asOf, effectiveAt: $effectiveAt, first: $first) {
    totalCount
    edges { cursor node { enterpriseCode enterpriseName membershipStatus owedFen unpaidYearCount unpaidYears } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Kind = 'bare' | 'now' | 'beforePayments' | 'latencyNow';
const LATENCY_CONNECTIONS = 1;
/** The bare app answers its constant ratings for each id: 30 of them, an answer the size of a page of arrears. */
const BARE_SUBJECTS = Array.from({ length: 30 }, (_, i) => `bare-${i}`);
const WARM_UP_SECONDS = 3;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('arrears', async (cluster, admin, settings) => {
    const members = options.smoke ? 20 : MEMBERS;
    const started = performance.now();
    await writeTemplate(cluster.url, members, { credit: false });
    log(`  ${members} member firms with a dues year written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // The instant just before the first payment was recorded: invoices and waivers known, no payment yet.
    const { rows } = await admin.query<{ before: string }>(
      `SELECT to_char((min(recorded_at) - interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS before
         FROM es_events WHERE event_type = 'DuesPaymentRecorded'`,
    );
    const beforePayments = rows[0]?.before;
    if (!beforePayments) throw new Error('the template recorded no dues payment');
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    const measured: Record<Kind, LoadResult[]> = { bare: [], now: [], beforePayments: [], latencyNow: [] };
    const found: Partial<Record<'now' | 'beforePayments', number>> = {};
    try {
      // Without effectiveAt, each answer is for the business date (in China) of its asOf: the invoices, waivers and
      // payments all take effect on the day they were recorded, so only the knowledge instant differs.
      const bodies = {
        now: JSON.stringify({ query: ARREARS, variables: { associationId: ASSOCIATION, first: PAGE } }),
        beforePayments: JSON.stringify({ query: ARREARS, variables: { associationId: ASSOCIATION, asOf: beforePayments, first: PAGE } }),
      };
      for (const question of ['now', 'beforePayments'] as const) {
        const { query, variables } = JSON.parse(bodies[question]) as { query: string; variables: Record<string, unknown> };
        const answer = await graphql<{ duesArrears: { totalCount: number; edges: unknown[] } }>(product.url, product.adminToken, query, variables);
        found[question] = answer.duesArrears.totalCount;
        if (answer.duesArrears.edges.length === 0) throw new Error(`duesArrears (${question}) found no member in arrears`);
      }
      if (found.beforePayments! <= found.now!) throw new Error(`before the payments ${found.beforePayments} in arrears, now ${found.now}: the payments did not count`);
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      const send = (kind: Kind, runSeconds: number, runAmount?: number) => {
        if (kind === 'bare') return load({ url: bare.url, operation: 'ratings', codes: BARE_SUBJECTS, seed: 0, seconds: runSeconds, connections: options.connections, amount: runAmount });
        const body = kind === 'beforePayments' ? bodies.beforePayments : bodies.now;
        const connections = kind === 'latencyNow' ? LATENCY_CONNECTIONS : options.connections;
        return load({ url: product.url, token: product.adminToken, operation: 'query', body, seed: 0, seconds: runSeconds, connections, amount: runAmount });
      };
      const kinds: Kind[] = ['bare', 'now', 'beforePayments', 'latencyNow'];
      if (!options.smoke) for (const kind of kinds) await send(kind, WARM_UP_SECONDS);
      for (let round = 1; round <= options.rounds; round++) {
        const shift = (round - 1) % kinds.length;
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          const r = await send(kind, seconds, amount);
          measured[kind].push(r);
          log(`  round ${round} ${kind}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        }
      }
    } finally {
      await product.child.stop();
      await bare.child.stop();
    }
    const rate = (k: Kind) => figure(measured[k].map((m) => m.requestsPerSecond));
    const med = (k: Kind, f: 'p50Ms' | 'p99Ms') => figure(measured[k].map((m) => m[f])).median;
    const bareRate = rate('bare');
    const nowRate = rate('now');
    const beforeRate = rate('beforePayments');
    const resultRows: Row[] = [
      { scenario: 'arrears', kind: 'bare constant query', metric: 'throughput', unit: 'req/s', value: bareRate, extra: { p50ms: med('bare', 'p50Ms'), p99ms: med('bare', 'p99Ms') } },
      {
        scenario: 'arrears',
        kind: `arrears now, first ${PAGE} of ${found.now} (${members} members)`,
        metric: 'throughput',
        unit: 'req/s',
        value: nowRate,
        ratio: nowRate.median / bareRate.median,
        ratioTo: 'ceiling',
        extra: { p50ms: med('now', 'p50Ms'), p99ms: med('now', 'p99Ms') },
      },
      {
        scenario: 'arrears',
        kind: `arrears as recorded before the payments, first ${PAGE} of ${found.beforePayments}`,
        metric: 'throughput',
        unit: 'req/s',
        value: beforeRate,
        ratio: beforeRate.median / nowRate.median,
        ratioTo: 'of now',
        extra: { p50ms: med('beforePayments', 'p50Ms'), p99ms: med('beforePayments', 'p99Ms') },
      },
      {
        scenario: 'arrears',
        kind: `arrears now, one client (${LATENCY_CONNECTIONS} connection)`,
        metric: 'p99 latency',
        unit: 'ms',
        value: figure(measured.latencyNow.map((m) => m.p99Ms)),
        extra: { p50ms: med('latencyNow', 'p50Ms'), 'req/s': rate('latencyNow').median },
      },
    ];
    return {
      scenario: 'arrears',
      rows: resultRows,
      targets: [target('arrears', 'no target set (reported)', nowRate.median / bareRate.median, 0, true)].map((t) => ({ ...t, met: null })),
      notes: [
        `duesArrears (ADMIN token) for one association of ${members} members written through the product (bench/lib/dataset.ts without its credit cycle); "before the payments": asOf just before the first payment was recorded, on its business date`,
      ],
      postgres: settings,
    };
  });
}
