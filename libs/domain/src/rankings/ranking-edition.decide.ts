import { businessDate, type Decider, type DecisionContext, isNoticeOpenOn, isNoticeOverOn, RuleViolation, startPublicNotice } from '../shared/index.js';
import type {
  ComputeRanking,
  CorrectRankingFigure,
  ExcludeRankingFirm,
  FigureCorrection,
  FileRankingObjection,
  IssueRankingErratum,
  OpenRankingEdition,
  PublishRanking,
  RankingEditionCommand,
  RecordRankingFigures,
  ResolveRankingObjection,
  StartRankingNotice,
} from './rankings.commands.js';
import { computeRanking, type EligibilityEvidence } from './rankings.compute.js';
import { toScaled } from './rankings.decimal.js';
import { RankingRules } from './rankings.errors.js';
import { RANKING_EDITION_EVENT_TYPES, type RankingEditionEvent, type RankingFigureCorrected, type RankingFigureRecorded } from './rankings.events.js';
import type { MethodologyVersion } from './rankings.methodology.js';
import { parseRankingEdition } from './rankings.parse.js';
import { candidatesOf, evolveRankingEdition, figureKey, initialRankingEditionState, rankingInputsOf, type RankingEditionState } from './rankings.state.js';

// The edition stream: opened on a frozen methodology, figures up to the cut-off, exclusions, computation after it,
// public notice, objections, publication, errata.

/** What an edition decision needs from outside its stream. */
export interface RankingEditionFacts {
  /** For opening: the methodology version named (null: no such version). */
  readonly methodology?: MethodologyVersion | null;
  /** For computing: each candidate's eligibility evidence as of the cut-off, by credit code. */
  readonly eligibility?: ReadonlyMap<string, EligibilityEvidence>;
}

type Opened = RankingEditionState & { readonly edition: NonNullable<RankingEditionState['edition']> };

function opened(state: RankingEditionState, command: { editionId: string }): Opened {
  if (!state.edition) throw new RuleViolation(RankingRules.editionNotOpened, `Ranking edition ${command.editionId} has not been opened.`);
  return state as Opened;
}

/** Before publication only: a published list changes only by an erratum. */
function unpublished(state: RankingEditionState, command: { editionId: string }): Opened {
  const edition = opened(state, command);
  if (state.published) {
    throw new RuleViolation(
      RankingRules.editionPublished,
      `Ranking edition ${command.editionId} was published (list version ${state.published.listVersion}): it never changes; correct it with an erratum (issueRankingErratum).`,
    );
  }
  return edition;
}

/** Figures are taken up to and including the cut-off day. */
function beforeCutOff(state: Opened, today: string): void {
  if (today > state.edition.cutOffDate) {
    throw new RuleViolation(
      RankingRules.figuresAfterCutOff,
      `Figures of edition ${state.edition.editionId} froze at the cut-off (${state.edition.cutOffDate}); today is ${today}. After the cut-off a figure changes only on an upheld objection or by an erratum.`,
      { cutOffDate: state.edition.cutOffDate, today },
    );
  }
}

function open(command: OpenRankingEdition, state: RankingEditionState, context: DecisionContext, methodology: MethodologyVersion | null | undefined): RankingEditionEvent[] {
  if (state.edition) throw new RuleViolation(RankingRules.editionAlreadyOpened, `Ranking edition ${command.editionId} is already open.`);
  if (!methodology || methodology.associationId !== command.associationId) {
    throw new RuleViolation(RankingRules.methodologyVersionUnknown, `Methodology ${command.methodologyId} of ${command.associationId} has no version ${command.methodologyVersion}.`);
  }
  const today = businessDate(context.now);
  if (command.cutOffDate < today) {
    throw new RuleViolation(
      RankingRules.cutOffBeforeOpening,
      `The cut-off (${command.cutOffDate}) is before today (${today}): the methodology is frozen before any figure comes in, so the cut-off is today or later.`,
      { field: 'cutOffDate' },
    );
  }
  const { associationId, editionId, title, year, cutOffDate } = command;
  return [{ type: 'RankingEditionOpened', data: { associationId, editionId, title, year, methodology, cutOffDate, openedOn: today } }];
}

/** Checks a figure's value against its metric; returns the problem or null. */
function figureProblem(methodology: MethodologyVersion, metricCode: string, previousValue: string | null | undefined): { rule: string; message: string } | null {
  const metric = methodology.metrics.find((m) => m.code === metricCode);
  if (!metric) {
    return { rule: RankingRules.figureUnknownMetric, message: `metric ${metricCode} is not in methodology ${methodology.methodologyId} v${methodology.version} (${methodology.metrics.map((m) => m.code).join(', ')}).` };
  }
  if (metric.normalisation === 'GROWTH' && (previousValue == null || toScaled(previousValue) <= 0n)) {
    return { rule: RankingRules.figurePreviousValueRequired, message: `metric ${metricCode} scores growth over the previous year: give the previous year's value, above 0.` };
  }
  return null;
}

function recordFigures(command: RecordRankingFigures, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  const edition = unpublished(state, command);
  const today = businessDate(context.now);
  beforeCutOff(edition, today);
  const problems: { row: number; rule: string; message: string }[] = [];
  const events: RankingFigureRecorded[] = [];
  const inUpload = new Set<string>();
  let figureId = state.figures.size;
  command.rows.forEach((row, index) => {
    const key = figureKey(row.enterpriseCode, row.metric);
    const problem = figureProblem(edition.edition.methodology, row.metric, row.previousValue);
    if (problem) return void problems.push({ row: index, ...problem });
    const existing = state.current.get(key);
    if (existing !== undefined || inUpload.has(key)) {
      const figure = existing === undefined ? undefined : state.figures.get(existing)!;
      // The same figure sent again is already on record.
      if (figure && figure.value === row.value && figure.previousValue === (row.previousValue ?? null) && figure.source === row.source && figure.evidenceReference === row.evidenceReference) return;
      return void problems.push({
        row: index,
        rule: RankingRules.figureAlreadyRecorded,
        message: `${row.enterpriseCode} already has a figure for ${row.metric}${existing === undefined ? ' earlier in this upload' : ` (figure ${existing})`}: correct it with correctRankingFigure.`,
      });
    }
    inUpload.add(key);
    figureId += 1;
    const { enterpriseCode, metric, value, source, evidenceReference } = row;
    events.push({
      type: 'RankingFigureRecorded',
      data: { associationId: command.associationId, editionId: command.editionId, figureId, enterpriseCode, metric, value, previousValue: row.previousValue ?? null, source, evidenceReference, recordedOn: today },
    });
  });
  if (problems.length > 0) {
    throw new RuleViolation(
      problems[0]!.rule,
      `${problems.length} of ${command.rows.length} rows refused, nothing recorded. ${problems
        .slice(0, 5)
        .map((p) => `Row ${p.row}: ${p.message}`)
        .join(' ')}`,
      { rows: problems },
    );
  }
  return events;
}

function corrected(
  command: { associationId: string; editionId: string },
  state: Opened,
  correction: FigureCorrection,
  reason: string,
  on: string,
  by: { objectionId?: string; erratumId?: string },
  figureId: number,
): RankingFigureCorrected {
  const figure = state.figures.get(correction.figureId);
  if (!figure) throw new RuleViolation(RankingRules.figureUnknown, `Edition ${command.editionId} has no figure ${correction.figureId}.`);
  if (figure.supersededBy !== null) {
    throw new RuleViolation(RankingRules.figureUnknown, `Figure ${correction.figureId} was already replaced by figure ${figure.supersededBy}: correct that one.`);
  }
  const problem = figureProblem(state.edition.methodology, figure.metric, correction.previousValue);
  if (problem) throw new RuleViolation(problem.rule, `Figure ${correction.figureId}: ${problem.message}`);
  return {
    type: 'RankingFigureCorrected',
    data: {
      associationId: command.associationId,
      editionId: command.editionId,
      figureId,
      enterpriseCode: figure.enterpriseCode,
      metric: figure.metric,
      value: correction.value,
      previousValue: correction.previousValue ?? null,
      source: correction.source,
      evidenceReference: correction.evidenceReference,
      corrects: figure.figureId,
      reason,
      objectionId: by.objectionId ?? null,
      erratumId: by.erratumId ?? null,
      correctedOn: on,
    },
  };
}

/** Several corrections in one decision, each of a figure in force and of a different figure. */
function correctionsOf(command: { associationId: string; editionId: string }, state: Opened, corrections: readonly FigureCorrection[], reason: string, on: string, by: { objectionId?: string; erratumId?: string }) {
  const ids = corrections.map((c) => c.figureId);
  if (new Set(ids).size !== ids.length) throw new RuleViolation(RankingRules.figureUnknown, 'A figure is corrected twice in one decision.');
  return corrections.map((c, i) => corrected(command, state, c, reason, on, by, state.figures.size + i + 1));
}

function correctFigure(command: CorrectRankingFigure, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  const edition = unpublished(state, command);
  const today = businessDate(context.now);
  beforeCutOff(edition, today);
  return correctionsOf(command, edition, [command], command.reason, today, {});
}

function exclude(command: ExcludeRankingFirm, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  unpublished(state, command);
  if (state.computation) {
    throw new RuleViolation(RankingRules.alreadyComputed, `Edition ${command.editionId} is computed: an exclusion now would change a computed list; exclude before computing, or on an upheld objection's recomputation.`);
  }
  const existing = state.exclusions.get(command.enterpriseCode);
  if (existing) {
    if (existing.reference === command.decision.reference && existing.grounds === command.grounds) return [];
    throw new RuleViolation(RankingRules.firmAlreadyExcluded, `${command.enterpriseCode} is already excluded from edition ${command.editionId} (decision ${existing.reference}).`);
  }
  const { associationId, editionId, enterpriseCode, grounds, decision } = command;
  return [{ type: 'RankingFirmExcluded', data: { associationId, editionId, enterpriseCode, grounds, decision, erratumId: null, excludedOn: businessDate(context.now) } }];
}

function eligibilityFor(state: RankingEditionState, facts: RankingEditionFacts): ReadonlyMap<string, EligibilityEvidence> {
  const eligibility = facts.eligibility ?? new Map();
  const missing = candidatesOf(state)
    .map((c) => c.enterpriseCode)
    .filter((code) => !eligibility.has(code));
  if (missing.length > 0) {
    throw new RuleViolation(RankingRules.eligibilityMissing, `No eligibility evidence for ${missing.length} candidates (${missing.slice(0, 5).join(', ')}).`, { missing: missing.slice(0, 50) });
  }
  return eligibility;
}

function compute(command: ComputeRanking, state: RankingEditionState, context: DecisionContext, facts: RankingEditionFacts): RankingEditionEvent[] {
  const edition = unpublished(state, command);
  const today = businessDate(context.now);
  if (today <= edition.edition.cutOffDate) {
    throw new RuleViolation(
      RankingRules.computingBeforeCutOff,
      `Edition ${command.editionId} takes figures up to its cut-off (${edition.edition.cutOffDate}): it can be computed from the day after, not on ${today}.`,
      { cutOffDate: edition.edition.cutOffDate, today },
    );
  }
  if (state.computation) {
    throw new RuleViolation(RankingRules.alreadyComputed, `Edition ${command.editionId} is already computed (computation ${state.computation.computationId}); it is computed again only after an upheld objection.`);
  }
  const open = [...state.objections].find(([, o]) => o.status === 'OPEN');
  if (open) throw new RuleViolation(RankingRules.objectionOpen, `Objection ${open[0]} is not resolved yet.`);
  const candidates = candidatesOf(state);
  if (candidates.length === 0) throw new RuleViolation(RankingRules.noCandidates, `Edition ${command.editionId} has no figures: there is nothing to rank.`);
  const eligibility = eligibilityFor(state, facts);
  const used = new Map(candidates.map((c) => [c.enterpriseCode, eligibility.get(c.enterpriseCode)!]));
  const result = computeRanking(rankingInputsOf(state, used, command.tieResolutions));
  return [
    {
      type: 'RankingComputed',
      data: {
        associationId: command.associationId,
        editionId: command.editionId,
        computationId: state.computations + 1,
        computedOn: today,
        eligibility: [...used].map(([enterpriseCode, evidence]) => ({ enterpriseCode, ...evidence })),
        tieResolutions: command.tieResolutions,
        result,
      },
    },
  ];
}

function startNotice(command: StartRankingNotice, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  const edition = unpublished(state, command);
  if (!state.computation) throw new RuleViolation(RankingRules.notComputed, `Edition ${command.editionId} has no current computation to show.`);
  if (state.notice) throw new RuleViolation(RankingRules.noticeAlreadyStarted, `The notice of edition ${command.editionId} runs ${state.notice.startsOn} to ${state.notice.endsOn}.`);
  const notice = startPublicNotice({ startsOn: command.startsOn, resultOn: state.computation.computedOn, days: edition.edition.methodology.noticeDays, now: context.now });
  return [
    {
      type: 'RankingNoticeStarted',
      data: { associationId: command.associationId, editionId: command.editionId, computationId: state.computation.computationId, startsOn: notice.startsOn, endsOn: notice.endsOn, noticeDays: notice.days },
    },
  ];
}

function fileObjection(command: FileRankingObjection, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  unpublished(state, command);
  const today = businessDate(context.now);
  if (!state.notice || !isNoticeOpenOn(state.notice, today)) {
    throw new RuleViolation(
      RankingRules.objectionOutsideNotice,
      state.notice ? `Objections are filed during the notice (${state.notice.startsOn} to ${state.notice.endsOn}), not on ${today}.` : `Edition ${command.editionId} is not in public notice.`,
    );
  }
  const existing = state.objections.get(command.objectionId);
  if (existing) {
    if (existing.enterpriseCode === command.enterpriseCode) return [];
    throw new RuleViolation(RankingRules.objectionExists, `Objection ${command.objectionId} is already on record.`);
  }
  const { associationId, editionId, objectionId, enterpriseCode, grounds } = command;
  return [{ type: 'RankingObjectionFiled', data: { associationId, editionId, objectionId, enterpriseCode, grounds, evidenceReference: command.evidenceReference ?? null, filedOn: today } }];
}

function resolveObjection(command: ResolveRankingObjection, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  const edition = unpublished(state, command);
  const objection = state.objections.get(command.objectionId);
  if (!objection) throw new RuleViolation(RankingRules.objectionUnknown, `Edition ${command.editionId} has no objection ${command.objectionId}.`);
  if (objection.status !== 'OPEN') throw new RuleViolation(RankingRules.objectionAlreadyResolved, `Objection ${command.objectionId} was already resolved (${objection.status}).`);
  if (command.outcome === 'DISMISSED' && command.corrections.length > 0) {
    throw new RuleViolation(RankingRules.correctionsOnlyWhenUpheld, `A dismissed objection corrects no figure.`, { field: 'corrections' });
  }
  const today = businessDate(context.now);
  const corrections = correctionsOf(command, edition, command.corrections, command.reasons, today, { objectionId: command.objectionId });
  const { associationId, editionId, objectionId, outcome, reasons } = command;
  return [...corrections, { type: 'RankingObjectionResolved', data: { associationId, editionId, objectionId, outcome, reasons, resolvedOn: today } }];
}

function publish(command: PublishRanking, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  unpublished(state, command);
  if (!state.computation) throw new RuleViolation(RankingRules.notComputed, `Edition ${command.editionId} has no current computation to publish.`);
  if (!state.notice) throw new RuleViolation(RankingRules.noticeNotStarted, `Edition ${command.editionId} has not been in public notice: start the notice first.`);
  const today = businessDate(context.now);
  if (!isNoticeOverOn(state.notice, today)) {
    throw new RuleViolation(RankingRules.noticeNotEnded, `The notice runs until ${state.notice.endsOn}: the list can be published from the day after.`, { endsOn: state.notice.endsOn });
  }
  const open = [...state.objections].find(([, o]) => o.status === 'OPEN');
  if (open) throw new RuleViolation(RankingRules.objectionOpen, `Objection ${open[0]} is not resolved yet.`);
  return [
    {
      type: 'RankingPublished',
      data: { associationId: command.associationId, editionId: command.editionId, computationId: state.computation.computationId, listVersion: 1, publishedOn: today },
    },
  ];
}

function issueErratum(command: IssueRankingErratum, state: RankingEditionState, context: DecisionContext): RankingEditionEvent[] {
  const edition = opened(state, command);
  if (!state.published || !state.lastComputation) throw new RuleViolation(RankingRules.notPublished, `Edition ${command.editionId} is not published: before publication, figures are corrected, not errata issued.`);
  if (state.errata.has(command.erratumId)) throw new RuleViolation(RankingRules.erratumExists, `Erratum ${command.erratumId} is already issued.`);
  if (command.corrections.length === 0 && command.exclusions.length === 0) {
    throw new RuleViolation(RankingRules.erratumChangesNothing, 'An erratum corrects at least one figure or excludes at least one firm.');
  }
  const today = businessDate(context.now);
  const { associationId, editionId, erratumId, reason, decision } = command;
  const corrections = correctionsOf(command, edition, command.corrections, reason, today, { erratumId });
  const exclusions: RankingEditionEvent[] = command.exclusions.map((e) => {
    if (state.exclusions.has(e.enterpriseCode)) throw new RuleViolation(RankingRules.firmAlreadyExcluded, `${e.enterpriseCode} is already excluded from edition ${editionId}.`);
    return { type: 'RankingFirmExcluded', data: { associationId, editionId, enterpriseCode: e.enterpriseCode, grounds: e.grounds, decision, erratumId, excludedOn: today } };
  });
  const after = [...corrections, ...exclusions].reduce(evolveRankingEdition, state);
  const result = computeRanking(rankingInputsOf(after, state.lastComputation.eligibility, command.tieResolutions));
  return [
    ...corrections,
    ...exclusions,
    { type: 'RankingErratumIssued', data: { associationId, editionId, erratumId, listVersion: state.published.listVersion + 1, reason, decision, tieResolutions: command.tieResolutions, result, issuedOn: today } },
  ];
}

export function decideRankingEdition(command: RankingEditionCommand, state: RankingEditionState, context: DecisionContext, facts: RankingEditionFacts = {}): RankingEditionEvent[] {
  switch (command.type) {
    case 'OpenRankingEdition':
      return open(command, state, context, facts.methodology);
    case 'RecordRankingFigures':
      return recordFigures(command, state, context);
    case 'CorrectRankingFigure':
      return correctFigure(command, state, context);
    case 'ExcludeRankingFirm':
      return exclude(command, state, context);
    case 'ComputeRanking':
      return compute(command, state, context, facts);
    case 'StartRankingNotice':
      return startNotice(command, state, context);
    case 'FileRankingObjection':
      return fileObjection(command, state, context);
    case 'ResolveRankingObjection':
      return resolveObjection(command, state, context);
    case 'PublishRanking':
      return publish(command, state, context);
    case 'IssueRankingErratum':
      return issueErratum(command, state, context);
  }
}

/** The edition decider with the facts the command layer loaded (the methodology to open on, the eligibility evidence to compute with). */
export function rankingEditionDeciderWith(facts: RankingEditionFacts = {}): Decider<RankingEditionCommand, RankingEditionEvent, RankingEditionState> {
  return {
    initialState: initialRankingEditionState,
    eventTypes: RANKING_EDITION_EVENT_TYPES,
    evolve: evolveRankingEdition,
    parse: parseRankingEdition,
    decide: (command, state, context) => decideRankingEdition(command, state, context, facts),
  };
}

export const rankingEditionDecider = rankingEditionDeciderWith();
