// The dues use cases on the command bus, tried as a secretariat and as a hostile client would, written as
// given/when/then over real HTTP: a bulk run invoices once and a re-run writes nothing, the same invoice sent
// alone is the same command, and a bad year or another association's token is refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const ASSOC = 'gwt-dues';
const YEAR = 2024;
const CODES = [0, 1, 2].map((i) => memberCode('gwtdu', i));

const adoptSchedule = (as: GraphQLClient) => ({
  as,
  query: `mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`,
  variables: {
    input: {
      associationId: ASSOC,
      amounts: [{ tier: 'MEMBER', annualFen: 300_000 }, { tier: 'RESERVE', annualFen: 100_000 }],
      effectiveFrom: '2020-01-01',
      decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2019〕1号', decidedOn: '2019-12-26' },
    },
  },
});
const invoiceYear = (as: GraphQLClient, year: unknown = YEAR) => ({
  as,
  query: `mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { considered written unchanged refused amountFen readModelCurrent } }`,
  variables: { input: { associationId: ASSOC, year } },
});

describe('dues use cases, given/when/then over the API', () => {
  let service: TestService;
  let secretary: GraphQLClient;
  let eventCount: () => Promise<number>;

  beforeAll(async () => {
    service = await startTestService();
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'gwt-secretary' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['gwt-treasurer']);
    await fixtures.members(ASSOC, CODES.map((code, i) => ({ code, sizeClass: 'MEDIUM', tier: i === 0 ? 'RESERVE' : 'MEMBER', admittedOn: '2021-03-01' })));
    await fixtures.settled();
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('invoices every active member once, and a re-run of the year writes nothing', async () => {
    await scenario(adoptSchedule(secretary))
      .when(invoiceYear(secretary))
      .then<{ invoiceDuesYear: Record<string, unknown> }>(({ invoiceDuesYear }) =>
        expect(invoiceDuesYear).toEqual({ considered: 3, written: 3, unchanged: 0, refused: 0, amountFen: 700_000, readModelCurrent: true }),
      );
    const before = await eventCount();
    await scenario()
      .when(invoiceYear(secretary))
      .then<{ invoiceDuesYear: Record<string, unknown> }>(({ invoiceDuesYear }) => expect(invoiceDuesYear).toMatchObject({ written: 0, unchanged: 3, amountFen: 0 }));
    expect(await eventCount()).toBe(before);
  });

  it('answers one invoice sent alone as the one the bulk run wrote: the same command, nothing new', async () => {
    const before = await eventCount();
    await scenario()
      .when({
        as: secretary,
        query: `mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { duplicate account { invoicedFen } } }`,
        variables: { input: { associationId: ASSOC, enterpriseCode: CODES[1], year: YEAR } },
      })
      .then<{ issueDuesInvoice: { duplicate: boolean; account: { invoicedFen: number } } }>(({ issueDuesInvoice }) => expect(issueDuesInvoice).toEqual({ duplicate: true, account: { invoicedFen: 300_000 } }));
    expect(await eventCount()).toBe(before);
  });

  it('refuses a bulk run for a year out of range on its field, writing nothing', async () => {
    const before = await eventCount();
    await scenario().when(invoiceYear(secretary, 1890)).thenRefuses({ code: 'BAD_USER_INPUT', fields: ['year'] });
    expect(await eventCount()).toBe(before);
  });

  it("refuses another association's admin, and a payment on an account not invoiced, writing nothing", async () => {
    const before = await eventCount();
    const outsider = service.client('ADMIN', { associationId: 'other-assoc', userId: 'intruder' });
    await scenario().when(invoiceYear(outsider)).thenRefuses({ code: 'FORBIDDEN' });
    await scenario()
      .when({
        as: secretary,
        query: `mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`,
        variables: { input: { associationId: ASSOC, enterpriseCode: CODES[2], year: 2019, amountFen: 100, paidOn: '2019-05-01', receiptNumber: 'R-GWT-1' } },
      })
      .thenRefuses({ code: 'RULE_VIOLATION' });
    expect(await eventCount()).toBe(before);
  });
});
