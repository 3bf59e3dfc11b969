import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { membershipProjection, rebuildProjection } from '#projections';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';
const decision = { body: 'SECRETARIAT', reference: '武建协〔2024〕2号', decidedOn: '2024-03-01' };
const keys = (code: string) => ({ associationId: ASSOC, enterpriseCode: code });
const PAYLOAD = `revision duplicate membership { membershipId status tier sanctions lastReminderOn endedOn statusSince }`;

function mutation(name: string, input: string): string {
  return `mutation ($input: ${input}!) { ${name}(input: $input) { ${PAYLOAD} } }`;
}

const TABLES = ['association', 'association_waiver_approver', 'council_term', 'council_election', 'membership', 'membership_history'];

describe('a membership from application to readmission over GraphQL', () => {
  let service: TestService;
  let admin: GraphQLClient;
  const code = withCheckCharacter('91420100MA4K00001');
  const rejected = withCheckCharacter('91420100MA4K00002');

  beforeAll(async () => {
    service = await startTestService();
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wu' });
    for (const c of [code, rejected]) {
      await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code: c, name: `武汉市政建设有限公司${c.slice(-3)}`, legalRepresentative: '陈一', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MICRO' },
      });
    }
    await admin.ok(`mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { revision } }`, {
      input: { associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 1, reminderGraceDays: 45, admissionBodies: ['SECRETARIAT'] },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('grants and revokes the authority to approve dues waivers, refusing a second grant', async () => {
    const grant = `mutation ($input: WaiverApproverInput!) { grantWaiverApprover(input: $input) { association { waiverApprovers } } }`;
    const revoke = `mutation ($input: WaiverApproverInput!) { revokeWaiverApprover(input: $input) { association { waiverApprovers } } }`;
    const granted = await admin.ok<{ grantWaiverApprover: { association: { waiverApprovers: string[] } } }>(grant, {
      input: { associationId: ASSOC, userId: 'pres-li', effectiveFrom: '2024-01-01' },
    });
    expect(granted.grantWaiverApprover.association.waiverApprovers).toEqual(['pres-li']);
    const again = await admin.request(grant, { input: { associationId: ASSOC, userId: 'pres-li' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'ASSOCIATION_WAIVER_APPROVER_ALREADY_GRANTED' });
    const revoked = await admin.ok<{ revokeWaiverApprover: { association: { waiverApprovers: string[] } } }>(revoke, {
      input: { associationId: ASSOC, userId: 'pres-li', reason: '换届' },
    });
    expect(revoked.revokeWaiverApprover.association.waiverApprovers).toEqual([]);
  });

  it('rejects an application with its reason, after which the firm may apply again', async () => {
    await admin.ok(mutation('applyForMembership', 'ApplyForMembershipInput'), { input: { ...keys(rejected), appliedOn: '2024-02-01' } });
    const result = await admin.ok<{ rejectMembershipApplication: { membership: { status: string; endedOn: string } } }>(
      mutation('rejectMembershipApplication', 'RejectApplicationInput'),
      { input: { ...keys(rejected), reason: '未提供资质证书', rejectedOn: '2024-02-10' } },
    );
    expect(result.rejectMembershipApplication.membership).toMatchObject({ status: 'REJECTED', endedOn: '2024-02-10' });
    const reapplied = await admin.ok<{ applyForMembership: { membership: { membershipId: string; status: string } } }>(
      mutation('applyForMembership', 'ApplyForMembershipInput'),
      { input: { ...keys(rejected), appliedOn: '2024-05-01' } },
    );
    expect(reapplied.applyForMembership.membership).toEqual(expect.objectContaining({ membershipId: `${ASSOC}:${rejected}:2`, status: 'PENDING' }));
  });

  it('records a sanction, a reminder, a suspension and a reinstatement, then a withdrawal and a readmission with the history kept', async () => {
    await admin.ok(mutation('applyForMembership', 'ApplyForMembershipInput'), { input: { ...keys(code), appliedOn: '2024-02-20' } });
    await admin.ok(mutation('admitMember', 'AdmitMemberInput'), { input: { ...keys(code), tier: 'RESERVE', certificateNumber: 'WH-R-001', decision } });
    const sanctioned = await admin.ok<{ sanctionMember: { membership: { sanctions: number; status: string } } }>(
      mutation('sanctionMember', 'SanctionMemberInput'),
      { input: { ...keys(code), kind: 'CRITICISM', reason: '投标中串通报价', effectiveFrom: '2024-06-01', decision } },
    );
    expect(sanctioned.sanctionMember.membership).toEqual(expect.objectContaining({ sanctions: 1, status: 'ACTIVE' }));
    const reminded = await admin.ok<{ recordMembershipReminder: { membership: { lastReminderOn: string } } }>(
      mutation('recordMembershipReminder', 'RecordMembershipReminderInput'),
      { input: { ...keys(code), sentOn: '2025-01-10', unpaidYears: [2024] } },
    );
    expect(reminded.recordMembershipReminder.membership.lastReminderOn).toBe('2025-01-10');
    const suspended = await admin.ok<{ suspendMembership: { membership: { status: string; statusSince: string } } }>(
      mutation('suspendMembership', 'SuspendMembershipInput'),
      { input: { ...keys(code), reason: '停业整顿', effectiveFrom: '2025-02-01', decision } },
    );
    expect(suspended.suspendMembership.membership).toEqual(expect.objectContaining({ status: 'SUSPENDED', statusSince: '2025-02-01' }));
    const tierWhileSuspended = await admin.request(
      `mutation ($input: ChangeMembershipTierInput!) { changeMembershipTier(input: $input) { revision } }`,
      { input: { ...keys(code), tier: 'MEMBER', decision } },
    );
    expect(tierWhileSuspended.errors?.[0]?.extensions).toMatchObject({ rule: 'MEMBERSHIP_NOT_ACTIVE' });
    await admin.ok(mutation('reinstateMembership', 'ReinstateMembershipInput'), { input: { ...keys(code), reason: '整改验收合格', effectiveFrom: '2025-04-01', decision } });
    const withdrawn = await admin.ok<{ withdrawMembership: { membership: { status: string; endedOn: string } } }>(
      mutation('withdrawMembership', 'WithdrawMembershipInput'),
      { input: { ...keys(code), noticeDate: '2025-06-01', effectiveFrom: '2025-06-30', reason: '业务调整' } },
    );
    expect(withdrawn.withdrawMembership.membership).toEqual(expect.objectContaining({ status: 'WITHDRAWN', endedOn: '2025-06-30' }));

    await admin.ok(mutation('applyForMembership', 'ApplyForMembershipInput'), { input: { ...keys(code), appliedOn: '2026-01-05' } });
    // Readmitted under its old certificate number, which stays with the firm.
    const readmitted = await admin.ok<{ admitMember: { membership: { membershipId: string; status: string; sanctions: number } } }>(
      mutation('admitMember', 'AdmitMemberInput'),
      { input: { ...keys(code), tier: 'MEMBER', certificateNumber: 'WH-R-001', decision: { ...decision, decidedOn: '2026-01-20' } } },
    );
    expect(readmitted.admitMember.membership).toEqual(expect.objectContaining({ membershipId: `${ASSOC}:${code}:2`, status: 'ACTIVE', sanctions: 0 }));

    const data = await admin.ok<{ membership: { history: { membershipId: string; status: string; tier: string | null; validFrom: string; validTo: string | null }[] } }>(
      `query { membership(associationId: "${ASSOC}", enterpriseCode: "${code}") { history { membershipId status tier validFrom validTo } } }`,
    );
    expect(data.membership.history.map((h) => `${h.membershipId.slice(-1)} ${h.status} ${h.tier} ${h.validFrom}..${h.validTo ?? ''}`)).toEqual([
      '1 PENDING null 2024-02-20..2024-03-01',
      '1 ACTIVE RESERVE 2024-03-01..2025-02-01',
      '1 SUSPENDED RESERVE 2025-02-01..2025-04-01',
      '1 ACTIVE RESERVE 2025-04-01..2025-06-30',
      '1 WITHDRAWN RESERVE 2025-06-30..',
      '2 PENDING null 2026-01-05..2026-01-20',
      '2 ACTIVE MEMBER 2026-01-20..',
    ]);
  });

  it('returns the first outcome when a command id is sent again, writing nothing', async () => {
    const commandId = '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c';
    const input = { ...keys(code), commandId, kind: 'WARNING', reason: '未按时报送统计报表', effectiveFrom: '2026-02-01', decision };
    const first = await admin.ok<{ sanctionMember: { revision: number; duplicate: boolean } }>(mutation('sanctionMember', 'SanctionMemberInput'), { input });
    const second = await admin.ok<{ sanctionMember: { revision: number; duplicate: boolean; membership: { sanctions: number } } }>(
      mutation('sanctionMember', 'SanctionMemberInput'),
      { input },
    );
    expect(second.sanctionMember).toEqual(expect.objectContaining({ revision: first.sanctionMember.revision, duplicate: true }));
    expect(second.sanctionMember.membership.sanctions).toBe(1);
  });

  it('filters the member directory by dues arrears of a completed year', async () => {
    const owing = withCheckCharacter('91420100MA4K00003');
    await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
      input: { code: owing, name: '武汉欠费建设有限公司', legalRepresentative: '周二', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'SMALL' },
    });
    await admin.ok(mutation('applyForMembership', 'ApplyForMembershipInput'), { input: { ...keys(owing), appliedOn: '2024-02-20' } });
    await admin.ok(mutation('admitMember', 'AdmitMemberInput'), { input: { ...keys(owing), tier: 'MEMBER', certificateNumber: 'WH-M-003', decision } });
    await admin.ok(`mutation ($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [{ tier: 'MEMBER', annualFen: 200_000 }, { tier: 'RESERVE', annualFen: 50_000 }],
        effectiveFrom: '2024-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2023〕20号', decidedOn: '2023-12-20' },
      },
    });
    await admin.ok(`mutation ($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { revision } }`, {
      input: { associationId: ASSOC, enterpriseCode: owing, year: 2025 },
    });
    const directory = async (inArrears: boolean) =>
      (
        await admin.ok<{ memberDirectory: { edges: { node: { enterpriseCode: string } }[] } }>(
          `query ($filter: MemberDirectoryFilter) { memberDirectory(associationId: "${ASSOC}", filter: $filter) { edges { node { enterpriseCode } } } }`,
          { filter: { inArrears, status: 'ACTIVE' } },
        )
      ).memberDirectory.edges.map((e) => e.node.enterpriseCode);
    expect(await directory(true)).toEqual([owing]);
    expect(await directory(false)).not.toContain(owing);
  });

  it('lets only one of two admissions racing for the same certificate number through', async () => {
    const racers = [withCheckCharacter('91420100MA4K00004'), withCheckCharacter('91420100MA4K00005')];
    for (const racer of racers) {
      await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code: racer, name: `武汉并发建设有限公司${racer.slice(-3)}`, legalRepresentative: '吴三', regionCode: '420106', ownership: 'PRIVATE' },
      });
      await admin.ok(mutation('applyForMembership', 'ApplyForMembershipInput'), { input: { ...keys(racer), appliedOn: '2024-02-20' } });
    }
    const results = await Promise.all(
      racers.map((racer) =>
        admin.request(mutation('admitMember', 'AdmitMemberInput'), { input: { ...keys(racer), tier: 'MEMBER', certificateNumber: 'WH-RACE-1', decision } }),
      ),
    );
    const refused = results.filter((r) => r.errors?.length);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.errors![0]!.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN' });
    const { rows } = await service.pool.query(`SELECT enterprise_code FROM membership WHERE certificate_number = 'WH-RACE-1'`);
    expect(rows).toHaveLength(1);
  });

  it('rebuilds the membership read model into the same rows the live projection wrote', async () => {
    const snapshot = async () => {
      const result: Record<string, unknown[]> = {};
      for (const table of TABLES) result[table] = (await service.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)).rows;
      return result;
    };
    const live = await snapshot();
    expect(live.membership).toHaveLength(5);
    const { infrastructure } = service.service;
    const result = await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, projection: membershipProjection });
    expect(result.eventsReplayed).toBeGreaterThan(10);
    expect(await snapshot()).toEqual(live);
  });
});
