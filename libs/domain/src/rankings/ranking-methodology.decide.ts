import { type Decider, RuleViolation } from '../shared/index.js';
import type { DefineRankingMethodologyVersion, RankingMethodologyCommand } from './rankings.commands.js';
import { RankingRules } from './rankings.errors.js';
import { RANKING_METHODOLOGY_EVENT_TYPES, type RankingMethodologyEvent } from './rankings.events.js';
import type { MethodologyVersion } from './rankings.methodology.js';
import { parseRankingMethodology } from './rankings.parse.js';
import { evolveRankingMethodology, initialRankingMethodologyState, type RankingMethodologyState } from './rankings.state.js';

// The methodology stream: versions, each whole and never changed.

/** The rules a methodology's parts must meet together. */
export function checkMethodology(command: DefineRankingMethodologyVersion): void {
  const weights = command.metrics.reduce((sum, m) => sum + m.weight, 0);
  if (weights !== 100) {
    throw new RuleViolation(
      RankingRules.methodologyWeightsNot100,
      `The metrics' weights add up to ${weights}, not 100 (${command.metrics.map((m) => `${m.code} ${m.weight}`).join(', ')}).`,
      { field: 'metrics', weights },
    );
  }
  const groupSizes = command.groups.reduce((sum, g) => sum + g.listSize, 0);
  if (groupSizes !== command.listSize) {
    throw new RuleViolation(
      RankingRules.methodologyListSizeMismatch,
      `The list holds ${command.listSize} firms but the groups' list sizes add up to ${groupSizes}.`,
      { field: 'listSize', listSize: command.listSize, groupSizes },
    );
  }
  const codes = new Set(command.metrics.map((m) => m.code));
  const unknown = command.tieBreak.metrics.filter((code) => !codes.has(code));
  if (unknown.length > 0) {
    throw new RuleViolation(RankingRules.methodologyTieBreakUnknownMetric, `The tie-break names ${unknown.join(', ')}, which the methodology does not measure.`, {
      field: 'tieBreak.metrics',
      unknown,
    });
  }
}

function defineVersion(command: DefineRankingMethodologyVersion, state: RankingMethodologyState): RankingMethodologyEvent[] {
  checkMethodology(command);
  const { type: _type, ...content } = command;
  const version: MethodologyVersion = { ...content, version: state.versions.length + 1 };
  return [{ type: 'RankingMethodologyVersionDefined', data: version }];
}

export const rankingMethodologyDecider: Decider<RankingMethodologyCommand, RankingMethodologyEvent, RankingMethodologyState> = {
  initialState: initialRankingMethodologyState,
  eventTypes: RANKING_METHODOLOGY_EVENT_TYPES,
  evolve: evolveRankingMethodology,
  parse: parseRankingMethodology,
  decide: (command, state) => defineVersion(command, state),
};
