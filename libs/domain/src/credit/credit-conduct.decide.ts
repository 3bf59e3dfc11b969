import { calendarDate as date, type Decider, type DecisionContext, FieldErrors, matches, oneOf, requiredText, RuleViolation, wholeNumber } from '../shared/index.js';
import { isPersonId } from '../persons/persons.events.js';
import type { PersonState } from '../persons/persons.state.js';
import type { CreditConductCommand, RecordCreditConduct, ShortenCreditConductDisclosure } from './credit.commands.js';
import { addMonths } from './credit.dates.js';
import { CreditRules } from './credit.errors.js';
import { CONDUCT_KINDS, CONDUCT_SEVERITIES, type ConductKind, conductRecordKey, CREDIT_CONDUCT_EVENT_TYPES, type CreditConductEvent } from './credit.events.js';
import { type CreditConductState, evolveCreditConduct, initialCreditConductState } from './credit.state.js';
import { CODE, ID, identityCardRefusal, subjectId, TEXT_MAX } from './credit.fields.js';

// The subject's conduct stream: records of good and adverse conduct, and disclosure shortened on rectification.

/**
 * Disclosure periods of the construction-market credit rules (建筑市场信用管理暂行办法): an adverse record (不良) is
 * disclosed for 6 months to 3 years and not shorter than the penalty; a good record (良好) for 3 years.
 */
export const DISCLOSURE_MIN_MONTHS = 6;
export const DISCLOSURE_MAX_MONTHS = 36;
export const GOOD_DISCLOSURE_MONTHS = 36;
/** Proven rectification may shorten an adverse record's disclosure, never below the 6-month minimum. */
export const SHORTENED_DISCLOSURE_MIN_MONTHS = DISCLOSURE_MIN_MONTHS;

/** What a conduct decision needs from outside the subject's stream: for a person, their standing in the persons register. */
export interface CreditConductFacts {
  readonly person?: PersonState['status'];
}

function disclosureMonths(errors: FieldErrors, kind: ConductKind, value: unknown): number {
  if (kind === 'GOOD') {
    if (value !== GOOD_DISCLOSURE_MONTHS) errors.add('disclosureMonths', `must be ${GOOD_DISCLOSURE_MONTHS}: a good-credit record (良好) is disclosed for 3 years.`);
    return GOOD_DISCLOSURE_MONTHS;
  }
  if (!Number.isInteger(value) || (value as number) < DISCLOSURE_MIN_MONTHS || (value as number) > DISCLOSURE_MAX_MONTHS) {
    errors.add(
      'disclosureMonths',
      `must be a whole number from ${DISCLOSURE_MIN_MONTHS} to ${DISCLOSURE_MAX_MONTHS}: an adverse record (不良) is disclosed for 6 months to 3 years.`,
    );
    return DISCLOSURE_MIN_MONTHS;
  }
  return value as number;
}

/** The parse step: every field of a conduct command checked at once, before the subject's stream is read. */
export function parseCreditConduct(command: CreditConductCommand): CreditConductCommand {
  const errors = new FieldErrors();
  matches(errors, 'associationId', command.associationId, ID, 'must be lowercase letters, digits and hyphens.');
  matches(errors, 'recordId', command.recordId, /^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or hyphens.');
  if (command.type === 'RecordCreditConduct') {
    subjectId(errors, 'subjectId', command.subjectId);
    const kind = oneOf(errors, 'kind', command.kind, CONDUCT_KINDS);
    const parsed: RecordCreditConduct = {
      ...command,
      code: matches(errors, 'code', command.code, CODE, 'must be upper-case letters, digits and underscores.'),
      kind,
      severity: oneOf(errors, 'severity', command.severity, CONDUCT_SEVERITIES),
      occurredOn: date(errors, 'occurredOn', command.occurredOn),
      sourceAuthority: requiredText(errors, 'sourceAuthority', command.sourceAuthority, { max: 200, label: 'The source authority' }),
      disclosureMonths: disclosureMonths(errors, kind, command.disclosureMonths),
      penaltyMonths: command.penaltyMonths == null ? null : wholeNumber(errors, 'penaltyMonths', command.penaltyMonths, 0, 600),
      evidenceReference: requiredText(errors, 'evidenceReference', command.evidenceReference, { max: 500, label: 'The evidence reference' }),
      description: requiredText(errors, 'description', command.description, { multiline: true, max: TEXT_MAX, label: 'The description' }),
    };
    errors.throwIfAny();
    return parsed;
  }
  const identityCard = identityCardRefusal('subjectId', command.subjectId);
  if (identityCard) errors.add(identityCard.field, identityCard.message);
  const parsed: ShortenCreditConductDisclosure = {
    ...command,
    disclosureMonths: Number.isInteger(command.disclosureMonths) ? command.disclosureMonths : (errors.add('disclosureMonths', 'must be a whole number of months.'), 0),
    rectificationEvidence: requiredText(errors, 'rectificationEvidence', command.rectificationEvidence, { multiline: true, max: 500, label: 'The rectification evidence' }),
  };
  errors.throwIfAny();
  return parsed;
}

/** A person is recorded against only while registered: the register id must name a person the register holds. */
function requireRegisteredPerson(subject: string, facts: CreditConductFacts): void {
  if (!isPersonId(subject)) return;
  if (facts.person === 'ERASED') throw new RuleViolation(CreditRules.subjectErased, `Person ${subject} was erased from the persons register.`);
  if (facts.person !== 'REGISTERED') {
    throw new RuleViolation(CreditRules.subjectNotRegistered, `Person ${subject} is not in the persons register: register the person first with registerPerson.`);
  }
}

/** The rules of a parsed conduct command against the subject's record. */
export function decideCreditConduct(
  command: CreditConductCommand,
  state: CreditConductState,
  _context: DecisionContext,
  facts: CreditConductFacts = {},
): CreditConductEvent[] {
  const key = conductRecordKey(command.associationId, command.recordId);
  return command.type === 'RecordCreditConduct' ? recordConduct(command, state, key, facts) : shortenDisclosure(command, state, key);
}

function recordConduct(command: RecordCreditConduct, state: CreditConductState, key: string, facts: CreditConductFacts): CreditConductEvent[] {
  const { code, occurredOn, disclosureMonths } = command;
  const penaltyMonths = command.penaltyMonths ?? null;
  const existing = state.records.get(key);
  if (existing) {
    if (existing.code === code && existing.occurredOn === occurredOn) return [];
    throw new RuleViolation(CreditRules.conductRecordExists, `Conduct record ${command.recordId} is already on the record with other content.`);
  }
  requireRegisteredPerson(command.subjectId, facts);
  if (penaltyMonths !== null && disclosureMonths < penaltyMonths) {
    throw new RuleViolation(
      CreditRules.disclosureShorterThanPenalty,
      `The disclosure period (${disclosureMonths} months) cannot be shorter than the penalty (${penaltyMonths} months).`,
    );
  }
  return [
    {
      type: 'CreditConductRecorded',
      data: {
        associationId: command.associationId,
        subjectId: command.subjectId,
        recordId: command.recordId,
        code,
        kind: command.kind,
        severity: command.severity,
        occurredOn,
        sourceAuthority: command.sourceAuthority,
        disclosureMonths,
        penaltyMonths,
        disclosureUntil: addMonths(occurredOn, disclosureMonths),
        evidenceReference: command.evidenceReference,
        description: command.description,
      },
    },
  ];
}

function shortenDisclosure(command: ShortenCreditConductDisclosure, state: CreditConductState, key: string): CreditConductEvent[] {
  const months = command.disclosureMonths;
  const record = state.records.get(key);
  if (!record) {
    throw new RuleViolation(CreditRules.conductRecordUnknown, `Conduct record ${command.recordId} of ${command.associationId} is not on ${command.subjectId}'s record.`);
  }
  if (record.kind === 'GOOD') {
    throw new RuleViolation(CreditRules.disclosureFixedForGoodRecord, `Conduct record ${command.recordId} is a good-credit record: it is disclosed for 3 years, which rectification does not shorten.`);
  }
  if (months < SHORTENED_DISCLOSURE_MIN_MONTHS) {
    throw new RuleViolation(CreditRules.disclosureBelowMinimum, `Disclosure can be shortened after rectification to no less than ${SHORTENED_DISCLOSURE_MIN_MONTHS} months, not ${months}.`);
  }
  if (record.penaltyMonths !== null && months < record.penaltyMonths) {
    throw new RuleViolation(
      CreditRules.disclosureShorterThanPenalty,
      `The disclosure period (${months} months) cannot be shorter than the penalty (${record.penaltyMonths} months).`,
    );
  }
  if (months >= record.disclosureMonths) {
    if (months === record.disclosureMonths) return [];
    throw new RuleViolation(CreditRules.disclosureNotShorter, `The disclosure period is ${record.disclosureMonths} months; ${months} is not shorter.`);
  }
  return [
    {
      type: 'CreditConductDisclosureShortened',
      data: {
        associationId: command.associationId,
        subjectId: command.subjectId,
        recordId: command.recordId,
        fromMonths: record.disclosureMonths,
        toMonths: months,
        disclosureUntil: addMonths(record.occurredOn, months),
        rectificationEvidence: command.rectificationEvidence,
      },
    },
  ];
}

/** The conduct decider with the facts the command layer loaded (a person's standing, for a person's record). */
export function creditConductDeciderWith(facts: CreditConductFacts): Decider<CreditConductCommand, CreditConductEvent, CreditConductState> {
  return {
    initialState: initialCreditConductState,
    eventTypes: CREDIT_CONDUCT_EVENT_TYPES,
    evolve: evolveCreditConduct,
    parse: parseCreditConduct,
    decide: (command, state, context) => decideCreditConduct(command, state, context, facts),
  };
}

/** With no facts: a record of a person is refused (not known to be registered); an enterprise's is decided as ever. */
export const creditConductDecider = creditConductDeciderWith({});
