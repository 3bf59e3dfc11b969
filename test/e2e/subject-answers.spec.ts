/*
 * A typo must not read as a clean answer. A dues statement for an unknown association, a malformed code or a
 * firm that was never a member is refused with the reason, not answered "owes nothing"; a tender look-up says
 * for each code, in the order asked, whether it is invalid (and why), not registered, not rated, or rated; an
 * "as of" in the future is refused; printable lists carry the firm's name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient, type GraphQLErrorShape } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const ASSOC = 'subject-answers';
const RATED = memberCode('RATED', 1); // member, rated AAA
const OVERRIDE_BODY = '91420100MA4K00002';
const OVERRIDE = `${OVERRIDE_BODY}${withCheckCharacter(OVERRIDE_BODY).endsWith('0') ? '1' : '0'}`; // fails its check; registered by override, member
const NON_MEMBER = withCheckCharacter('91420100MA4K00003'); // registered, never a member, never rated
const UNREGISTERED = withCheckCharacter('91420100MA4K00004'); // a well-formed code nobody registered
const TYPO = `${UNREGISTERED.slice(0, 17)}${UNREGISTERED.endsWith('1') ? '2' : '1'}`; // fails its check, not registered
const OVERRIDE_NAME = '校验位例外建设有限公司';
const NON_MEMBER_NAME = '非会员建设有限公司';
const RATED_NAME = `会员企业${RATED.slice(-7)}建设有限公司`;

const STATEMENT = `query ($associationId: String!, $code: String!, $asOf: DateTime) {
  duesStatement(associationId: $associationId, enterpriseCode: $code, asOf: $asOf) { enterpriseCode enterpriseName membershipStatus balanceFen years { year balanceFen } } }`;
const LOOKUP = `query ($ids: [String!]!, $asOf: DateTime) { creditRatingsAsOf(subjectIds: $ids, asOf: $asOf) {
  subjectId code outcome invalidReason enterpriseName inForce ratings { grade status inForce certificateNumber } } }`;

type Lookup = {
  subjectId: string;
  code: string | null;
  outcome: string;
  invalidReason: string | null;
  enterpriseName: string | null;
  inForce: boolean;
  ratings: { grade: string; status: string; inForce: boolean }[];
};

const errorOf = (result: { errors?: GraphQLErrorShape[] }) => result.errors?.[0]?.extensions ?? {};

describe('answers that say what their subject is', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let auditor: GraphQLClient;
  let tender: GraphQLClient;
  let secretary: GraphQLClient;
  let credit: CreditCycleScenario;

  beforeAll(async () => {
    service = await startTestService({ clock });
    auditor = service.client('AUDITOR');
    tender = service.client('TENDER');
    secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'secretary-general' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general'], 1);
    await fixtures.members(ASSOC, [{ code: RATED, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2021-03-01' }]);
    await fixtures.settled();
    credit = new CreditCycleScenario(service, clock, { associationId: ASSOC, cycleId: 'rating-2022', filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    await credit.registerFirm(NON_MEMBER, NON_MEMBER_NAME);
    await secretary.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
      input: {
        code: OVERRIDE, name: OVERRIDE_NAME, legalRepresentative: '赵六', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'SMALL',
        checkDigitOverrideReason: '营业执照上印制的代码即为此，经登记机关核实',
      },
    });
    await secretary.ok(`mutation ($input: ApplyForMembershipInput!) { applyForMembership(input: $input) { revision } }`, {
      input: { associationId: ASSOC, enterpriseCode: OVERRIDE, appliedOn: '2022-01-10' },
    });
    await secretary.ok(`mutation ($input: AdmitMemberInput!) { admitMember(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, enterpriseCode: OVERRIDE, tier: 'MEMBER', certificateNumber: '证-OVERRIDE', admittedOn: '2022-02-01',
        decision: { body: 'COUNCIL', reference: '协〔2022〕2号', decidedOn: '2022-02-01' },
      },
    });
    // A rated firm: AAA from 11 May 2022.
    await credit.open();
    await credit.file(RATED);
    await credit.score(RATED, 46, 47);
    await credit.completeReview(RATED);
    await credit.startNotice(RATED, '2022-05-04');
    clock.set('2022-05-10T02:00:00.000Z');
    await credit.issue(RATED, 'SA-2022-001', '2022-05-11');
    // Dues for 2022, left unpaid; by March 2023 both members are in arrears.
    await secretary.ok(`mutation ($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, amounts: [{ tier: 'MEMBER', annualFen: 200_000 }], effectiveFrom: '2022-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2021〕9号', decidedOn: '2021-12-20' },
      },
    });
    await secretary.ok(`mutation { invoiceDuesYear(input: { associationId: "${ASSOC}", year: 2022 }) { written } }`);
    clock.set('2023-03-01T02:00:00.000Z');
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  describe('a dues statement', () => {
    const statement = (client: GraphQLClient, code: string, associationId = ASSOC, asOf?: string) =>
      client.request<{ duesStatement: Record<string, unknown> }>(STATEMENT, { associationId, code, asOf });

    it('refuses an unknown association as not found', async () => {
      expect(errorOf(await statement(auditor, RATED, 'no-such-association'))).toMatchObject({ code: 'NOT_FOUND', entity: 'Association', id: 'no-such-association' });
    });

    it('refuses a malformed code or an empty one on its field, with the reason', async () => {
      for (const [code, reason] of [
        ['not-a-code', /18 characters long \(got 10\)/],
        ['', /18 characters long \(got 0\)/],
        [`${RATED.slice(0, 5)}O${RATED.slice(6)}`, /character 6 \("O"\) is not allowed/],
      ] as const) {
        const extensions = errorOf(await statement(auditor, code));
        expect(extensions.code).toBe('BAD_USER_INPUT');
        expect(extensions.fieldErrors).toEqual([{ field: 'enterpriseCode', message: expect.stringMatching(reason) }]);
      }
    });

    it('refuses a code failing its check character that no one registered by override', async () => {
      const extensions = errorOf(await statement(auditor, TYPO));
      expect(extensions.code).toBe('BAD_USER_INPUT');
      expect(extensions.fieldErrors).toEqual([{ field: 'enterpriseCode', message: expect.stringMatching(/check character/) }]);
    });

    it('says that a well-formed code is not in the enterprise register, and that a registered firm was never a member', async () => {
      expect(errorOf(await statement(auditor, UNREGISTERED))).toMatchObject({ code: 'NOT_FOUND', entity: 'Enterprise', id: UNREGISTERED });
      const never = await statement(auditor, NON_MEMBER);
      expect(errorOf(never)).toMatchObject({ code: 'NOT_FOUND', entity: 'Membership' });
      expect(never.errors?.[0]?.message).toContain(NON_MEMBER_NAME);
    });

    it('answers for a member, a code registered by override and a code typed in lower case, with the name and membership status', async () => {
      const override = await auditor.ok<{ duesStatement: Record<string, unknown> }>(STATEMENT, { associationId: ASSOC, code: OVERRIDE });
      expect(override.duesStatement).toEqual({
        enterpriseCode: OVERRIDE, enterpriseName: OVERRIDE_NAME, membershipStatus: 'ACTIVE', balanceFen: 200_000, years: [{ year: 2022, balanceFen: 200_000 }],
      });
      const lower = await auditor.ok<{ duesStatement: Record<string, unknown> }>(STATEMENT, { associationId: ASSOC, code: RATED.toLowerCase() });
      expect(lower.duesStatement).toMatchObject({ enterpriseCode: RATED, enterpriseName: RATED_NAME, balanceFen: 200_000 });
      // Before the register recorded the membership, the statement says so rather than "member, owes nothing".
      const before = await auditor.ok<{ duesStatement: Record<string, unknown> }>(STATEMENT, { associationId: ASSOC, code: OVERRIDE, asOf: '2022-05-03T01:00:00.000Z' });
      expect(before.duesStatement).toMatchObject({ membershipStatus: null, years: [], balanceFen: 0 });
    });

    it("refuses another association's admin before saying anything about the subject", async () => {
      const outsider = service.client('ADMIN', { associationId: 'another-association', userId: 'secretary-general' });
      for (const code of [RATED, UNREGISTERED, TYPO, NON_MEMBER]) expect(errorOf(await statement(outsider, code)).code).toBe('FORBIDDEN');
      expect(errorOf(await statement(outsider, RATED, 'no-such-association')).code).toBe('FORBIDDEN');
    });
  });

  describe('a tender look-up at bid opening', () => {
    it('answers every code in the order asked, saying which is invalid, unregistered, unrated or rated', async () => {
      const ids = [RATED, NON_MEMBER, UNREGISTERED, TYPO, 'not-a-code', '', ` ${RATED.toLowerCase()}`, OVERRIDE, RATED];
      const { creditRatingsAsOf } = await tender.ok<{ creditRatingsAsOf: Lookup[] }>(LOOKUP, { ids, asOf: '2022-05-12T02:00:00.000Z' });
      expect(creditRatingsAsOf.map((r) => r.subjectId)).toEqual(ids);
      expect(creditRatingsAsOf.map((r) => r.outcome)).toEqual(['RATED', 'NOT_RATED', 'NOT_REGISTERED', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'RATED', 'NOT_RATED', 'RATED']);
      const [rated, nonMember, unregistered, typo, notACode, empty, lower, override] = creditRatingsAsOf as [Lookup, Lookup, Lookup, Lookup, Lookup, Lookup, Lookup, Lookup];
      expect(rated).toMatchObject({ code: RATED, enterpriseName: RATED_NAME, invalidReason: null, inForce: true, ratings: [{ grade: 'AAA', status: 'ACTIVE', inForce: true }] });
      expect(lower).toMatchObject({ code: RATED, enterpriseName: RATED_NAME, outcome: 'RATED' });
      expect(nonMember).toMatchObject({ code: NON_MEMBER, enterpriseName: NON_MEMBER_NAME, invalidReason: null, inForce: false, ratings: [] });
      expect(override).toMatchObject({ code: OVERRIDE, enterpriseName: OVERRIDE_NAME, invalidReason: null, ratings: [] });
      expect(unregistered).toMatchObject({ code: UNREGISTERED, enterpriseName: null, invalidReason: null, ratings: [] });
      expect(typo).toMatchObject({ code: null, enterpriseName: null, invalidReason: expect.stringMatching(/check character/), ratings: [] });
      expect(notACode.invalidReason).toMatch(/18 characters long \(got 10\)/);
      expect(empty.invalidReason).toMatch(/18 characters long \(got 0\)/);
    });

    it('answers "not rated" for a firm whose rating was not yet issued at the instant asked', async () => {
      const { creditRatingsAsOf } = await tender.ok<{ creditRatingsAsOf: Lookup[] }>(LOOKUP, { ids: [RATED], asOf: '2022-05-09T02:00:00.000Z' });
      expect(creditRatingsAsOf).toEqual([expect.objectContaining({ outcome: 'NOT_RATED', enterpriseName: RATED_NAME, ratings: [] })]);
    });
  });

  describe('an instant in the future', () => {
    const tomorrow = '2023-03-02T02:00:00.000Z';
    it.each([
      ['duesStatement', `{ duesStatement(associationId: "${ASSOC}", enterpriseCode: "${RATED}", asOf: "${tomorrow}") { balanceFen } }`],
      ['duesAnnualReport', `{ duesAnnualReport(associationId: "${ASSOC}", year: 2022, asOf: "${tomorrow}") { invoicedFen } }`],
      ['duesArrears', `{ duesArrears(associationId: "${ASSOC}", asOf: "${tomorrow}") { totalCount } }`],
      ['deemedWithdrawalCandidates', `{ deemedWithdrawalCandidates(associationId: "${ASSOC}", asOf: "${tomorrow}") { charterYears } }`],
      ['creditRatingsAsOf', `{ creditRatingsAsOf(subjectIds: ["${RATED}"], asOf: "${tomorrow}") { outcome } }`],
    ])('%s refuses it on the asOf field', async (_name, query) => {
      const result = await auditor.request(query);
      expect(result.data ?? null).toBeNull();
      expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'asOf', message: expect.stringMatching(/future/) }] });
    });

    it.each(['yesterday', '2023-13-45T00:00:00Z'])('refuses %s, which is no instant, on the asOf field', async (asOf) => {
      for (const query of [
        `query ($asOf: DateTime) { duesStatement(associationId: "${ASSOC}", enterpriseCode: "${RATED}", asOf: $asOf) { balanceFen } }`,
        `query ($asOf: DateTime) { creditRatingsAsOf(subjectIds: ["${RATED}"], asOf: $asOf) { outcome } }`,
      ]) {
        const result = await auditor.request(query, { asOf });
        expect(errorOf(result).code).toBe('BAD_USER_INPUT');
        expect(errorOf(result).fieldErrors ?? [{ field: 'asOf' }]).toEqual([expect.objectContaining({ field: 'asOf' })]);
      }
    });

    it('gives the name asked for through a fragment, and the same outcomes without it', async () => {
      const withFragment = await tender.ok<{ creditRatingsAsOf: Lookup[] }>(
        `query ($ids: [String!]!) { creditRatingsAsOf(subjectIds: $ids) { ...Who outcome } } fragment Who on SubjectRatings { enterpriseName }`,
        { ids: [RATED, UNREGISTERED] },
      );
      expect(withFragment.creditRatingsAsOf).toEqual([
        { enterpriseName: RATED_NAME, outcome: 'RATED' },
        { enterpriseName: null, outcome: 'NOT_REGISTERED' },
      ]);
      const withoutName = await tender.ok<{ creditRatingsAsOf: { outcome: string }[] }>(`{ creditRatingsAsOf(subjectIds: ["${RATED}", "${UNREGISTERED}"]) { outcome } }`);
      expect(withoutName.creditRatingsAsOf).toEqual([{ outcome: 'RATED' }, { outcome: 'NOT_REGISTERED' }]);
    });

    it('accepts the present instant itself', async () => {
      const now = clock.now().toISOString();
      const { creditRatingsAsOf } = await tender.ok<{ creditRatingsAsOf: Lookup[] }>(LOOKUP, { ids: [RATED], asOf: now });
      expect(creditRatingsAsOf[0]!.outcome).toBe('RATED');
    });
  });

  describe('lists printed for the secretariat', () => {
    it('name each firm in arrears and each deemed-withdrawal candidate', async () => {
      const arrears = await auditor.ok<{ duesArrears: { edges: { node: { enterpriseCode: string; enterpriseName: string | null } }[] } }>(
        `{ duesArrears(associationId: "${ASSOC}", first: 200) { edges { node { enterpriseCode enterpriseName unpaidYears } } } }`,
      );
      expect(arrears.duesArrears.edges.map((e) => e.node).sort((a, b) => a.enterpriseCode.localeCompare(b.enterpriseCode))).toEqual(
        [
          { enterpriseCode: RATED, enterpriseName: RATED_NAME, unpaidYears: [2022] },
          { enterpriseCode: OVERRIDE, enterpriseName: OVERRIDE_NAME, unpaidYears: [2022] },
        ].sort((a, b) => a.enterpriseCode.localeCompare(b.enterpriseCode)),
      );
      const candidates = await secretary.ok<{ deemedWithdrawalCandidates: { members: { enterpriseCode: string; enterpriseName: string | null }[] } }>(
        `{ deemedWithdrawalCandidates(associationId: "${ASSOC}") { members { enterpriseCode enterpriseName } } }`,
      );
      expect(new Map(candidates.deemedWithdrawalCandidates.members.map((m) => [m.enterpriseCode, m.enterpriseName]))).toEqual(
        new Map([
          [RATED, RATED_NAME],
          [OVERRIDE, OVERRIDE_NAME],
        ]),
      );
    });

    it('refuses the registers of an association that does not exist as not found', async () => {
      for (const query of [
        `{ duesAnnualReport(associationId: "no-such-association", year: 2022) { invoicedFen } }`,
        `{ duesArrears(associationId: "no-such-association") { totalCount } }`,
        `{ duesWaiverRegister(associationId: "no-such-association", year: 2022) { totalCount } }`,
      ]) {
        expect(errorOf(await auditor.request(query))).toMatchObject({ code: 'NOT_FOUND', entity: 'Association' });
      }
    });
  });
});
