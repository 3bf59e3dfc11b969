import {
  businessDate,
  type Decider,
  type DecisionContext,
  FieldErrors,
  isNoticeOverOn,
  NotFound,
  optionalText,
  requiredText,
  RuleViolation,
  startPublicNotice,
  wholeNumber,
} from '../shared/index.js';
import { rankRound, resultList, totalFenOf } from './award-results.js';
import type { AwardEditionCommand, AwardEditionFacts, OpenAwardEdition } from './awards.commands.js';
import { AwardsRules } from './awards.errors.js';
import { AWARD_EDITION_EVENT_TYPES, type AwardEditionEvent, type RankingInput } from './awards.events.js';
import { codeField, idField } from './awards.fields.js';
import { type AwardEditionState, type AwardEntryState, entryIsInRound, evolveAwardEdition, finalScoredRound, initialAwardEditionState, openRoundOf } from './awards.state.js';

// The edition stream: the pinned rulebook, its rounds in order, each scored round's ranking, the notice, the results.

type Command<T extends AwardEditionCommand['type']> = Extract<AwardEditionCommand, { type: T }>;

/** The parse step: every field of an edition command at once. */
export function parseAwardEditionCommand(command: AwardEditionCommand): AwardEditionCommand {
  const errors = new FieldErrors();
  idField(errors, 'associationId', command.associationId);
  idField(errors, 'editionId', command.editionId);
  switch (command.type) {
    case 'OpenAwardEdition': {
      const parsed: OpenAwardEdition = {
        ...command,
        programmeCode: codeField(errors, 'programmeCode', command.programmeCode),
        title: requiredText(errors, 'title', command.title, { max: 200, label: 'The title' }),
        year: wholeNumber(errors, 'year', command.year, 1990, 2200),
        rulebookId: idField(errors, 'rulebookId', command.rulebookId),
        rulebookVersion: wholeNumber(errors, 'rulebookVersion', command.rulebookVersion, 1, 10_000),
      };
      errors.throwIfAny();
      return parsed;
    }
    case 'OpenAwardRound':
    case 'CloseAwardRound':
    case 'RankAwardRound':
      codeField(errors, 'roundCode', command.roundCode);
      break;
    case 'StartAwardNotice':
      optionalText(errors, 'startsOn', command.startsOn, { max: 10 });
      break;
    case 'PublishAwardResults':
      break;
  }
  errors.throwIfAny();
  return command;
}

function requireOpened(state: AwardEditionState, editionId: string): NonNullable<AwardEditionState['opened']> {
  if (!state.opened) throw new NotFound('Award edition', editionId);
  return state.opened;
}

function key(command: { associationId: string; editionId: string }) {
  return { associationId: command.associationId, editionId: command.editionId };
}

function openAwardEdition(command: Command<'OpenAwardEdition'>, state: AwardEditionState, context: DecisionContext, facts: AwardEditionFacts): AwardEditionEvent[] {
  if (state.opened) throw new RuleViolation(AwardsRules.editionAlreadyOpened, `Edition ${command.editionId} is already open.`);
  const rulebook = facts.rulebook ?? null;
  if (rulebook === null || rulebook.rulebookId !== command.rulebookId || rulebook.version !== command.rulebookVersion) {
    throw new RuleViolation(AwardsRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.rulebookVersion}.`);
  }
  const today = businessDate(context.now);
  if (rulebook.effectiveFrom > today) {
    throw new RuleViolation(AwardsRules.rulebookNotInForce, `Rulebook ${command.rulebookId} v${command.rulebookVersion} takes effect on ${rulebook.effectiveFrom}.`);
  }
  const { programmeCode, title, year } = command;
  return [{ type: 'AwardEditionOpened', data: { ...key(command), programmeCode, title, year, rulebook, openedOn: today } }];
}

function openAwardRound(command: Command<'OpenAwardRound'>, state: AwardEditionState, context: DecisionContext): AwardEditionEvent[] {
  const opened = requireOpened(state, command.editionId);
  const rounds = opened.rulebook.rounds;
  const at = rounds.findIndex((r) => r.code === command.roundCode);
  if (at < 0) throw new RuleViolation(AwardsRules.roundOutOfOrder, `The rulebook has no round ${command.roundCode}: its rounds are ${rounds.map((r) => r.code).join(', ')}.`);
  const expected = rounds[Object.keys(state.rounds).length];
  const previous = at > 0 ? rounds[at - 1]! : null;
  if (expected?.code !== command.roundCode || (previous && state.rounds[previous.code]?.closedOn === null)) {
    throw new RuleViolation(
      AwardsRules.roundOutOfOrder,
      expected ? `The next round is ${expected.code}, opened once the one before has closed.` : 'Every round of the rulebook has been opened.',
      { roundCode: command.roundCode, next: expected?.code ?? null },
    );
  }
  if (previous && previous.kind !== 'COMMITTEE_VOTE' && state.rounds[previous.code]?.ranking === null) {
    throw new RuleViolation(AwardsRules.rankingMissing, `Round ${previous.code} must be ranked before round ${command.roundCode} opens: its ranking says who advances.`);
  }
  return [{ type: 'AwardRoundOpened', data: { ...key(command), roundCode: command.roundCode, openedOn: businessDate(context.now) } }];
}

function closeAwardRound(command: Command<'CloseAwardRound'>, state: AwardEditionState, context: DecisionContext): AwardEditionEvent[] {
  requireOpened(state, command.editionId);
  if (openRoundOf(state) !== command.roundCode) throw new RuleViolation(AwardsRules.roundNotOpen, `Round ${command.roundCode} is not open.`);
  return [{ type: 'AwardRoundClosed', data: { ...key(command), roundCode: command.roundCode, closedOn: businessDate(context.now) } }];
}

/** The entry's last inspection report in the round, if any. */
function latestInspection(entry: AwardEntryState, roundCode: string): RankingInput['inspection'] {
  const report = entry.inspections.filter((i) => i.roundCode === roundCode).at(-1);
  return report ? { reportReference: report.reportReference, passed: report.passed } : null;
}

/** The locked scores (and, in a site round, the inspection report) of the entries that take part in the round. */
export function rankingInputs(state: AwardEditionState, roundCode: string, entries: readonly AwardEntryState[]): RankingInput[] {
  return entries
    .filter((e) => e.submitted !== null && e.eligibility?.eligible === true && entryIsInRound(state, roundCode, e.submitted.entryId))
    .map((e) => {
      const panel = e.panels[roundCode];
      return {
        entryId: e.submitted!.entryId,
        category: e.submitted!.category,
        submittedOn: e.submitted!.submittedOn,
        inspection: latestInspection(e, roundCode),
        scores: (panel?.members ?? []).flatMap((expertId) => {
          const score = panel?.scores[expertId];
          return score ? [{ expertId, items: score.items, weightedTotal: score.weightedTotal }] : [];
        }),
      };
    })
    .sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
}

function rankAwardRound(command: Command<'RankAwardRound'>, state: AwardEditionState, context: DecisionContext, facts: AwardEditionFacts): AwardEditionEvent[] {
  const opened = requireOpened(state, command.editionId);
  const round = opened.rulebook.rounds.find((r) => r.code === command.roundCode);
  const roundState = state.rounds[command.roundCode];
  if (!round || round.kind === 'COMMITTEE_VOTE' || !roundState) throw new RuleViolation(AwardsRules.roundNotOpen, `Round ${command.roundCode} is not a scored round that has been opened.`);
  if (roundState.closedOn === null) throw new RuleViolation(AwardsRules.roundNotClosed, `Round ${command.roundCode} is still open: close it to lock the scores, then rank.`);
  if (roundState.ranking !== null) throw new RuleViolation(AwardsRules.roundAlreadyRanked, `Round ${command.roundCode} has been ranked.`);
  const inputs = rankingInputs(state, command.roundCode, facts.entries ?? []);
  const unscored = (facts.entries ?? [])
    .filter((e) => inputs.some((i) => i.entryId === e.submitted?.entryId))
    .filter((e) => {
      const panel = e.panels[command.roundCode];
      return !panel || panel.members.length < round.panelSize || panel.members.some((m) => panel.scores[m] === undefined);
    })
    .map((e) => e.submitted!.entryId);
  const uninspected = round.kind === 'SITE_INSPECTION' ? inputs.filter((i) => i.inspection === null).map((i) => i.entryId) : [];
  if (uninspected.length > 0) {
    throw new RuleViolation(AwardsRules.inspectionMissing, `A site round is ranked once every site has been inspected; no report for: ${uninspected.join(', ')}.`, { entries: uninspected });
  }
  if (unscored.length > 0) {
    throw new RuleViolation(AwardsRules.roundNotScored, `Every panel member must score before the round is ranked; not fully scored: ${unscored.join(', ')}.`, { entries: unscored });
  }
  const final = finalScoredRound(state) === command.roundCode;
  const { normalisation, ranking } = rankRound(opened.rulebook, command.roundCode, final, inputs);
  return [
    {
      type: 'AwardRoundRanked',
      data: {
        ...key(command),
        roundCode: command.roundCode,
        rulebookId: opened.rulebook.rulebookId,
        rulebookVersion: opened.rulebook.version,
        final,
        rankedOn: businessDate(context.now),
        inputs,
        normalisation,
        ranking,
      },
    },
  ];
}

function startAwardNotice(command: Command<'StartAwardNotice'>, state: AwardEditionState, context: DecisionContext, facts: AwardEditionFacts): AwardEditionEvent[] {
  const opened = requireOpened(state, command.editionId);
  if (state.notice) throw new RuleViolation(AwardsRules.noticeAlreadyStarted, `The notice of edition ${command.editionId} started on ${state.notice.startsOn}.`);
  const finalRound = finalScoredRound(state)!;
  const ranking = state.rounds[finalRound]?.ranking;
  if (!ranking) throw new RuleViolation(AwardsRules.rankingMissing, `Round ${finalRound} has not been ranked: there is no result to show.`);
  const voteRound = opened.rulebook.rounds[opened.rulebook.rounds.length - 1]!.code;
  const voteClosed = state.rounds[voteRound]?.closedOn ?? null;
  if (voteClosed === null) throw new RuleViolation(AwardsRules.roundNotClosed, `The committee vote (round ${voteRound}) must close before the notice starts.`);
  const votes = new Map(
    (facts.entries ?? []).flatMap((e) => (e.vote?.decision.votes && e.submitted ? [[e.submitted.entryId, e.vote.decision.votes] as const] : [])),
  );
  const unvoted = ranking.ranking.filter((r) => r.advances && !votes.has(r.entryId)).map((r) => r.entryId);
  if (unvoted.length > 0) {
    throw new RuleViolation(AwardsRules.voteMissing, `The committee has not voted on ${unvoted.join(', ')}: every entry the ranking put forward is voted on before the notice.`, {
      entries: unvoted,
    });
  }
  const results = resultList(opened.rulebook, ranking.ranking, votes);
  // The result exists from the day the vote closed: the notice cannot show it before, nor start in the past.
  const notice = startPublicNotice({ startsOn: command.startsOn, resultOn: voteClosed, days: opened.rulebook.noticeDays, now: context.now });
  return [{ type: 'AwardNoticeStarted', data: { ...key(command), startsOn: notice.startsOn, endsOn: notice.endsOn, noticeDays: notice.days, results, totalFen: totalFenOf(results) } }];
}

function publishAwardResults(command: Command<'PublishAwardResults'>, state: AwardEditionState, context: DecisionContext, facts: AwardEditionFacts): AwardEditionEvent[] {
  requireOpened(state, command.editionId);
  if (state.publishedOn) throw new RuleViolation(AwardsRules.resultsAlreadyPublished, `The results were published on ${state.publishedOn}.`);
  if (!state.notice) throw new RuleViolation(AwardsRules.noticeNotStarted, 'The results have not been on public notice.');
  const today = businessDate(context.now);
  if (!isNoticeOverOn(state.notice, today)) {
    throw new RuleViolation(AwardsRules.noticeNotEnded, `The notice runs until ${state.notice.endsOn}: results are published from the day after.`, { endsOn: state.notice.endsOn });
  }
  const open = (facts.entries ?? []).filter((e) => e.objections.some((o) => o.resolved === null)).map((e) => e.submitted!.entryId);
  if (open.length > 0) throw new RuleViolation(AwardsRules.objectionOpen, `Objections to ${open.join(', ')} are not resolved.`, { entries: open });
  const upheld = new Set((facts.entries ?? []).filter((e) => e.objections.some((o) => o.resolved === 'UPHELD')).map((e) => e.submitted!.entryId));
  const results = state.notice.results.filter((r) => !upheld.has(r.entryId));
  return [{ type: 'AwardResultsPublished', data: { ...key(command), publishedOn: today, results, totalFen: totalFenOf(results) } }];
}

/** The edition decider, given the edition's entries (folded) for the commands that read them. */
export function awardEditionDecider(facts: AwardEditionFacts = {}): Decider<AwardEditionCommand, AwardEditionEvent, AwardEditionState> {
  return {
    initialState: initialAwardEditionState,
    eventTypes: AWARD_EDITION_EVENT_TYPES,
    evolve: evolveAwardEdition,
    parse: parseAwardEditionCommand,
    decide(command, state, context) {
      switch (command.type) {
        case 'OpenAwardEdition':
          return openAwardEdition(command, state, context, facts);
        case 'OpenAwardRound':
          return openAwardRound(command, state, context);
        case 'CloseAwardRound':
          return closeAwardRound(command, state, context);
        case 'RankAwardRound':
          return rankAwardRound(command, state, context, facts);
        case 'StartAwardNotice':
          return startAwardNotice(command, state, context, facts);
        case 'PublishAwardResults':
          return publishAwardResults(command, state, context, facts);
      }
    },
  };
}
