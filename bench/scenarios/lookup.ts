/**
 * Scenario 5, tender look-up: the credit ratings of 30 enterprises as of an instant, in one GraphQL request
 * (`creditRatingsAsOf(subjectIds:, asOf:)`, TENDER token, the ids and the instant as variables, as a tender
 * system sends them at a bid opening) vs the bare app's constant query of the same name and response shape.
 * Diagnostic row: the same query for 1 subject.
 *
 * The ratings are the product's own events, written through its GraphQL API: 300 registered firms, a rulebook,
 * a cycle with two assigned scorers, 120 applications filed, scored by both scorers, reviewed (grades computed
 * by the decider), put in public notice and issued with certificate numbers; a few issued ratings are then
 * downgraded in an annual review, so some subjects have more than one row in the rating history. The cycle runs
 * on the service's real clock, so the notice and validity dates lie in the recent past.
 */
import { TokenService } from '#platform';
import { withCluster } from '../lib/cluster.js';
import { figure, log, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';
import { BENCH_JWT_SECRET, graphql, load, startBare, startProduct, type LoadResult } from '../lib/http.js';
import { benchCode, ratingsQuery } from '../load/driver.js';

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;
const ASSOCIATION = 'bench-assoc';
const CYCLE = 'bench-cycle';
const SCORERS = [
  { scorerId: 'bench-expert-assoc', body: 'ASSOCIATION', indicators: ['MANAGEMENT', 'QUALITY'] },
  { scorerId: 'bench-expert-dept', body: 'DEPARTMENT', indicators: ['COMPLIANCE'] },
] as const;

/** The calendar date `days` from now in China (business dates are Beijing dates). */
function chinaDate(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export interface RatingsDataset {
  /** Subjects that hold an issued rating, in cycle order. */
  readonly rated: string[];
  /** The look-up instant: after every seeded event. */
  readonly asOf: string;
}

/**
 * Seeds a credit cycle through the product's GraphQL API (see the file comment). `applicants` firms apply,
 * out of `firms` registered ones; returns the subjects whose rating was issued.
 */
export async function seedRatings(product: { url: string; adminToken: string }, firms: number, applicants: number): Promise<RatingsDataset> {
  const tokens = new TokenService({ secret: BENCH_JWT_SECRET, issuer: 'association-register' });
  const admin = product.adminToken;
  const codes = Array.from({ length: firms }, (_, i) => benchCode(7, i));
  for (let i = 0; i < codes.length; i += 10) {
    await Promise.all(
      codes.slice(i, i + 10).map((code, j) =>
        graphql(product.url, admin, REGISTER, {
          input: { code, name: `招标查询企业${i + j}建设有限公司`, legalRepresentative: '李四', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'MEDIUM' },
        }),
      ),
    );
  }
  const mutate = (token: string, name: string, inputType: string, input: Record<string, unknown>, select = 'revision') =>
    graphql<Record<string, Record<string, unknown>>>(product.url, token, `mutation($input: ${inputType}!) { ${name}(input: $input) { ${select} } }`, { input });
  const bulk = async (token: string, name: string, inputType: string, input: Record<string, unknown>) => {
    const outcome = (await mutate(token, name, inputType, input, 'considered written refused refusals { subjectId rule }'))[name]!;
    log(`  seed ${name}: ${outcome.written} written, ${outcome.refused} refused`);
    return outcome;
  };
  await mutate(admin, 'defineCreditRulebook', 'DefineCreditRulebookInput', {
    associationId: ASSOCIATION,
    rulebookId: 'bench-rulebook',
    title: '建筑业企业信用评价办法（基准）',
    referenceNumber: '基准协〔2025〕1号',
    effectiveFrom: chinaDate(-400),
    subjectKind: 'ENTERPRISE',
    indicators: [
      { code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 40, body: 'ASSOCIATION', evidenceRequired: false },
      { code: 'QUALITY', name: '工程质量', category: '协会评价', maxPoints: 30, body: 'ASSOCIATION', evidenceRequired: false },
      { code: 'COMPLIANCE', name: '合规记录', category: '主管部门评价', maxPoints: 30, body: 'DEPARTMENT', evidenceRequired: true },
    ],
    thresholds: [
      { grade: 'AAA', minPoints: 90 },
      { grade: 'AA', minPoints: 80 },
      { grade: 'A', minPoints: 60 },
    ],
    validityYears: 3,
    noticeDays: 7,
  });
  await mutate(admin, 'openCreditCycle', 'OpenCreditCycleInput', {
    associationId: ASSOCIATION,
    cycleId: CYCLE,
    title: '年度信用评价（基准）',
    rulebookId: 'bench-rulebook',
    rulebookVersion: 1,
    assessmentFrom: chinaDate(-400),
    assessmentTo: chinaDate(-40),
    filingFrom: chinaDate(-35),
    filingTo: chinaDate(5),
    eligibility: 'ALL',
  });
  for (const s of SCORERS) await mutate(admin, 'assignCreditScorer', 'AssignCreditScorerInput', { associationId: ASSOCIATION, cycleId: CYCLE, scorerId: s.scorerId, body: s.body });
  const applying = codes.slice(0, applicants);
  await bulk(admin, 'fileCreditApplications', 'FileCreditApplicationsInput', {
    associationId: ASSOCIATION,
    cycleId: CYCLE,
    applications: applying.map((subjectId) => ({ subjectId, selfAssessment: [{ code: 'MANAGEMENT', points: 36 }] })),
  });
  // Points spread the grades over AAA, AA, A and, for every 12th firm, below every threshold (no rating).
  const points = (i: number, indicator: string) => {
    const max = indicator === 'MANAGEMENT' ? 40 : 30;
    return i % 12 === 11 ? Math.round(max * 0.5) : max - ((i * 7 + indicator.length) % Math.round(max * 0.3));
  };
  for (const s of SCORERS) {
    const token = await tokens.issue({ userId: s.scorerId, role: 'EXPERT', ttlSeconds: 3600 });
    await bulk(token, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', {
      associationId: ASSOCIATION,
      cycleId: CYCLE,
      applications: applying.map((subjectId, i) => ({
        subjectId,
        scores: s.indicators.map((code) => ({ code, points: points(i, code), evidenceReference: `EV-${subjectId.slice(-6)}-${code}` })),
      })),
    });
  }
  await bulk(admin, 'completeCreditReviews', 'CreditCycleRefInput', { associationId: ASSOCIATION, cycleId: CYCLE });
  await bulk(admin, 'startCreditNotices', 'StartCreditNoticesInput', { associationId: ASSOCIATION, cycleId: CYCLE, startsOn: chinaDate(-20) });
  await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', { associationId: ASSOCIATION, cycleId: CYCLE, certificatePrefix: 'BENCH-XY', validFrom: chinaDate(-10) });
  const rated = applying.filter((_, i) => i % 12 !== 11);
  // An annual review downgrades a few ratings: those subjects have two history rows.
  for (const subjectId of rated.filter((_, i) => i % 9 === 4)) {
    await mutate(admin, 'reviewCreditRating', 'ReviewCreditRatingInput', {
      associationId: ASSOCIATION,
      cycleId: CYCLE,
      subjectId,
      reviewYear: Number(chinaDate(0).slice(0, 4)),
      outcome: 'DOWNGRADED',
      levels: 1,
      reason: '年度复核发现质量问题（基准）',
    });
  }
  await new Promise((done) => setTimeout(done, 20));
  return { rated, asOf: new Date().toISOString() };
}

type Kind = 'bare' | 'product' | 'single';

const WARM_UP_SECONDS = 3;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return withCluster('lookup', async (cluster, _admin, settings) => {
    const product = await startProduct(cluster.url);
    const bare = await startBare();
    const measured: Record<Kind, LoadResult[]> = { bare: [], product: [], single: [] };
    let wanted: string[] = [];
    try {
      const dataset = await seedRatings(product, options.smoke ? 40 : 300, options.smoke ? 36 : 120);
      // Every third rated firm: 30 bidders spread over the cycle (the smoke run's small cycle: the first 30).
      wanted = (options.smoke ? dataset.rated : dataset.rated.filter((_, i) => i % 3 === 1)).slice(0, 30);
      if (wanted.length < 30) throw new Error(`only ${wanted.length} rated subjects to look up`);
      const check = await graphql<{ creditRatingsAsOf: { ratings: { inForce: boolean }[] }[] }>(product.url, product.tenderToken, ratingsQuery, { ids: wanted, asOf: dataset.asOf });
      const inForce = check.creditRatingsAsOf.filter((s) => s.ratings.some((r) => r.inForce)).length;
      if (inForce !== wanted.length) throw new Error(`${inForce} of ${wanted.length} subjects have a rating in force`);
      const seconds = Math.max(1, Math.round(options.seconds));
      const amount = options.smoke ? 20 : undefined;
      const send = (kind: Kind, runSeconds: number, runAmount?: number) =>
        kind === 'bare'
          ? load({ url: bare.url, operation: 'ratings', codes: wanted, asOf: dataset.asOf, seed: 0, seconds: runSeconds, connections: options.connections, amount: runAmount })
          : load({ url: product.url, token: product.tenderToken, operation: 'ratings', codes: kind === 'single' ? wanted.slice(0, 1) : wanted, asOf: dataset.asOf, seed: 0, seconds: runSeconds, connections: options.connections, amount: runAmount });
      // Warm up (JIT, connection pools), untimed.
      if (!options.smoke) for (const kind of ['bare', 'product', 'single'] as const) await send(kind, WARM_UP_SECONDS);
      for (let round = 1; round <= options.rounds; round++) {
        const kinds = ['bare', 'product', 'single'] as const;
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
    ];
    return {
      scenario: 'lookup',
      rows,
      targets: [
        target('lookup', '≥ 0.7x the framework ceiling', productRate.median / bareRate.median, 0.7, true),
        target('lookup', 'p99 < 10 ms', med('product', 'p99Ms'), 10, false, ' ms', `at ${options.connections} connections, closed loop`),
      ],
      notes: [
        `creditRatingsAsOf for ${wanted.length} subjects with issued ratings (TENDER token), out of 300 registered firms and 120 applications of one cycle written through the GraphQL API`,
      ],
      postgres: settings,
    };
  });
}
