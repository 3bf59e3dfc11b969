import type { Ownership, QualificationGrade } from '../enterprise/enterprise.events.js';

// The methodology (评选办法) of a ranking: a versioned rulebook, frozen into an edition before any figure comes in.

/** How a metric's figures become points (each scaled to the metric's weight; see computeRanking). */
export const NORMALISATIONS = [
  /** weight × value / the group's largest value (a value below 0 scores 0). */
  'SHARE_OF_MAX',
  /** weight × (value − smallest) / (largest − smallest); all equal: every firm the full weight. */
  'MIN_MAX',
  /** Growth over the previous year, (value − previous) / previous, then min–max over the group. */
  'GROWTH',
  /** weight × (n − rank + 1) / n, rank by value (largest first, equal values share the better rank). */
  'RANK_POINTS',
] as const;
export type Normalisation = (typeof NORMALISATIONS)[number];

/** Where a figure comes from. */
export const FIGURE_SOURCES = ['STATISTICS_RETURN', 'AUDITED_REPORT', 'CERTIFICATE'] as const;
export type FigureSource = (typeof FIGURE_SOURCES)[number];

export interface RankingMetric {
  readonly code: string;
  readonly name: string;
  /** Whole points; the weights of a methodology add up to 100. */
  readonly weight: number;
  readonly normalisation: Normalisation;
  /** The unit the figure is given in (万元, 项, %), for readers. */
  readonly unit: string;
}

export interface RankingGroup {
  readonly code: string;
  readonly name: string;
  /** The qualification grades whose firms rank in this group (a firm's best grade); empty: every firm. */
  readonly qualificationGrades: readonly QualificationGrade[];
  /** Firms listed from this group. */
  readonly listSize: number;
}

export interface EligibilityFilters {
  /** Ownerships admitted (e.g. PRIVATE only); empty: every ownership. */
  readonly ownerships: readonly Ownership[];
  /** Credit grades in force on the cut-off that admit a firm (e.g. AAA, AA, A); empty: no credit filter. */
  readonly acceptedCreditGrades: readonly string[];
  /** The firm must be an active member of the association on the cut-off. */
  readonly memberInGoodStanding: boolean;
  /** Conduct codes that blacklist a firm while their record is disclosed on the cut-off; empty: no blacklist filter. */
  readonly blacklistConductCodes: readonly string[];
}

/**
 * Ties on the total are broken by the metrics' points in the order given, then (`thenBy`) by a recorded decision of
 * the order of the firms still tied, or by credit code ascending.
 */
export interface TieBreak {
  readonly metrics: readonly string[];
  readonly thenBy: 'DECISION' | 'CREDIT_CODE';
}
export const TIE_BREAK_FINALS = ['DECISION', 'CREDIT_CODE'] as const;

export interface MethodologyVersion {
  readonly associationId: string;
  readonly methodologyId: string;
  readonly version: number;
  readonly title: string;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  readonly metrics: readonly RankingMetric[];
  readonly groups: readonly RankingGroup[];
  readonly filters: EligibilityFilters;
  /** Firms on the list: the groups' list sizes added up. */
  readonly listSize: number;
  readonly tieBreak: TieBreak;
  readonly noticeDays: number;
}

/** The group a firm ranks in, by its best qualification grade: the first group that takes the grade, or null. */
export function groupOf(methodology: Pick<MethodologyVersion, 'groups'>, bestGrade: QualificationGrade | null): RankingGroup | null {
  return methodology.groups.find((g) => g.qualificationGrades.length === 0 || (bestGrade !== null && g.qualificationGrades.includes(bestGrade))) ?? null;
}
