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
  /** The whole result, compared as JSON: a point, a rank or a ground that drifted is a mismatch. */
  readonly matches: boolean;
}

/** Every result an edition stream recorded, recomputed. */
export function recomputeRankingEdition(events: readonly RankingEditionEvent[]): RankingRecomputation[] {
  const checks: RankingRecomputation[] = [];
  let state = initialRankingEditionState;
  events.forEach((event, index) => {
    if (event.type === 'RankingComputed' || event.type === 'RankingErratumIssued') {
      const recomputed = recomputeRankingResult(state, event);
      const label = event.type === 'RankingComputed' ? `computation ${event.data.computationId}` : `list version ${event.data.listVersion}`;
      checks.push({ index, eventType: event.type, label, recorded: event.data.result, recomputed, matches: JSON.stringify(event.data.result) === JSON.stringify(recomputed) });
    }
    state = evolveRankingEdition(state, event);
  });
  return checks;
}
