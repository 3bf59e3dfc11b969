import { computeRanking, type RankingResult } from './rankings.compute.js';
import type { RankingComputed, RankingEditionEvent, RankingErratumIssued } from './rankings.events.js';
import { evolveRankingEdition, initialRankingEditionState, rankingInputsOf, type RankingEditionState } from './rankings.state.js';

/**
 * A recorded result recomputed with computeRanking from the inputs it was computed from: the figures and exclusions
 * of the edition just before the event (an erratum's own corrections and exclusions are events just before it), the
 * eligibility evidence the computation recorded (an erratum uses its edition's latest computation's), and the tie
 * orders decided with it. Throws what computeRanking throws when those inputs refuse a result.
 */
export function recomputeRankingResult(before: RankingEditionState, event: RankingComputed | RankingErratumIssued): RankingResult {
  const eligibility =
    event.type === 'RankingComputed'
      ? new Map(event.data.eligibility.map(({ enterpriseCode, ...evidence }) => [enterpriseCode, evidence]))
      : (before.lastComputation?.eligibility ?? new Map());
  return computeRanking(rankingInputsOf(before, eligibility, event.data.tieResolutions));
}

/** One recorded result of an edition and its recomputation. */
export interface RankingRecomputation {
  /** Index of the event in the stream. */
  readonly index: number;
  readonly eventType: 'RankingComputed' | 'RankingErratumIssued';
  /** The computation or the list version the event recorded. */
  readonly label: string;
  readonly recorded: RankingResult;
  readonly recomputed: RankingResult;
  /** The whole result, compared value for value: a point, a rank or a ground that drifted is a mismatch. */
  readonly matches: boolean;
}

/** JSON with every object's keys in order: a stored result (jsonb reorders keys) compares equal to a recomputed one. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether two results are the same, value for value (key order aside). */
export function sameRankingResult(a: RankingResult, b: RankingResult): boolean {
  return canonical(a) === canonical(b);
}

/** Every result an edition stream recorded, recomputed. */
export function recomputeRankingEdition(events: readonly RankingEditionEvent[]): RankingRecomputation[] {
  const checks: RankingRecomputation[] = [];
  let state = initialRankingEditionState;
  events.forEach((event, index) => {
    if (event.type === 'RankingComputed' || event.type === 'RankingErratumIssued') {
      const recomputed = recomputeRankingResult(state, event);
      const label = event.type === 'RankingComputed' ? `computation ${event.data.computationId}` : `list version ${event.data.listVersion}`;
      checks.push({ index, eventType: event.type, label, recorded: event.data.result, recomputed, matches: sameRankingResult(event.data.result, recomputed) });
    }
    state = evolveRankingEdition(state, event);
  });
  return checks;
}
