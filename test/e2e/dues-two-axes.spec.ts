/*
 * Dues arrears and membership standing on both time axes: `asOf` (what the register had recorded by an instant) and
 * `effectiveAt` (the business date asked about). The 2025 dues of three members are entered late, on 2026-12-02;
 * then A's payment of 2025-12-20 and B's of 2026-06-30 are recorded on 2026-12-03, both back-dated. Asked "as of
 * 2026-01-01" in the knowledge sense the register owes nothing (it knew no invoice); asked what was owed on that
 * business date, as it knows today, B and C were in arrears.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const ASSOC = 'two-axes-dues';
const [A, B, C] = [0, 1, 2].map((i) => memberCode('twaxd', i)) as [string, string, string];
const FEE_FEN = 300_000;
// Seeded on 2025-03-01 (members admitted on 2024-03-01); the 2025 invoices entered at R1, the payments at R2.
const SEEDED = '2025-03-01T02:00:00.000Z';
const R1 = '2026-12-02T02:00:00.000Z';
const R2 = '2026-12-03T02:00:00.000Z';
const NOW = '2026-12-05T02:00:00.000Z';

type Arrears = { asOf: string; codes: string[]; owed: Record<string, number> };
const ARREARS = `query ($associationId: String!, $asOf: DateTime, $effectiveAt: String) {
  duesArrears(associationId: $associationId, asOf: $asOf, effectiveAt: $effectiveAt, first: 50) {
    totalCount edges { node { enterpriseCode unpaidYears owedFen membershipStatus } }
  }
}`;

describe('dues arrears and membership standing on two time axes', () => {
  const clock = new FixedClock(SEEDED);
  let service: TestService;
  let secretary: GraphQLClient;
  let auditor: GraphQLClient;

  const arrears = async (asOf: string | null, effectiveAt: string | null): Promise<Arrears> => {
    const data = await auditor.ok<{
      duesArrears: { totalCount: number; edges: { node: { enterpriseCode: string; unpaidYears: number[]; owedFen: number; membershipStatus: string } }[] };
    }>(ARREARS, { associationId: ASSOC, asOf, effectiveAt });
    const nodes = data.duesArrears.edges.map((e) => e.node);
    expect(data.duesArrears.totalCount).toBe(nodes.length);
    for (const node of nodes) expect(node).toMatchObject({ unpaidYears: [2025], membershipStatus: 'ACTIVE' });
    return { asOf: asOf ?? 'now', codes: nodes.map((n) => n.enterpriseCode), owed: Object.fromEntries(nodes.map((n) => [n.enterpriseCode, n.owedFen])) };
  };

  beforeAll(async () => {
    service = await startTestService({ clock });
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'two-axes-secretary' });
    auditor = service.client('AUDITOR');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['two-axes-treasurer'], 1);
    await fixtures.members(ASSOC, [A, B, C].map((code) => ({ code, sizeClass: 'MEDIUM' as const, tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.settled();
    await secretary.ok(`mutation ($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [{ tier: 'MEMBER', annualFen: FEE_FEN }, { tier: 'RESERVE', annualFen: 100_000 }],
        effectiveFrom: '2020-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2019〕1号', decidedOn: '2019-12-26' },
      },
    });

    clock.set(R1);
    const invoiced = await secretary.ok<{ invoiceDuesYear: { written: number } }>(
      `mutation ($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { written } }`,
      { input: { associationId: ASSOC, year: 2025 } },
    );
    expect(invoiced.invoiceDuesYear.written).toBe(3);

    clock.set(R2);
    for (const [code, paidOn, receiptNumber] of [[A, '2025-12-20', 'TA-2025-001'], [B, '2026-06-30', 'TA-2025-002']] as const) {
      await secretary.ok(`mutation ($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
        input: { associationId: ASSOC, enterpriseCode: code, year: 2025, amountFen: FEE_FEN, paidOn, receiptNumber },
      });
    }
    clock.set(NOW);
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('answers nothing owed for an asOf before the invoices were entered, whatever effectiveAt', async () => {
    for (const effectiveAt of [null, '2026-01-01', '2026-07-01']) {
      expect((await arrears('2026-01-01T00:00:00+08:00', effectiveAt)).codes).toEqual([]);
      expect((await arrears('2026-12-02T01:00:00.000Z', effectiveAt)).codes).toEqual([]);
    }
  });

  it('answers who owed on a business date as the register knows it now: back-dated payments count from the day paid', async () => {
    expect(await arrears(null, '2026-01-01')).toEqual({ asOf: 'now', codes: [B, C].sort(), owed: { [B]: FEE_FEN, [C]: FEE_FEN } });
    expect((await arrears(null, '2026-06-29')).codes).toEqual([B, C].sort());
    expect((await arrears(null, '2026-06-30')).codes).toEqual([C]);
    // 2025 is not over on 2025-12-31: nothing is in arrears yet.
    expect((await arrears(null, '2025-12-31')).codes).toEqual([]);
  });

  it('keeps what an asOf between the invoices and the payments answered: payments recorded later do not change it', async () => {
    const between = '2026-12-02T12:00:00.000Z';
    for (const effectiveAt of ['2026-01-01', '2026-07-01', null]) {
      expect((await arrears(between, effectiveAt)).codes).toEqual([A, B, C].sort());
    }
  });

  it('defaults effectiveAt to the day of asOf in China, and both to now', async () => {
    expect((await arrears(null, null)).codes).toEqual([C]);
    expect(await arrears(NOW, null)).toEqual({ ...(await arrears(null, null)), asOf: NOW });
  });

  it("shows a member's statement on both axes: the payment of 2026-06-30 is not paid on 2026-03-01", async () => {
    const statement = (effectiveAt: string | null, asOf: string | null = null) =>
      auditor.ok<{ duesStatement: { asOf: string; effectiveAt: string; membershipStatus: string; balanceFen: number; years: { year: number; paidFen: number; payments: { paidOn: string }[] }[] } }>(
        `query ($associationId: String!, $enterpriseCode: String!, $asOf: DateTime, $effectiveAt: String) {
          duesStatement(associationId: $associationId, enterpriseCode: $enterpriseCode, asOf: $asOf, effectiveAt: $effectiveAt) {
            asOf effectiveAt membershipStatus balanceFen years { year paidFen payments { paidOn } }
          }
        }`,
        { associationId: ASSOC, enterpriseCode: B, asOf, effectiveAt },
      );
    const march = (await statement('2026-03-01')).duesStatement;
    expect(march).toMatchObject({ asOf: NOW, effectiveAt: '2026-03-01', membershipStatus: 'ACTIVE', balanceFen: FEE_FEN });
    expect(march.years).toEqual([{ year: 2025, paidFen: 0, payments: [] }]);
    const july = (await statement('2026-07-01')).duesStatement;
    expect(july).toMatchObject({ effectiveAt: '2026-07-01', balanceFen: 0 });
    expect(july.years).toEqual([{ year: 2025, paidFen: FEE_FEN, payments: [{ paidOn: '2026-06-30' }] }]);
    // Before the members were recorded, the firm had no membership the register knew of.
    const early = (await statement('2024-06-01', '2025-03-01T01:00:00.000Z')).duesStatement;
    expect(early).toMatchObject({ membershipStatus: null, years: [], balanceFen: 0 });
  });

  it('lists deemed-withdrawal candidates on both axes', async () => {
    const candidates = async (effectiveAt: string | null) =>
      (
        await auditor.ok<{ deemedWithdrawalCandidates: { effectiveAt: string; charterYears: number; members: { enterpriseCode: string }[] } }>(
          `query ($associationId: String!, $effectiveAt: String) {
            deemedWithdrawalCandidates(associationId: $associationId, effectiveAt: $effectiveAt) { effectiveAt charterYears members { enterpriseCode } }
          }`,
          { associationId: ASSOC, effectiveAt },
        )
      ).deemedWithdrawalCandidates;
    expect(await candidates('2026-01-01')).toEqual({ effectiveAt: '2026-01-01', charterYears: 1, members: [B, C].sort().map((enterpriseCode) => ({ enterpriseCode })) });
    expect(await candidates(null)).toEqual({ effectiveAt: '2026-12-05', charterYears: 1, members: [{ enterpriseCode: C }] });
  });

  it('answers a membership on both axes: not known before it was recorded, not in effect before its own dates', async () => {
    const standing = async (asOf: string, effectiveAt: string | null) =>
      (
        await auditor.ok<{ membershipAsOf: { status: string; validFrom: string } | null }>(
          `query ($associationId: String!, $enterpriseCode: String!, $asOf: DateTime!, $effectiveAt: String) {
            membershipAsOf(associationId: $associationId, enterpriseCode: $enterpriseCode, asOf: $asOf, effectiveAt: $effectiveAt) { status validFrom }
          }`,
          { associationId: ASSOC, enterpriseCode: A, asOf, effectiveAt },
        )
      ).membershipAsOf;
    // Applied on 2024-01-01 and admitted on 2024-03-01, both recorded on 2025-03-01.
    expect(await standing('2025-02-28T00:00:00.000Z', '2024-06-01')).toBeNull();
    expect(await standing(NOW, '2023-12-31')).toBeNull();
    expect(await standing(NOW, '2024-02-29')).toEqual({ status: 'PENDING', validFrom: '2024-01-01' });
    expect(await standing(NOW, '2024-03-01')).toEqual({ status: 'ACTIVE', validFrom: '2024-03-01' });
    expect(await standing('2025-03-02T00:00:00.000Z', null)).toEqual({ status: 'ACTIVE', validFrom: '2024-03-01' });
  });

  it('refuses a malformed effectiveAt on its field, next to an asOf in the future, writing nothing', async () => {
    for (const effectiveAt of ['2026-02-30', '2026-1-1', 'yesterday']) {
      const result = await auditor.request(ARREARS, { associationId: ASSOC, effectiveAt });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'effectiveAt' }] });
    }
    const both = await auditor.request(ARREARS, { associationId: ASSOC, asOf: '2030-01-01T00:00:00.000Z', effectiveAt: '2026-13-01' });
    expect(both.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(['asOf', 'effectiveAt']);
    const membership = await auditor.request(
      `query { membershipAsOf(associationId: "${ASSOC}", enterpriseCode: "${A}", asOf: "2026-01-01T00:00:00Z", effectiveAt: "2026-02-30") { status } }`,
    );
    expect(membership.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'effectiveAt' }] });
    // Another association's admin is refused before any input is read.
    const outsider = service.client('ADMIN', { associationId: 'other-assoc', userId: 'intruder' });
    const refused = await outsider.request(ARREARS, { associationId: ASSOC, effectiveAt: 'not-a-date' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
