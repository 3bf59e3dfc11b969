import { type DecisionContext, type Decider, FieldErrors, RuleViolation } from '../shared/index.js';
import type { ReceiptCommand } from './dues.commands.js';
import { DuesRules } from './dues.errors.js';
import { RECEIPT_EVENT_TYPES, type ReceiptEvent } from './dues.events.js';
import { evolveReceipt, initialReceiptState, type ReceiptState } from './dues.state.js';
import { validYear, validReceiptNumber } from './dues.fields.js';

// A receipt number stream: claimed once, by the payment it records (ADR 0012).

/** The parse step: the receipt number (normalised) and the year, before the receipt stream is read. */
export function parseReceipt(command: ReceiptCommand): ReceiptCommand {
  const errors = new FieldErrors();
  const receiptNumber = validReceiptNumber(errors, 'receiptNumber', command.receiptNumber);
  validYear(errors, 'year', command.year);
  errors.throwIfAny();
  return { ...command, receiptNumber };
}

/** A receipt number is claimed once in the association. */
export function decideReceipt(command: ReceiptCommand, state: ReceiptState, _context: DecisionContext): ReceiptEvent[] {
  const { receiptNumber } = command;
  if (state.status === 'reserved') {
    throw new RuleViolation(
      DuesRules.receiptDuplicate,
      `Receipt ${receiptNumber} is already used for the dues of ${state.enterpriseCode} for ${state.year}: every receipt number may be used once in the association.`,
      { receiptNumber, enterpriseCode: state.enterpriseCode, year: state.year },
    );
  }
  return [
    {
      type: 'DuesReceiptReserved',
      data: { associationId: command.associationId, receiptNumber, enterpriseCode: command.enterpriseCode, year: command.year },
    },
  ];
}

export const receiptDecider: Decider<ReceiptCommand, ReceiptEvent, ReceiptState> = {
  initialState: initialReceiptState,
  eventTypes: RECEIPT_EVENT_TYPES,
  parse: parseReceipt,
  decide: decideReceipt,
  evolve: evolveReceipt,
};
