import { fold } from '../shared/index.js';
import { computeRanking, type RankingResult } from './rankings.compute.js';
import type { RankingEditionEvent } from './rankings.events.js';
import { evolveRankingEdition, initialRankingEditionState, rankingInputsOf } from './rankings.state.js';

/** One recorded result of an edition, recomputed from the inputs recorded before and with it. */
export interface RankingRecomputation {
  /** Index of the event in the stream. */
  readonly index: number;
  readonly eventType: 'RankingComputed' | 'RankingErratumIssued';
  /** The computation or the list version the event recorded. */
  readonly label: string;
  readonly recorded: RankingResult;
  readonly recomputed: RankingResult;
  readonly matches: boolean;
}

/**
 * Every result an edition stream recorded, recomputed with computeRanking from the same inputs: the figures and
 * exclusions in force just before it (an erratum's own corrections included), the eligibility evidence the
 * computation recorded (an erratum uses its edition's latest), and the tie orders decided with it. The comparison is
 * of the whole result, as stored JSON, so any drift in a point, a rank or a ground is a mismatch.
 */
export function recomputeRankingEdition(events: readonly RankingEditionEvent[]): RankingRecomputation[] {
  const checks: RankingRecomputation[] = [];
  let state = initialRankingEditionState;
  events.forEach((event, index) => {
    if (event.type === 'RankingComputed') {
      const eligibility = new Map(event.data.eligibility.map(({ enterpriseCode, ...evidence }) => [enterpriseCode, evidence]));
      checks.push(check(index, event.type, `computation ${event.data.computationId}`, event.data.result, () => computeRanking(rankingInputsOf(state, eligibility, event.data.tieResolutions))));
    } else if (event.type === 'RankingErratumIssued') {
      const eligibility = state.lastComputation?.eligibility ?? new Map();
      checks.push(check(index, event.type, `list version ${event.data.listVersion}`, event.data.result, () => computeRanking(rankingInputsOf(state, eligibility, event.data.tieResolutions))));
    }
    state = evolveRankingEdition(state, event);
  });
  return checks;
}

function check(index: number, eventType: RankingRecomputation['eventType'], label: string, recorded: RankingResult, recompute: () => RankingResult): RankingRecomputation {
  const recomputed = recompute();
  return { index, eventType, label, recorded, recomputed, matches: JSON.stringify(recorded) === JSON.stringify(recomputed) };
}

/** The state of an edition stream (for readers outside the command path, e.g. verification). */
export function rankingEditionStateOf(events: readonly RankingEditionEvent[]) {
  return fold({ initialState: initialRankingEditionState, evolve: evolveRankingEdition }, events);
}
