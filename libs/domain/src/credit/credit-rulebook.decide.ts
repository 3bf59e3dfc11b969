import { calendarDate as date, type Decider, type DecisionContext, DEFAULT_NOTICE_DAYS, FieldErrors, matches, NotFound, oneOf, requiredText, RuleViolation, wholeNumber } from '../shared/index.js';
import type { AmendCreditRulebookVersion, CreditRulebookCommand, DefineCreditRulebookVersion, PinCreditRulebookVersion, RulebookBody } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { CREDIT_RULEBOOK_EVENT_TYPES, type CreditRulebookEvent } from './credit.events.js';
import { DYNAMIC_ACTIONS, type RulebookVersion, SCORING_BODIES, SUBJECT_KINDS, VETO_EFFECTS } from './credit.rulebook.js';
import { type CreditRulebookState, evolveCreditRulebook, initialCreditRulebookState } from './credit.state.js';
import { CODE, ID, TEXT_MAX } from './credit.fields.js';

// The rulebook stream: versions defined, amended while unused, pinned by the cycles that use them.

/** Validates a rulebook version field by field; returns it normalised (version filled in by the caller). */
export function validRulebook(command: RulebookBody, version: number): RulebookVersion {
  const errors = new FieldErrors();
  const body = checkRulebookBody(errors, command);
  errors.throwIfAny();
  return rulebookVersionOf(body, version);
}

/** A rulebook body's field rules, each wrong field added to `errors`; the body normalised. */
function checkRulebookBody(errors: FieldErrors, command: RulebookBody): Omit<RulebookVersion, 'version'> {
  matches(errors, 'associationId', command.associationId, ID, 'must be lowercase letters, digits and hyphens.');
  matches(errors, 'rulebookId', command.rulebookId, ID, 'must be lowercase letters, digits and hyphens.');
  const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
  const referenceNumber = requiredText(errors, 'referenceNumber', command.referenceNumber, { max: 100, label: 'The reference number' });
  const effectiveFrom = date(errors, 'effectiveFrom', command.effectiveFrom);
  const effectiveTo = command.effectiveTo == null ? null : date(errors, 'effectiveTo', command.effectiveTo);
  if (effectiveTo && effectiveFrom && effectiveTo < effectiveFrom) errors.add('effectiveTo', 'cannot be before effectiveFrom.');
  const subjectKind = oneOf(errors, 'subjectKind', command.subjectKind, SUBJECT_KINDS);
  const indicators = (command.indicators ?? []).map((i, n) => {
    const p = `indicators.${n}`;
    return {
      code: matches(errors, `${p}.code`, i.code, CODE, 'must be upper-case letters, digits and underscores.'),
      name: requiredText(errors, `${p}.name`, i.name, { max: 200, label: 'The indicator name' }),
      category: requiredText(errors, `${p}.category`, i.category, { max: 100, label: 'The category' }),
      maxPoints: wholeNumber(errors, `${p}.maxPoints`, i.maxPoints, 1, 1000),
      body: oneOf(errors, `${p}.body`, i.body, SCORING_BODIES),
      evidenceRequired: i.evidenceRequired === true,
    };
  });
  if (indicators.length === 0) errors.add('indicators', 'a rulebook needs at least one indicator.');
  if (new Set(indicators.map((i) => i.code)).size !== indicators.length) errors.add('indicators', 'indicator codes must be distinct.');
  const maxTotal = indicators.reduce((s, i) => s + i.maxPoints, 0);
  const thresholds = (command.thresholds ?? []).map((t, n) => ({
    grade: matches(errors, `thresholds.${n}.grade`, t.grade, /^[A-Z+-]{1,8}$/, 'must be a grade such as AAA, AA, A or B.'),
    minPoints: wholeNumber(errors, `thresholds.${n}.minPoints`, t.minPoints, 0, 100000),
  }));
  if (thresholds.length === 0) errors.add('thresholds', 'a rulebook needs at least one grade threshold.');
  const sorted = [...thresholds].sort((a, b) => b.minPoints - a.minPoints);
  if (new Set(thresholds.map((t) => t.minPoints)).size !== thresholds.length || new Set(thresholds.map((t) => t.grade)).size !== thresholds.length) {
    errors.add('thresholds', 'each grade and each minimum must appear once.');
  }
  if (sorted[0] && maxTotal > 0 && sorted[0].minPoints > maxTotal) errors.add('thresholds', `the best grade needs more points than the indicators can give (${maxTotal}).`);
  const grades = new Set(thresholds.map((t) => t.grade));
  const vetoRules = (command.vetoRules ?? []).map((v, n) => {
    const effect = oneOf(errors, `vetoRules.${n}.effect`, v.effect, VETO_EFFECTS);
    const capGrade = effect === 'CAP' ? (v.capGrade ?? null) : null;
    if (effect === 'CAP' && (capGrade === null || !grades.has(capGrade))) errors.add(`vetoRules.${n}.capGrade`, 'a cap names one of the rulebook grades.');
    return { conductCode: matches(errors, `vetoRules.${n}.conductCode`, v.conductCode, CODE, 'must be upper-case letters, digits and underscores.'), effect, capGrade };
  });
  const dynamicRules = (command.dynamicRules ?? []).map((r, n) => {
    const action = oneOf(errors, `dynamicRules.${n}.action`, r.action, DYNAMIC_ACTIONS);
    const levels = action === 'DOWNGRADE' ? wholeNumber(errors, `dynamicRules.${n}.levels`, r.levels, 1, 10) : null;
    return { conductCode: matches(errors, `dynamicRules.${n}.conductCode`, r.conductCode, CODE, 'must be upper-case letters, digits and underscores.'), action, levels };
  });
  if (new Set(dynamicRules.map((r) => r.conductCode)).size !== dynamicRules.length) errors.add('dynamicRules', 'one rule per conduct code.');
  const validityYears = wholeNumber(errors, 'validityYears', command.validityYears, 1, 5);
  const noticeDays = command.noticeDays == null ? DEFAULT_NOTICE_DAYS : wholeNumber(errors, 'noticeDays', command.noticeDays, 1, 60);
  return {
    associationId: command.associationId,
    rulebookId: command.rulebookId,
    title,
    referenceNumber,
    effectiveFrom,
    effectiveTo,
    subjectKind,
    indicators,
    thresholds: sorted,
    validityYears,
    noticeDays,
    vetoRules,
    dynamicRules,
  };
}

/** A parsed rulebook body as the version it defines (the field order the events have always had). */
function rulebookVersionOf(body: Omit<RulebookVersion, 'version'> | RulebookBody, version: number): RulebookVersion {
  return {
    associationId: body.associationId,
    rulebookId: body.rulebookId,
    version,
    title: body.title,
    referenceNumber: body.referenceNumber,
    effectiveFrom: body.effectiveFrom,
    effectiveTo: body.effectiveTo ?? null,
    subjectKind: body.subjectKind,
    indicators: body.indicators,
    thresholds: body.thresholds,
    validityYears: body.validityYears,
    noticeDays: body.noticeDays ?? DEFAULT_NOTICE_DAYS,
    vetoRules: body.vetoRules ?? [],
    dynamicRules: body.dynamicRules ?? [],
  };
}

/** The parse step: a new rulebook version's fields (an amendment's reason) checked at once, before the stream is read. */
export function parseCreditRulebook(command: CreditRulebookCommand): CreditRulebookCommand {
  if (command.type === 'PinCreditRulebookVersion') return command;
  const errors = new FieldErrors();
  if (command.type === 'AmendCreditRulebookVersion') {
    // An amendment's body is checked by decide, after the version is found and not in use: a pinned version is
    // refused as in use (CREDIT_RULEBOOK_VERSION_IN_USE) whatever the new body holds.
    const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' });
    errors.throwIfAny();
    return { ...command, reason };
  }
  const body = checkRulebookBody(errors, command);
  errors.throwIfAny();
  return { ...command, ...body };
}

/** The rules of a parsed rulebook command against the rulebook's versions. */
export function decideCreditRulebook(command: CreditRulebookCommand, state: CreditRulebookState, _context: DecisionContext): CreditRulebookEvent[] {
  switch (command.type) {
    case 'DefineCreditRulebookVersion':
      return defineVersion(command, state);
    case 'AmendCreditRulebookVersion':
      return amendVersion(command, state);
    case 'PinCreditRulebookVersion':
      return pinVersion(command, state);
  }
}

function defineVersion(command: DefineCreditRulebookVersion, state: CreditRulebookState): CreditRulebookEvent[] {
  return [{ type: 'CreditRulebookVersionDefined', data: rulebookVersionOf(command, state.versions.length + 1) }];
}

function amendVersion(command: AmendCreditRulebookVersion, state: CreditRulebookState): CreditRulebookEvent[] {
  const existing = state.versions.find((v) => v.rulebook.version === command.version);
  if (!existing) throw new NotFound('Rulebook version', `${command.rulebookId} v${command.version}`);
  if (existing.pinnedBy.length > 0) {
    throw new RuleViolation(
      CreditRules.rulebookVersionInUse,
      `Version ${command.version} of rulebook ${command.rulebookId} is in use by cycle ${existing.pinnedBy.join(', ')} and can no longer change: define a new version.`,
      { version: command.version, cycles: existing.pinnedBy },
    );
  }
  return [{ type: 'CreditRulebookVersionAmended', data: { ...validRulebook(command, command.version), reason: command.reason } }];
}

function pinVersion(command: PinCreditRulebookVersion, state: CreditRulebookState): CreditRulebookEvent[] {
  const existing = state.versions.find((v) => v.rulebook.version === command.version);
  if (!existing) {
    throw new RuleViolation(CreditRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.version}.`, { version: command.version });
  }
  if (existing.pinnedBy.includes(command.cycleId)) return [];
  const { associationId, rulebookId, version, cycleId } = command;
  return [{ type: 'CreditRulebookVersionPinned', data: { associationId, rulebookId, version, cycleId } }];
}

export const creditRulebookDecider: Decider<CreditRulebookCommand, CreditRulebookEvent, CreditRulebookState> = {
  initialState: initialCreditRulebookState,
  eventTypes: CREDIT_RULEBOOK_EVENT_TYPES,
  evolve: evolveCreditRulebook,
  parse: parseCreditRulebook,
  decide: decideCreditRulebook,
};
