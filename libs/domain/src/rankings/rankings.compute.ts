import type { Ownership, QualificationGrade } from '../enterprise/enterprise.events.js';
import { type DecisionRecord, RuleViolation } from '../shared/index.js';
import { compareFractions, type Fraction, fraction, formatScaled, SCALE, scaledPoints, subtractFractions, toScaled } from './rankings.decimal.js';
import { RankingRules } from './rankings.errors.js';
import { groupOf, type MethodologyVersion, type RankingGroup, type RankingMetric } from './rankings.methodology.js';

// The computation of a ranking: a pure function of the frozen inputs (the methodology, each candidate's current
// figures, the eligibility evidence as of the cut-off, the exclusions decided, the tie resolutions decided). The
// edition decider runs it to record a result; verification runs it again on the recorded inputs and compares.

export interface FigureInput {
  readonly metric: string;
  /** Canonical decimal (four places). */
  readonly value: string;
  readonly previousValue: string | null;
}

/** What the other registers said of a firm as of the cut-off; recorded with the computation that used it. */
export interface EligibilityEvidence {
  /** Ownership in the enterprise register; null when the code is not registered. */
  readonly ownership: Ownership | null;
  /** The firm's best qualification grade in effect on the cut-off (groups are by it); null: none. */
  readonly bestQualificationGrade: QualificationGrade | null;
  /** The association's credit grade in force on the cut-off; null: none. */
  readonly creditGrade: string | null;
  /** Membership status in the association on the cut-off; null: never a member by then. */
  readonly membershipStatus: string | null;
  /** Conduct records with a blacklisting code disclosed on the cut-off (their record ids). */
  readonly blacklistRecords: readonly string[];
}

export interface FirmInput {
  readonly enterpriseCode: string;
  readonly figures: readonly FigureInput[];
  readonly eligibility: EligibilityEvidence;
  /** An exclusion by decision (its grounds and reference), or null. */
  readonly excludedByDecision: { readonly grounds: string; readonly reference: string } | null;
}

/** The order of firms the rule leaves tied, decided by a body (only where the tie-break says DECISION). */
export interface TieResolution {
  /** Credit codes, first ranked first. */
  readonly order: readonly string[];
  readonly decision: DecisionRecord;
}

export interface RankingInputs {
  readonly methodology: MethodologyVersion;
  readonly firms: readonly FirmInput[];
  readonly tieResolutions: readonly TieResolution[];
}

export const EXCLUSION_GROUNDS = ['DECISION', 'OWNERSHIP', 'CREDIT_GRADE', 'MEMBERSHIP', 'BLACKLISTED', 'MISSING_FIGURES', 'NO_GROUP'] as const;
export type ExclusionGround = (typeof EXCLUSION_GROUNDS)[number];

export interface RankingExclusion {
  readonly enterpriseCode: string;
  /** Every filter the firm failed, in the order above. */
  readonly grounds: readonly ExclusionGround[];
  /** One sentence per ground, naming the evidence it used. */
  readonly details: readonly string[];
}

export interface MetricScore {
  readonly code: string;
  readonly value: string;
  readonly previousValue: string | null;
  /** Points out of the metric's weight, four places. */
  readonly points: string;
}

/**
 * What placed a firm below the firm above it in its group: the total, a tie-break metric (`METRIC:<code>`), a
 * decision, the credit code, or nothing (`TIED`: a tie wholly below the list, left tied with a shared rank).
 */
export type PlacedBy = 'TOTAL' | `METRIC:${string}` | 'DECISION' | 'CREDIT_CODE' | 'TIED';

export interface RankedEntry {
  readonly enterpriseCode: string;
  readonly groupCode: string;
  /** Rank in the group; tied firms below the list share one. */
  readonly groupRank: number;
  /** Place in the whole result: groups in the methodology's order, each by rank. */
  readonly position: number;
  readonly listed: boolean;
  readonly total: string;
  readonly metrics: readonly MetricScore[];
  /** Against the firm above in the group; null for the first. */
  readonly placedBy: PlacedBy | null;
}

export interface RankingResult {
  readonly methodologyId: string;
  readonly methodologyVersion: number;
  readonly entries: readonly RankedEntry[];
  readonly exclusions: readonly RankingExclusion[];
  readonly listedCount: number;
}

interface Candidate {
  readonly firm: FirmInput;
  readonly figures: ReadonlyMap<string, FigureInput>;
}

function exclusionOf(methodology: MethodologyVersion, candidate: Candidate): RankingExclusion | null {
  const { firm } = candidate;
  const { filters } = methodology;
  const evidence = firm.eligibility;
  const grounds: ExclusionGround[] = [];
  const details: string[] = [];
  if (firm.excludedByDecision) {
    grounds.push('DECISION');
    details.push(`Excluded by decision ${firm.excludedByDecision.reference}: ${firm.excludedByDecision.grounds}`);
  }
  if (filters.ownerships.length > 0 && (evidence.ownership === null || !filters.ownerships.includes(evidence.ownership))) {
    grounds.push('OWNERSHIP');
    details.push(`Ownership ${evidence.ownership ?? 'unknown (not in the enterprise register)'} is not among ${filters.ownerships.join(', ')}.`);
  }
  if (filters.acceptedCreditGrades.length > 0 && (evidence.creditGrade === null || !filters.acceptedCreditGrades.includes(evidence.creditGrade))) {
    grounds.push('CREDIT_GRADE');
    details.push(`Credit grade in force on the cut-off: ${evidence.creditGrade ?? 'none'}; accepted: ${filters.acceptedCreditGrades.join(', ')}.`);
  }
  if (filters.memberInGoodStanding && evidence.membershipStatus !== 'ACTIVE') {
    grounds.push('MEMBERSHIP');
    details.push(`Membership on the cut-off: ${evidence.membershipStatus ?? 'none'}; an active member is required.`);
  }
  if (filters.blacklistConductCodes.length > 0 && evidence.blacklistRecords.length > 0) {
    grounds.push('BLACKLISTED');
    details.push(`Blacklisted on the cut-off by conduct record ${evidence.blacklistRecords.join(', ')}.`);
  }
  const missing = methodology.metrics.filter((m) => {
    const figure = candidate.figures.get(m.code);
    return !figure || (m.normalisation === 'GROWTH' && figure.previousValue === null);
  });
  if (missing.length > 0) {
    grounds.push('MISSING_FIGURES');
    details.push(`No figure for ${missing.map((m) => m.code).join(', ')}.`);
  }
  if (groupOf(methodology, evidence.bestQualificationGrade) === null) {
    grounds.push('NO_GROUP');
    details.push(`No group takes qualification grade ${evidence.bestQualificationGrade ?? 'none'}.`);
  }
  return grounds.length === 0 ? null : { enterpriseCode: firm.enterpriseCode, grounds, details };
}

const whole = (n: bigint): Fraction => fraction(n, 1n);

/** Each firm's points for one metric over the firms of one group, in ten-thousandths of a point. */
function metricPoints(metric: RankingMetric, candidates: readonly Candidate[]): bigint[] {
  const values = candidates.map((c) => toScaled(c.figures.get(metric.code)!.value));
  const full = BigInt(metric.weight) * SCALE;
  switch (metric.normalisation) {
    case 'SHARE_OF_MAX': {
      const max = values.reduce((a, b) => (b > a ? b : a));
      return values.map((v) => (max <= 0n || v <= 0n ? 0n : scaledPoints(metric.weight, whole(v), whole(max))));
    }
    case 'MIN_MAX': {
      const max = values.reduce((a, b) => (b > a ? b : a));
      const min = values.reduce((a, b) => (b < a ? b : a));
      return values.map((v) => (max === min ? full : scaledPoints(metric.weight, whole(v - min), whole(max - min))));
    }
    case 'GROWTH': {
      const growth = candidates.map((c, i) => {
        const previous = toScaled(c.figures.get(metric.code)!.previousValue!);
        return fraction(values[i]! - previous, previous);
      });
      const max = growth.reduce((a, b) => (compareFractions(b, a) > 0 ? b : a));
      const min = growth.reduce((a, b) => (compareFractions(b, a) < 0 ? b : a));
      if (compareFractions(max, min) === 0) return growth.map(() => full);
      const span = subtractFractions(max, min);
      return growth.map((g) => scaledPoints(metric.weight, subtractFractions(g, min), span));
    }
    case 'RANK_POINTS': {
      const n = BigInt(values.length);
      return values.map((v) => {
        const rank = 1n + BigInt(values.filter((other) => other > v).length);
        return scaledPoints(metric.weight, whole(n - rank + 1n), whole(n));
      });
    }
  }
}

interface Scored {
  readonly candidate: Candidate;
  readonly points: ReadonlyMap<string, bigint>;
  readonly total: bigint;
}

/** Total first, then the tie-break metrics' points, larger first; 0 when the rule sees the two as tied. */
function compareByRule(tieMetrics: readonly string[], a: Scored, b: Scored): { order: number; by: PlacedBy } {
  if (a.total !== b.total) return { order: a.total > b.total ? -1 : 1, by: 'TOTAL' };
  for (const code of tieMetrics) {
    const x = a.points.get(code)!;
    const y = b.points.get(code)!;
    if (x !== y) return { order: x > y ? -1 : 1, by: `METRIC:${code}` };
  }
  return { order: 0, by: 'TIED' };
}

const codeOrder = (a: Scored, b: Scored) => (a.candidate.firm.enterpriseCode < b.candidate.firm.enterpriseCode ? -1 : 1);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** One group ranked: the rule's order, ties settled by the rule's final step; a decision may only order what the rule left tied. */
function rankGroup(methodology: MethodologyVersion, group: RankingGroup, candidates: readonly Candidate[], resolutions: TieResolution[]): Omit<RankedEntry, 'position'>[] {
  if (candidates.length === 0) return [];
  const perMetric = new Map(methodology.metrics.map((m) => [m.code, metricPoints(m, candidates)]));
  const scored: Scored[] = candidates.map((candidate, i) => {
    const points = new Map(methodology.metrics.map((m) => [m.code, perMetric.get(m.code)![i]!]));
    return { candidate, points, total: [...points.values()].reduce((a, b) => a + b, 0n) };
  });
  const tieMetrics = methodology.tieBreak.metrics;
  scored.sort((a, b) => compareByRule(tieMetrics, a, b).order || codeOrder(a, b));

  // The classes the rule leaves tied, in order; each settled by the final step.
  const ordered: { scored: Scored; placedBy: PlacedBy | null; sharedRankOf: number | null }[] = [];
  for (let start = 0; start < scored.length; ) {
    let end = start + 1;
    while (end < scored.length && compareByRule(tieMetrics, scored[start]!, scored[end]!).order === 0) end++;
    const tied = scored.slice(start, end);
    const placedAbove = start === 0 ? null : compareByRule(tieMetrics, scored[start - 1]!, scored[start]!).by;
    if (tied.length === 1) {
      ordered.push({ scored: tied[0]!, placedBy: placedAbove, sharedRankOf: null });
    } else {
      const codes = tied.map((s) => s.candidate.firm.enterpriseCode);
      const index = resolutions.findIndex((r) => sameSet(r.order, codes));
      if (methodology.tieBreak.thenBy === 'CREDIT_CODE') {
        tied.forEach((s, i) => ordered.push({ scored: s, placedBy: i === 0 ? placedAbove : 'CREDIT_CODE', sharedRankOf: null }));
      } else if (index >= 0) {
        const [resolution] = resolutions.splice(index, 1);
        const byCode = new Map(tied.map((s) => [s.candidate.firm.enterpriseCode, s]));
        resolution!.order.forEach((code, i) => ordered.push({ scored: byCode.get(code)!, placedBy: i === 0 ? placedAbove : 'DECISION', sharedRankOf: null }));
      } else if (start < group.listSize) {
        throw new RuleViolation(
          RankingRules.tieUnresolved,
          `Firms ${codes.join(', ')} of group ${group.code} are tied on the total and on every tie-break metric at rank ${start + 1}, within the list of ${group.listSize}: the methodology leaves this tie to a decision, so record the order decided.`,
          { group: group.code, firms: codes, rank: start + 1 },
        );
      } else {
        tied.forEach((s, i) => ordered.push({ scored: s, placedBy: i === 0 ? placedAbove : 'TIED', sharedRankOf: start + 1 }));
      }
    }
    start = end;
  }
  return ordered.map(({ scored: s, placedBy, sharedRankOf }, i) => {
    const groupRank = sharedRankOf ?? i + 1;
    return {
      enterpriseCode: s.candidate.firm.enterpriseCode,
      groupCode: group.code,
      groupRank,
      listed: i < group.listSize,
      total: formatScaled(s.total),
      metrics: methodology.metrics.map((m) => {
        const figure = s.candidate.figures.get(m.code)!;
        return { code: m.code, value: figure.value, previousValue: figure.previousValue, points: formatScaled(s.points.get(m.code)!) };
      }),
      placedBy,
    };
  });
}

/**
 * The ranking the frozen inputs give, the same every time: every candidate either excluded (with every ground and
 * its evidence) or ranked in its group. Arithmetic is exact (BigInt ten-thousandths and fractions); each metric's
 * points are rounded once, half up, to four places, and the total is the sum of the rounded points. Refuses a tie
 * resolution the rule does not leave open (the rule separates the firms, or the rule's final step is the credit
 * code) and a tie within a list the rule leaves to a decision that has none.
 */
export function computeRanking(inputs: RankingInputs): RankingResult {
  const { methodology } = inputs;
  const candidates = [...inputs.firms]
    .sort((a, b) => (a.enterpriseCode < b.enterpriseCode ? -1 : a.enterpriseCode > b.enterpriseCode ? 1 : 0))
    .map((firm): Candidate => ({ firm, figures: new Map(firm.figures.map((f) => [f.metric, f])) }));
  const exclusions: RankingExclusion[] = [];
  const byGroup = new Map<string, Candidate[]>(methodology.groups.map((g) => [g.code, []]));
  for (const candidate of candidates) {
    const exclusion = exclusionOf(methodology, candidate);
    if (exclusion) exclusions.push(exclusion);
    else byGroup.get(groupOf(methodology, candidate.firm.eligibility.bestQualificationGrade)!.code)!.push(candidate);
  }
  if (methodology.tieBreak.thenBy === 'CREDIT_CODE' && inputs.tieResolutions.length > 0) {
    throw new RuleViolation(
      RankingRules.tieResolvedAgainstRule,
      `The methodology settles ties by credit code: a decided order of ${inputs.tieResolutions[0]!.order.join(', ')} would overrule it.`,
      { firms: inputs.tieResolutions[0]!.order },
    );
  }
  const open = [...inputs.tieResolutions];
  const ranked = methodology.groups.flatMap((group) => rankGroup(methodology, group, byGroup.get(group.code)!, open));
  if (open.length > 0) {
    throw new RuleViolation(
      RankingRules.tieResolvedAgainstRule,
      `Firms ${open[0]!.order.join(', ')} are not tied under the methodology (the total or a tie-break metric separates them, or they rank in different groups): their order is the rule's, not a decision's.`,
      { firms: open[0]!.order },
    );
  }
  const entries = ranked.map((entry, i) => ({ ...entry, position: i + 1 }));
  return {
    methodologyId: methodology.methodologyId,
    methodologyVersion: methodology.version,
    entries,
    exclusions,
    listedCount: entries.filter((e) => e.listed).length,
  };
}
