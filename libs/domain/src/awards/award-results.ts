import { type DomainEvent, type Fen, isCarried, meetsQuorum, type Threshold, type VoteCount } from '../shared/index.js';
import type {
  AwardEditionOpened,
  AwardGranted,
  AwardRoundRanked,
  AwardVoteRecorded,
  EditionResult,
  Fraction,
  ItemScore,
  JudgeNormalisation,
  RankedEntry,
  RankingInput,
} from './awards.events.js';
import { advancingCount, type AwardRulebook, type RubricItem } from './awards.rulebook.js';

/*
 * The arithmetic of a result, exact and reproducible: item scores are integer hundredths, a judge's total is
 * Σ points × weight (an integer), an entry's score is the mean of its judges' totals kept as a fraction, comparisons
 * are by cross-multiplication in BigInt. Nothing here rounds except the per-judge offset, rounded half up and stored.
 */

/** A judge's total: Σ points × weight over the rubric (hundredths × weight; the best possible is Σ max × weight). */
export function weightedTotal(items: readonly ItemScore[], rubric: readonly RubricItem[]): number {
  return rubric.reduce((sum, item) => sum + (items.find((i) => i.code === item.code)?.points ?? 0) * item.weight, 0);
}

/** a/b − c/d compared: negative, zero or positive. */
export function compareFractions(a: Fraction, b: Fraction): number {
  const left = BigInt(a.numerator) * BigInt(b.denominator);
  const right = BigInt(b.numerator) * BigInt(a.denominator);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** n/d rounded half up to an integer (d > 0), exactly. */
function roundHalfUp(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

/** Per-judge offsets that centre each judge's mean on the round's mean (JUDGE_MEAN_CENTRED). */
export function judgeNormalisation(inputs: readonly RankingInput[]): JudgeNormalisation[] {
  const all = inputs.flatMap((i) => i.scores);
  if (all.length === 0) return [];
  const total = all.reduce((s, x) => s + x.weightedTotal, 0);
  const judges = [...new Set(all.map((s) => s.expertId))].sort();
  return judges.map((expertId) => {
    const own = all.filter((s) => s.expertId === expertId);
    const ownTotal = own.reduce((s, x) => s + x.weightedTotal, 0);
    // offset = round mean − judge mean = (total·n_j − ownTotal·N) / (N·n_j)
    const offset = roundHalfUp(total * own.length - ownTotal * all.length, all.length * own.length);
    return { expertId, judgeMean: { numerator: ownTotal, denominator: own.length }, roundMean: { numerator: total, denominator: all.length }, offset };
  });
}

function meanItem(input: RankingInput, code: string): Fraction {
  const points = input.scores.map((s) => s.items.find((i) => i.code === code)?.points ?? 0);
  return { numerator: points.reduce((a, b) => a + b, 0), denominator: Math.max(1, points.length) };
}

/**
 * Ranks the entries of a round within each category: by score, then the rulebook's tie-break keys in order (an item's
 * mean score, higher first; the earlier submission; the entry id, ascending, which makes the order total). Marks who
 * advances (the round's rule; never an entry whose site inspection failed) and, in the final scored round, the grade
 * (bands by score, or quotas by rank) and the category's places.
 */
export function rankRound(rulebook: AwardRulebook, roundCode: string, final: boolean, inputs: readonly RankingInput[]): { normalisation: JudgeNormalisation[]; ranking: RankedEntry[] } {
  const round = rulebook.rounds.find((r) => r.code === roundCode)!;
  const normalisation = rulebook.normalisation === 'JUDGE_MEAN_CENTRED' ? judgeNormalisation(inputs) : [];
  const offset = (expertId: string) => normalisation.find((n) => n.expertId === expertId)?.offset ?? 0;
  const scored = inputs
    .filter((i) => i.scores.length > 0)
    .map((input) => ({
      input,
      score: { numerator: input.scores.reduce((s, x) => s + x.weightedTotal + offset(x.expertId), 0), denominator: input.scores.length },
    }));
  const order = (a: (typeof scored)[number], b: (typeof scored)[number]): number => {
    const byScore = compareFractions(b.score, a.score);
    if (byScore !== 0) return byScore;
    for (const key of rulebook.tieBreak) {
      const c =
        key.by === 'ITEM'
          ? compareFractions(meanItem(b.input, key.item), meanItem(a.input, key.item))
          : key.by === 'SUBMITTED_FIRST'
            ? a.input.submittedOn.localeCompare(b.input.submittedOn)
            : a.input.entryId < b.input.entryId
              ? -1
              : a.input.entryId > b.input.entryId
                ? 1
                : 0;
      if (c !== 0) return c;
    }
    return 0;
  };
  const ranking: RankedEntry[] = [];
  for (const category of rulebook.categories) {
    const inCategory = scored.filter((s) => s.input.category === category.code).sort(order);
    let advancing = advancingCount(inCategory.length, round.advancement);
    if (final && category.places !== null) advancing = Math.min(advancing, category.places);
    inCategory.forEach((s, index) => {
      const grade = final && index < advancing ? gradeFor(rulebook, s.score, index) : null;
      const advances = index < advancing && s.input.inspection?.passed !== false && (!final || rulebook.grading === 'NONE' || grade !== null);
      ranking.push({ entryId: s.input.entryId, category: category.code, rank: index + 1, score: s.score, advances, grade });
    });
  }
  return { normalisation, ranking };
}

/** The grade of the entry at 0-based `position` with this score: the best band it reaches, or by the quotas in order. */
export function gradeFor(rulebook: AwardRulebook, score: Fraction, position: number): string | null {
  if (rulebook.grading === 'BANDS') {
    return rulebook.grades.find((g) => compareFractions(score, { numerator: g.minScore!, denominator: 1 }) >= 0)?.code ?? null;
  }
  if (rulebook.grading === 'QUOTAS') {
    let upTo = 0;
    for (const g of rulebook.grades) {
      upTo += g.quota!;
      if (position < upTo) return g.code;
    }
    return null;
  }
  return null;
}

/** The vote an entry's grade needs: the grade's own threshold, else the rulebook's pass threshold. */
export function voteThresholdFor(rulebook: AwardRulebook, grade: string | null): Threshold {
  return rulebook.grades.find((g) => g.code === grade)?.vote ?? rulebook.votes.pass;
}

/** Whether a vote carries a threshold: the quorum met and enough of those present in favour. */
export function voteCarries(rulebook: AwardRulebook, votes: VoteCount, threshold: Threshold): boolean {
  return meetsQuorum(votes, rulebook.votes.quorum) && isCarried(votes, threshold);
}

/** The amount an award in the category carries (fen), or null. */
export function amountFor(rulebook: AwardRulebook, category: string): Fen | null {
  return rulebook.categories.find((c) => c.code === category)?.amountFen ?? null;
}

/**
 * The edition's result list from the final ranking and the committee's votes: every entry the final ranking advanced
 * whose vote carried the threshold its grade needs, in category order and rank, with its grade and amount.
 */
export function resultList(rulebook: AwardRulebook, finalRanking: readonly RankedEntry[], votes: ReadonlyMap<string, VoteCount>): EditionResult[] {
  return finalRanking
    .filter((r) => r.advances)
    .filter((r) => {
      const vote = votes.get(r.entryId);
      return vote !== undefined && voteCarries(rulebook, vote, voteThresholdFor(rulebook, r.grade));
    })
    .map((r) => ({ entryId: r.entryId, category: r.category, rank: r.rank, grade: r.grade, amountFen: amountFor(rulebook, r.category) }));
}

export function totalFenOf(results: readonly Pick<EditionResult, 'amountFen'>[]): Fen {
  return results.reduce((sum, r) => sum + (r.amountFen ?? 0), 0);
}

export interface RecomputedEdition {
  /** The result list recomputed from the recorded inputs alone. */
  readonly results: readonly EditionResult[];
  readonly totalFen: Fen;
  /** Per ranked round: whether the recorded ranking is what its recorded inputs give. */
  readonly rankings: readonly { readonly roundCode: string; readonly reproduces: boolean }[];
  /** Whether the list the notice showed (if any) is the recomputed one. */
  readonly noticeReproduces: boolean | null;
  /** Awards granted that the recomputed list does not hold, or hold with another grade or amount. */
  readonly grantsNotInResults: readonly string[];
}

/**
 * Recomputes an edition's published result from its recorded events (the edition's and its entries', in any order
 * of streams): each ranking from its recorded inputs under the pinned rulebook, then the result list from the final
 * ranking and the recorded votes; and compares each with what was recorded.
 */
export function recomputeEditionResults(events: readonly DomainEvent[]): RecomputedEdition {
  const opened = events.find((e): e is AwardEditionOpened => e.type === 'AwardEditionOpened');
  if (!opened) return { results: [], totalFen: 0, rankings: [], noticeReproduces: null, grantsNotInResults: [] };
  const rulebook = opened.data.rulebook;
  const ranked = events.filter((e): e is AwardRoundRanked => e.type === 'AwardRoundRanked');
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const rankings = ranked.map((e) => {
    const again = rankRound(rulebook, e.data.roundCode, e.data.final, e.data.inputs);
    return { roundCode: e.data.roundCode, reproduces: same(again.ranking, e.data.ranking) && same(again.normalisation, e.data.normalisation) };
  });
  const final = ranked.find((e) => e.data.final);
  const votes = new Map(
    events
      .filter((e): e is AwardVoteRecorded => e.type === 'AwardVoteRecorded')
      .flatMap((e) => (e.data.decision.votes === null ? [] : [[e.data.entryId, e.data.decision.votes] as const])),
  );
  const results = final ? resultList(rulebook, rankRound(rulebook, final.data.roundCode, true, final.data.inputs).ranking, votes) : [];
  const notice = events.find((e) => e.type === 'AwardNoticeStarted') as { data: { results: readonly EditionResult[] } } | undefined;
  const grants = events.filter((e): e is AwardGranted => e.type === 'AwardGranted');
  const grantsNotInResults = grants
    .filter((g) => !results.some((r) => r.entryId === g.data.entryId && r.grade === g.data.grade && r.amountFen === g.data.amountFen))
    .map((g) => g.data.entryId);
  return { results, totalFen: totalFenOf(results), rankings, noticeReproduces: notice ? same(notice.data.results, results) : null, grantsNotInResults };
}
