import {
  checkCreditCode,
  type DecisionRecord,
  FieldErrors,
  isIsoDate,
  MEMBERSHIP_CERTIFICATE_RULE,
  oneOf,
  optionalText,
  requiredText,
  validDecisionRecord,
  validDocumentNumber,
} from '../shared/index.js';
import type {
  AdmitMember,
  ApplyForMembership,
  ChangeMembershipTier,
  DeemMembershipWithdrawn,
  ExpelMember,
  MembershipCommand,
  Parsed,
  ParsedMembershipCommand,
  RecordMembershipReminder,
  RejectApplication,
  ReinstateMembership,
  SanctionMember,
  SuspendMembership,
  WithCheckedDecision,
  WithdrawMembership,
} from './membership.commands.js';
import { ADMISSION_TIERS, MEMBERSHIP_TIERS, SANCTION_KINDS } from './membership.events.js';
import { optionalDate, REASON_MAX } from './membership.fields.js';

/*
 * The parse step of the membership stream: every field of a command checked at once (an InvalidInput with all field
 * errors) and returned normalised, before the command layer reads any stream. Defaults that need the clock (today's
 * date for a date left out) are the decider's.
 */

/** Runs one command's field rules and throws all their errors together. */
function parsed<C, P>(command: C, fields: (errors: FieldErrors, command: C) => P): P {
  const errors = new FieldErrors();
  const result = fields(errors, command);
  errors.throwIfAny();
  return result;
}

export function parseMembershipCommand(command: MembershipCommand): ParsedMembershipCommand {
  return parsed(command, membershipFields);
}

export function parseAdmitMember(command: AdmitMember): Parsed<'AdmitMember'> {
  return parsed(command, admissionFields);
}

/** The fields a tier change is sent with, whichever fact of the council term it carries. */
export type TierChangeFields = Pick<ChangeMembershipTier, 'tier' | 'effectiveFrom' | 'decision'>;

export function parseTierChange<C extends TierChangeFields>(command: C): WithCheckedDecision<C> {
  return parsed(command, tierChangeFields);
}

export function parseMembershipEnding(
  command: WithdrawMembership | DeemMembershipWithdrawn | ExpelMember,
): Parsed<'WithdrawMembership' | 'DeemMembershipWithdrawn' | 'ExpelMember'> {
  return parsed(command, (errors, ending) => {
    switch (ending.type) {
      case 'WithdrawMembership':
        return withdrawalFields(errors, ending);
      case 'DeemMembershipWithdrawn':
        return deemedWithdrawalFields(errors, ending);
      case 'ExpelMember':
        return { ...ending, ...decidedActFields(errors, ending) };
    }
  });
}

function membershipFields(errors: FieldErrors, command: MembershipCommand): ParsedMembershipCommand {
  switch (command.type) {
    case 'ApplyForMembership':
      return applicationFields(errors, command);
    case 'AdmitMember':
      return admissionFields(errors, command);
    case 'RejectApplication':
      return rejectionFields(errors, command);
    case 'ChangeMembershipTier':
      return tierChangeFields(errors, command);
    case 'SanctionMember':
      return sanctionFields(errors, command);
    case 'SuspendMembership':
    case 'ReinstateMembership':
    case 'ExpelMember':
      return { ...command, ...decidedActFields(errors, command) };
    case 'RecordMembershipReminder':
      return reminderFields(errors, command);
    case 'WithdrawMembership':
      return withdrawalFields(errors, command);
    case 'DeemMembershipWithdrawn':
      return deemedWithdrawalFields(errors, command);
  }
}

function applicationFields(errors: FieldErrors, command: ApplyForMembership): ApplyForMembership {
  const check = checkCreditCode(typeof command.enterpriseCode === 'string' ? command.enterpriseCode : '');
  if (check.kind === 'malformed') errors.add('enterpriseCode', `The unified social credit code ${check.reason}.`);
  return {
    ...command,
    appliedOn: optionalDate(errors, 'appliedOn', command.appliedOn),
    note: optionalText(errors, 'note', command.note, { multiline: true, max: REASON_MAX, label: 'The note' }) ?? null,
  };
}

function admissionFields(errors: FieldErrors, command: AdmitMember): Parsed<'AdmitMember'> {
  if (!ADMISSION_TIERS.includes(command.tier)) {
    errors.add('tier', 'A new member is admitted as MEMBER or RESERVE; higher tiers follow by a council or general-assembly vote.');
  }
  const certificateNumber = validDocumentNumber(errors, 'certificateNumber', command.certificateNumber, MEMBERSHIP_CERTIFICATE_RULE);
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  const admittedOn = optionalDate(errors, 'admittedOn', command.admittedOn);
  return { ...command, certificateNumber, decision, admittedOn };
}

function rejectionFields(errors: FieldErrors, command: RejectApplication): Parsed<'RejectApplication'> {
  const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' });
  const rejectedOn = optionalDate(errors, 'rejectedOn', command.rejectedOn);
  const decision = command.decision == null ? null : validDecisionRecord(errors, 'decision', command.decision);
  return { ...command, reason, rejectedOn, decision };
}

function tierChangeFields<C extends TierChangeFields>(errors: FieldErrors, command: C): WithCheckedDecision<C> {
  const tier = oneOf(errors, 'tier', command.tier, MEMBERSHIP_TIERS);
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  const effectiveFrom = optionalDate(errors, 'effectiveFrom', command.effectiveFrom);
  return { ...command, tier, decision, effectiveFrom };
}

function sanctionFields(errors: FieldErrors, command: SanctionMember): Parsed<'SanctionMember'> {
  const kind = oneOf(errors, 'kind', command.kind, SANCTION_KINDS);
  return { ...command, kind, ...decidedActFields(errors, command) };
}

/** A decision on a member: its reason, the date it takes effect and the decision it cites. */
function decidedActFields(
  errors: FieldErrors,
  command: SanctionMember | SuspendMembership | ReinstateMembership | ExpelMember,
): { readonly reason: string; readonly effectiveFrom: string | null; readonly decision: DecisionRecord } {
  const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' });
  const effectiveFrom = optionalDate(errors, 'effectiveFrom', command.effectiveFrom);
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  return { reason, effectiveFrom, decision };
}

function reminderFields(errors: FieldErrors, command: RecordMembershipReminder): RecordMembershipReminder {
  const sentOn = optionalDate(errors, 'sentOn', command.sentOn);
  const unpaidYears = validYears(errors, 'unpaidYears', command.unpaidYears);
  const graceDays = command.graceDays ?? command.charterGraceDays;
  if (!Number.isInteger(graceDays) || graceDays < 1 || graceDays > 365) {
    errors.add('graceDays', 'The grace period is a whole number of days from 1 to 365.');
  }
  return { ...command, sentOn, unpaidYears, graceDays };
}

/** The unpaid years a reminder cites: at least one, four digits each; returned once each, in order. */
function validYears(errors: FieldErrors, field: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add(field, 'Name at least one year whose dues are unpaid.');
    return [];
  }
  const years = value.filter((y): y is number => Number.isInteger(y) && y >= 1990 && y <= 2200);
  if (years.length !== value.length) errors.add(field, 'Years are written as four digits, e.g. 2024.');
  return [...new Set(years)].sort((a, b) => a - b);
}

function withdrawalFields(errors: FieldErrors, command: WithdrawMembership): WithdrawMembership {
  const noticeDate = typeof command.noticeDate === 'string' ? command.noticeDate : '';
  if (!isIsoDate(noticeDate)) errors.add('noticeDate', 'The date of the written notice is required, written YYYY-MM-DD.');
  const effectiveFrom = optionalDate(errors, 'effectiveFrom', command.effectiveFrom);
  if (effectiveFrom !== null && isIsoDate(effectiveFrom) && isIsoDate(noticeDate) && effectiveFrom < noticeDate) {
    errors.add('effectiveFrom', 'A withdrawal takes effect on or after the date of the written notice.');
  }
  const reason = optionalText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }) ?? null;
  return { ...command, noticeDate, effectiveFrom, reason };
}

/** The unpaid years and the charter's number of them are facts; only the date is the sender's. */
function deemedWithdrawalFields(errors: FieldErrors, command: DeemMembershipWithdrawn): DeemMembershipWithdrawn {
  return { ...command, effectiveFrom: optionalDate(errors, 'effectiveFrom', command.effectiveFrom) };
}
