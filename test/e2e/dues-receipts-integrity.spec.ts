import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { duesAccountStreamId, receiptStreamId } from '#domain/dues';
import { misfitOf } from '#domain/streams';
import { deterministicEventId } from '#eventstore';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

/*
 * Receipt numbers and the accounts they pay, tried as a hostile or unlucky client would: an association whose id
 * begins like another kind of stream, a receipt number shaped like another association's account, 64 payments
 * racing on one invoice, and a stream that holds an event it should not.
 */

const AB = 'ab';
const RECEIPT_AB = 'receipt-ab';
const FIRM_OF_AB = memberCode('RCPTA', 1);
const FIRM_OF_RECEIPT_AB = memberCode('RCPTB', 1);
const RACED = memberCode('RCPTA', 2);
const CORRUPTED = memberCode('RCPTA', 3);
const YEAR = 2026;
const GA = { body: 'GENERAL_ASSEMBLY', reference: '协〔2025〕1号', decidedOn: '2025-12-20' };

const ADOPT = `mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`;
const ISSUE = `mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { revision account { invoicedFen } } }`;
const PAY = `mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) {
  commandId revision account { paidFen balanceFen payments { receiptNumber amountFen } } } }`;

describe('receipt numbers and dues accounts of two associations whose ids overlap', () => {
  let service: TestService;
  let adminOfAb: GraphQLClient;
  let adminOfReceiptAb: GraphQLClient;

  beforeAll(async () => {
    service = await startTestService();
    adminOfAb = service.client('ADMIN', { associationId: AB, userId: 'ab-clerk' });
    adminOfReceiptAb = service.client('ADMIN', { associationId: RECEIPT_AB, userId: 'receipt-ab-clerk' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(AB, []);
    await fixtures.association(RECEIPT_AB, []);
    await fixtures.members(AB, [FIRM_OF_AB, RACED, CORRUPTED].map((code) => ({ code, sizeClass: 'LARGE' as const, tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.members(RECEIPT_AB, [{ code: FIRM_OF_RECEIPT_AB, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2024-03-01' }]);
    await fixtures.settled();
    for (const [client, associationId] of [[adminOfAb, AB], [adminOfReceiptAb, RECEIPT_AB]] as const) {
      await client.ok(ADOPT, { input: { associationId, amounts: [{ tier: 'MEMBER', annualFen: 1_000_000 }], effectiveFrom: '2026-01-01', decision: GA } });
    }
    for (const code of [FIRM_OF_AB, RACED, CORRUPTED]) await adminOfAb.ok(ISSUE, { input: { associationId: AB, enterpriseCode: code, year: YEAR } });
    await adminOfReceiptAb.ok(ISSUE, { input: { associationId: RECEIPT_AB, enterpriseCode: FIRM_OF_RECEIPT_AB, year: YEAR } });
  });

  afterAll(async () => {
    await service?.stop();
  });

  const eventsOf = async (streamId: string) => (await service.service.runtime.store.readStream(streamId)).map((e) => e.type);

  it("keeps a receipt of one association shaped like another's account out of that account", async () => {
    // Under the old ids, `dues-receipt-ab-<code>-2026` was both this receipt's claim and receipt-ab's account.
    const forged = `${FIRM_OF_RECEIPT_AB}-${YEAR}`;
    await adminOfAb.ok(PAY, { input: { associationId: AB, enterpriseCode: FIRM_OF_AB, year: YEAR, receiptNumber: forged, amountFen: 100_000, paidOn: '2026-03-02' } });

    expect(await eventsOf(duesAccountStreamId(RECEIPT_AB, FIRM_OF_RECEIPT_AB, YEAR))).toEqual(['DuesInvoiced']);
    expect(await eventsOf(receiptStreamId(AB, forged))).toEqual(['DuesReceiptReserved']);
    // The other association's account still takes payments, and the chain check finds every stream intact.
    const paid = await adminOfReceiptAb.ok<{ recordDuesPayment: { account: { paidFen: number } } }>(PAY, {
      input: { associationId: RECEIPT_AB, enterpriseCode: FIRM_OF_RECEIPT_AB, year: YEAR, receiptNumber: 'RAB-0001', amountFen: 250_000, paidOn: '2026-03-03' },
    });
    expect(paid.recordDuesPayment.account.paidFen).toBe(250_000);
    expect((await service.service.runtime.store.verifyAll()).intact).toBe(true);
  });

  it('lets each association use the same receipt number once for itself', async () => {
    const input = { year: YEAR, receiptNumber: 'SHARED-0001', amountFen: 1_000, paidOn: '2026-03-04' };
    await adminOfAb.ok(PAY, { input: { ...input, associationId: AB, enterpriseCode: FIRM_OF_AB } });
    await adminOfReceiptAb.ok(PAY, { input: { ...input, associationId: RECEIPT_AB, enterpriseCode: FIRM_OF_RECEIPT_AB } });
    const again = await adminOfAb.request(PAY, { input: { ...input, associationId: AB, enterpriseCode: RACED } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_RECEIPT_DUPLICATE' });
  });

  it('refuses receipt numbers with spaces or stray punctuation, field by field', async () => {
    for (const receiptNumber of ['RAB 0002', 'RAB:0002', 'RAB%0002', '']) {
      const refused = await adminOfAb.request(PAY, {
        input: { associationId: AB, enterpriseCode: FIRM_OF_AB, year: YEAR, receiptNumber, amountFen: 100, paidOn: '2026-03-05' },
      });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [expect.objectContaining({ field: 'receiptNumber' })] });
    }
  });

  it('leaves no receipt number reserved by any of 64 racing payments it refused, so each can be sent again', async () => {
    const receipts = Array.from({ length: 64 }, (_, i) => `RACE-${String(i + 1).padStart(3, '0')}`);
    const pay = (receiptNumber: string, commandId?: string) =>
      adminOfAb.request<{ recordDuesPayment: { commandId: string } }>(PAY, {
        input: { associationId: AB, enterpriseCode: RACED, year: YEAR, receiptNumber, amountFen: 100, paidOn: '2026-04-01', ...(commandId ? { commandId } : {}) },
      });

    const first = await Promise.all(receipts.map((receipt) => pay(receipt)));
    const refused = receipts.filter((_, i) => first[i]!.errors);
    for (const [i, result] of first.entries()) {
      if (!result.errors) continue;
      // A CONFLICT names the command id to send the same command again under (the client sent none).
      expect(result.errors[0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'concurrent_modification', commandId: expect.any(String) });
      expect(await eventsOf(receiptStreamId(AB, receipts[i]!))).toEqual([]);
    }
    expect(refused.length).toBeGreaterThan(0);

    // Every refused receipt is free: half are sent again under the command id the CONFLICT named, half as new commands.
    for (const [n, receipt] of refused.entries()) {
      const original = first[receipts.indexOf(receipt)]!.errors![0]!.extensions!.commandId as string;
      const commandId = n % 2 === 0 ? original : randomUUID();
      const retried = await pay(receipt, commandId);
      expect(retried.errors).toBeUndefined();
      expect(retried.data!.recordDuesPayment.commandId).toBe(commandId);
    }

    const account = await service.service.runtime.store.readStream(duesAccountStreamId(AB, RACED, YEAR));
    const payments = account.filter((e) => e.type === 'DuesPaymentRecorded').map((e) => e.data.receiptNumber);
    expect([...payments].sort()).toEqual(receipts);
    for (const receipt of receipts) {
      const claim = await service.service.runtime.store.readStream(receiptStreamId(AB, receipt));
      expect(claim.map((e) => e.type)).toEqual(['DuesReceiptReserved']);
      // The claim and its payment were written by one command.
      expect(account.some((e) => e.metadata.commandId === claim[0]!.metadata.commandId)).toBe(true);
    }
  });

  it('refuses to decide on an account that holds an event it does not own, naming the stream and the event, writing nothing', async () => {
    const stream = duesAccountStreamId(AB, CORRUPTED, YEAR);
    const commandId = randomUUID();
    const foreignId = deterministicEventId(commandId, stream, 0);
    const revision = (await service.service.runtime.store.streamRevision(stream))!;
    // What a colliding stream id produced before: a receipt claim inside an account.
    await service.service.runtime.store.append(
      stream,
      [
        {
          id: foreignId,
          type: 'DuesReceiptReserved',
          data: { associationId: AB, receiptNumber: 'X', enterpriseCode: CORRUPTED, year: YEAR },
          metadata: { actor: { userId: 'intruder', role: 'ADMIN', associationId: AB }, commandId, correlationId: commandId, causationId: commandId, recordedAt: new Date().toISOString() },
        },
      ],
      { expectedRevision: revision },
    );

    const refused = await adminOfAb.request(PAY, {
      input: { associationId: AB, enterpriseCode: CORRUPTED, year: YEAR, receiptNumber: 'CORR-0001', amountFen: 100, paidOn: '2026-04-02' },
    });

    expect(refused.status).toBe(200);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'DATA_INTEGRITY', streamId: stream, eventId: foreignId });
    expect(refused.errors?.[0]?.message).toContain(`holds event ${foreignId} (revision ${revision + 1}) of type DuesReceiptReserved`);
    expect(await service.service.runtime.store.streamRevision(stream)).toBe(revision + 1);
    expect(await eventsOf(receiptStreamId(AB, 'CORR-0001'))).toEqual([]);

    // The hash chain holds (the store has what was written), but verification with the register's stream kinds names it.
    const store = service.service.runtime.store;
    expect((await store.verifyAll()).intact).toBe(true);
    const checked = await store.verifyAll({ misfit: misfitOf });
    expect(checked.firstBreak).toMatchObject({ streamId: stream, eventId: foreignId, revision: revision + 1, reason: 'foreign_event_type', actual: 'DuesReceiptReserved' });
  });
});
