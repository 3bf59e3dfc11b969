import { describe, it } from '@jest/globals';
import { multiStreamSpec } from '#testing';
import type { RecordDuesPayment } from './dues.commands.js';
import type { DuesInvoiced, DuesPaymentRecorded, ReceiptReserved } from './dues.events.js';
import { duesPaymentDecider } from './payment.decide.js';

const ASSOC = 'assoc-wuhan';
const CODE = '91420100177678329F';
const OTHER = '91420100177678330X';
const account = { associationId: ASSOC, enterpriseCode: CODE, year: 2026 };
const invoiced: DuesInvoiced = {
  type: 'DuesInvoiced',
  data: { ...account, tier: 'MEMBER', scheduleVersion: 1, annualFen: 200_000, amountFen: 200_000, proRatedPercent: null, admittedOn: '2018-05-10', invoicedOn: '2026-03-02' },
};
const pay: RecordDuesPayment = { type: 'RecordDuesPayment', ...account, receiptNumber: ' whjx-0012 ', amountFen: 50_000, paidOn: '2026-03-02' };
const recorded: DuesPaymentRecorded = {
  type: 'DuesPaymentRecorded',
  data: { ...account, receiptNumber: 'WHJX-0012', amountFen: 50_000, paidOn: '2026-03-02', balanceAfterFen: 150_000 },
};
const claimed: ReceiptReserved = { type: 'DuesReceiptReserved', data: { associationId: ASSOC, receiptNumber: 'WHJX-0012', enterpriseCode: CODE, year: 2026 } };

const spec = multiStreamSpec(duesPaymentDecider);

describe('a payment and the claim on its receipt number', () => {
  it('records the payment and claims the receipt number as stored (trimmed, upper-cased)', () => {
    spec.given({ account: [invoiced] }).when(pay).then({ account: [recorded], receipt: [claimed] });
  });

  it('refuses a receipt number another account of the association holds, claiming nothing', () => {
    spec
      .given({ account: [invoiced], receipt: [{ ...claimed, data: { ...claimed.data, enterpriseCode: OTHER } }] })
      .when(pay)
      .thenRefuses('DUES_RECEIPT_DUPLICATE');
  });

  it('claims nothing for a payment the account refuses, so the number stays free', () => {
    spec.given({ account: [invoiced] }).when({ ...pay, amountFen: 200_001 }).thenRefuses('DUES_PAYMENT_EXCEEDS_BALANCE');
    spec.given({ account: [] }).when(pay).thenRefuses('DUES_NOT_INVOICED');
  });

  it('refuses a malformed receipt number with the other field errors, claiming nothing', () => {
    spec.given({ account: [invoiced] }).when({ ...pay, receiptNumber: 'WHJX 0012', amountFen: 0.5 }).thenRejectsFields('receiptNumber', 'amountFen');
  });
});
