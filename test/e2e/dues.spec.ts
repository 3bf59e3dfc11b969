import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesQueries } from '#projections';
import { DuesFixtures, memberCode, recomputeFromEvents, type MemberSeed } from './dues-fixtures.js';

const ASSOC = 'assoc-test';
const GA = { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2023〕12号', decidedOn: '2023-12-20' };

const A = memberCode('DUEAA', 1); // small, pays 2024 and 2025
const B = memberCode('DUEAA', 2); // micro, part-pays 2024
const C = memberCode('DUEAA', 3); // large, individual waivers in 2026
const D = memberCode('DUEAA', 4); // reserve member
const E = memberCode('DUEAA', 5); // admitted in August 2026
const PARALLEL = [6, 7, 8, 9, 10].map((i) => memberCode('DUEAA', i));
const OUTSIDER = memberCode('DUEBB', 1); // registered enterprise, never a member

const seeds: MemberSeed[] = [
  { code: A, sizeClass: 'SMALL', tier: 'MEMBER', admittedOn: '2023-03-01' },
  { code: B, sizeClass: 'MICRO', tier: 'MEMBER', admittedOn: '2023-03-01' },
  { code: C, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2023-03-01' },
  { code: D, sizeClass: 'MEDIUM', tier: 'RESERVE', admittedOn: '2023-03-01' },
  { code: E, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2026-08-01' },
  ...PARALLEL.map((code) => ({ code, sizeClass: 'LARGE' as const, tier: 'MEMBER' as const, admittedOn: '2023-03-01' })),
];

const ADOPT = `mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) {
  revision duplicate warnings feeSchedule { version effectiveFrom secondHalfPercent amounts { tier annualFen } decision { body reference } } } }`;
const INVOICE_YEAR = `mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) {
  considered written unchanged refused amountFen readModelCurrent refusals { enterpriseCode rule } } }`;
const ISSUE = `mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) {
  duplicate position account { invoicedFen balanceFen scheduleVersion proRatedPercent tier } } }`;
const PAY = `mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) {
  revision account { invoicedFen paidFen waivedFen balanceFen payments { receiptNumber amountFen } } } }`;
const REQUEST = `mutation($input: RequestDuesWaiverInput!) { requestDuesWaiver(input: $input) {
  commandId waiver { waiverId status requestedFen requestedBy reasonCategory } } }`;
const APPROVE = `mutation($input: ApproveDuesWaiverInput!) { approveDuesWaiver(input: $input) {
  waiver { status inEffectFen approvedBy } account { waivedFen balanceFen } } }`;
const REVOKE = `mutation($input: RevokeDuesWaiverInput!) { revokeDuesWaiver(input: $input) {
  waiver { status inEffectFen revokedFen revocationReason } account { waivedFen balanceFen } } }`;
const STATEMENT = `query($associationId: String!, $enterpriseCode: String!, $asOf: DateTime) {
  duesStatement(associationId: $associationId, enterpriseCode: $enterpriseCode, asOf: $asOf) { balanceFen years {
    year tier scheduleVersion invoicedFen paidFen waivedFen balanceFen
    payments { receiptNumber amountFen }
    waivers { waiverId status inEffectFen reasonCategory reason requestedBy approvedBy policyId } } } }`;
const REPORT = `query($year: Int!, $asOf: DateTime) { duesAnnualReport(associationId: "${ASSOC}", year: $year, asOf: $asOf) {
  accountsInvoiced invoicedFen collectedFen waivedFen outstandingFen
  waivedByReason { reasonCategory amountFen waivers } invoicedByTier { tier count invoicedFen } membersByTier { tier count } } }`;

type Statement = {
  duesStatement: {
    balanceFen: number;
    years: {
      year: number;
      invoicedFen: number;
      paidFen: number;
      waivedFen: number;
      balanceFen: number;
      waivers: { waiverId: string; status: string; inEffectFen: number; approvedBy: string | null; reason: string; policyId: string | null }[];
    }[];
  };
};

describe('dues and waivers over GraphQL', () => {
  let service: TestService;
  let clerk: GraphQLClient;
  let secretary: GraphQLClient;
  let president: GraphQLClient;
  let auditor: GraphQLClient;

  beforeAll(async () => {
    service = await startTestService();
    clerk = service.client('ADMIN', { userId: 'clerk-1' });
    secretary = service.client('ADMIN', { userId: 'secretary-general' });
    president = service.client('ADMIN', { userId: 'president-office' });
    auditor = service.client('AUDITOR');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general', 'president-office'], 2);
    await fixtures.members(ASSOC, seeds);
    await fixtures.settled();
    // A registered enterprise that never joined.
    await clerk.ok(`mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
      input: { code: OUTSIDER, name: '非会员建设有限公司', legalRepresentative: '李四', regionCode: '420106', ownership: 'PRIVATE' },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function eventCount(): Promise<number> {
    const rows = await service.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events');
    return Number(rows.rows[0]!.n);
  }

  async function refusedWithoutWriting(client: GraphQLClient, query: string, variables: Record<string, unknown>) {
    const before = await eventCount();
    const result = await client.request(query, variables);
    expect(await eventCount()).toBe(before);
    expect(result.errors?.[0]?.message).not.toMatch(/at .*\.(js|ts):\d+/);
    return result.errors?.[0]?.extensions ?? {};
  }

  const statement = async (client: GraphQLClient, code: string, asOf?: string) =>
    (await client.ok<Statement>(STATEMENT, { associationId: ASSOC, enterpriseCode: code, asOf })).duesStatement;

  describe('fee schedules', () => {
    it('refuses a schedule that cites no general assembly decision, writing nothing', async () => {
      const extensions = await refusedWithoutWriting(secretary, ADOPT, {
        input: {
          associationId: ASSOC,
          amounts: [{ tier: 'MEMBER', annualFen: 200000 }],
          effectiveFrom: '2024-01-01',
          decision: { ...GA, body: 'COUNCIL' },
        },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_SCHEDULE_NEEDS_GENERAL_ASSEMBLY' });
    });

    it('refuses amounts that are not whole fen, field by field, writing nothing', async () => {
      const extensions = await refusedWithoutWriting(secretary, ADOPT, {
        input: { associationId: ASSOC, amounts: [{ tier: 'MEMBER', annualFen: 2000.5 }], effectiveFrom: '2024-13-01', decision: GA },
      });
      expect(extensions.code).toBe('BAD_USER_INPUT');
      expect((extensions.fieldErrors as { field: string }[]).map((e) => e.field).sort()).toEqual(['amounts.0.annualFen', 'effectiveFrom']);
    });

    it('adopts version 1 for 2024 and version 2 for 2026, warning when more than four tiers are priced', async () => {
      const v1 = await secretary.ok<{ adoptFeeSchedule: Record<string, unknown> }>(ADOPT, {
        input: {
          associationId: ASSOC,
          amounts: [
            { tier: 'EXECUTIVE_DIRECTOR', annualFen: 1_000_000 },
            { tier: 'DIRECTOR', annualFen: 500_000 },
            { tier: 'MEMBER', annualFen: 200_000 },
            { tier: 'RESERVE', annualFen: 50_000 },
          ],
          secondHalfPercent: 50,
          effectiveFrom: '2024-01-01',
          decision: GA,
        },
      });
      expect(v1.adoptFeeSchedule).toMatchObject({ warnings: [], feeSchedule: { version: 1, effectiveFrom: '2024-01-01', decision: { body: 'GENERAL_ASSEMBLY' } } });
      const v2 = await secretary.ok<{ adoptFeeSchedule: { warnings: string[]; feeSchedule: { version: number } } }>(ADOPT, {
        input: {
          associationId: ASSOC,
          amounts: [
            { tier: 'VICE_PRESIDENT', annualFen: 3_000_000 },
            { tier: 'EXECUTIVE_DIRECTOR', annualFen: 1_000_000 },
            { tier: 'DIRECTOR', annualFen: 500_000 },
            { tier: 'MEMBER', annualFen: 250_000 },
            { tier: 'RESERVE', annualFen: 50_000 },
          ],
          secondHalfPercent: 50,
          effectiveFrom: '2026-01-01',
          decision: { ...GA, reference: '武建协〔2025〕20号', decidedOn: '2025-12-18' },
        },
      });
      expect(v2.adoptFeeSchedule.feeSchedule.version).toBe(2);
      expect(v2.adoptFeeSchedule.warnings).toHaveLength(1);
    });
  });

  describe('annual invoicing', () => {
    it('invoices every active member once per year, pinning the schedule version and pro-rating late admissions', async () => {
      const results: Record<number, { considered: number; written: number; refused: number; amountFen: number }> = {};
      for (const year of [2024, 2025, 2026]) {
        const data = await secretary.ok<{ invoiceDuesYear: (typeof results)[number] }>(INVOICE_YEAR, { input: { associationId: ASSOC, year } });
        results[year] = data.invoiceDuesYear;
      }
      // 2024 and 2025: nine members (E joined in 2026); 8 at ¥2,000 and one reserve member at ¥500.
      expect(results[2024]).toMatchObject({ considered: 9, written: 9, refused: 0, amountFen: 8 * 200_000 + 50_000 });
      expect(results[2025]).toMatchObject({ considered: 9, written: 9, refused: 0 });
      // 2026 under version 2: 8 at ¥2,500, the reserve member ¥500, E half of ¥2,500 (admitted in August).
      expect(results[2026]).toMatchObject({ considered: 10, written: 10, amountFen: 8 * 250_000 + 50_000 + 125_000 });
      const late = await statement(secretary, E);
      expect(late.years).toEqual([expect.objectContaining({ year: 2026, invoicedFen: 125_000, balanceFen: 125_000 })]);
    });

    it('writes nothing when a year is invoiced again, in bulk or one by one', async () => {
      const before = await eventCount();
      const again = await secretary.ok<{ invoiceDuesYear: Record<string, number> }>(INVOICE_YEAR, { input: { associationId: ASSOC, year: 2025 } });
      expect(again.invoiceDuesYear).toMatchObject({ considered: 9, written: 0, unchanged: 9, amountFen: 0 });
      const one = await secretary.ok<{ issueDuesInvoice: { duplicate: boolean; account: Record<string, unknown> } }>(ISSUE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026 },
      });
      expect(one.issueDuesInvoice).toMatchObject({ duplicate: true, account: { invoicedFen: 250_000, scheduleVersion: 2, tier: 'MEMBER' } });
      expect(await eventCount()).toBe(before);
    });

    it('refuses a malformed enterprise code and an impossible year field by field, writing nothing', async () => {
      const extensions = await refusedWithoutWriting(secretary, ISSUE, { input: { associationId: ASSOC, enterpriseCode: 'NOT-A-CODE', year: 20260 } });
      expect(extensions.code).toBe('BAD_USER_INPUT');
      expect((extensions.fieldErrors as { field: string }[]).map((e) => e.field).sort()).toEqual(['enterpriseCode', 'year']);
    });

    it('refuses to invoice a firm that is not a member', async () => {
      const extensions = await refusedWithoutWriting(secretary, ISSUE, { input: { associationId: ASSOC, enterpriseCode: OUTSIDER, year: 2026 } });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_NOT_AN_ACTIVE_MEMBER' });
    });
  });

  describe('payments', () => {
    it('records payments against the balance', async () => {
      await clerk.ok(PAY, { input: { associationId: ASSOC, enterpriseCode: A, year: 2024, receiptNumber: 'R-2024-001', amountFen: 200_000, paidOn: '2024-04-02' } });
      await clerk.ok(PAY, { input: { associationId: ASSOC, enterpriseCode: A, year: 2025, receiptNumber: 'R-2025-001', amountFen: 200_000, paidOn: '2025-04-02' } });
      const part = await clerk.ok<{ recordDuesPayment: { account: Record<string, unknown> } }>(PAY, {
        input: { associationId: ASSOC, enterpriseCode: B, year: 2024, receiptNumber: 'r-2024-002 ', amountFen: 100_000 },
      });
      expect(part.recordDuesPayment.account).toMatchObject({
        invoicedFen: 200_000,
        paidFen: 100_000,
        balanceFen: 100_000,
        payments: [{ receiptNumber: 'R-2024-002', amountFen: 100_000 }],
      });
    });

    it('refuses a payment above the outstanding balance, writing nothing', async () => {
      const extensions = await refusedWithoutWriting(clerk, PAY, {
        input: { associationId: ASSOC, enterpriseCode: A, year: 2026, receiptNumber: 'R-2026-009', amountFen: 250_001 },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_PAYMENT_EXCEEDS_BALANCE' });
    });

    it("refuses a receipt number another member's account already holds, writing nothing", async () => {
      const extensions = await refusedWithoutWriting(clerk, PAY, {
        input: { associationId: ASSOC, enterpriseCode: B, year: 2025, receiptNumber: 'R-2024-001', amountFen: 1_000 },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_RECEIPT_DUPLICATE' });
    });

    it('lets only one of two payments sent at the same moment on different accounts use one receipt number', async () => {
      const outcomes = await Promise.all(
        [D, E].map((code) =>
          clerk.request(PAY, { input: { associationId: ASSOC, enterpriseCode: code, year: 2026, receiptNumber: 'R-RACE-001', amountFen: 10_000 } }),
        ),
      );
      expect(outcomes.filter((o) => !o.errors)).toHaveLength(1);
      expect(outcomes.find((o) => o.errors)!.errors![0]!.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_RECEIPT_DUPLICATE' });
      const rows = await service.pool.query(`SELECT enterprise_code FROM dues_payment WHERE association_id = $1 AND receipt_number = 'R-RACE-001'`, [ASSOC]);
      expect(rows.rowCount).toBe(1);
      const paid = await Promise.all([D, E].map(async (code) => (await statement(auditor, code)).years.find((y) => y.year === 2026)!.paidFen));
      expect(paid.sort()).toEqual([0, 10_000]);
    });

    it('refuses fractions of a fen and an empty receipt number, field by field, writing nothing', async () => {
      const extensions = await refusedWithoutWriting(clerk, PAY, {
        input: { associationId: ASSOC, enterpriseCode: B, year: 2025, receiptNumber: '  ', amountFen: 1.5 },
      });
      expect(extensions.code).toBe('BAD_USER_INPUT');
      expect((extensions.fieldErrors as { field: string }[]).map((e) => e.field).sort()).toEqual(['amountFen', 'receiptNumber']);
    });
  });

  describe('individual waivers (maker-checker)', () => {
    let waiverId: string;
    let ownRequest: string;

    it('records a request with reason, evidence and requester, pending approval', async () => {
      const data = await clerk.ok<{ requestDuesWaiver: { commandId: string; waiver: Record<string, unknown> } }>(REQUEST, {
        input: {
          associationId: ASSOC,
          enterpriseCode: C,
          year: 2026,
          amountFen: 100_000,
          reasonCategory: 'HARDSHIP_VISIT',
          reason: '特困走访：项目停工，资金周转困难',
          evidenceReference: '走访记录〔2026〕7号',
        },
      });
      waiverId = data.requestDuesWaiver.commandId;
      expect(data.requestDuesWaiver.waiver).toMatchObject({ waiverId, status: 'REQUESTED', requestedFen: 100_000, requestedBy: 'clerk-1' });
    });

    it('refuses approval by someone the charter does not authorise', async () => {
      const other = service.client('ADMIN', { userId: 'clerk-2' });
      const extensions = await refusedWithoutWriting(other, APPROVE, { input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId } });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_WAIVER_APPROVER_NOT_AUTHORISED' });
    });

    it('refuses an authorised user approving their own request', async () => {
      const own = await secretary.ok<{ requestDuesWaiver: { commandId: string } }>(REQUEST, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, amountFen: 10_000, reasonCategory: 'OTHER', reason: '自行申请' },
      });
      const extensions = await refusedWithoutWriting(secretary, APPROVE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId: own.requestDuesWaiver.commandId },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_WAIVER_SELF_APPROVAL' });
      ownRequest = own.requestDuesWaiver.commandId;
    });

    it('lets another authorised user reject a request with a reason, after which it cannot be approved', async () => {
      const rejected = await president.ok<{ rejectDuesWaiver: { waiver: Record<string, unknown>; account: Record<string, unknown> } }>(
        `mutation($input: RejectDuesWaiverInput!) { rejectDuesWaiver(input: $input) {
           waiver { status rejectedBy rejectionReason inEffectFen } account { waivedFen } } }`,
        { input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId: ownRequest, reason: '申请人与审批人不得为同一人，且无走访记录' } },
      );
      expect(rejected.rejectDuesWaiver).toMatchObject({
        waiver: { status: 'REJECTED', rejectedBy: 'president-office', inEffectFen: 0 },
        account: { waivedFen: 0 },
      });
      const extensions = await refusedWithoutWriting(president, APPROVE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId: ownRequest },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_WAIVER_NOT_PENDING' });
    });

    it('puts the waiver in effect when another authorised user approves it, and shows reason and approver on the statement', async () => {
      const data = await president.ok<{ approveDuesWaiver: Record<string, unknown> }>(APPROVE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId },
      });
      expect(data.approveDuesWaiver).toMatchObject({
        waiver: { status: 'APPROVED', inEffectFen: 100_000, approvedBy: 'president-office' },
        account: { waivedFen: 100_000, balanceFen: 150_000 },
      });
      const year = (await statement(secretary, C)).years.find((y) => y.year === 2026)!;
      expect(year.waivers.find((w) => w.waiverId === waiverId)).toMatchObject({
        status: 'APPROVED',
        reason: '特困走访：项目停工，资金周转困难',
        approvedBy: 'president-office',
      });
    });

    it('refuses revoking more than the waiver waives, then revokes part of it with a reason; asOf shows the earlier state', async () => {
      const before = new Date().toISOString();
      const extensions = await refusedWithoutWriting(president, REVOKE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId, amountFen: 100_001, reason: '核查' },
      });
      expect(extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_WAIVER_REVOCATION_EXCEEDS_WAIVER' });
      const revoked = await president.ok<{ revokeDuesWaiver: Record<string, unknown> }>(REVOKE, {
        input: { associationId: ASSOC, enterpriseCode: C, year: 2026, waiverId, amountFen: 40_000, reason: '复核：停工期短于申报' },
      });
      expect(revoked.revokeDuesWaiver).toMatchObject({
        waiver: { status: 'APPROVED', inEffectFen: 60_000, revokedFen: 40_000, revocationReason: '复核：停工期短于申报' },
        account: { waivedFen: 60_000, balanceFen: 190_000 },
      });
      const then = (await statement(auditor, C, before)).years.find((y) => y.year === 2026)!;
      expect(then).toMatchObject({ waivedFen: 100_000, balanceFen: 150_000 });
      const nowYear = (await statement(auditor, C)).years.find((y) => y.year === 2026)!;
      expect(nowYear).toMatchObject({ waivedFen: 60_000, balanceFen: 190_000 });
    });

    it('never lets two waivers approved at the same moment together exceed the invoice', async () => {
      for (const code of PARALLEL) {
        const ids: string[] = [];
        for (const reason of ['小微企业纾困申请一', '小微企业纾困申请二']) {
          const data = await clerk.ok<{ requestDuesWaiver: { commandId: string } }>(REQUEST, {
            input: { associationId: ASSOC, enterpriseCode: code, year: 2026, amountFen: 150_000, reasonCategory: 'SMALL_MICRO_RELIEF', reason },
          });
          ids.push(data.requestDuesWaiver.commandId);
        }
        const outcomes = await Promise.all([
          secretary.request(APPROVE, { input: { associationId: ASSOC, enterpriseCode: code, year: 2026, waiverId: ids[0] } }),
          president.request(APPROVE, { input: { associationId: ASSOC, enterpriseCode: code, year: 2026, waiverId: ids[1] } }),
        ]);
        const succeeded = outcomes.filter((o) => !o.errors);
        const refused = outcomes.filter((o) => o.errors);
        expect(succeeded).toHaveLength(1);
        expect(refused[0]!.errors![0]!.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'DUES_WAIVER_EXCEEDS_BALANCE' });
        const year = (await statement(auditor, code)).years.find((y) => y.year === 2026)!;
        expect(year).toMatchObject({ invoicedFen: 250_000, waivedFen: 150_000, balanceFen: 100_000 });
      }
    });
  });

  describe('waiver policies', () => {
    const POLICY = `mutation($input: AdoptWaiverPolicyInput!) { adoptWaiverPolicy(input: $input) { waiverPolicy { policyId year defaultPercent } } }`;
    const APPLY = `mutation($input: ApplyWaiverPolicyInput!) { applyWaiverPolicy(input: $input) { considered written unchanged refused amountFen } }`;

    it('grants one waiver per affected account, traceable to the policy, and nothing more on a re-run', async () => {
      await secretary.ok(POLICY, {
        input: {
          associationId: ASSOC,
          policyId: 'relief-2025',
          year: 2025,
          title: '2025年会费减免',
          reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
          reason: '汛期灾后纾困：全体会员减免半年会费，小微企业全免',
          defaultPercent: 50,
          sizeClassPercents: [
            { sizeClass: 'SMALL', percent: 100 },
            { sizeClass: 'MICRO', percent: 100 },
          ],
          decision: { body: 'COUNCIL', reference: '武建协〔2025〕8号', decidedOn: '2025-03-10' },
        },
      });
      const first = await secretary.ok<{ applyWaiverPolicy: Record<string, number> }>(APPLY, { input: { associationId: ASSOC, policyId: 'relief-2025' } });
      // A has paid 2025 in full (nothing left to waive); B is micro (in full); the reserve member half of ¥500; six large firms half.
      expect(first.applyWaiverPolicy).toMatchObject({ considered: 9, written: 8, unchanged: 1, refused: 0, amountFen: 200_000 + 25_000 + 6 * 100_000 });
      const before = await eventCount();
      const again = await secretary.ok<{ applyWaiverPolicy: Record<string, number> }>(APPLY, { input: { associationId: ASSOC, policyId: 'relief-2025' } });
      expect(again.applyWaiverPolicy).toMatchObject({ written: 0, unchanged: 9 });
      expect(await eventCount()).toBe(before);

      const register = await auditor.ok<{ duesWaiverRegister: { totalCount: number; edges: { node: { policyId: string; inEffectFen: number; enterpriseCode: string } }[] } }>(
        `{ duesWaiverRegister(associationId: "${ASSOC}", year: 2025, policyId: "relief-2025", first: 50) {
            totalCount edges { node { enterpriseCode policyId inEffectFen reasonCategory } } } }`,
      );
      expect(register.duesWaiverRegister.totalCount).toBe(8);
      expect(register.duesWaiverRegister.edges.find((e) => e.node.enterpriseCode === B)?.node.inEffectFen).toBe(200_000);
    });

    it('refuses applying a policy that was never adopted', async () => {
      const extensions = await refusedWithoutWriting(secretary, APPLY, { input: { associationId: ASSOC, policyId: 'no-such-policy' } });
      expect(extensions.code).toBe('NOT_FOUND');
    });
  });

  describe('arrears and reports', () => {
    it('lists unpaid completed years per member and the members the charter deems withdrawn', async () => {
      const arrears = await auditor.ok<{ duesArrears: { totalCount: number; edges: { node: { enterpriseCode: string; unpaidYears: number[]; owedFen: number; membershipStatus: string } }[] } }>(
        `{ duesArrears(associationId: "${ASSOC}", first: 50) { totalCount edges { node { enterpriseCode unpaidYears owedFen membershipStatus } } } }`,
      );
      const byCode = new Map(arrears.duesArrears.edges.map((e) => [e.node.enterpriseCode, e.node]));
      expect(byCode.has(A)).toBe(false);
      expect(byCode.has(E)).toBe(false);
      expect(byCode.get(B)).toMatchObject({ unpaidYears: [2024], owedFen: 100_000, membershipStatus: 'ACTIVE' });
      expect(byCode.get(C)).toMatchObject({ unpaidYears: [2024, 2025], owedFen: 200_000 + 100_000 });
      expect(arrears.duesArrears.totalCount).toBe(8);

      const candidates = await secretary.ok<{ deemedWithdrawalCandidates: { charterYears: number; members: { enterpriseCode: string }[] } }>(
        `{ deemedWithdrawalCandidates(associationId: "${ASSOC}") { charterYears members { enterpriseCode } } }`,
      );
      expect(candidates.deemedWithdrawalCandidates.charterYears).toBe(2);
      expect(candidates.deemedWithdrawalCandidates.members.map((m) => m.enterpriseCode).sort()).toEqual([C, D, ...PARALLEL].sort());

      // The membership facts of a deemed withdrawal read the same arrears (years before this one, known now).
      const duesQueries = service.service.host.get(DuesQueries);
      const thisYear = new Date().getUTCFullYear();
      expect(await duesQueries.unpaidYears(ASSOC, B, new Date(), thisYear)).toEqual([2024]);
      expect(await duesQueries.unpaidYears(ASSOC, A, new Date(), thisYear)).toEqual([]);
    });

    it('gives annual-report figures equal to a recomputation from the events', async () => {
      for (const year of [2024, 2025, 2026]) {
        const report = (await auditor.ok<{ duesAnnualReport: Record<string, unknown> & { waivedByReason: { reasonCategory: string; amountFen: number }[] } }>(REPORT, { year }))
          .duesAnnualReport;
        const expected = await recomputeFromEvents(service, ASSOC, year);
        expect(report).toMatchObject({
          accountsInvoiced: expected.accounts,
          invoicedFen: expected.invoicedFen,
          collectedFen: expected.collectedFen,
          waivedFen: expected.waivedFen,
          outstandingFen: expected.invoicedFen - expected.collectedFen - expected.waivedFen,
        });
        expect(Object.fromEntries(report.waivedByReason.map((r) => [r.reasonCategory, r.amountFen]))).toEqual(expected.waivedByReason);
      }
      const y2025 = (await auditor.ok<{ duesAnnualReport: Record<string, unknown> }>(REPORT, { year: 2025 })).duesAnnualReport;
      expect(y2025).toMatchObject({ invoicedFen: 1_650_000, collectedFen: 200_000, waivedFen: 825_000, waivedByReason: [{ reasonCategory: 'DISASTER_EPIDEMIC_RELIEF', amountFen: 825_000, waivers: 8 }] });
      expect(y2025.membersByTier).toEqual(expect.arrayContaining([{ tier: 'MEMBER', count: 9 }, { tier: 'RESERVE', count: 1 }]));
    });
  });

  describe('access', () => {
    it('lets a member read its own statement and no other, and nothing else', async () => {
      const member = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: A });
      expect((await statement(member, A)).years.map((y) => y.year)).toEqual([2024, 2025, 2026]);
      expect((await member.request(STATEMENT, { associationId: ASSOC, enterpriseCode: B })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await member.request(REPORT, { year: 2025 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it("refuses an admin of another association the association's dues, writing nothing", async () => {
      const outsider = service.client('ADMIN', { associationId: 'assoc-other', userId: 'secretary-general' });
      expect((await outsider.request(STATEMENT, { associationId: ASSOC, enterpriseCode: A })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const extensions = await refusedWithoutWriting(outsider, INVOICE_YEAR, { input: { associationId: ASSOC, year: 2027 } });
      expect(extensions.code).toBe('FORBIDDEN');
    });

    it('lets an auditor read every register but change nothing', async () => {
      expect((await auditor.ok<{ feeSchedules: unknown[] }>(`{ feeSchedules(associationId: "${ASSOC}") { version } }`)).feeSchedules).toHaveLength(2);
      const extensions = await refusedWithoutWriting(auditor, PAY, {
        input: { associationId: ASSOC, enterpriseCode: B, year: 2025, receiptNumber: 'R-X', amountFen: 1 },
      });
      expect(extensions.code).toBe('FORBIDDEN');
    });
  });
});
