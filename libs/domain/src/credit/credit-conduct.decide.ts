import { calendarDate as date, type Decider, type DecisionContext, FieldErrors, matches, oneOf, requiredText, RuleViolation, wholeNumber } from '../shared/index.js';
import type { CreditConductCommand, RecordCreditConduct, ShortenCreditConductDisclosure } from './credit.commands.js';
import { addMonths } from './credit.dates.js';
import { CreditRules } from './credit.errors.js';
import { CONDUCT_KINDS, CONDUCT_SEVERITIES, conductRecordKey, CREDIT_CONDUCT_EVENT_TYPES, type CreditConductEvent } from './credit.events.js';
import { type CreditConductState, evolveCreditConduct, initialCreditConductState } from './credit.state.js';
import { CODE, ID, SUBJECT, TEXT_MAX } from './credit.fields.js';

// The subject's conduct stream: records of good and adverse conduct, and disclosure shortened on rectification.

/** A conduct record is disclosed for this many months, at the least and at the most. */
export const DISCLOSURE_MIN_MONTHS = 6;
export const DISCLOSURE_MAX_MONTHS = 36;
/** Proven rectification may shorten disclosure, never below this. */
export const SHORTENED_DISCLOSURE_MIN_MONTHS = 3;

/** The parse step: every field of a conduct command checked at once, before the subject's stream is read. */
export function parseCreditConduct(command: CreditConductCommand): CreditConductCommand {
  const errors = new FieldErrors();
  matches(errors, 'associationId', command.associationId, ID, 'must be lowercase letters, digits and hyphens.');
  matches(errors, 'recordId', command.recordId, /^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or hyphens.');
  if (command.type === 'RecordCreditConduct') {
    matches(errors, 'subjectId', command.subjectId, SUBJECT, 'must be a credit code or identity number (6 to 32 letters and digits).');
    const parsed: RecordCreditConduct = {
      ...command,
      code: matches(errors, 'code', command.code, CODE, 'must be upper-case letters, digits and underscores.'),
      kind: oneOf(errors, 'kind', command.kind, CONDUCT_KINDS),
      severity: oneOf(errors, 'severity', command.severity, CONDUCT_SEVERITIES),
      occurredOn: date(errors, 'occurredOn', command.occurredOn),
      sourceAuthority: requiredText(errors, 'sourceAuthority', command.sourceAuthority, { max: 200, label: 'The source authority' }),
      disclosureMonths: wholeNumber(errors, 'disclosureMonths', command.disclosureMonths, DISCLOSURE_MIN_MONTHS, DISCLOSURE_MAX_MONTHS),
      penaltyMonths: command.penaltyMonths == null ? null : wholeNumber(errors, 'penaltyMonths', command.penaltyMonths, 0, 600),
      evidenceReference: requiredText(errors, 'evidenceReference', command.evidenceReference, { max: 500, label: 'The evidence reference' }),
      description: requiredText(errors, 'description', command.description, { multiline: true, max: TEXT_MAX, label: 'The description' }),
    };
    errors.throwIfAny();
    return parsed;
  }
  const parsed: ShortenCreditConductDisclosure = {
    ...command,
    disclosureMonths: Number.isInteger(command.disclosureMonths) ? command.disclosureMonths : (errors.add('disclosureMonths', 'must be a whole number of months.'), 0),
    rectificationEvidence: requiredText(errors, 'rectificationEvidence', command.rectificationEvidence, { multiline: true, max: 500, label: 'The rectification evidence' }),
  };
  errors.throwIfAny();
  return parsed;
}

/** The rules of a parsed conduct command against the subject's record. */
export function decideCreditConduct(command: CreditConductCommand, state: CreditConductState, _context: DecisionContext): CreditConductEvent[] {
  const key = conductRecordKey(command.associationId, command.recordId);
  return command.type === 'RecordCreditConduct' ? recordConduct(command, state, key) : shortenDisclosure(command, state, key);
}

function recordConduct(command: RecordCreditConduct, state: CreditConductState, key: string): CreditConductEvent[] {
  const { code, occurredOn, disclosureMonths } = command;
  const penaltyMonths = command.penaltyMonths ?? null;
  const existing = state.records.get(key);
  if (existing) {
    if (existing.code === code && existing.occurredOn === occurredOn) return [];
    throw new RuleViolation(CreditRules.conductRecordExists, `Conduct record ${command.recordId} is already on the record with other content.`);
  }
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
  if (months < SHORTENED_DISCLOSURE_MIN_MONTHS) {
    throw new RuleViolation(CreditRules.disclosureBelowMinimum, `Disclosure can be shortened after rectification to no less than ${SHORTENED_DISCLOSURE_MIN_MONTHS} months, not ${months}.`);
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

export const creditConductDecider: Decider<CreditConductCommand, CreditConductEvent, CreditConductState> = {
  initialState: initialCreditConductState,
  eventTypes: CREDIT_CONDUCT_EVENT_TYPES,
  evolve: evolveCreditConduct,
  parse: parseCreditConduct,
  decide: decideCreditConduct,
};
