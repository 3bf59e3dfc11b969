import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { duesProjection, rebuildProjection } from '#projections';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode, recomputeFromEvents, type MemberSeed } from './dues-fixtures.js';

/*
 * A year of dues in an association of Wuhan's size (over 1,000 member firms, first in late 2020): admissions,
 * the annual invoicing, a relief policy (half a year free for every member, small and micro firms in full),
 * individual hardship waivers under maker-checker, payments, the arrears that follow, one deemed withdrawal
 * and one expulsion. Admissions are written through the membership deciders directly, to keep the set-up of
 * 1,050 firms within seconds; every other step goes over GraphQL. The annual-report
 * figures must equal a recomputation from the events, and a rebuild of the read models must give the same rows.
 */
const ASSOC = 'wuhan-cia';
const YEAR = 2020;
const MEMBERS = 1_050;
const SIZES = ['SMALL', 'SMALL', 'SMALL', 'MICRO', 'MICRO', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LARGE'] as const;

const seeds: MemberSeed[] = Array.from({ length: MEMBERS }, (_, i) => ({
  code: memberCode('WHCA', i),
  sizeClass: SIZES[i % SIZES.length]!,
  tier: i % 10 === 7 ? 'RESERVE' : 'MEMBER',
  // Most joined before 2020; every 25th firm joined in September 2020 and pays half.
  admittedOn: i % 25 === 0 ? '2020-09-15' : '2019-04-01',
}));
const fullPrice = (s: MemberSeed) => (s.tier === 'RESERVE' ? 100_000 : 300_000);
const invoiced = (s: MemberSeed) => (s.admittedOn.startsWith('2020-09') ? fullPrice(s) / 2 : fullPrice(s));

async function inParallel<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

describe(`a year of dues in an association of ${MEMBERS} member firms`, () => {
  let service: TestService;
  let secretary: GraphQLClient;
  let clerk: GraphQLClient;
  let auditor: GraphQLClient;
  const hardship = seeds.filter((s) => s.sizeClass === 'LARGE' && s.tier === 'MEMBER' && !s.admittedOn.startsWith('2020-09')).slice(0, 20);
  const unpaid = new Set(seeds.filter((_, i) => i % 7 === 3).map((s) => s.code));

  beforeAll(async () => {
    service = await startTestService();
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'secretary-general' });
    clerk = service.client('ADMIN', { associationId: ASSOC, userId: 'dues-clerk' });
    auditor = service.client('AUDITOR');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general', 'president-office'], 1);
    await fixtures.members(ASSOC, seeds, 8);
    await fixtures.settled();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('invoices, relieves, waives, collects and reports the year, each figure traceable to the events', async () => {
    await secretary.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [
          { tier: 'VICE_PRESIDENT', annualFen: 3_000_000 },
          { tier: 'EXECUTIVE_DIRECTOR', annualFen: 1_000_000 },
          { tier: 'DIRECTOR', annualFen: 500_000 },
          { tier: 'MEMBER', annualFen: 300_000 },
          { tier: 'RESERVE', annualFen: 100_000 },
        ],
        secondHalfPercent: 50,
        effectiveFrom: '2020-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2019〕30号', decidedOn: '2019-12-26' },
      },
    });

    const invoicing = await secretary.ok<{ invoiceDuesYear: { written: number; refused: number; amountFen: number; readModelCurrent: boolean } }>(
      `mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { written refused amountFen readModelCurrent } }`,
      { input: { associationId: ASSOC, year: YEAR } },
    );
    expect(invoicing.invoiceDuesYear).toEqual({
      written: MEMBERS,
      refused: 0,
      amountFen: seeds.reduce((sum, s) => sum + invoiced(s), 0),
      readModelCurrent: true,
    });

    await secretary.ok(`mutation($input: AdoptWaiverPolicyInput!) { adoptWaiverPolicy(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        policyId: 'covid-2020',
        year: YEAR,
        title: '2020年疫情会费减免',
        reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
        reason: '新冠疫情：全体会员减免半年会费，小微企业全免',
        defaultPercent: 50,
        sizeClassPercents: [
          { sizeClass: 'SMALL', percent: 100 },
          { sizeClass: 'MICRO', percent: 100 },
        ],
        decision: { body: 'COUNCIL', reference: '武建协〔2020〕6号', decidedOn: '2020-03-06', votes: { entitled: 60, present: 52, inFavour: 50, against: 0, abstaining: 2 } },
      },
    });
    const relief = await secretary.ok<{ applyWaiverPolicy: { written: number; amountFen: number } }>(
      `mutation { applyWaiverPolicy(input: { associationId: "${ASSOC}", policyId: "covid-2020" }) { written amountFen } }`,
    );
    const small = (s: MemberSeed) => s.sizeClass === 'SMALL' || s.sizeClass === 'MICRO';
    expect(relief.applyWaiverPolicy).toEqual({
      written: MEMBERS,
      amountFen: seeds.reduce((sum, s) => sum + (small(s) ? invoiced(s) : Math.floor((invoiced(s) * 50 + 50) / 100)), 0),
    });

    // Hardship visits: the clerk asks, the secretary-general approves (maker-checker), in parallel.
    await inParallel(hardship, 4, async (s) => {
      const requested = await clerk.ok<{ requestDuesWaiver: { commandId: string } }>(
        `mutation($input: RequestDuesWaiverInput!) { requestDuesWaiver(input: $input) { commandId } }`,
        { input: { associationId: ASSOC, enterpriseCode: s.code, year: YEAR, amountFen: 50_000, reasonCategory: 'HARDSHIP_VISIT', reason: '特困走访', evidenceReference: `走访-${s.code.slice(-4)}` } },
      );
      await secretary.ok(`mutation($input: ApproveDuesWaiverInput!) { approveDuesWaiver(input: $input) { revision } }`, {
        input: { associationId: ASSOC, enterpriseCode: s.code, year: YEAR, waiverId: requested.requestDuesWaiver.commandId },
      });
    });

    // Everyone still owing pays the rest, except one firm in seven.
    const statement = `query($code: String!) { duesStatement(associationId: "${ASSOC}", enterpriseCode: $code) { balanceFen } }`;
    let receipt = 0;
    await inParallel(
      seeds.filter((s) => !unpaid.has(s.code)),
      8,
      async (s) => {
        const { duesStatement } = await clerk.ok<{ duesStatement: { balanceFen: number } }>(statement, { code: s.code });
        if (duesStatement.balanceFen === 0) return;
        receipt += 1;
        await clerk.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
          input: { associationId: ASSOC, enterpriseCode: s.code, year: YEAR, receiptNumber: `WH2020-${String(receipt).padStart(5, '0')}`, amountFen: duesStatement.balanceFen },
        });
      },
    );

    const report = (
      await auditor.ok<{ duesAnnualReport: { accountsInvoiced: number; invoicedFen: number; collectedFen: number; waivedFen: number; outstandingFen: number; waivedByReason: { reasonCategory: string; amountFen: number; waivers: number }[]; membersByTier: { tier: string; count: number }[] } }>(
        `{ duesAnnualReport(associationId: "${ASSOC}", year: ${YEAR}) { accountsInvoiced invoicedFen collectedFen waivedFen outstandingFen
            waivedByReason { reasonCategory amountFen waivers } membersByTier { tier count } } }`,
      )
    ).duesAnnualReport;
    const expected = await recomputeFromEvents(service, ASSOC, YEAR);
    expect(report).toMatchObject({
      accountsInvoiced: MEMBERS,
      invoicedFen: expected.invoicedFen,
      collectedFen: expected.collectedFen,
      waivedFen: expected.waivedFen,
      outstandingFen: expected.invoicedFen - expected.collectedFen - expected.waivedFen,
    });
    expect(Object.fromEntries(report.waivedByReason.map((r) => [r.reasonCategory, r.amountFen]))).toEqual(expected.waivedByReason);
    expect(report.waivedByReason.find((r) => r.reasonCategory === 'HARDSHIP_VISIT')).toEqual({ reasonCategory: 'HARDSHIP_VISIT', amountFen: 20 * 50_000, waivers: 20 });
    expect(report.membersByTier).toEqual([
      { tier: 'MEMBER', count: seeds.filter((s) => s.tier === 'MEMBER').length },
      { tier: 'RESERVE', count: seeds.filter((s) => s.tier === 'RESERVE').length },
    ]);

    // Arrears: 2020 is over; the firms that did not pay and still owed something are in arrears, and with a
    // charter of one unpaid year they are the deemed-withdrawal candidates.
    const owing = seeds.filter((s) => unpaid.has(s.code) && !small(s)).map((s) => s.code).sort();
    const candidates = await secretary.ok<{ deemedWithdrawalCandidates: { charterYears: number; members: { enterpriseCode: string; unpaidYears: number[] }[] } }>(
      `{ deemedWithdrawalCandidates(associationId: "${ASSOC}") { charterYears members { enterpriseCode unpaidYears } } }`,
    );
    expect(candidates.deemedWithdrawalCandidates.charterYears).toBe(1);
    expect(candidates.deemedWithdrawalCandidates.members.map((m) => m.enterpriseCode)).toEqual(owing);
    expect(candidates.deemedWithdrawalCandidates.members.every((m) => m.unpaidYears.join() === '2020')).toBe(true);
  }, 180_000);

  it('ends one membership by deemed withdrawal and another by expulsion, and the directory shows both', async () => {
    const [lapsed, expelled] = seeds.filter((s) => unpaid.has(s.code) && s.sizeClass === 'LARGE');
    // The charter allows one unpaid year; the reminder of February 2021 went unanswered past its 30 days.
    await secretary.ok(`mutation($input: RecordMembershipReminderInput!) { recordMembershipReminder(input: $input) { revision } }`, {
      input: { associationId: ASSOC, enterpriseCode: lapsed!.code, unpaidYears: [YEAR], sentOn: '2021-02-01', graceDays: 30 },
    });
    const deemed = await secretary.ok<{ deemMembershipWithdrawn: { membership: { status: string } } }>(
      `mutation($input: DeemMembershipWithdrawnInput!) { deemMembershipWithdrawn(input: $input) { membership { status } } }`,
      { input: { associationId: ASSOC, enterpriseCode: lapsed!.code, effectiveFrom: '2021-03-15' } },
    );
    expect(deemed.deemMembershipWithdrawn.membership.status).toBe('DEEMED_WITHDRAWN');

    const EXPEL = `mutation($input: ExpelMemberInput!) { expelMember(input: $input) { membership { status } } }`;
    const expulsion = (votes: Record<string, number>) => ({
      input: {
        associationId: ASSOC,
        enterpriseCode: expelled!.code,
        reason: '提供虚假材料，严重违反协会章程',
        effectiveFrom: '2021-04-20',
        decision: { body: 'COUNCIL', reference: '武建协〔2021〕9号', decidedOn: '2021-04-20', votes },
      },
    });
    // 29 of 60 council members present is no quorum: refused, nothing written.
    const refused = await secretary.request(EXPEL, expulsion({ entitled: 60, present: 29, inFavour: 29, against: 0, abstaining: 0 }));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_DECISION_WITHOUT_QUORUM' });
    const done = await secretary.ok<{ expelMember: { membership: { status: string } } }>(
      EXPEL,
      expulsion({ entitled: 60, present: 48, inFavour: 41, against: 4, abstaining: 3 }),
    );
    expect(done.expelMember.membership.status).toBe('EXPELLED');

    const directory = await auditor.ok<{ memberDirectory: { totalCount: number } }>(
      `{ memberDirectory(associationId: "${ASSOC}", filter: { status: ACTIVE }) { totalCount } }`,
    );
    expect(directory.memberDirectory.totalCount).toBe(MEMBERS - 2);
  }, 60_000);

  it('rebuilds the dues read models from the events into the same rows', async () => {
    const tables = ['dues_account', 'dues_account_entry', 'dues_payment', 'dues_waiver', 'dues_waiver_policy', 'dues_fee_schedule'];
    const snapshot = async () => {
      const result: Record<string, unknown[]> = {};
      for (const table of tables) result[table] = (await service.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3, 4`)).rows;
      return result;
    };
    await service.settled();
    const live = await snapshot();
    const { infrastructure } = service.service;
    await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, projection: duesProjection });
    expect(await snapshot()).toEqual(live);
  }, 120_000);
});
