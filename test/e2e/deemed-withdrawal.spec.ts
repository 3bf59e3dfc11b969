import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

// Deemed withdrawal (自动退会) across the two contexts: the membership decider owns the rule, the unpaid
// years come from the dues accounts through the arrears reader.
const ASSOC = 'assoc-test';
const LATE_PAYER = memberCode('DEEMW', 1); // 2025 unpaid, reminded in September 2026
const JUST_REMINDED = memberCode('DEEMW', 2); // 2025 unpaid, reminded today
const PAID_UP = memberCode('DEEMW', 3); // 2025 paid

const DEEM = `mutation($input: DeemMembershipWithdrawnInput!) { deemMembershipWithdrawn(input: $input) { membership { status endedOn } } }`;
const REMIND = `mutation($input: RecordMembershipReminderInput!) { recordMembershipReminder(input: $input) { revision } }`;

describe('deemed withdrawal after unpaid dues and an unanswered reminder', () => {
  let service: TestService;
  let secretary: GraphQLClient;

  beforeAll(async () => {
    // 22 November 2026, 10:00 in Beijing: 2025 is a completed year.
    service = await startTestService({ clock: new FixedClock('2026-11-22T02:00:00.000Z') });
    secretary = service.client('ADMIN', { userId: 'secretary-general' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general'], 1);
    await fixtures.members(ASSOC, [LATE_PAYER, JUST_REMINDED, PAID_UP].map((code) => ({ code, sizeClass: 'MEDIUM' as const, tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.settled();
    await secretary.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [{ tier: 'MEMBER', annualFen: 200_000 }],
        effectiveFrom: '2024-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2023〕1号', decidedOn: '2023-12-20' },
      },
    });
    await secretary.ok(`mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { written } }`, {
      input: { associationId: ASSOC, year: 2025 },
    });
    await secretary.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
      input: { associationId: ASSOC, enterpriseCode: PAID_UP, year: 2025, amountFen: 200_000, receiptNumber: 'R-2025-0001', paidOn: '2025-04-01' },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('refuses while no reminder has been sent, naming the rule', async () => {
    const result = await secretary.request(DEEM, { input: { associationId: ASSOC, enterpriseCode: LATE_PAYER } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER' });
  });

  it('refuses while the grace period of a reminder is still running', async () => {
    await secretary.ok(REMIND, { input: { associationId: ASSOC, enterpriseCode: JUST_REMINDED, unpaidYears: [2025] } });
    const result = await secretary.request(DEEM, { input: { associationId: ASSOC, enterpriseCode: JUST_REMINDED } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_DEEMED_WITHDRAWAL_GRACE_NOT_OVER' });
  });

  it('refuses a member whose dues are paid, whatever the reminders say', async () => {
    await secretary.ok(REMIND, { input: { associationId: ASSOC, enterpriseCode: PAID_UP, unpaidYears: [2025], sentOn: '2026-09-01' } });
    const result = await secretary.request(DEEM, { input: { associationId: ASSOC, enterpriseCode: PAID_UP } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_DEEMED_WITHDRAWAL_TOO_FEW_UNPAID_YEARS' });
  });

  it('records the deemed withdrawal once the unpaid year and the unanswered reminder are both there', async () => {
    await secretary.ok(REMIND, { input: { associationId: ASSOC, enterpriseCode: LATE_PAYER, unpaidYears: [2025], sentOn: '2026-09-01' } });
    const data = await secretary.ok<{ deemMembershipWithdrawn: { membership: { status: string; endedOn: string } } }>(DEEM, {
      input: { associationId: ASSOC, enterpriseCode: LATE_PAYER },
    });
    expect(data.deemMembershipWithdrawn.membership).toEqual({ status: 'DEEMED_WITHDRAWN', endedOn: '2026-11-22' });
  });
});
