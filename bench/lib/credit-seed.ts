/**
 * One credit-evaluation cycle written through the product's GraphQL API, for the benchmark's datasets (the
 * look-up scenario's ratings, the rebuild template's credit events): a rulebook, a cycle with two assigned
 * scorers (association experts, a department expert), an application by every subject, scored by both scorers,
 * reviewed (grades computed by the decider), put in public notice and issued with certificate numbers; a few
 * issued ratings are then downgraded in an annual review, so some subjects have more than one row in the
 * rating history. Optionally one adverse conduct record, which the rulebook's dynamic rule applies at once.
 * Each step runs on the day it would have (the service's clock is set back): filed and reviewed 25 days ago, noticed
 * from 20 days ago, issued 10 days ago, the annual review and conduct today; so the dates lie in the recent past.
 */
import { TokenService } from '#platform';
import { log } from './harness.js';
import { BENCH_JWT_SECRET, graphql, type Product } from './http.js';

/** The calendar date `days` from now in China (business dates are Beijing dates). */
export function chinaDate(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export interface CreditSeed {
  readonly associationId: string;
  readonly rulebookId: string;
  readonly cycleId: string;
  /** Certificates are numbered `<prefix>-0001` … by the subject's place in the cycle. */
  readonly certificatePrefix: string;
  /** User ids of the association's expert and of the department's expert. */
  readonly scorers: readonly [string, string];
  /** The applicants, in cycle order. */
  readonly subjects: readonly string[];
  /** One adverse conduct record (wage arrears) against a rated subject, downgraded by the rulebook's dynamic rule. */
  readonly conduct?: { readonly recordId: string };
}

export interface SeededCycle {
  /** Subjects that hold an issued rating, in cycle order. */
  readonly rated: string[];
  /** Subjects downgraded in the annual review. */
  readonly downgraded: string[];
  /** The subject the conduct record was recorded against, if any. */
  readonly conductSubject: string | null;
}

const INDICATORS = { ASSOCIATION: ['MANAGEMENT', 'QUALITY'], DEPARTMENT: ['COMPLIANCE'] } as const;

export async function seedCreditCycle(product: Pick<Product, 'url' | 'adminToken' | 'setClock'>, seed: CreditSeed): Promise<SeededCycle> {
  const tokens = new TokenService({ secret: BENCH_JWT_SECRET, issuer: 'association-register' });
  const admin = product.adminToken;
  const { associationId, cycleId } = seed;
  const scorers = [
    { scorerId: seed.scorers[0], body: 'ASSOCIATION', indicators: INDICATORS.ASSOCIATION },
    { scorerId: seed.scorers[1], body: 'DEPARTMENT', indicators: INDICATORS.DEPARTMENT },
  ] as const;
  const mutate = (token: string, name: string, inputType: string, input: Record<string, unknown>, select = 'revision') =>
    graphql<Record<string, Record<string, unknown>>>(product.url, token, `mutation($input: ${inputType}!) { ${name}(input: $input) { ${select} } }`, { input });
  const bulk = async (token: string, name: string, inputType: string, input: Record<string, unknown>) => {
    const outcome = (await mutate(token, name, inputType, input, 'considered written refused refusals { subjectId rule }'))[name]!;
    log(`  seed ${name}: ${outcome.written} written, ${outcome.refused} refused`);
    return outcome;
  };
  await product.setClock(-25);
  await mutate(admin, 'defineCreditRulebook', 'DefineCreditRulebookInput', {
    associationId,
    rulebookId: seed.rulebookId,
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
    // Only with a conduct record: the look-up scenario's rulebook stays as it was.
    ...(seed.conduct ? { dynamicRules: [{ conductCode: 'WAGE_ARREARS', action: 'DOWNGRADE', levels: 1 }] } : {}),
    validityYears: 3,
    noticeDays: 7,
  });
  await mutate(admin, 'openCreditCycle', 'OpenCreditCycleInput', {
    associationId,
    cycleId,
    title: '年度信用评价（基准）',
    rulebookId: seed.rulebookId,
    rulebookVersion: 1,
    assessmentFrom: chinaDate(-400),
    assessmentTo: chinaDate(-40),
    filingFrom: chinaDate(-35),
    filingTo: chinaDate(5),
    eligibility: 'ALL',
  });
  for (const s of scorers) await mutate(admin, 'assignCreditScorer', 'AssignCreditScorerInput', { associationId, cycleId, scorerId: s.scorerId, body: s.body });
  const applying = seed.subjects;
  await bulk(admin, 'fileCreditApplications', 'FileCreditApplicationsInput', {
    associationId,
    cycleId,
    applications: applying.map((subjectId) => ({ subjectId, selfAssessment: [{ code: 'MANAGEMENT', points: 36 }] })),
  });
  // Points spread the grades over AAA, AA, A and, for every 12th firm, below every threshold (no rating).
  const points = (i: number, indicator: string) => {
    const max = indicator === 'MANAGEMENT' ? 40 : 30;
    return i % 12 === 11 ? Math.round(max * 0.5) : max - ((i * 7 + indicator.length) % Math.round(max * 0.3));
  };
  for (const s of scorers) {
    const token = await tokens.issue({ userId: s.scorerId, role: 'EXPERT', ttlSeconds: 3600 });
    await bulk(token, 'scoreCreditApplications', 'ScoreCreditApplicationsInput', {
      associationId,
      cycleId,
      applications: applying.map((subjectId, i) => ({
        subjectId,
        scores: s.indicators.map((code) => ({ code, points: points(i, code), evidenceReference: `EV-${subjectId.slice(-6)}-${code}` })),
      })),
    });
  }
  await bulk(admin, 'completeCreditReviews', 'CreditCycleRefInput', { associationId, cycleId });
  // A notice starts no earlier than the review it shows and never in the past (the shared notice rule).
  await product.setClock(-20);
  await bulk(admin, 'startCreditNotices', 'StartCreditNoticesInput', { associationId, cycleId, startsOn: chinaDate(-20) });
  await product.setClock(-10);
  await bulk(admin, 'issueCreditRatings', 'IssueCreditRatingsInput', { associationId, cycleId, certificatePrefix: seed.certificatePrefix, validFrom: chinaDate(-10) });
  await product.setClock(0);
  const rated = applying.filter((_, i) => i % 12 !== 11);
  // An annual review downgrades a few ratings: those subjects have two history rows.
  const downgraded = rated.filter((_, i) => i % 9 === 4);
  for (const subjectId of downgraded) {
    await mutate(admin, 'reviewCreditRating', 'ReviewCreditRatingInput', {
      associationId,
      cycleId,
      subjectId,
      reviewYear: Number(chinaDate(0).slice(0, 4)),
      outcome: 'DOWNGRADED',
      levels: 1,
      reason: '年度复核发现质量问题（基准）',
    });
  }
  let conductSubject: string | null = null;
  if (seed.conduct) {
    conductSubject = rated.filter((s) => !downgraded.includes(s)).at(-1) ?? null;
    if (conductSubject === null) throw new Error('no rated subject to record conduct against');
    const outcome = await mutate(admin, 'recordCreditConduct', 'RecordCreditConductInput', {
      associationId,
      subjectId: conductSubject,
      recordId: seed.conduct.recordId,
      code: 'WAGE_ARREARS',
      kind: 'ADVERSE',
      severity: 'SERIOUS',
      occurredOn: chinaDate(-5),
      sourceAuthority: '武汉市人力资源和社会保障局',
      disclosureMonths: 12,
      penaltyMonths: 6,
      evidenceReference: `${seed.conduct.recordId}-决定书`,
      description: '拖欠农民工工资（基准）',
    }, 'changedRatings { subjectId }');
    log(`  seed recordCreditConduct: ${(outcome.recordCreditConduct!.changedRatings as unknown[]).length} rating(s) changed`);
  }
  return { rated, downgraded, conductSubject };
}
