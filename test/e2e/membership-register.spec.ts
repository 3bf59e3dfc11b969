import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'yueyang-urca';

const REGISTER_ENTERPRISE = `
  mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;
const MEMBERSHIP_FIELDS = `associationId enterpriseCode enterpriseName membershipId status tier appliedOn admittedOn certificateNumber endedOn statusSince sanctions`;
const APPLY = `mutation ($input: ApplyForMembershipInput!) { applyForMembership(input: $input) { revision duplicate readModelCurrent membership { ${MEMBERSHIP_FIELDS} } } }`;
const ADMIT = `mutation ($input: AdmitMemberInput!) { admitMember(input: $input) { revision membership { ${MEMBERSHIP_FIELDS} } } }`;
const CHANGE_TIER = `mutation ($input: ChangeMembershipTierInput!) { changeMembershipTier(input: $input) { revision membership { tier } } }`;
const ELECTION = `
  mutation ($input: RecordCouncilElectionInput!) {
    recordCouncilElection(input: $input) {
      tierChangesApplied readModelCurrent
      election { electionId office tier seats elected candidates { enterpriseCode votes elected rank } }
    }
  }`;
const DIRECTORY = `
  query ($associationId: String!, $filter: MemberDirectoryFilter, $first: Int, $after: String) {
    memberDirectory(associationId: $associationId, filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { enterpriseCode tier status enterpriseName } }
    }
  }`;

const secretariat = { body: 'SECRETARIAT', reference: '岳城建协〔2020〕8号', decidedOn: '2020-06-01' };
const councilVote = {
  body: 'COUNCIL',
  reference: '岳城建协理〔2020〕3号',
  decidedOn: '2020-12-01',
  votes: { entitled: 60, present: 52, inFavour: 40, against: 8, abstaining: 4 },
};
const assembly = {
  body: 'GENERAL_ASSEMBLY',
  reference: '岳城建协〔2020〕15号',
  decidedOn: '2020-11-20',
  votes: { entitled: 120, present: 112, inFavour: 112, against: 0, abstaining: 0 },
};

let sequence = 0;
function newCode(): string {
  sequence += 1;
  return withCheckCharacter(`9143060${String(Date.now() % 1e5).padStart(5, '0')}${String(sequence).padStart(5, '0')}`);
}

async function eventCount(service: TestService): Promise<number> {
  const { rows } = await service.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events');
  return Number(rows[0]!.n);
}

describe('membership register over GraphQL', () => {
  let service: TestService;
  let admin: GraphQLClient;
  let auditor: GraphQLClient;

  async function registerFirm(overrides: Record<string, unknown> = {}): Promise<string> {
    const code = newCode();
    await admin.ok(REGISTER_ENTERPRISE, {
      input: { code, name: `岳阳建设工程有限公司${code.slice(-6)}`, legalRepresentative: '李四', regionCode: '430602', ownership: 'PRIVATE', sizeClass: 'SMALL', ...overrides },
    });
    return code;
  }

  async function member(code: string, certificateNumber = `YY-${code.slice(-8)}`): Promise<void> {
    await admin.ok(APPLY, { input: { associationId: ASSOC, enterpriseCode: code, appliedOn: '2020-05-20' } });
    await admin.ok(ADMIT, { input: { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber, decision: secretariat } });
  }

  beforeAll(async () => {
    service = await startTestService();
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-zhang' });
    auditor = service.client('AUDITOR');
    await admin.ok(
      `mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { association { associationId reminderGraceDays } } }`,
      {
        input: {
          associationId: ASSOC,
          name: '岳阳市城乡建设协会',
          regionCode: '430600',
          deemedWithdrawalYears: 2,
          admissionBodies: ['SECRETARIAT', 'COUNCIL'],
          waiverApprovers: ['sec-li'],
        },
      },
    );
    await admin.ok(`mutation ($input: RecordCouncilTermInput!) { recordCouncilTerm(input: $input) { revision } }`, {
      input: { associationId: ASSOC, termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('shows the association with its charter and council terms', async () => {
    const data = await auditor.ok<{ association: Record<string, unknown> }>(
      `query { association(associationId: "${ASSOC}") { name deemedWithdrawalYears reminderGraceDays admissionBodies waiverApprovers councilTerms { termNumber startsOn endsOn } } }`,
    );
    expect(data.association).toEqual({
      name: '岳阳市城乡建设协会',
      deemedWithdrawalYears: 2,
      reminderGraceDays: 30,
      admissionBodies: ['SECRETARIAT', 'COUNCIL'],
      waiverApprovers: ['sec-li'],
      councilTerms: [{ termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' }],
    });
  });

  it('takes an application and an admission, and the answer already shows the member', async () => {
    const code = await registerFirm();
    const applied = await admin.ok<{ applyForMembership: { readModelCurrent: boolean; membership: Record<string, unknown> } }>(APPLY, {
      input: { associationId: ASSOC, enterpriseCode: code.toLowerCase(), appliedOn: '2020-05-20' },
    });
    expect(applied.applyForMembership.readModelCurrent).toBe(true);
    expect(applied.applyForMembership.membership).toMatchObject({ status: 'PENDING', tier: null, appliedOn: '2020-05-20' });
    const admitted = await admin.ok<{ admitMember: { membership: Record<string, unknown> } }>(ADMIT, {
      input: { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber: 'YY-2020-001', decision: secretariat },
    });
    expect(admitted.admitMember.membership).toMatchObject({
      enterpriseCode: code,
      membershipId: `${ASSOC}:${code}:1`,
      status: 'ACTIVE',
      tier: 'MEMBER',
      admittedOn: '2020-06-01',
      certificateNumber: 'YY-2020-001',
    });
    expect(admitted.admitMember.membership.enterpriseName).toContain('岳阳建设工程有限公司');

    // The same certificate number for another firm is refused, and nothing is written.
    const other = await registerFirm();
    await admin.ok(APPLY, { input: { associationId: ASSOC, enterpriseCode: other, appliedOn: '2020-05-21' } });
    const before = await eventCount(service);
    const duplicate = await admin.request(ADMIT, {
      input: { associationId: ASSOC, enterpriseCode: other, tier: 'MEMBER', certificateNumber: 'YY-2020-001', decision: secretariat },
    });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN' });
    expect(await eventCount(service)).toBe(before);

    // A second open membership of the same firm is refused.
    const again = await admin.request(APPLY, { input: { associationId: ASSOC, enterpriseCode: code } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_ALREADY_OPEN' });
  });

  it('refuses an applicant that is not in the enterprise register', async () => {
    const result = await admin.request(APPLY, { input: { associationId: ASSOC, enterpriseCode: newCode() } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_ENTERPRISE_NOT_REGISTERED' });
    expect(result.errors?.[0]?.message).toContain('not in the enterprise register');
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const code = await registerFirm();
    await admin.ok(APPLY, { input: { associationId: ASSOC, enterpriseCode: code } });
    const before = await eventCount(service);
    const result = await admin.request(ADMIT, {
      input: {
        associationId: ASSOC,
        enterpriseCode: code,
        tier: 'DIRECTOR',
        certificateNumber: '   ',
        decision: { body: 'COUNCIL', reference: '理〔2020〕1号', decidedOn: '2020-02-30', votes: { entitled: 10, present: 12, inFavour: 12, against: 0, abstaining: 0 } },
      },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(
      ['certificateNumber', 'decision.decidedOn', 'decision.votes.present', 'tier'].sort(),
    );
    const shape = await admin.request(ADMIT, {
      input: { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber: 'x'.repeat(65), decision: { ...secretariat, body: 'MAYOR' } },
    });
    expect(shape.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(['certificateNumber', 'decision.body']);
    expect(await eventCount(service)).toBe(before);
  });

  it('keeps one president firm per council term, and a tier above member needs a council vote', async () => {
    const first = await registerFirm();
    const second = await registerFirm();
    await member(first);
    await member(second);
    const bySecretariat = await admin.request(CHANGE_TIER, { input: { associationId: ASSOC, enterpriseCode: first, tier: 'DIRECTOR', decision: secretariat } });
    expect(bySecretariat.errors?.[0]?.extensions).toMatchObject({ rule: 'MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION' });
    const president = await admin.ok<{ changeMembershipTier: { membership: { tier: string } } }>(CHANGE_TIER, {
      input: { associationId: ASSOC, enterpriseCode: first, tier: 'PRESIDENT', decision: councilVote },
    });
    expect(president.changeMembershipTier.membership.tier).toBe('PRESIDENT');
    const before = await eventCount(service);
    const secondPresident = await admin.request(CHANGE_TIER, { input: { associationId: ASSOC, enterpriseCode: second, tier: 'PRESIDENT', decision: councilVote } });
    expect(secondPresident.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'MEMBERSHIP_PRESIDENT_SEAT_TAKEN' });
    expect(await eventCount(service)).toBe(before);
    const terms = await auditor.ok<{ councilTerms: { termNumber: number; presidentEnterpriseCode: string }[] }>(
      `query { councilTerms(associationId: "${ASSOC}") { termNumber presidentEnterpriseCode } }`,
    );
    expect(terms.councilTerms).toEqual([{ termNumber: 3, presidentEnterpriseCode: first }]);
    // The president firm withdraws: the seat is free for another firm in the same term.
    await admin.ok(`mutation ($input: WithdrawMembershipInput!) { withdrawMembership(input: $input) { membership { status endedOn } } }`, {
      input: { associationId: ASSOC, enterpriseCode: first, noticeDate: '2021-03-01' },
    });
    const next = await admin.ok<{ changeMembershipTier: { membership: { tier: string } } }>(CHANGE_TIER, {
      input: { associationId: ASSOC, enterpriseCode: second, tier: 'PRESIDENT', decision: { ...councilVote, decidedOn: '2021-04-01' } },
    });
    expect(next.changeMembershipTier.membership.tier).toBe('PRESIDENT');
  });

  it('expels only on a council vote with quorum, and keeps the history with an as-of answer', async () => {
    const code = await registerFirm();
    const beforeApplication = new Date().toISOString();
    await member(code);
    const beforeExpulsion = new Date().toISOString();
    const expel = `mutation ($input: ExpelMemberInput!) { expelMember(input: $input) { membership { status endedOn } } }`;
    const noQuorum = await admin.request(expel, {
      input: {
        associationId: ASSOC,
        enterpriseCode: code,
        reason: '严重违反行业自律公约',
        effectiveFrom: '2021-06-01',
        decision: { ...councilVote, votes: { entitled: 60, present: 30, inFavour: 30, against: 0, abstaining: 0 } },
      },
    });
    expect(noQuorum.errors?.[0]?.extensions).toMatchObject({ rule: 'MEMBERSHIP_DECISION_WITHOUT_QUORUM' });
    const expelled = await admin.ok<{ expelMember: { membership: { status: string; endedOn: string } } }>(expel, {
      input: { associationId: ASSOC, enterpriseCode: code, reason: '严重违反行业自律公约', effectiveFrom: '2021-06-01', decision: councilVote },
    });
    expect(expelled.expelMember.membership).toEqual({ status: 'EXPELLED', endedOn: '2021-06-01' });

    const readMember = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: code });
    const data = await readMember.ok<{ membership: { history: { status: string; validFrom: string }[]; events: { totalCount: number; edges: { node: { type: string; actor: { userId: string | null } } }[] } } }>(
      `query { membership(associationId: "${ASSOC}", enterpriseCode: "${code}") { history { status tier validFrom validTo } events { totalCount edges { node { type actor { userId } hash } } } } }`,
    );
    expect(data.membership.history.map((h) => `${h.status}@${h.validFrom}`)).toEqual(['PENDING@2020-05-20', 'ACTIVE@2020-06-01', 'EXPELLED@2021-06-01']);
    expect(data.membership.events.edges.map((e) => e.node.type)).toEqual(['MembershipApplied', 'MembershipAdmitted', 'MembershipExpelled']);
    // Who recorded it is a staff identity (ADR 0014): the firm reads null, the auditor the secretariat's user.
    expect(data.membership.events.edges[2]!.node.actor.userId).toBeNull();
    const audited = await auditor.ok<{ membership: { events: { edges: { node: { actor: { userId: string } } }[] } } }>(
      `query { membership(associationId: "${ASSOC}", enterpriseCode: "${code}") { events { edges { node { actor { userId } } } } } }`,
    );
    expect(audited.membership.events.edges[2]!.node.actor.userId).toBe('sec-zhang');

    const asOf = async (instant: string) =>
      (await auditor.ok<{ membershipAsOf: { status: string } | null }>(
        `query ($at: DateTime!) { membershipAsOf(associationId: "${ASSOC}", enterpriseCode: "${code}", asOf: $at) { status tier } }`,
        { at: instant },
      )).membershipAsOf;
    // Recorded time: what the register said before it learned of the expulsion, and before the application.
    expect(await asOf(beforeExpulsion)).toEqual({ status: 'ACTIVE', tier: 'MEMBER' });
    expect(await asOf(new Date().toISOString())).toEqual({ status: 'EXPELLED', tier: 'MEMBER' });
    expect(await asOf(beforeApplication)).toBeNull();
    // An instant still to come is refused on its field: the register cannot say yet what it will hold then.
    const future = await auditor.request(`query ($at: DateTime!) { membershipAsOf(associationId: "${ASSOC}", enterpriseCode: "${code}", asOf: $at) { status } }`, {
      at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [expect.objectContaining({ field: 'asOf' })] });
  });

  it('lets admins act only in their own association, members read only their own firm, auditors read but not write', async () => {
    const code = await registerFirm();
    await member(code);
    const otherAdmin = service.client('ADMIN', { associationId: 'wuhan-cia' });
    const forbidden = await otherAdmin.request(APPLY, { input: { associationId: ASSOC, enterpriseCode: code } });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherDirectory = await otherAdmin.request(DIRECTORY, { associationId: ASSOC });
    expect(otherDirectory.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherMember = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: newCode() });
    const notOwn = await otherMember.request(`query { membership(associationId: "${ASSOC}", enterpriseCode: "${code}") { status } }`);
    expect(notOwn.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const auditorWrite = await auditor.request(APPLY, { input: { associationId: ASSOC, enterpriseCode: code } });
    expect(auditorWrite.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const auditorRead = await auditor.ok<{ membership: { status: string } }>(`query { membership(associationId: "${ASSOC}", enterpriseCode: "${code}") { status } }`);
    expect(auditorRead.membership.status).toBe('ACTIVE');
  });

  it('filters the member directory by size class and region of the firm, in pages', async () => {
    const micro = await registerFirm({ sizeClass: 'MICRO', regionCode: '430621' });
    await member(micro);
    const data = await admin.ok<{ memberDirectory: { totalCount: number; edges: { node: { enterpriseCode: string } }[] } }>(DIRECTORY, {
      associationId: ASSOC,
      filter: { sizeClass: 'MICRO', region: '430621', status: 'ACTIVE' },
    });
    expect(data.memberDirectory.totalCount).toBe(1);
    expect(data.memberDirectory.edges[0]!.node.enterpriseCode).toBe(micro);
    const all = await admin.ok<{ memberDirectory: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(DIRECTORY, {
      associationId: ASSOC,
      first: 2,
    });
    expect(all.memberDirectory.totalCount).toBeGreaterThan(2);
    expect(all.memberDirectory.pageInfo.hasNextPage).toBe(true);
    const next = await admin.ok<{ memberDirectory: { edges: unknown[] } }>(DIRECTORY, { associationId: ASSOC, first: 2, after: all.memberDirectory.pageInfo.endCursor });
    expect(next.memberDirectory.edges).toHaveLength(2);
  });

  it('reproduces the Yueyang election: 35 vice-presidents from 44 candidates, then 12 executive vice-presidents from the 35', async () => {
    const candidates: string[] = [];
    for (let i = 0; i < 44; i++) {
      const code = await registerFirm();
      await member(code);
      candidates.push(code);
    }
    const vp = await admin.ok<{ recordCouncilElection: { tierChangesApplied: number; readModelCurrent: boolean; election: { elected: string[]; candidates: { elected: boolean }[] } } }>(ELECTION, {
      input: {
        associationId: ASSOC,
        termNumber: 3,
        office: 'VICE_PRESIDENT',
        seats: 35,
        candidates: candidates.map((enterpriseCode, i) => ({ enterpriseCode, votes: 110 - i * 2 })),
        decision: assembly,
      },
    });
    expect(vp.recordCouncilElection.election.elected).toEqual(candidates.slice(0, 35));
    expect(vp.recordCouncilElection.election.candidates.filter((c) => c.elected)).toHaveLength(35);
    expect(vp.recordCouncilElection.tierChangesApplied).toBe(35);
    expect(vp.recordCouncilElection.readModelCurrent).toBe(true);

    const vicePresidents = await admin.ok<{ memberDirectory: { totalCount: number } }>(DIRECTORY, { associationId: ASSOC, filter: { tier: 'VICE_PRESIDENT' } });
    expect(vicePresidents.memberDirectory.totalCount).toBe(35);

    const evp = await admin.ok<{ recordCouncilElection: { tierChangesApplied: number; election: { elected: string[]; tier: string } } }>(ELECTION, {
      input: {
        associationId: ASSOC,
        termNumber: 3,
        office: 'EXECUTIVE_VICE_PRESIDENT',
        seats: 12,
        candidates: candidates.slice(0, 35).map((enterpriseCode, i) => ({ enterpriseCode, votes: 100 - i })),
        decision: assembly,
      },
    });
    expect(evp.recordCouncilElection.election.elected).toEqual(candidates.slice(0, 12));
    expect(evp.recordCouncilElection.election.tier).toBe('VICE_PRESIDENT');
    expect(evp.recordCouncilElection.tierChangesApplied).toBe(0);

    const elections = await auditor.ok<{ councilElections: { office: string; seats: number; elected: string[]; candidates: unknown[] }[] }>(
      `query { councilElections(associationId: "${ASSOC}", termNumber: 3) { office seats elected candidates { enterpriseCode } } }`,
    );
    expect(elections.councilElections.map((e) => [e.office, e.candidates.length, e.seats, e.elected.length])).toEqual([
      ['VICE_PRESIDENT', 44, 35, 35],
      ['EXECUTIVE_VICE_PRESIDENT', 35, 12, 12],
    ]);

    // A tie at the last seat is refused until the run-off is recorded.
    const tie = await admin.request(ELECTION, {
      input: {
        associationId: ASSOC,
        termNumber: 3,
        office: 'DIRECTOR',
        seats: 2,
        candidates: [{ enterpriseCode: candidates[40], votes: 90 }, { enterpriseCode: candidates[41], votes: 80 }, { enterpriseCode: candidates[42], votes: 80 }],
        decision: assembly,
      },
    });
    expect(tie.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'COUNCIL_ELECTION_TIE_AT_LAST_SEAT' });
  }, 120_000);
});
