/*
 * The tender look-up of credit ratings on both time axes: `asOf` (what the register had recorded by an instant)
 * and `effectiveAt` (the business date the rating is asked for). A rating issued in 2022 is downgraded in an
 * annual review recorded at R (business date D, the day of R in China), then suspended on wage arrears and
 * reinstated by a decision recorded on 2023-04-20 but back-dated to 2023-04-10.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';

const ASSOC = 'jingzhou-cia';
const CYCLE = 'credit-2022';
const FIRM = withCheckCharacter('91421000MA4T00001');
// The downgrade is recorded at R, 10:00 on 2023-03-10 in China: its business date D is that day.
const R = '2023-03-10T02:00:00.000Z';
const D = '2023-03-10';
const BEFORE_R = '2023-03-10T01:00:00.000Z';
const AFTER_R = '2023-03-10T03:00:00.000Z';

type Answer = {
  asOf: string;
  effectiveAt: string;
  outcome: string;
  inForce: boolean;
  ratings: { grade: string; status: string; inForce: boolean; effectiveFrom: string; changedBy: string }[];
};
const LOOKUP = `query ($subjectIds: [String!]!, $asOf: DateTime, $effectiveAt: String) {
  creditRatingsAsOf(subjectIds: $subjectIds, asOf: $asOf, effectiveAt: $effectiveAt) {
    asOf effectiveAt outcome inForce ratings { grade status inForce effectiveFrom changedBy }
  }
}`;

describe('credit ratings on two time axes: as recorded by asOf, in effect on effectiveAt', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let tender: GraphQLClient;
  let credit: CreditCycleScenario;

  const lookUp = async (asOf: string | null, effectiveAt: string | null): Promise<Answer> => {
    const data = await tender.ok<{ creditRatingsAsOf: Answer[] }>(LOOKUP, { subjectIds: [FIRM], asOf, effectiveAt });
    return data.creditRatingsAsOf[0]!;
  };
  const rating = async (asOf: string | null, effectiveAt: string | null) => {
    const [found] = (await lookUp(asOf, effectiveAt)).ratings;
    return { grade: found?.grade, status: found?.status, inForce: found?.inForce };
  };

  beforeAll(async () => {
    service = await startTestService({ clock });
    tender = service.client('TENDER');
    credit = new CreditCycleScenario(service, clock, { associationId: ASSOC, cycleId: CYCLE, filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    await credit.registerFirm(FIRM, '荆州市政建设有限公司');
    await credit.open();
    await credit.file(FIRM);
    await credit.score(FIRM, 46, 47);
    await credit.completeReview(FIRM);
    await credit.startNotice(FIRM, '2022-05-04');
    clock.set('2022-05-12T02:00:00.000Z');
    await credit.issue(FIRM, 'JZ-2022-001', '2022-05-12');

    clock.set(R);
    await credit.admin.ok(`mutation ($input: ReviewCreditRatingInput!) { reviewCreditRating(input: $input) { __typename } }`, {
      input: { associationId: ASSOC, cycleId: CYCLE, subjectId: FIRM, reviewYear: 2023, outcome: 'DOWNGRADED', levels: 1, reason: '年度复核发现质量问题' },
    });

    clock.set('2023-04-03T02:00:00.000Z');
    await credit.recordConduct(FIRM, 'hr-2023-7', 'WAGE_ARREARS', '2023-03-28');
    clock.set('2023-04-20T02:00:00.000Z');
    await credit.admin.ok(`mutation ($input: ReinstateCreditRatingInput!) { reinstateCreditRating(input: $input) { __typename } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, subjectId: FIRM, reason: '拖欠工资已于4月10日全部清偿', effectiveFrom: '2023-04-10',
        decision: { body: 'SECRETARIAT', reference: '荆建协〔2023〕5号', decidedOn: '2023-04-19' },
      },
    });
    clock.set('2023-05-02T02:00:00.000Z');
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('answers the old grade for an asOf before the downgrade was recorded, whatever effectiveAt', async () => {
    for (const effectiveAt of ['2023-03-09', D, '2023-03-20', '2024-01-01']) {
      expect(await rating(BEFORE_R, effectiveAt)).toEqual({ grade: 'AAA', status: 'ACTIVE', inForce: true });
    }
  });

  it('answers the new grade for an asOf after the downgrade was recorded and an effectiveAt on or after its business date', async () => {
    for (const effectiveAt of [D, '2023-03-11', '2023-03-31']) {
      expect(await rating(AFTER_R, effectiveAt)).toEqual({ grade: 'AA', status: 'ACTIVE', inForce: true });
    }
  });

  it('answers the old grade for an asOf after the downgrade was recorded and an effectiveAt before its business date', async () => {
    expect(await rating(AFTER_R, '2023-03-09')).toEqual({ grade: 'AAA', status: 'ACTIVE', inForce: true });
    expect(await rating('2023-05-01T00:00:00.000Z', '2023-03-09')).toEqual({ grade: 'AAA', status: 'ACTIVE', inForce: true });
  });

  it('keeps what an earlier asOf answers when a back-dated reinstatement is recorded later, and answers it for a later asOf', async () => {
    // Suspended from 2023-04-03 (its recording day); the reinstatement, recorded 2023-04-20, holds from 2023-04-10.
    const beforeReinstatement = '2023-04-15T02:00:00.000Z';
    const afterReinstatement = '2023-04-21T02:00:00.000Z';
    expect(await rating(beforeReinstatement, '2023-04-12')).toEqual({ grade: 'AA', status: 'SUSPENDED', inForce: false });
    expect(await rating(afterReinstatement, '2023-04-12')).toEqual({ grade: 'AA', status: 'ACTIVE', inForce: true });
    expect(await rating(afterReinstatement, '2023-04-05')).toEqual({ grade: 'AA', status: 'SUSPENDED', inForce: false });
    expect(await rating(afterReinstatement, '2023-04-02')).toEqual({ grade: 'AA', status: 'ACTIVE', inForce: true });
  });

  it('defaults effectiveAt to the business date of asOf, and both to now, answering as before', async () => {
    const now = await lookUp(null, null);
    expect(now).toMatchObject({ asOf: '2023-05-02T02:00:00.000Z', effectiveAt: '2023-05-02', outcome: 'RATED', inForce: true });
    expect(now.ratings).toEqual([{ grade: 'AA', status: 'ACTIVE', inForce: true, effectiveFrom: '2023-04-10', changedBy: 'CreditRatingReinstated' }]);
    expect(await lookUp(null, '2023-05-02')).toEqual(now);
    // 2023-03-10T17:00Z is already 2023-03-11 in China.
    const evening = await lookUp('2023-03-10T17:00:00.000Z', null);
    expect(evening.effectiveAt).toBe('2023-03-11');
    expect(await lookUp('2023-03-10T17:00:00.000Z', '2023-03-11')).toEqual(evening);
    expect(await rating(BEFORE_R, null)).toEqual({ grade: 'AAA', status: 'ACTIVE', inForce: true });
    expect(await rating(AFTER_R, null)).toEqual({ grade: 'AA', status: 'ACTIVE', inForce: true });
  });

  it('answers an effectiveAt beyond what has been recorded from the recorded facts: the rating stands to its valid-to, expired after', async () => {
    expect(await rating(null, '2025-05-11')).toEqual({ grade: 'AA', status: 'ACTIVE', inForce: true });
    expect(await rating(null, '2025-05-12')).toEqual({ grade: 'AA', status: 'EXPIRED', inForce: false });
    expect(await lookUp(null, '2022-05-11')).toMatchObject({ outcome: 'NOT_RATED', ratings: [], inForce: false });
  });

  it("answers the firm's credit history on both axes: steps recorded by asOf, in effect by effectiveAt", async () => {
    const auditor = service.client('AUDITOR');
    const steps = async (asOf: string | null, effectiveAt: string | null) =>
      (
        await auditor.ok<{ creditHistory: { type: string; recordedAt: string; effectiveOn: string }[] }>(
          `query ($subjectId: String!, $asOf: DateTime, $effectiveAt: String) {
            creditHistory(subjectId: $subjectId, asOf: $asOf, effectiveAt: $effectiveAt) { type recordedAt effectiveOn }
          }`,
          { subjectId: FIRM, asOf, effectiveAt },
        )
      ).creditHistory;
    const ratingSteps = (list: { type: string }[]) => list.map((s) => s.type).filter((t) => t.startsWith('CreditRating'));
    const all = await steps(null, null);
    expect(ratingSteps(all)).toEqual(['CreditRatingIssued', 'CreditRatingDowngraded', 'CreditRatingSuspended', 'CreditRatingReinstated']);
    // The reinstatement was recorded on 2023-04-20 and took effect on 2023-04-10.
    expect(all.find((s) => s.type === 'CreditRatingReinstated')).toEqual({
      type: 'CreditRatingReinstated', recordedAt: '2023-04-20T02:00:00.000Z', effectiveOn: '2023-04-10',
    });
    expect(ratingSteps(await steps(BEFORE_R, null))).toEqual(['CreditRatingIssued']);
    expect(ratingSteps(await steps('2023-04-15T02:00:00.000Z', '2023-04-12'))).toEqual(['CreditRatingIssued', 'CreditRatingDowngraded', 'CreditRatingSuspended']);
    expect(ratingSteps(await steps(null, '2023-04-12'))).toEqual(['CreditRatingIssued', 'CreditRatingDowngraded', 'CreditRatingSuspended', 'CreditRatingReinstated']);
    expect(ratingSteps(await steps(null, '2023-03-09'))).toEqual(['CreditRatingIssued']);
    for (const step of await steps(null, '2023-03-31')) expect(step.effectiveOn <= '2023-03-31').toBe(true);
    const refused = await auditor.request(`query { creditHistory(subjectId: "${FIRM}", asOf: "2030-01-01T00:00:00Z", effectiveAt: "2023-02-30") { type } }`);
    expect(refused.errors?.[0]?.extensions?.fieldErrors?.map((e: { field: string }) => e.field).sort()).toEqual(['asOf', 'effectiveAt']);
  });

  it('refuses a malformed effectiveAt on its field, alongside an asOf in the future', async () => {
    for (const effectiveAt of ['2023-02-30', '2023-5-1', 'tomorrow', '2023-05-01T00:00:00Z']) {
      const result = await tender.request(LOOKUP, { subjectIds: [FIRM], effectiveAt });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'effectiveAt' }] });
    }
    const both = await tender.request(LOOKUP, { subjectIds: [FIRM], asOf: '2030-01-01T00:00:00.000Z', effectiveAt: '2023-13-01' });
    expect(both.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field).sort()).toEqual(['asOf', 'effectiveAt']);
  });
});
