/*
 * Figures a secretariat reads in its work report: the dues report lists tiers from the president's firm down
 * to reserve members with every figure filled, as of the instant asked; a credit cycle counts every
 * application in some grade bucket (an application sent back by an upheld objection included) and every
 * issued rating by its status (suspended and revoked included), with the totals to check them against.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';
import { DuesFixtures, memberCode, type MemberSeed } from './dues-fixtures.js';

const ASSOC = 'figures';
const CYCLE = 'rating-2022';
const RANK = ['PRESIDENT', 'VICE_PRESIDENT', 'EXECUTIVE_DIRECTOR', 'DIRECTOR', 'MEMBER', 'RESERVE'];
const ANNUAL: Record<string, number> = {
  PRESIDENT: 5_000_000,
  VICE_PRESIDENT: 3_000_000,
  EXECUTIVE_DIRECTOR: 1_000_000,
  DIRECTOR: 500_000,
  MEMBER: 200_000,
  RESERVE: 50_000,
};
const seeds: MemberSeed[] = Array.from({ length: 9 }, (_, i) => ({
  code: memberCode('FGRTB', i),
  sizeClass: 'MEDIUM',
  tier: i === 8 ? 'RESERVE' : 'MEMBER',
  admittedOn: '2023-03-01',
}));
/** Raised by council votes in June 2023: one firm each to president, vice-president and executive director, two to director. */
const RAISED: [string, string][] = [
  [seeds[0]!.code, 'PRESIDENT'],
  [seeds[1]!.code, 'VICE_PRESIDENT'],
  [seeds[2]!.code, 'EXECUTIVE_DIRECTOR'],
  [seeds[3]!.code, 'DIRECTOR'],
  [seeds[4]!.code, 'DIRECTOR'],
];
const COUNT: Record<string, number> = { PRESIDENT: 1, VICE_PRESIDENT: 1, EXECUTIVE_DIRECTOR: 1, DIRECTOR: 2, MEMBER: 3, RESERVE: 1 };

const [RATED, SUSPENDED, REVOKED, SENT_BACK, UNSCORED, BELOW] = [1, 2, 3, 4, 5, 6].map((i) => withCheckCharacter(`91420100MA4F${String(i).padStart(5, '0')}`)) as [
  string, string, string, string, string, string,
];

const REPORT = `query ($asOf: DateTime) { duesAnnualReport(associationId: "${ASSOC}", year: 2024, asOf: $asOf) {
  invoicedFen invoicedByTier { tier count invoicedFen } membersByTier { tier count invoicedFen } } }`;
type TierTotal = { tier: string; count: number; invoicedFen: number | null };
type Report = { duesAnnualReport: { invoicedFen: number; invoicedByTier: TierTotal[]; membersByTier: TierTotal[] } };

describe('the figures of a secretariat work report', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let auditor: GraphQLClient;
  let credit: CreditCycleScenario;
  let beforeTierChanges: string;
  let beforeInvoicing: string;

  beforeAll(async () => {
    service = await startTestService({ clock });
    auditor = service.client('AUDITOR');

    // A credit cycle of six applications.
    credit = new CreditCycleScenario(service, clock, { associationId: ASSOC, cycleId: CYCLE, filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    for (const code of [RATED, SUSPENDED, REVOKED, SENT_BACK, UNSCORED, BELOW]) await credit.registerFirm(code, `信用评价企业${code.slice(-4)}有限公司`);
    await credit.open();
    for (const code of [RATED, SUSPENDED, REVOKED, SENT_BACK, UNSCORED, BELOW]) await credit.file(code);
    const points: [string, number, number][] = [
      [RATED, 35, 35], // A
      [SUSPENDED, 46, 47], // AAA
      [REVOKED, 40, 45], // AA
      [SENT_BACK, 45, 45], // AAA, then an upheld objection
      [BELOW, 20, 20], // below every threshold: reviewed, no grade
    ];
    for (const [code, management, compliance] of points) {
      await credit.score(code, management, compliance);
      await credit.completeReview(code);
    }
    for (const code of [RATED, SUSPENDED, REVOKED, SENT_BACK]) await credit.startNotice(code, '2022-05-04');
    clock.set('2022-05-06T02:00:00.000Z');
    await credit.upholdObjection(SENT_BACK, 'obj-1');
    clock.set('2022-05-10T02:00:00.000Z');
    await credit.issue(RATED, 'FG-2022-001', '2022-05-11');
    await credit.issue(SUSPENDED, 'FG-2022-002', '2022-05-11');
    await credit.issue(REVOKED, 'FG-2022-003', '2022-05-11');
    clock.set('2023-02-01T02:00:00.000Z');
    await credit.recordConduct(SUSPENDED, 'hr-2023-1', 'WAGE_ARREARS', '2023-01-20');
    await credit.recordConduct(REVOKED, 'jw-2023-1', 'BRIBERY', '2023-01-20');

    // Dues: nine members admitted in March 2023, five raised in June, invoiced for 2024 in February.
    clock.set('2023-03-01T02:00:00.000Z');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general']);
    await fixtures.members(ASSOC, seeds);
    await fixtures.settled();
    const secretary = service.client('ADMIN', { associationId: ASSOC, userId: 'secretary-general' });
    beforeTierChanges = '2023-05-01T02:00:00.000Z';
    clock.set('2023-06-01T02:00:00.000Z');
    await secretary.ok(`mutation ($input: RecordCouncilTermInput!) { recordCouncilTerm(input: $input) { revision } }`, {
      input: { associationId: ASSOC, termNumber: 5, startsOn: '2023-01-01', endsOn: '2027-12-31' },
    });
    for (const [enterpriseCode, tier] of RAISED) {
      await secretary.ok(`mutation ($input: ChangeMembershipTierInput!) { changeMembershipTier(input: $input) { revision } }`, {
        input: {
          associationId: ASSOC, enterpriseCode, tier, effectiveFrom: '2023-06-01',
          decision: { body: 'COUNCIL', reference: '协〔2023〕6号', decidedOn: '2023-06-01', votes: { entitled: 40, present: 35, inFavour: 33, against: 1, abstaining: 1 } },
        },
      });
    }
    await secretary.ok(`mutation ($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: Object.entries(ANNUAL).map(([tier, annualFen]) => ({ tier, annualFen })),
        effectiveFrom: '2024-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2023〕20号', decidedOn: '2023-12-20' },
      },
    });
    beforeInvoicing = '2024-01-15T02:00:00.000Z';
    clock.set('2024-02-01T02:00:00.000Z');
    await secretary.ok(`mutation { invoiceDuesYear(input: { associationId: "${ASSOC}", year: 2024 }) { written } }`);
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  describe('the dues annual report', () => {
    it('lists the tiers from the president’s firm down to reserve members, with what each was invoiced', async () => {
      const { duesAnnualReport } = await auditor.ok<Report>(REPORT);
      const expected = RANK.map((tier) => ({ tier, count: COUNT[tier]!, invoicedFen: COUNT[tier]! * ANNUAL[tier]! }));
      expect(duesAnnualReport.invoicedByTier).toEqual(expected);
      expect(duesAnnualReport.membersByTier).toEqual(expected);
      expect(duesAnnualReport.membersByTier.reduce((sum, t) => sum + t.invoicedFen!, 0)).toBe(duesAnnualReport.invoicedFen);
    });

    it('gives the members and their invoices as they stood at asOf', async () => {
      const beforeInvoice = (await auditor.ok<Report>(REPORT, { asOf: beforeInvoicing })).duesAnnualReport;
      expect(beforeInvoice.invoicedByTier).toEqual([]);
      expect(beforeInvoice.membersByTier).toEqual(RANK.map((tier) => ({ tier, count: COUNT[tier]!, invoicedFen: 0 })));
      const beforeRaise = (await auditor.ok<Report>(REPORT, { asOf: beforeTierChanges })).duesAnnualReport;
      expect(beforeRaise.membersByTier).toEqual([
        { tier: 'MEMBER', count: 8, invoicedFen: 0 },
        { tier: 'RESERVE', count: 1, invoicedFen: 0 },
      ]);
    });
  });

  describe('a credit cycle', () => {
    type GradeCount = { grade: string | null; underReview: boolean; count: number };
    type RatingCount = { grade: string; status: string; inForce: boolean; count: number };
    type Cycle = {
      creditCycle: {
        applicationCount: number;
        gradeDistribution: GradeCount[];
        ratingCount: number;
        ratingsInForce: number;
        ratingsByStatus: RatingCount[];
        ratedDistribution: { grade: string; count: number }[];
      };
    };
    const cycle = async () =>
      (
        await auditor.ok<Cycle>(`{ creditCycle(associationId: "${ASSOC}", cycleId: "${CYCLE}") {
          applicationCount gradeDistribution { grade underReview count } ratingCount ratingsInForce
          ratingsByStatus { grade status inForce count } ratedDistribution { grade count } } }`)
      ).creditCycle;

    it('counts every application in a grade bucket, those not graded yet in their own', async () => {
      const { applicationCount, gradeDistribution } = await cycle();
      expect(applicationCount).toBe(6);
      expect(gradeDistribution).toEqual([
        { grade: 'A', underReview: false, count: 1 },
        { grade: 'AA', underReview: false, count: 1 },
        { grade: 'AAA', underReview: false, count: 1 },
        { grade: null, underReview: false, count: 1 },
        { grade: null, underReview: true, count: 2 },
      ]);
      expect(gradeDistribution.reduce((sum, g) => sum + g.count, 0)).toBe(applicationCount);
    });

    it('counts every issued rating by its status, suspended and revoked included, and those in force by grade', async () => {
      const { ratingCount, ratingsInForce, ratingsByStatus, ratedDistribution } = await cycle();
      expect(ratingCount).toBe(3);
      expect(ratingsByStatus).toEqual([
        { grade: 'A', status: 'ACTIVE', inForce: true, count: 1 },
        { grade: 'AAA', status: 'SUSPENDED', inForce: false, count: 1 },
        { grade: 'AA', status: 'REVOKED', inForce: false, count: 1 },
      ]);
      expect(ratingsByStatus.reduce((sum, r) => sum + r.count, 0)).toBe(ratingCount);
      expect(ratingsInForce).toBe(1);
      expect(ratedDistribution).toEqual([{ grade: 'A', count: 1 }]);
      expect(ratedDistribution.reduce((sum, r) => sum + r.count, 0)).toBe(ratingsInForce);
    });
  });
});
