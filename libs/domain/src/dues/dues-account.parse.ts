import { calendarDate, checkCreditCode, FieldErrors, type Fen, oneOf, optionalText, requiredText, validDecisionRecord, validFen } from '../shared/index.js';
import type { DuesAccountCommand } from './dues.commands.js';
import { WAIVER_REASONS, type WaiverReason } from './dues.events.js';
import { REASON_MAX, REFERENCE_MAX, validId, validPercent, validReceiptNumber, validYear } from './dues.fields.js';

/** The parse step of a dues account: every field of a command checked at once, before the account is read. */
export function parseDuesAccount<C extends DuesAccountCommand>(command: C): C {
  const errors = new FieldErrors();
  validYear(errors, 'year', command.year);
  const code = checkCreditCode(typeof command.enterpriseCode === 'string' ? command.enterpriseCode : '');
  // A code failing only its check character may be genuine (registered by override): only malformed ones are refused.
  if (code.kind === 'malformed') errors.add('enterpriseCode', `The unified social credit code ${code.reason}.`);
  const parsed = parseFields(errors, command);
  errors.throwIfAny();
  return parsed as C;
}

/** A date a command may leave out (the decision then takes today): checked when given. */
function optionalDate(errors: FieldErrors, field: string, value: string | null | undefined): string | null {
  return value == null ? null : calendarDate(errors, field, value);
}

function parseFields(errors: FieldErrors, command: DuesAccountCommand): DuesAccountCommand {
  switch (command.type) {
    case 'IssueDuesInvoice':
      return command;
    case 'RecordDuesPayment':
      return {
        ...command,
        receiptNumber: validReceiptNumber(errors, 'receiptNumber', command.receiptNumber),
        amountFen: validFen(errors, 'amountFen', command.amountFen, { positive: true }),
        paidOn: optionalDate(errors, 'paidOn', command.paidOn),
      };
    case 'RequestDuesWaiver': {
      const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
      const full = command.full === true;
      let amountFen: Fen | null = null;
      if (full && command.amountFen != null) errors.add('amountFen', 'Give an amount or ask for a full waiver, not both.');
      else if (!full && command.amountFen == null) errors.add('amountFen', 'Give the amount to waive in fen, or ask for a full waiver.');
      else if (!full) amountFen = validFen(errors, 'amountFen', command.amountFen, { positive: true });
      const reasonCategory = oneOf(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS);
      const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' });
      const evidenceReference =
        optionalText(errors, 'evidenceReference', command.evidenceReference, { max: REFERENCE_MAX, label: 'The evidence reference' }) ?? null;
      return { ...command, waiverId, full, amountFen, reasonCategory, reason, evidenceReference };
    }
    case 'ApproveDuesWaiver':
      return {
        ...command,
        waiverId: validId(errors, 'waiverId', command.waiverId, 'The waiver id'),
        note: optionalText(errors, 'note', command.note, { multiline: true, max: REASON_MAX, label: 'The note' }) ?? null,
      };
    case 'RejectDuesWaiver':
      return {
        ...command,
        waiverId: validId(errors, 'waiverId', command.waiverId, 'The waiver id'),
        reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }),
      };
    case 'RevokeDuesWaiver':
      return {
        ...command,
        waiverId: validId(errors, 'waiverId', command.waiverId, 'The waiver id'),
        reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }),
        amountFen: command.amountFen == null ? null : validFen(errors, 'amountFen', command.amountFen, { positive: true }),
        effectiveFrom: optionalDate(errors, 'effectiveFrom', command.effectiveFrom),
      };
    case 'GrantPolicyWaiver':
      return {
        ...command,
        waiverId: validId(errors, 'waiverId', command.waiverId, 'The waiver id'),
        policyId: validId(errors, 'policyId', command.policyId, 'The policy id'),
        percent: validPercent(errors, 'percent', command.percent, 0),
        reasonCategory: oneOf<WaiverReason>(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS),
        reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }),
        decision: validDecisionRecord(errors, 'decision', command.decision),
      };
  }
}
