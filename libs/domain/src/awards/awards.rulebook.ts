import { type FieldErrors, type Fen, isIsoDate, oneOf, requiredText, type Threshold, validFen, wholeNumber } from '../shared/index.js';
import { CODE } from './awards.fields.js';

/** Kinds of award programme (评优评奖). */
export const PROGRAMME_KINDS = [
  'QUALITY_AWARD', // 黄鹤奖, 岳阳楼杯, 芙蓉奖
  'UPWARD_RECOMMENDATION', // recommendations to 鲁班奖
  'QC_RESULT', // QC 成果, graded first / second / third class
  'BIM_CONTEST',
  'MODEL_SITE', // 示范工地
  'EXCELLENT_FIRM',
  'EXCELLENT_ENTREPRENEUR',
  'EXCELLENT_PROJECT_MANAGER',
  'EXCELLENT_CHIEF_ENGINEER',
  'MONETARY_AWARD', // Kaiping's awards in money
] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

export const ENTRY_SUBJECT_KINDS = ['ENTERPRISE', 'PROJECT', 'PERSON'] as const;
export type EntrySubjectKind = (typeof ENTRY_SUBJECT_KINDS)[number];

export const ROUND_KINDS = ['DOCUMENT_REVIEW', 'SITE_INSPECTION', 'COMMITTEE_VOTE'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export const BALLOT_MODES = ['SIGNED', 'SECRET'] as const;
export type BallotMode = (typeof BALLOT_MODES)[number];

export const ROUNDING_MODES = ['UP', 'DOWN'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export const NORMALISATIONS = ['NONE', 'JUDGE_MEAN_CENTRED'] as const;
export type Normalisation = (typeof NORMALISATIONS)[number];

export interface AwardCategory {
  readonly code: string;
  readonly name: string;
  /** Places in the category (the most that may be awarded), or null for no limit. */
  readonly places: number | null;
  /** A monetary award per place, in fen; null when the award carries no money. */
  readonly amountFen: Fen | null;
}

/** A recommending channel (推荐渠道: a district bureau, a member, a branch) and how many entries it may put forward. */
export interface RecommendingChannel {
  readonly code: string;
  readonly name: string;
  readonly quota: number;
}

export interface EligibilityRules {
  /** The applicant must be a member in good standing on the day of the check. */
  readonly membershipInGoodStanding: boolean;
  /** The least credit grade as of the check (null: none required), in `creditGrades` (best first). */
  readonly minimumCreditGrade: string | null;
  readonly creditGrades: readonly string[];
  /** Completion and acceptance at least this many whole years before the check (project entries); null: no rule. */
  readonly yearsSinceAcceptance: number | null;
  /** No major quality or safety accident in the recorded facts. */
  readonly noMajorAccident: boolean;
  /** An earlier entry of the same subject that was not awarded bars this one. */
  readonly barsReentryAfterFailure: boolean;
}

/** A rubric item: scores are in hundredths of a point (integer), at most `maxHundredths`; the item counts `weight`. */
export interface RubricItem {
  readonly code: string;
  readonly name: string;
  readonly maxHundredths: number;
  /** Integer weight; the weights of a rubric add up to 100. */
  readonly weight: number;
}

/** How many advance from a round: the best `numerator/denominator` of the ranked entries, rounded as stated. */
export interface AdvancementRule {
  readonly fraction: readonly [number, number];
  readonly rounding: RoundingMode;
}

export interface AwardRound {
  readonly code: string;
  readonly kind: RoundKind;
  /** Experts drawn per entry in a scored round (0 in a committee vote round). */
  readonly panelSize: number;
  /** Who goes on to the next round; null: every ranked entry does. */
  readonly advancement: AdvancementRule | null;
}

/**
 * A grade of a graded programme (QC first / second / third class, gold / silver): from the best down. In BANDS mode
 * an entry earns the best grade whose least score (weighted units, see `weightedTotal`) its score reaches; in QUOTAS
 * mode the best `quota` ranked entries get the first grade, the next `quota` the second, and so on. Each grade has the
 * committee-vote threshold it needs (e.g. two thirds of those present for gold).
 */
export interface AwardGrade {
  readonly code: string;
  readonly minScore: number | null;
  readonly quota: number | null;
  readonly vote: Threshold;
}

export const GRADING_MODES = ['NONE', 'BANDS', 'QUOTAS'] as const;
export type GradingMode = (typeof GRADING_MODES)[number];

/** One key of the tie-break, applied in order; the last key is ENTRY_ID so the order is total. */
export type TieBreakKey = { readonly by: 'ITEM'; readonly item: string } | { readonly by: 'SUBMITTED_FIRST' } | { readonly by: 'ENTRY_ID' };

export interface VoteRules {
  readonly ballot: BallotMode;
  /** Those present out of those entitled for the vote to count. */
  readonly quorum: Threshold;
  /** For out of present for an entry to pass (when the programme is not graded, or the grade names none stricter). */
  readonly pass: Threshold;
}

/** One version of an edition's rulebook (评选办法), pinned whole by the edition that runs under it. */
export interface AwardRulebook {
  readonly rulebookId: string;
  readonly version: number;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  readonly programmeKind: ProgrammeKind;
  readonly subjectKind: EntrySubjectKind;
  readonly categories: readonly AwardCategory[];
  readonly channels: readonly RecommendingChannel[];
  readonly eligibility: EligibilityRules;
  readonly rubric: readonly RubricItem[];
  readonly normalisation: Normalisation;
  readonly rounds: readonly AwardRound[];
  readonly votes: VoteRules;
  readonly grading: GradingMode;
  readonly grades: readonly AwardGrade[];
  readonly noticeDays: number;
  readonly tieBreak: readonly TieBreakKey[];
  /** The edition's whole purse in fen when awards carry money: Σ places × amount must equal it to the fen. */
  readonly budgetFen: Fen | null;
}

export const WEIGHT_TOTAL = 100;

function validThreshold(errors: FieldErrors, field: string, value: unknown): Threshold {
  const t = (value ?? {}) as { moreThan?: unknown; atLeast?: unknown };
  const pair = (t.moreThan ?? t.atLeast) as unknown;
  const ok =
    (t.moreThan === undefined) !== (t.atLeast === undefined) &&
    Array.isArray(pair) &&
    pair.length === 2 &&
    Number.isInteger(pair[0]) &&
    Number.isInteger(pair[1]) &&
    (pair[0] as number) >= 0 &&
    (pair[1] as number) > 0 &&
    (pair[0] as number) <= (pair[1] as number);
  if (!ok) {
    errors.add(field, 'must be { moreThan: [n, d] } or { atLeast: [n, d] }, a fraction n/d from 0 to 1 in whole numbers.');
    return { atLeast: [1, 1] };
  }
  return t.moreThan !== undefined ? { moreThan: [pair[0], pair[1]] } : { atLeast: [pair[0], pair[1]] };
}

function codesOf(errors: FieldErrors, field: string, values: readonly { code: unknown }[]): void {
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (typeof v.code !== 'string' || !CODE.test(v.code)) errors.add(`${field}.${i}.code`, 'must be a code: capital letters, digits and _, starting with a letter.');
    else if (seen.has(v.code)) errors.add(`${field}.${i}.code`, `repeats ${v.code}.`);
    seen.add(v.code);
  });
}

function list(errors: FieldErrors, field: string, value: unknown, min: number, max: number): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    errors.add(field, `must be a list of ${min} to ${max} items.`);
    return [];
  }
  return value.map((v) => (v ?? {}) as Record<string, unknown>);
}

/**
 * The rulebook checked field by field (`rulebook.rubric.0.weight`, …) and returned normalised: codes unique, weights
 * adding up to 100, thresholds exact fractions, grades consistent with the grading mode, the tie-break total, and a
 * monetary purse that the categories' places and amounts add up to exactly.
 */
export function validAwardRulebook(errors: FieldErrors, prefix: string, value: unknown): AwardRulebook {
  const r = (value ?? {}) as Record<string, unknown>;
  const f = (name: string) => `${prefix}.${name}`;
  requiredText(errors, f('rulebookId'), r.rulebookId, { max: 64, label: 'The rulebook id' });
  const version = wholeNumber(errors, f('version'), r.version, 1, 10_000);
  const referenceNumber = requiredText(errors, f('referenceNumber'), r.referenceNumber, { max: 100, label: 'The reference number' });
  if (typeof r.effectiveFrom !== 'string' || !isIsoDate(r.effectiveFrom)) errors.add(f('effectiveFrom'), 'must be a calendar date written YYYY-MM-DD.');
  const programmeKind = oneOf(errors, f('programmeKind'), r.programmeKind, PROGRAMME_KINDS);
  const subjectKind = oneOf(errors, f('subjectKind'), r.subjectKind, ENTRY_SUBJECT_KINDS);

  const categories = list(errors, f('categories'), r.categories, 1, 50).map((c, i) => ({
    code: c.code as string,
    name: requiredText(errors, f(`categories.${i}.name`), c.name, { max: 100, label: 'The category name' }),
    places: c.places === null || c.places === undefined ? null : wholeNumber(errors, f(`categories.${i}.places`), c.places, 1, 100_000),
    amountFen: c.amountFen === null || c.amountFen === undefined ? null : validFen(errors, f(`categories.${i}.amountFen`), c.amountFen, { positive: true }),
  }));
  codesOf(errors, f('categories'), categories);

  const channels = list(errors, f('channels'), r.channels, 1, 200).map((c, i) => ({
    code: c.code as string,
    name: requiredText(errors, f(`channels.${i}.name`), c.name, { max: 100, label: 'The channel name' }),
    quota: wholeNumber(errors, f(`channels.${i}.quota`), c.quota, 1, 100_000),
  }));
  codesOf(errors, f('channels'), channels);

  const e = (r.eligibility ?? {}) as Record<string, unknown>;
  const bool = (name: string) => {
    if (typeof e[name] !== 'boolean') errors.add(f(`eligibility.${name}`), 'must be true or false.');
    return e[name] === true;
  };
  const creditGrades = Array.isArray(e.creditGrades) ? (e.creditGrades as unknown[]).filter((g): g is string => typeof g === 'string' && CODE.test(g)) : [];
  if (!Array.isArray(e.creditGrades) || creditGrades.length !== e.creditGrades.length || new Set(creditGrades).size !== creditGrades.length) {
    errors.add(f('eligibility.creditGrades'), 'must list the credit grades, best first, each once (e.g. AAA, AA, A).');
  }
  const minimumCreditGrade = e.minimumCreditGrade === null || e.minimumCreditGrade === undefined ? null : String(e.minimumCreditGrade);
  if (minimumCreditGrade !== null && !creditGrades.includes(minimumCreditGrade)) errors.add(f('eligibility.minimumCreditGrade'), 'must be one of the credit grades listed.');
  const eligibility: EligibilityRules = {
    membershipInGoodStanding: bool('membershipInGoodStanding'),
    minimumCreditGrade,
    creditGrades,
    yearsSinceAcceptance:
      e.yearsSinceAcceptance === null || e.yearsSinceAcceptance === undefined ? null : wholeNumber(errors, f('eligibility.yearsSinceAcceptance'), e.yearsSinceAcceptance, 0, 50),
    noMajorAccident: bool('noMajorAccident'),
    barsReentryAfterFailure: bool('barsReentryAfterFailure'),
  };

  const rubric = list(errors, f('rubric'), r.rubric, 1, 100).map((item, i) => ({
    code: item.code as string,
    name: requiredText(errors, f(`rubric.${i}.name`), item.name, { max: 200, label: 'The item name' }),
    maxHundredths: wholeNumber(errors, f(`rubric.${i}.maxHundredths`), item.maxHundredths, 1, 1_000_000),
    weight: wholeNumber(errors, f(`rubric.${i}.weight`), item.weight, 1, WEIGHT_TOTAL),
  }));
  codesOf(errors, f('rubric'), rubric);
  if (rubric.length > 0 && rubric.reduce((s, i) => s + i.weight, 0) !== WEIGHT_TOTAL) errors.add(f('rubric'), `weights must add up to ${WEIGHT_TOTAL}.`);
  const normalisation = oneOf(errors, f('normalisation'), r.normalisation, NORMALISATIONS);

  const rounds = list(errors, f('rounds'), r.rounds, 1, 10).map((round, i) => {
    const kind = oneOf(errors, f(`rounds.${i}.kind`), round.kind, ROUND_KINDS);
    const a = round.advancement as Record<string, unknown> | null | undefined;
    let advancement: AdvancementRule | null = null;
    if (a !== null && a !== undefined) {
      const fr = a.fraction as unknown;
      if (!Array.isArray(fr) || fr.length !== 2 || !Number.isInteger(fr[0]) || !Number.isInteger(fr[1]) || fr[0] < 1 || fr[1] < fr[0]) {
        errors.add(f(`rounds.${i}.advancement.fraction`), 'must be [n, d], whole numbers with 0 < n ≤ d (e.g. [3, 10] for the top 30%).');
      }
      advancement = { fraction: Array.isArray(fr) ? [fr[0] as number, fr[1] as number] : [1, 1], rounding: oneOf(errors, f(`rounds.${i}.advancement.rounding`), a.rounding, ROUNDING_MODES) };
    }
    const panelSize = wholeNumber(errors, f(`rounds.${i}.panelSize`), round.panelSize, kind === 'COMMITTEE_VOTE' ? 0 : 1, kind === 'COMMITTEE_VOTE' ? 0 : 50);
    return { code: round.code as string, kind, panelSize, advancement };
  });
  codesOf(errors, f('rounds'), rounds);
  if (rounds.length > 0 && rounds[rounds.length - 1]!.kind !== 'COMMITTEE_VOTE') errors.add(f('rounds'), 'must end with the committee vote round.');
  if (rounds.filter((x) => x.kind === 'COMMITTEE_VOTE').length > 1) errors.add(f('rounds'), 'holds one committee vote round.');
  if (!rounds.some((x) => x.kind !== 'COMMITTEE_VOTE')) errors.add(f('rounds'), 'needs a scored round before the committee vote.');

  const v = (r.votes ?? {}) as Record<string, unknown>;
  const votes: VoteRules = {
    ballot: oneOf(errors, f('votes.ballot'), v.ballot, BALLOT_MODES),
    quorum: validThreshold(errors, f('votes.quorum'), v.quorum),
    pass: validThreshold(errors, f('votes.pass'), v.pass),
  };

  const grading = oneOf(errors, f('grading'), r.grading, GRADING_MODES);
  const grades = (grading === 'NONE' && (r.grades === undefined || (Array.isArray(r.grades) && r.grades.length === 0)) ? [] : list(errors, f('grades'), r.grades, 1, 10)).map(
    (g, i) => ({
      code: g.code as string,
      minScore: grading === 'BANDS' ? wholeNumber(errors, f(`grades.${i}.minScore`), g.minScore, 0, Number.MAX_SAFE_INTEGER) : null,
      quota: grading === 'QUOTAS' ? wholeNumber(errors, f(`grades.${i}.quota`), g.quota, 1, 1_000_000) : null,
      vote: validThreshold(errors, f(`grades.${i}.vote`), g.vote),
    }),
  );
  codesOf(errors, f('grades'), grades);
  if (grading === 'NONE' && grades.length > 0) errors.add(f('grades'), 'must be empty when the programme is not graded.');
  if (grading === 'BANDS' && grades.some((g, i) => i > 0 && g.minScore! >= grades[i - 1]!.minScore!)) {
    errors.add(f('grades'), 'must run from the best grade down, each band starting below the one before.');
  }

  const noticeDays = wholeNumber(errors, f('noticeDays'), r.noticeDays, 1, 60);
  const tie = list(errors, f('tieBreak'), r.tieBreak, 1, 10);
  const tieBreak: TieBreakKey[] = tie.map((k, i) => {
    if (k.by === 'ITEM') {
      if (!rubric.some((item) => item.code === k.item)) errors.add(f(`tieBreak.${i}.item`), 'must name an item of the rubric.');
      return { by: 'ITEM', item: String(k.item) };
    }
    if (k.by !== 'SUBMITTED_FIRST' && k.by !== 'ENTRY_ID') errors.add(f(`tieBreak.${i}.by`), 'must be ITEM, SUBMITTED_FIRST or ENTRY_ID.');
    return { by: k.by as 'SUBMITTED_FIRST' | 'ENTRY_ID' };
  });
  if (tieBreak.length > 0 && tieBreak[tieBreak.length - 1]!.by !== 'ENTRY_ID') {
    errors.add(f('tieBreak'), 'must end with ENTRY_ID, so that no two entries ever rank equal.');
  }

  const budgetFen = r.budgetFen === null || r.budgetFen === undefined ? null : validFen(errors, f('budgetFen'), r.budgetFen, { positive: true });
  const monetary = categories.some((c) => c.amountFen !== null);
  if (monetary && budgetFen === null) errors.add(f('budgetFen'), 'is required when categories carry money.');
  if (monetary && categories.some((c) => c.amountFen === null || c.places === null)) errors.add(f('categories'), 'each carry places and an amount when any does.');
  if (budgetFen !== null && monetary && categories.every((c) => c.places !== null && c.amountFen !== null)) {
    const total = purseOf(categories);
    if (total !== budgetFen) errors.add(f('budgetFen'), `must equal the categories' places × amounts, ${total} fen (got ${budgetFen}).`);
  }

  return {
    rulebookId: r.rulebookId as string,
    version,
    referenceNumber,
    effectiveFrom: r.effectiveFrom as string,
    programmeKind,
    subjectKind,
    categories,
    channels,
    eligibility,
    rubric,
    normalisation,
    rounds,
    votes,
    grading,
    grades,
    noticeDays,
    tieBreak,
    budgetFen,
  };
}

/** Σ places × amount over the categories, in fen (integer arithmetic). */
export function purseOf(categories: readonly Pick<AwardCategory, 'places' | 'amountFen'>[]): Fen {
  return categories.reduce((sum, c) => sum + (c.places ?? 0) * (c.amountFen ?? 0), 0);
}

/** How many of `ranked` entries advance under the rule: ⌈ or ⌊ ranked × n / d ⌉, exactly. */
export function advancingCount(ranked: number, rule: AdvancementRule | null): number {
  if (rule === null) return ranked;
  const [n, d] = rule.fraction;
  const product = ranked * n;
  const down = (product - (product % d)) / d;
  return rule.rounding === 'UP' && product % d !== 0 ? down + 1 : down;
}
