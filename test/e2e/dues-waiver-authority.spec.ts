/*
 * The waiver register tells a policy grant from a maker-checker approval. A relief policy's grants cite the
 * policy and the decision that adopted it; the secretary-general who ran `applyWaiverPolicy` recorded them but
 * approved none of them. Filtering the register by `approvedBy` gives that person's approvals only; by policy
 * or by kind of authority gives the grants; by `recordedBy` gives everything the person recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { duesProjection, rebuildProjection } from '#projections';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode, type MemberSeed } from './dues-fixtures.js';

const ASSOC = 'waiver-authority';
const YEAR = 2024;
const SIZES = ['SMALL', 'MICRO', 'MEDIUM', 'LARGE'] as const;
const seeds: MemberSeed[] = Array.from({ length: 12 }, (_, i) => ({
  code: memberCode('WAUTH', i),
  sizeClass: SIZES[i % SIZES.length]!,
  tier: 'MEMBER',
  admittedOn: '2023-03-01',
}));
const reliefFirms = seeds.filter((s) => s.sizeClass === 'SMALL' || s.sizeClass === 'MICRO');
const [approvedBySecretary1, approvedBySecretary2, approvedByPresident] = seeds.filter((s) => s.sizeClass === 'LARGE').map((s) => s.code) as [
  string,
  string,
  string,
];
const POLICY_DECISION = {
  body: 'COUNCIL',
  reference: '协〔2024〕5号',
  decidedOn: '2024-03-01',
  votes: { entitled: 40, present: 33, inFavour: 31, against: 1, abstaining: 1 },
};

const ROW = `waiverId enterpriseCode enterpriseName status inEffectFen reasonCategory policyId approvedBy approvedAt recordedBy recordedAt
  authority { kind approvedBy approvedAt policyId policyTitle decision { body reference decidedOn votes { entitled present inFavour against abstaining } } }`;

type Row = {
  waiverId: string;
  enterpriseCode: string;
  enterpriseName: string | null;
  policyId: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
  authority: {
    kind: 'APPROVAL' | 'POLICY';
    approvedBy: string | null;
    approvedAt: string | null;
    policyId: string | null;
    policyTitle: string | null;
    decision: Record<string, unknown> | null;
  } | null;
};
type Register = { duesWaiverRegister: { totalCount: number; edges: { node: Row }[] } };

describe('the waiver register attributes each waiver to its authority', () => {
  let service: TestService;
  let secretary: GraphQLClient;
  let president: GraphQLClient;
  let clerk: GraphQLClient;
  let auditor: GraphQLClient;

  const register = async (filter: string): Promise<Register['duesWaiverRegister']> =>
    (await auditor.ok<Register>(`{ duesWaiverRegister(associationId: "${ASSOC}", year: ${YEAR}, first: 200${filter}) { totalCount edges { node { ${ROW} } } } }`))
      .duesWaiverRegister;

  beforeAll(async () => {
    service = await startTestService();
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'secretary-general' });
    president = service.client('ADMIN', { associationId: ASSOC, userId: 'president-office' });
    clerk = service.client('ADMIN', { associationId: ASSOC, userId: 'dues-clerk' });
    auditor = service.client('AUDITOR');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general', 'president-office']);
    await fixtures.members(ASSOC, seeds);
    await fixtures.settled();

    await secretary.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [{ tier: 'MEMBER', annualFen: 300_000 }],
        effectiveFrom: '2024-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2023〕30号', decidedOn: '2023-12-20' },
      },
    });
    await secretary.ok(`mutation { invoiceDuesYear(input: { associationId: "${ASSOC}", year: ${YEAR} }) { written } }`);
    // The policy: small and micro firms pay nothing for the year. The secretary-general runs it.
    await secretary.ok(`mutation($input: AdoptWaiverPolicyInput!) { adoptWaiverPolicy(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        policyId: 'small-micro-2024',
        year: YEAR,
        title: '2024年小微企业会费减免',
        reasonCategory: 'SMALL_MICRO_RELIEF',
        reason: '小微企业纾困：全年会费全免',
        defaultPercent: 0,
        sizeClassPercents: [
          { sizeClass: 'SMALL', percent: 100 },
          { sizeClass: 'MICRO', percent: 100 },
        ],
        decision: POLICY_DECISION,
      },
    });
    const applied = await secretary.ok<{ applyWaiverPolicy: { written: number } }>(
      `mutation { applyWaiverPolicy(input: { associationId: "${ASSOC}", policyId: "small-micro-2024" }) { written } }`,
    );
    expect(applied.applyWaiverPolicy.written).toBe(reliefFirms.length);
    // Three hardship waivers under maker-checker: the clerk asks, two are approved by the secretary-general, one by the president's office.
    for (const [code, approver] of [
      [approvedBySecretary1, secretary],
      [approvedBySecretary2, secretary],
      [approvedByPresident, president],
    ] as const) {
      const requested = await clerk.ok<{ requestDuesWaiver: { commandId: string } }>(
        `mutation($input: RequestDuesWaiverInput!) { requestDuesWaiver(input: $input) { commandId } }`,
        { input: { associationId: ASSOC, enterpriseCode: code, year: YEAR, amountFen: 50_000, reasonCategory: 'HARDSHIP_VISIT', reason: '特困走访' } },
      );
      await approver.ok(`mutation($input: ApproveDuesWaiverInput!) { approveDuesWaiver(input: $input) { revision } }`, {
        input: { associationId: ASSOC, enterpriseCode: code, year: YEAR, waiverId: requested.requestDuesWaiver.commandId },
      });
    }
    // One request still waiting for a decision.
    await clerk.ok(`mutation($input: RequestDuesWaiverInput!) { requestDuesWaiver(input: $input) { commandId } }`, {
      input: { associationId: ASSOC, enterpriseCode: seeds[2]!.code, year: YEAR, amountFen: 10_000, reasonCategory: 'OTHER', reason: '待审批' },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it("lists under approvedBy only the waivers that person approved, not the policy grants they recorded", async () => {
    const approvals = await register(`, approvedBy: "secretary-general"`);
    expect(approvals.totalCount).toBe(2);
    expect(approvals.edges.map((e) => e.node.enterpriseCode).sort()).toEqual([approvedBySecretary1, approvedBySecretary2].sort());
    for (const { node } of approvals.edges) {
      expect(node).toMatchObject({ approvedBy: 'secretary-general', recordedBy: 'secretary-general', policyId: null });
      expect(node.authority).toEqual({
        kind: 'APPROVAL',
        approvedBy: 'secretary-general',
        approvedAt: node.approvedAt,
        policyId: null,
        policyTitle: null,
        decision: null,
      });
      expect(node.approvedAt).not.toBeNull();
    }
  });

  it('shows a policy grant with the policy and its decision as its authority and the operator as who recorded it', async () => {
    const grants = await register(`, authority: POLICY`);
    expect(grants.totalCount).toBe(reliefFirms.length);
    expect(grants.edges.map((e) => e.node.enterpriseCode).sort()).toEqual(reliefFirms.map((s) => s.code).sort());
    for (const { node } of grants.edges) {
      expect(node).toMatchObject({ policyId: 'small-micro-2024', approvedBy: null, approvedAt: null, recordedBy: 'secretary-general' });
      expect(node.recordedAt).not.toBeNull();
      expect(node.authority).toEqual({
        kind: 'POLICY',
        approvedBy: null,
        approvedAt: null,
        policyId: 'small-micro-2024',
        policyTitle: '2024年小微企业会费减免',
        decision: POLICY_DECISION,
      });
    }
    expect((await register(`, policyId: "small-micro-2024"`)).totalCount).toBe(reliefFirms.length);
  });

  it('filters by kind of authority and by who recorded the waiver, and leaves a pending request without authority', async () => {
    const approvals = await register(`, authority: APPROVAL`);
    expect(approvals.totalCount).toBe(3);
    expect(new Set(approvals.edges.map((e) => e.node.authority?.approvedBy))).toEqual(new Set(['secretary-general', 'president-office']));
    expect((await register(`, recordedBy: "secretary-general"`)).totalCount).toBe(reliefFirms.length + 2);
    expect((await register(`, approvedBy: "president-office"`)).totalCount).toBe(1);
    const all = await register('');
    expect(all.totalCount).toBe(reliefFirms.length + 3 + 1);
    const pending = all.edges.filter((e) => e.node.authority === null).map((e) => e.node);
    expect(pending).toEqual([expect.objectContaining({ enterpriseCode: seeds[2]!.code, approvedBy: null, recordedBy: null, policyId: null })]);
  });

  it("prints each row with the firm's name", async () => {
    const all = await register('');
    for (const { node } of all.edges) expect(node.enterpriseName).toBe(`会员企业${node.enterpriseCode.slice(-7)}建设有限公司`);
  });

  it('shows the same authority on the statement and after a rebuild of the dues read models from the events', async () => {
    const statement = await auditor.ok<{ duesStatement: { years: { waivers: Row[] }[] } }>(
      `{ duesStatement(associationId: "${ASSOC}", enterpriseCode: "${reliefFirms[0]!.code}") { years { waivers { ${ROW} } } } }`,
    );
    expect(statement.duesStatement.years[0]!.waivers).toEqual([
      expect.objectContaining({ approvedBy: null, recordedBy: 'secretary-general', authority: expect.objectContaining({ kind: 'POLICY', policyId: 'small-micro-2024' }) }),
    ]);
    await service.settled();
    const before = await register('');
    const { infrastructure } = service.service;
    await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, projection: duesProjection });
    expect(await register('')).toEqual(before);
  });
});
