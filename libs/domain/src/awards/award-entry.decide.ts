import {
  businessDate,
  type Decider,
  type DecisionContext,
  FieldErrors,
  isIsoDate,
  isNoticeOpenOn,
  isNoticeOverOn,
  matches,
  NotFound,
  oneOf,
  optionalText,
  requiredText,
  RuleViolation,
  startPublicNotice,
  validDecisionRecord,
} from '../shared/index.js';
import { voteCarries, voteThresholdFor, weightedTotal } from './award-results.js';
import type { AwardEntryCommand, AwardEntryFacts, EligibilityFacts } from './awards.commands.js';
import { AwardsRules } from './awards.errors.js';
import { AWARD_ENTRY_EVENT_TYPES, type AwardEntryEvent, type EligibilityCondition, REVOCATION_GROUNDS } from './awards.events.js';
import { AWARD_CERTIFICATE_NUMBER, CODE, codeField, enterpriseCodeField, idField, subjectIdField, TEXT_MAX } from './awards.fields.js';
import { BALLOT_MODES, ENTRY_SUBJECT_KINDS, type AwardRulebook } from './awards.rulebook.js';
import {
  type AwardEditionState,
  type AwardEntryState,
  entryIsInRound,
  evolveAwardEntry,
  finalScoredRound,
  initialAwardEntryState,
  isRoundLocked,
  nextSeedPosition,
  openRoundOf,
} from './awards.state.js';
import { type DeclaredConflict, drawPanel, PoolTooSmall, SEED, type PanelDrawInput } from './panel-draw.js';

// The entry stream, from submission to award and revocation: one function per command, dispatched below.

type Command<T extends AwardEntryCommand['type']> = Extract<AwardEntryCommand, { type: T }>;

const EXPERT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** The parse step: every field of an entry command at once, normalised. */
export function parseAwardEntryCommand(command: AwardEntryCommand): AwardEntryCommand {
  const errors = new FieldErrors();
  idField(errors, 'associationId', command.associationId);
  idField(errors, 'editionId', command.editionId);
  idField(errors, 'entryId', command.entryId);
  const expertId = (field: string, value: unknown) => matches(errors, field, value, EXPERT_ID, 'must be an expert id of the pool.');
  let parsed: AwardEntryCommand = command;
  switch (command.type) {
    case 'SubmitAwardEntry': {
      const subjectKind = oneOf(errors, 'subjectKind', command.subjectKind, ENTRY_SUBJECT_KINDS);
      const builderCode = command.builderCode === null || command.builderCode === undefined ? null : enterpriseCodeField(errors, 'builderCode', command.builderCode);
      const project = command.project ?? null;
      if (subjectKind === 'PROJECT') {
        if (builderCode === null) errors.add('builderCode', 'is required for a project entry (the builder, 施工单位).');
        if (project === null) errors.add('project', 'is required for a project entry: its completion and acceptance dates.');
      }
      if (project !== null) {
        const completed = typeof project.completedOn === 'string' && isIsoDate(project.completedOn);
        if (!completed) errors.add('project.completedOn', 'must be a calendar date written YYYY-MM-DD.');
        if (typeof project.acceptedOn !== 'string' || !isIsoDate(project.acceptedOn)) errors.add('project.acceptedOn', 'must be a calendar date written YYYY-MM-DD.');
        else if (completed && project.acceptedOn < project.completedOn) errors.add('project.acceptedOn', 'cannot be before completion.');
      }
      parsed = {
        ...command,
        category: codeField(errors, 'category', command.category),
        channel: codeField(errors, 'channel', command.channel),
        subjectId: ENTRY_SUBJECT_KINDS.includes(subjectKind) ? subjectIdField(errors, 'subjectId', subjectKind, command.subjectId) : command.subjectId,
        applicantCode: enterpriseCodeField(errors, 'applicantCode', command.applicantCode),
        builderCode,
        specialty: codeField(errors, 'specialty', command.specialty),
        project: project === null ? null : { completedOn: project.completedOn, acceptedOn: project.acceptedOn },
      };
      break;
    }
    case 'CheckAwardEligibility':
      break;
    case 'DrawAwardPanel':
      codeField(errors, 'roundCode', command.roundCode);
      matches(errors, 'seed', command.seed, SEED, 'must be 32 random bytes written as 64 lower-case hex digits.');
      break;
    case 'ScoreAwardEntry': {
      codeField(errors, 'roundCode', command.roundCode);
      expertId('expertId', command.expertId);
      if (!Array.isArray(command.items) || command.items.length === 0 || command.items.length > 100) errors.add('items', 'must list 1 to 100 item scores.');
      const seen = new Set<string>();
      (Array.isArray(command.items) ? command.items : []).forEach((item, i) => {
        if (typeof item?.code !== 'string' || !CODE.test(item.code)) errors.add(`items.${i}.code`, 'must be a rubric item code.');
        else if (seen.has(item.code)) errors.add(`items.${i}.code`, `repeats ${item.code}.`);
        else seen.add(item.code);
        if (!Number.isSafeInteger(item?.points) || item.points < 0) errors.add(`items.${i}.points`, 'must be a whole number of hundredths of a point, 0 or more.');
      });
      break;
    }
    case 'RecuseAwardExpert':
      codeField(errors, 'roundCode', command.roundCode);
      expertId('expertId', command.expertId);
      parsed = { ...command, reason: requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, multiline: true, label: 'The reason' }) };
      break;
    case 'ReportSiteInspection':
      codeField(errors, 'roundCode', command.roundCode);
      expertId('inspectorExpertId', command.inspectorExpertId);
      if (typeof command.passed !== 'boolean') errors.add('passed', 'must be true or false.');
      if (command.inspectedOn !== undefined && command.inspectedOn !== null && !isIsoDate(command.inspectedOn)) errors.add('inspectedOn', 'must be a calendar date written YYYY-MM-DD.');
      parsed = {
        ...command,
        reportReference: requiredText(errors, 'reportReference', command.reportReference, { max: 100, label: 'The report reference' }),
        findings: requiredText(errors, 'findings', command.findings, { max: TEXT_MAX, multiline: true, label: 'The findings' }),
      };
      break;
    case 'RecordAwardVote':
      oneOf(errors, 'ballot', command.ballot, BALLOT_MODES);
      parsed = { ...command, decision: validDecisionRecord(errors, 'decision', command.decision) };
      break;
    case 'FileAwardObjection':
      idField(errors, 'objectionId', command.objectionId);
      parsed = {
        ...command,
        objector: requiredText(errors, 'objector', command.objector, { max: 100, label: 'The objector' }),
        grounds: requiredText(errors, 'grounds', command.grounds, { max: TEXT_MAX, multiline: true, label: 'The grounds' }),
        evidenceReference: optionalText(errors, 'evidenceReference', command.evidenceReference, { max: 200 }) ?? null,
      };
      break;
    case 'ResolveAwardObjection':
      idField(errors, 'objectionId', command.objectionId);
      oneOf(errors, 'outcome', command.outcome, ['UPHELD', 'DISMISSED'] as const);
      parsed = { ...command, reasons: requiredText(errors, 'reasons', command.reasons, { max: TEXT_MAX, multiline: true, label: 'The reasons' }) };
      break;
    case 'GrantAward':
      matches(errors, 'certificateNumber', command.certificateNumber, AWARD_CERTIFICATE_NUMBER, 'must be letters, digits and hyphens (at most 40).');
      break;
    case 'DeclineAward':
      parsed = { ...command, reason: requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, multiline: true, label: 'The reason' }) };
      break;
    case 'RequestAwardRevocation':
      oneOf(errors, 'grounds', command.grounds, REVOCATION_GROUNDS);
      parsed = {
        ...command,
        reason: requiredText(errors, 'reason', command.reason, { max: TEXT_MAX, multiline: true, label: 'The reason' }),
        // A missing decision is the rule AWARDS_REVOCATION_NEEDS_DECISION (decided below); a malformed one is a field error.
        decision: command.decision === null || command.decision === undefined ? null : validDecisionRecord(errors, 'decision', command.decision),
      };
      break;
    case 'ApproveAwardRevocation':
      if (command.publishedOn !== undefined && command.publishedOn !== null && !isIsoDate(command.publishedOn)) errors.add('publishedOn', 'must be a calendar date written YYYY-MM-DD.');
      break;
  }
  errors.throwIfAny();
  return parsed;
}

function key(command: { associationId: string; editionId: string; entryId: string }) {
  return { associationId: command.associationId, editionId: command.editionId, entryId: command.entryId };
}

function requireEdition(facts: AwardEntryFacts, editionId: string): { state: AwardEditionState; rulebook: AwardRulebook } {
  if (!facts.edition?.opened) throw new NotFound('Award edition', editionId);
  return { state: facts.edition, rulebook: facts.edition.opened.rulebook };
}

function requireSubmitted(state: AwardEntryState, entryId: string): NonNullable<AwardEntryState['submitted']> {
  if (!state.submitted) throw new RuleViolation(AwardsRules.entryNotSubmitted, `Entry ${entryId} has not been submitted.`);
  return state.submitted;
}

function requireEligible(state: AwardEntryState, entryId: string): void {
  if (!state.eligibility) throw new RuleViolation(AwardsRules.eligibilityNotChecked, `Entry ${entryId}'s eligibility has not been checked.`);
  if (!state.eligibility.eligible) {
    const failed = state.eligibility.conditions.filter((c) => !c.met).map((c) => c.condition);
    throw new RuleViolation(AwardsRules.entryNotEligible, `Entry ${entryId} is not eligible: ${failed.join(', ')}.`, { conditions: failed });
  }
}

function conflictOn(conflicts: readonly DeclaredConflict[], firms: readonly string[], date: string): DeclaredConflict | null {
  return conflicts.find((c) => firms.includes(c.enterpriseCode) && c.from <= date && (c.to === null || date <= c.to)) ?? null;
}

function submitAwardEntry(command: Command<'SubmitAwardEntry'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  if (state.submitted) throw new RuleViolation(AwardsRules.entryAlreadySubmitted, `Entry ${command.entryId} has already been submitted.`);
  const firstRound = rulebook.rounds[0]!.code;
  if (edition.rounds[firstRound]) throw new RuleViolation(AwardsRules.editionNotOpen, `Entries to edition ${command.editionId} closed when round ${firstRound} opened.`);
  if (!rulebook.categories.some((c) => c.code === command.category)) {
    throw new RuleViolation(AwardsRules.unknownCategory, `The rulebook has no category ${command.category}: ${rulebook.categories.map((c) => c.code).join(', ')}.`);
  }
  if (!rulebook.channels.some((c) => c.code === command.channel)) {
    throw new RuleViolation(AwardsRules.unknownChannel, `The rulebook has no recommending channel ${command.channel}: ${rulebook.channels.map((c) => c.code).join(', ')}.`);
  }
  if (command.subjectKind !== rulebook.subjectKind) {
    throw new RuleViolation(AwardsRules.subjectKindMismatch, `Edition ${command.editionId} takes ${rulebook.subjectKind.toLowerCase()} entries, not ${command.subjectKind.toLowerCase()} ones.`);
  }
  if (command.subjectKind === 'PERSON' && facts.person !== 'REGISTERED') {
    throw new NotFound('Person', command.subjectId, `Person ${command.subjectId} is not in the persons register (or was erased): register the person first.`);
  }
  return [
    {
      type: 'AwardEntrySubmitted',
      data: {
        ...key(command),
        category: command.category,
        channel: command.channel,
        subjectKind: command.subjectKind,
        subjectId: command.subjectId,
        applicantCode: command.applicantCode,
        builderCode: command.builderCode ?? null,
        specialty: command.specialty,
        project: command.project ?? null,
        submittedOn: businessDate(context.now),
      },
    },
  ];
}

/** The day `years` whole years before `date` (29 February falls back to 28 February). */
function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(y - years, m - 1, d));
  if (shifted.getUTCMonth() !== m - 1) shifted.setUTCDate(0);
  return shifted.toISOString().slice(0, 10);
}

/** Each condition the rulebook sets, checked against the facts, with the evidence it used. */
export function eligibilityConditions(rulebook: AwardRulebook, entry: NonNullable<AwardEntryState['submitted']>, facts: EligibilityFacts, checkedOn: string): EligibilityCondition[] {
  const rules = rulebook.eligibility;
  const conditions: EligibilityCondition[] = [];
  if (rules.membershipInGoodStanding) {
    const met = facts.membership.standing === 'GOOD';
    conditions.push({
      condition: 'MEMBERSHIP_IN_GOOD_STANDING',
      met,
      evidence: { standing: facts.membership.standing, asOf: facts.membership.asOf, source: facts.membership.source },
      explanation: met ? `A member in good standing as of ${facts.membership.asOf}.` : `Membership as of ${facts.membership.asOf}: ${facts.membership.standing}.`,
    });
  }
  if (rules.minimumCreditGrade !== null) {
    const grade = facts.creditGrade.grade;
    const rank = (g: string) => rules.creditGrades.indexOf(g);
    const met = grade !== null && rank(grade) >= 0 && rank(grade) <= rank(rules.minimumCreditGrade);
    conditions.push({
      condition: 'CREDIT_GRADE',
      met,
      evidence: { grade, asOf: facts.creditGrade.asOf, certificateNumber: facts.creditGrade.certificateNumber, minimum: rules.minimumCreditGrade },
      explanation: met
        ? `Credit grade ${grade} as of ${facts.creditGrade.asOf}, at least ${rules.minimumCreditGrade}.`
        : `Credit grade ${grade ?? 'none'} as of ${facts.creditGrade.asOf}; at least ${rules.minimumCreditGrade} is required.`,
    });
  }
  if (rules.yearsSinceAcceptance !== null && entry.subjectKind === 'PROJECT') {
    const latest = yearsBefore(checkedOn, rules.yearsSinceAcceptance);
    const project = entry.project;
    const met = project !== null && project.completedOn <= latest && project.acceptedOn <= latest;
    conditions.push({
      condition: 'ACCEPTED_LONG_ENOUGH_AGO',
      met,
      evidence: { completedOn: project?.completedOn ?? null, acceptedOn: project?.acceptedOn ?? null, latestAllowed: latest },
      explanation: met
        ? `Completed and accepted by ${latest}, ${rules.yearsSinceAcceptance} year(s) before the check.`
        : `Completion and acceptance must be on or before ${latest} (${rules.yearsSinceAcceptance} year(s) before ${checkedOn}).`,
    });
  }
  if (rules.noMajorAccident) {
    const met = facts.majorAccidents.length === 0;
    conditions.push({
      condition: 'NO_MAJOR_ACCIDENT',
      met,
      evidence: { recordIds: facts.majorAccidents.map((a) => a.recordId) },
      explanation: met ? 'No major quality or safety accident on record.' : `Major accident(s) on record: ${facts.majorAccidents.map((a) => `${a.recordId} (${a.occurredOn})`).join(', ')}.`,
    });
  }
  if (rules.barsReentryAfterFailure) {
    const failed = facts.earlierEntries.filter((e) => e.outcome !== 'AWARDED');
    const met = failed.length === 0;
    conditions.push({
      condition: 'NO_BARRED_REENTRY',
      met,
      evidence: { earlierFailedEntries: failed.map((e) => `${e.editionId}/${e.entryId}`) },
      explanation: met ? 'No earlier failed entry of this subject.' : `The rulebook bars re-entry after ${failed.map((e) => `${e.editionId}/${e.entryId} (${e.outcome})`).join(', ')}.`,
    });
  }
  return conditions;
}

function checkAwardEligibility(command: Command<'CheckAwardEligibility'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { rulebook } = requireEdition(facts, command.editionId);
  const entry = requireSubmitted(state, command.entryId);
  if (state.eligibility) throw new RuleViolation(AwardsRules.eligibilityAlreadyChecked, `Entry ${command.entryId} was checked on ${state.eligibility.checkedOn}.`);
  if (!facts.eligibility) throw new Error('CheckAwardEligibility needs the eligibility facts.');
  const checkedOn = businessDate(context.now);
  const conditions = eligibilityConditions(rulebook, entry, facts.eligibility, checkedOn);
  return [{ type: 'AwardEligibilityChecked', data: { ...key(command), checkedOn, rulebookVersion: rulebook.version, conditions, eligible: conditions.every((c) => c.met) } }];
}

function poolTooSmall(error: PoolTooSmall, entryId: string): RuleViolation {
  return new RuleViolation(AwardsRules.poolTooSmall, `${error.message} Entry ${entryId} cannot have a full panel from this pool.`, {
    candidates: error.candidates,
    needed: error.needed,
  });
}

function drawAwardPanel(command: Command<'DrawAwardPanel'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  const entry = requireSubmitted(state, command.entryId);
  requireEligible(state, command.entryId);
  const round = rulebook.rounds.find((r) => r.code === command.roundCode);
  if (!round || round.kind === 'COMMITTEE_VOTE' || openRoundOf(edition) !== command.roundCode) {
    throw new RuleViolation(AwardsRules.roundNotOpen, `Round ${command.roundCode} is not an open scored round.`);
  }
  if (!entryIsInRound(edition, command.roundCode, command.entryId)) throw new RuleViolation(AwardsRules.entryNotInRound, `Entry ${command.entryId} did not advance to round ${command.roundCode}.`);
  if (state.panels[command.roundCode]) throw new RuleViolation(AwardsRules.panelAlreadyDrawn, `Entry ${command.entryId}'s panel for round ${command.roundCode} has been drawn.`);
  if (!facts.pool) throw new Error('DrawAwardPanel needs the pool snapshot.');
  const input: PanelDrawInput = {
    seed: command.seed,
    pool: facts.pool,
    specialty: entry.specialty,
    applicantCode: entry.applicantCode,
    builderCode: entry.builderCode,
    checkDate: businessDate(context.now),
    size: round.panelSize,
    onPanel: [],
    recused: [],
    startPosition: 0,
  };
  try {
    return [{ type: 'AwardPanelDrawn', data: { ...key(command), roundCode: command.roundCode, draw: drawPanel(input) } }];
  } catch (error) {
    if (error instanceof PoolTooSmall) throw poolTooSmall(error, command.entryId);
    throw error;
  }
}

/** The round must be open for scoring, recusal and inspection: never before it opens, never after it closes. */
function requireOpenRound(edition: AwardEditionState, roundCode: string): void {
  if (isRoundLocked(edition, roundCode)) {
    throw new RuleViolation(AwardsRules.roundClosed, `Round ${roundCode} closed on ${edition.rounds[roundCode]!.closedOn}: its scores are locked.`, { roundCode });
  }
  if (!edition.rounds[roundCode]) throw new RuleViolation(AwardsRules.roundNotOpen, `Round ${roundCode} has not opened.`, { roundCode });
}

function scoreAwardEntry(command: Command<'ScoreAwardEntry'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  const entry = requireSubmitted(state, command.entryId);
  requireOpenRound(edition, command.roundCode);
  const panel = state.panels[command.roundCode];
  if (!panel?.members.includes(command.expertId)) {
    throw new RuleViolation(
      AwardsRules.expertNotAssigned,
      panel?.recused.includes(command.expertId)
        ? `Expert ${command.expertId} recused from entry ${command.entryId}: their scores do not count.`
        : `Expert ${command.expertId} is not on entry ${command.entryId}'s panel for round ${command.roundCode}.`,
      { expertId: command.expertId },
    );
  }
  const today = businessDate(context.now);
  const firms = entry.builderCode === null ? [entry.applicantCode] : [entry.applicantCode, entry.builderCode];
  const conflict = conflictOn(facts.expertConflicts ?? [], firms, today);
  if (conflict) {
    throw new RuleViolation(AwardsRules.expertConflicted, `Expert ${command.expertId} has declared a conflict with ${conflict.enterpriseCode} (${conflict.reason}): they must recuse.`, {
      expertId: command.expertId,
      enterpriseCode: conflict.enterpriseCode,
    });
  }
  const unknown = command.items.filter((i) => !rulebook.rubric.some((r) => r.code === i.code)).map((i) => i.code);
  const missing = rulebook.rubric.filter((r) => !command.items.some((i) => i.code === r.code)).map((r) => r.code);
  if (unknown.length > 0 || missing.length > 0) {
    throw new RuleViolation(AwardsRules.rubricIncomplete, `A score gives every rubric item once${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; not in the rubric ${unknown.join(', ')}` : ''}.`, {
      missing,
      unknown,
    });
  }
  for (const item of rulebook.rubric) {
    const points = command.items.find((i) => i.code === item.code)!.points;
    if (points > item.maxHundredths) {
      throw new RuleViolation(AwardsRules.scoreAboveMaximum, `Item ${item.code} scores at most ${item.maxHundredths} hundredths; ${points} was given.`, {
        item: item.code,
        maxHundredths: item.maxHundredths,
        points,
      });
    }
  }
  const items = rulebook.rubric.map((r) => ({ code: r.code, points: command.items.find((i) => i.code === r.code)!.points }));
  const total = weightedTotal(items, rulebook.rubric);
  const previous = panel.scores[command.expertId]?.weightedTotal ?? null;
  if (previous !== null && JSON.stringify(panel.scores[command.expertId]!.items) === JSON.stringify(items)) return [];
  return [{ type: 'AwardEntryScored', data: { ...key(command), roundCode: command.roundCode, expertId: command.expertId, items, weightedTotal: total, previousTotal: previous } }];
}

function recuseAwardExpert(command: Command<'RecuseAwardExpert'>, state: AwardEntryState, _context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition } = requireEdition(facts, command.editionId);
  requireSubmitted(state, command.entryId);
  requireOpenRound(edition, command.roundCode);
  const panel = state.panels[command.roundCode];
  if (!panel?.members.includes(command.expertId)) {
    throw new RuleViolation(AwardsRules.expertNotAssigned, `Expert ${command.expertId} is not on entry ${command.entryId}'s panel for round ${command.roundCode}.`, { expertId: command.expertId });
  }
  // The replacement comes from the first draw's recorded pool and criteria, continuing its seed stream.
  const first = panel.draws[0]!;
  const input: PanelDrawInput = {
    seed: first.seed,
    pool: first.pool,
    specialty: first.specialty,
    applicantCode: first.applicantCode,
    builderCode: first.builderCode,
    checkDate: first.checkDate,
    size: 1,
    onPanel: panel.members.filter((m) => m !== command.expertId),
    recused: [...panel.recused, command.expertId],
    startPosition: nextSeedPosition(panel),
  };
  let draw;
  try {
    draw = drawPanel(input);
  } catch (error) {
    if (error instanceof PoolTooSmall) throw poolTooSmall(error, command.entryId);
    throw error;
  }
  const k = key(command);
  return [
    { type: 'AwardExpertRecused', data: { ...k, roundCode: command.roundCode, expertId: command.expertId, reason: command.reason, droppedScore: panel.scores[command.expertId] !== undefined } },
    { type: 'AwardReplacementDrawn', data: { ...k, roundCode: command.roundCode, replaces: command.expertId, draw } },
  ];
}

/** A report, a vote or a decision is recorded after it happened: a date after today's business date is refused. */
function refuseFutureDate(field: string, date: string, context: DecisionContext, what: string): void {
  const today = businessDate(context.now);
  if (date > today) new FieldErrors().add(field, `cannot be after today (${today}): ${what} is recorded on or after the day it happened.`).throwIfAny();
}

function reportSiteInspection(command: Command<'ReportSiteInspection'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const inspectedOn = command.inspectedOn ?? businessDate(context.now);
  refuseFutureDate('inspectedOn', inspectedOn, context, 'an inspection report');
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  const entry = requireSubmitted(state, command.entryId);
  const round = rulebook.rounds.find((r) => r.code === command.roundCode);
  if (round?.kind !== 'SITE_INSPECTION') throw new RuleViolation(AwardsRules.roundNotOpen, `Round ${command.roundCode} is not a site inspection round.`);
  requireOpenRound(edition, command.roundCode);
  if (!state.panels[command.roundCode]?.members.includes(command.inspectorExpertId)) {
    throw new RuleViolation(AwardsRules.expertNotAssigned, `Expert ${command.inspectorExpertId} is not on entry ${command.entryId}'s panel for round ${command.roundCode}.`);
  }
  const employer = facts.inspectorEmployerCode ?? null;
  if (employer !== null && employer === entry.builderCode) {
    throw new RuleViolation(AwardsRules.inspectorFromBuilder, `The inspector works for the builder ${employer}: the site is inspected by someone independent of it.`, { employerCode: employer });
  }
  if (employer !== null && employer === entry.applicantCode) {
    throw new RuleViolation(AwardsRules.inspectorFromApplicant, `The inspector works for the applicant ${employer}.`, { employerCode: employer });
  }
  return [
    {
      type: 'AwardSiteInspected',
      data: {
        ...key(command),
        roundCode: command.roundCode,
        inspectorExpertId: command.inspectorExpertId,
        inspectorEmployerCode: employer,
        reportReference: command.reportReference,
        findings: command.findings,
        passed: command.passed,
        inspectedOn,
      },
    },
  ];
}

function recordAwardVote(command: Command<'RecordAwardVote'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  refuseFutureDate('decision.decidedOn', command.decision.decidedOn, context, "the committee's vote");
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  requireSubmitted(state, command.entryId);
  const voteRound = rulebook.rounds[rulebook.rounds.length - 1]!.code;
  if (openRoundOf(edition) !== voteRound) throw new RuleViolation(AwardsRules.voteNotOpen, `The committee vote (round ${voteRound}) is not open.`);
  if (!entryIsInRound(edition, voteRound, command.entryId)) throw new RuleViolation(AwardsRules.entryNotInRound, `Entry ${command.entryId} did not advance to the committee vote.`);
  if (state.vote) throw new RuleViolation(AwardsRules.voteAlreadyRecorded, `The committee's vote on entry ${command.entryId} is recorded (${state.vote.decision.reference}).`);
  if (command.ballot !== rulebook.votes.ballot) {
    throw new RuleViolation(AwardsRules.ballotModeMismatch, `The rulebook votes by ${rulebook.votes.ballot.toLowerCase()} ballot, not ${command.ballot.toLowerCase()}.`, { ballot: rulebook.votes.ballot });
  }
  const votes = command.decision.votes;
  if (votes === null) throw new RuleViolation(AwardsRules.voteNeedsCounts, 'A committee vote records its counts: entitled, present, for, against, abstaining.');
  return [
    {
      type: 'AwardVoteRecorded',
      data: { ...key(command), roundCode: voteRound, ballot: command.ballot, decision: command.decision, passed: voteCarries(rulebook, votes, rulebook.votes.pass) },
    },
  ];
}

function fileAwardObjection(command: Command<'FileAwardObjection'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition } = requireEdition(facts, command.editionId);
  requireSubmitted(state, command.entryId);
  const today = businessDate(context.now);
  if (!edition.notice || !isNoticeOpenOn(edition.notice, today)) {
    throw new RuleViolation(
      AwardsRules.objectionOutsideNotice,
      edition.notice ? `Objections are filed from ${edition.notice.startsOn} to ${edition.notice.endsOn}; today is ${today}.` : 'The results are not on public notice.',
    );
  }
  if (state.objections.some((o) => o.objectionId === command.objectionId)) return [];
  return [
    {
      type: 'AwardObjectionFiled',
      data: { ...key(command), objectionId: command.objectionId, objector: command.objector, grounds: command.grounds, evidenceReference: command.evidenceReference ?? null, filedOn: today },
    },
  ];
}

function resolveAwardObjection(command: Command<'ResolveAwardObjection'>, state: AwardEntryState, context: DecisionContext): AwardEntryEvent[] {
  const objection = state.objections.find((o) => o.objectionId === command.objectionId);
  if (!objection) throw new RuleViolation(AwardsRules.objectionUnknown, `Entry ${command.entryId} has no objection ${command.objectionId}.`);
  if (objection.resolved) throw new RuleViolation(AwardsRules.objectionAlreadyResolved, `Objection ${command.objectionId} was ${objection.resolved.toLowerCase()}.`);
  return [{ type: 'AwardObjectionResolved', data: { ...key(command), objectionId: command.objectionId, outcome: command.outcome, reasons: command.reasons, resolvedOn: businessDate(context.now) } }];
}

function requireUndecided(state: AwardEntryState, entryId: string): void {
  if (state.granted || state.notGranted) throw new RuleViolation(AwardsRules.alreadyDecided, `Entry ${entryId} has been ${state.granted ? 'awarded' : 'declined'}.`);
}

function grantAward(command: Command<'GrantAward'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const { state: edition, rulebook } = requireEdition(facts, command.editionId);
  requireSubmitted(state, command.entryId);
  requireUndecided(state, command.entryId);
  const today = businessDate(context.now);
  if (!edition.notice) throw new RuleViolation(AwardsRules.noticeNotStarted, 'The results have not been on public notice: an award is issued after its notice.');
  if (!isNoticeOverOn(edition.notice, today)) {
    throw new RuleViolation(AwardsRules.noticeNotEnded, `The notice runs until ${edition.notice.endsOn}: the award is issued from the day after.`, { endsOn: edition.notice.endsOn });
  }
  const open = state.objections.filter((o) => o.resolved === null).map((o) => o.objectionId);
  if (open.length > 0) throw new RuleViolation(AwardsRules.objectionOpen, `Objections ${open.join(', ')} must be resolved first.`, { objections: open });
  const result = edition.notice.results.find((r) => r.entryId === command.entryId);
  const finalRound = finalScoredRound(edition);
  const ranked = (finalRound && edition.rounds[finalRound]?.ranking?.ranking.find((r) => r.entryId === command.entryId)) || null;
  // An entry the ranking put forward but the committee did not carry is refused for its vote, the reason it is not listed.
  if (ranked?.advances) {
    const grade = result?.grade ?? ranked.grade;
    const threshold = voteThresholdFor(rulebook, grade);
    const votes = state.vote?.decision.votes ?? null;
    if (votes === null || !voteCarries(rulebook, votes, threshold)) {
      throw new RuleViolation(AwardsRules.voteBelowThreshold, `The committee's vote does not reach the threshold${grade ? ` for ${grade}` : ''}.`, { threshold, votes });
    }
  }
  if (!result || state.objections.some((o) => o.resolved === 'UPHELD')) {
    throw new RuleViolation(AwardsRules.notInResults, `Entry ${command.entryId} is not in the result list${result ? ' since an objection to it was upheld' : ''}.`);
  }
  return [
    {
      type: 'AwardGranted',
      data: {
        ...key(command),
        certificateNumber: command.certificateNumber,
        category: result.category,
        grade: result.grade,
        amountFen: result.amountFen,
        rank: result.rank,
        awardedOn: today,
        rulebookId: rulebook.rulebookId,
        rulebookVersion: rulebook.version,
      },
    },
  ];
}

function declineAward(command: Command<'DeclineAward'>, state: AwardEntryState, context: DecisionContext): AwardEntryEvent[] {
  requireSubmitted(state, command.entryId);
  requireUndecided(state, command.entryId);
  return [{ type: 'AwardNotGranted', data: { ...key(command), reason: command.reason, decidedOn: businessDate(context.now) } }];
}

function requestAwardRevocation(command: Command<'RequestAwardRevocation'>, state: AwardEntryState, context: DecisionContext): AwardEntryEvent[] {
  if (!state.granted) throw new RuleViolation(AwardsRules.notAwarded, `Entry ${command.entryId} was not awarded: there is nothing to revoke.`);
  if (state.revoked) throw new RuleViolation(AwardsRules.alreadyRevoked, `The award to entry ${command.entryId} was revoked on ${state.revoked.revokedOn}.`);
  if (state.revocationRequest) throw new RuleViolation(AwardsRules.revocationPending, `A revocation of entry ${command.entryId} awaits approval.`);
  if (command.decision === null) {
    throw new RuleViolation(AwardsRules.revocationNeedsDecision, 'A revocation cites the decision that took it: the deciding body, its reference number and date.');
  }
  refuseFutureDate('decision.decidedOn', command.decision.decidedOn, context, 'the decision to revoke');
  return [
    {
      type: 'AwardRevocationRequested',
      data: { ...key(command), grounds: command.grounds, reason: command.reason, decision: command.decision, requestedBy: context.actor.userId, requestedOn: businessDate(context.now) },
    },
  ];
}

function approveAwardRevocation(command: Command<'ApproveAwardRevocation'>, state: AwardEntryState, context: DecisionContext, facts: AwardEntryFacts): AwardEntryEvent[] {
  const request = state.revocationRequest;
  if (!request || !state.granted) throw new RuleViolation(AwardsRules.revocationNotPending, `No revocation of entry ${command.entryId} awaits approval.`);
  if (request.requestedBy === context.actor.userId) {
    throw new RuleViolation(AwardsRules.revocationSelfApproval, `${context.actor.userId} requested this revocation: a second person approves it.`);
  }
  const today = businessDate(context.now);
  // Published as a notice is: not before the decision it cites, and from today or later, never back-dated.
  const days = facts.edition?.opened?.rulebook.noticeDays ?? 1;
  const publication = startPublicNotice({ startsOn: command.publishedOn, resultOn: request.decision.decidedOn, days, now: context.now, field: 'publishedOn' });
  return [
    {
      type: 'AwardRevoked',
      data: {
        ...key(command),
        certificateNumber: state.granted.certificateNumber,
        grounds: request.grounds,
        reason: request.reason,
        decision: request.decision,
        requestedBy: request.requestedBy,
        approvedBy: context.actor.userId,
        revokedOn: today,
        publishedOn: publication.startsOn,
      },
    },
  ];
}

/** The entry decider, given the facts its commands read (the edition, the pool, the eligibility facts). */
export function awardEntryDecider(facts: AwardEntryFacts = {}): Decider<AwardEntryCommand, AwardEntryEvent, AwardEntryState> {
  return {
    initialState: initialAwardEntryState,
    eventTypes: AWARD_ENTRY_EVENT_TYPES,
    evolve: evolveAwardEntry,
    parse: parseAwardEntryCommand,
    personalFields: ['objector'],
    decide(command, state, context) {
      switch (command.type) {
        case 'SubmitAwardEntry':
          return submitAwardEntry(command, state, context, facts);
        case 'CheckAwardEligibility':
          return checkAwardEligibility(command, state, context, facts);
        case 'DrawAwardPanel':
          return drawAwardPanel(command, state, context, facts);
        case 'ScoreAwardEntry':
          return scoreAwardEntry(command, state, context, facts);
        case 'RecuseAwardExpert':
          return recuseAwardExpert(command, state, context, facts);
        case 'ReportSiteInspection':
          return reportSiteInspection(command, state, context, facts);
        case 'RecordAwardVote':
          return recordAwardVote(command, state, context, facts);
        case 'FileAwardObjection':
          return fileAwardObjection(command, state, context, facts);
        case 'ResolveAwardObjection':
          return resolveAwardObjection(command, state, context);
        case 'GrantAward':
          return grantAward(command, state, context, facts);
        case 'DeclineAward':
          return declineAward(command, state, context);
        case 'RequestAwardRevocation':
          return requestAwardRevocation(command, state, context);
        case 'ApproveAwardRevocation':
          return approveAwardRevocation(command, state, context, facts);
      }
    },
  };
}
