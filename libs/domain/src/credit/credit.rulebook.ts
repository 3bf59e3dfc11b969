import { addDays, addMonths } from './credit.dates.js';

export const SCORING_BODIES = ['ASSOCIATION', 'DEPARTMENT'] as const;
export type ScoringBody = (typeof SCORING_BODIES)[number];
export const SUBJECT_KINDS = ['ENTERPRISE', 'PERSON'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const VETO_EFFECTS = ['CAP', 'REFUSE'] as const;
export type VetoEffect = (typeof VETO_EFFECTS)[number];
export const DYNAMIC_ACTIONS = ['DOWNGRADE', 'SUSPEND', 'REVOKE'] as const;
export type DynamicAction = (typeof DYNAMIC_ACTIONS)[number];
export const ELIGIBILITIES = ['MEMBERS_ONLY', 'ALL'] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

export interface Indicator {
  readonly code: string;
  readonly name: string;
  readonly category: string;
  readonly maxPoints: number;
  readonly body: ScoringBody;
  readonly evidenceRequired: boolean;
}

/** A grade and the least total that earns it; the list runs from the best grade down. */
export interface GradeThreshold {
  readonly grade: string;
  readonly minPoints: number;
}

/** 一票否决: a conduct record with this code in the assessment period caps the grade or refuses any grade. */
export interface VetoRule {
  readonly conductCode: string;
  readonly effect: VetoEffect;
  /** For CAP: the best grade still possible. */
  readonly capGrade: string | null;
}

/** 动态管理: what a conduct record with this code does to a valid rating. */
export interface DynamicRule {
  readonly conductCode: string;
  readonly action: DynamicAction;
  /** For DOWNGRADE: how many grades down. */
  readonly levels: number | null;
}

/** One version of a rulebook (评价办法) as it was defined: the data every computed grade cites. */
export interface RulebookVersion {
  readonly associationId: string;
  readonly rulebookId: string;
  readonly version: number;
  readonly title: string;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly subjectKind: SubjectKind;
  readonly indicators: readonly Indicator[];
  readonly thresholds: readonly GradeThreshold[];
  readonly validityYears: number;
  readonly noticeDays: number;
  readonly vetoRules: readonly VetoRule[];
  readonly dynamicRules: readonly DynamicRule[];
}

/** An indicator's recorded score with who gave it on what evidence. */
export interface IndicatorScore {
  readonly code: string;
  readonly maxPoints: number;
  readonly points: number;
  readonly body: ScoringBody;
  readonly scorerId: string;
  readonly evidenceReference: string | null;
}

export interface AppliedVeto {
  readonly conductCode: string;
  readonly recordId: string;
  readonly effect: VetoEffect;
  readonly capGrade: string | null;
}

/** The inputs and result of one mechanical grade computation, recorded so it can be recomputed. */
export interface GradeComputation {
  readonly rulebookId: string;
  readonly rulebookVersion: number;
  readonly scores: readonly IndicatorScore[];
  readonly thresholds: readonly GradeThreshold[];
  readonly vetoes: readonly AppliedVeto[];
  readonly totalPoints: number;
  /** The grade the thresholds alone give (null: below every threshold). */
  readonly thresholdGrade: string | null;
  /** The grade after vetoes (null: no grade). */
  readonly grade: string | null;
}

/**
 * The grade from the thresholds and the vetoes, nothing else: total the points, take the best grade whose
 * minimum the total reaches, then apply the vetoes (REFUSE: no grade; CAP: no better than the cap).
 */
export function computeGrade(input: {
  readonly scores: readonly Pick<IndicatorScore, 'points'>[];
  readonly thresholds: readonly GradeThreshold[];
  readonly vetoes: readonly Pick<AppliedVeto, 'effect' | 'capGrade'>[];
}): { totalPoints: number; thresholdGrade: string | null; grade: string | null } {
  const totalPoints = input.scores.reduce((sum, s) => sum + s.points, 0);
  const ordered = [...input.thresholds].sort((a, b) => b.minPoints - a.minPoints);
  const thresholdGrade = ordered.find((t) => totalPoints >= t.minPoints)?.grade ?? null;
  let grade = thresholdGrade;
  const rank = (g: string) => ordered.findIndex((t) => t.grade === g);
  for (const veto of input.vetoes) {
    if (grade === null) break;
    if (veto.effect === 'REFUSE') grade = null;
    else if (veto.capGrade !== null && rank(grade) < rank(veto.capGrade)) grade = veto.capGrade;
  }
  return { totalPoints, thresholdGrade, grade };
}

/** The grade `levels` below `grade` in the rulebook's list (the lowest grade at worst). */
export function gradeBelow(thresholds: readonly GradeThreshold[], grade: string, levels: number): string {
  const ordered = [...thresholds].sort((a, b) => b.minPoints - a.minPoints);
  const index = ordered.findIndex((t) => t.grade === grade);
  return ordered[Math.min(ordered.length - 1, Math.max(0, index) + levels)]!.grade;
}

/** Last day of a rating: validity years after valid-from, less one day. */
export function validToFor(validFrom: string, validityYears: number): string {
  return addDays(addMonths(validFrom, validityYears * 12), -1);
}


