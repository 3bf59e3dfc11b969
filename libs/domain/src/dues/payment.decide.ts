import { type MultiStreamDecider, normaliseCreditCode, normaliseDocumentNumber, RECEIPT_NUMBER_RULE } from '../shared/index.js';
import type { RecordDuesPayment } from './dues.commands.js';
import { decideDuesAccount, duesAccountDecider } from './dues-account.decide.js';
import { parseDuesAccount } from './dues-account.parse.js';
import { decideReceipt, receiptDecider } from './receipt.decide.js';
import { duesAccountStreamId, receiptStreamId } from './dues.events.js';
import type { DuesAccountState, ReceiptState } from './dues.state.js';

export interface DuesPaymentStreams extends Record<string, unknown> {
  readonly account: DuesAccountState;
  readonly receipt: ReceiptState;
}

/**
 * The receipt number as the account and its claim both store it. A number that breaks the rule names a stream that
 * is only read: the account decision refuses the payment, with every field error at once, before anything is claimed.
 */
function receiptKey(receiptNumber: unknown): string {
  const checked = normaliseDocumentNumber(receiptNumber, RECEIPT_NUMBER_RULE);
  return 'number' in checked ? checked.number : '?';
}

/**
 * A payment and the claim on its receipt number, one atomic write (ADR 0012): the account must take the payment
 * (invoiced, not overpaid, receipt not on it yet) and the receipt number must be free in the association. A payment
 * refused for either reason claims nothing, so its number stays free for the payment it really belongs to.
 */
export const duesPaymentDecider: MultiStreamDecider<RecordDuesPayment, DuesPaymentStreams> = {
  parse: parseDuesAccount,
  streams: (command) => ({
    account: {
      streamId: duesAccountStreamId(command.associationId, normaliseCreditCode(command.enterpriseCode), command.year),
      evolver: duesAccountDecider(),
    },
    receipt: { streamId: receiptStreamId(command.associationId, receiptKey(command.receiptNumber)), evolver: receiptDecider },
  }),
  decide(command, states, context) {
    const payment = decideDuesAccount(command, states.account, context);
    const claim = payment.flatMap((event) =>
      event.type === 'DuesPaymentRecorded'
        ? decideReceipt(
            {
              type: 'ReserveReceipt',
              associationId: event.data.associationId,
              receiptNumber: event.data.receiptNumber,
              enterpriseCode: event.data.enterpriseCode,
              year: event.data.year,
            },
            states.receipt,
            context,
          )
        : [],
    );
    return { account: payment, receipt: claim };
  },
};
