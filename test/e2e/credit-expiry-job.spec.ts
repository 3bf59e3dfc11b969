/*
 * The scheduled credit expiry job, in the service as `npm start` runs it: a rating is issued, the fixed clock
 * passes its valid-to (judged on the business date in China), and one run of the job records the expiry
 * through the real command path, with the job as the actor and the rulebook's validity as the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CREDIT_EXPIRY_JOB_USER, CreditExpiryJob } from '#application';
import { creditApplicationStreamId } from '#domain/credit';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'changsha-cia';
const CYCLE = 'credit-2022';
const [FIRM, LATER] = [1, 2].map((i) => withCheckCharacter(`91430100MA4L${String(i).padStart(5, '0')}`)) as [string, string];
const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });

describe('the scheduled credit expiry job', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let job: CreditExpiryJob;

  const expiredEvents = async () =>
    (
      await service.pool.query<{ stream_id: string; data: Record<string, unknown>; metadata: { actor: Record<string, unknown>; correlationId: string } }>(
        `SELECT stream_id, data, metadata FROM es_events WHERE event_type = 'CreditRatingExpired' ORDER BY global_position`,
      )
    ).rows;

  beforeAll(async () => {
    // No schedule: the test runs the job itself, one run at a time.
    service = await startTestService({ clock, env: { CREDIT_EXPIRY_INTERVAL: 'off' } });
    job = service.service.host.get(CreditExpiryJob);
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'cs-secretariat' });
    const expert = service.client('EXPERT', { userId: 'cs-expert' });
    for (const code of [FIRM, LATER]) {
      await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
        input: { code, name: `长沙建工集团有限公司${code.slice(-3)}`, legalRepresentative: '陈一', regionCode: '430102', ownership: 'STATE_OWNED', sizeClass: 'LARGE' },
      });
    }
    await admin.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, rulebookId: 'cs-credit', title: '长沙市建筑业企业信用评价办法', referenceNumber: '长建协〔2022〕4号', effectiveFrom: '2022-01-01',
        subjectKind: 'ENTERPRISE', indicators: [{ code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 100, body: 'ASSOCIATION', evidenceRequired: false }],
        thresholds: [{ grade: 'AAA', minPoints: 90 }, { grade: 'A', minPoints: 60 }], validityYears: 1, noticeDays: 1,
      },
    });
    await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, title: '2022年度信用评价', rulebookId: 'cs-credit', rulebookVersion: 1, assessmentFrom: '2021-01-01',
        assessmentTo: '2021-12-31', filingFrom: '2022-05-01', filingTo: '2022-05-31', eligibility: 'ALL',
      },
    });
    await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, { input: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'cs-expert', body: 'ASSOCIATION' } });
    for (const code of [FIRM, LATER]) {
      await admin.ok(`mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { revision } }`, { input: { ...key(code), selfAssessment: [] } });
      await expert.ok(`mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { revision } }`, { input: { ...key(code), scores: [{ code: 'OVERALL', points: 95 }] } });
      await admin.ok(`mutation ($input: CreditApplicationRefInput!) { completeCreditReview(input: $input) { revision } }`, { input: key(code) });
      await admin.ok(`mutation ($input: StartCreditNoticeInput!) { startCreditNotice(input: $input) { revision } }`, { input: { ...key(code), startsOn: '2022-05-03' } });
    }
    clock.set('2022-05-04T02:00:00.000Z');
    // Valid 2022-05-04 to 2023-05-03, and the later one 2022-06-01 to 2023-05-31.
    await admin.ok(`mutation ($input: IssueCreditRatingInput!) { issueCreditRating(input: $input) { revision } }`, { input: { ...key(FIRM), certificateNumber: 'CSXY-0001', validFrom: '2022-05-04' } });
    await admin.ok(`mutation ($input: IssueCreditRatingInput!) { issueCreditRating(input: $input) { revision } }`, { input: { ...key(LATER), certificateNumber: 'CSXY-0002', validFrom: '2022-06-01' } });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('records nothing on the last day of validity, even late in the evening in China', async () => {
    clock.set('2023-05-03T15:59:00.000Z'); // 23:59 on 2023-05-03 in China
    expect(await job.runOnce()).toMatchObject({ ran: true, businessDate: '2023-05-03', considered: 0, recorded: 0 });
    expect(await expiredEvents()).toEqual([]);
  });

  it('records the expiry from the first minute of the day after valid-to, as the job and under the rulebook\'s validity', async () => {
    clock.set('2023-05-03T16:00:00.000Z'); // 00:00 on 2023-05-04 in China
    const run = await job.runOnce();
    expect(run).toMatchObject({ ran: true, businessDate: '2023-05-04', cycles: 1, considered: 1, recorded: 1, unchanged: 0, refused: 0 });

    const events = await expiredEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stream_id: creditApplicationStreamId(ASSOC, CYCLE, FIRM),
      data: { grade: 'AAA', validTo: '2023-05-03', expiredOn: '2023-05-04', rule: 'cs-credit v1 validity 1 years: valid to 2023-05-03' },
      metadata: { actor: { userId: CREDIT_EXPIRY_JOB_USER, role: 'SYSTEM', associationId: ASSOC }, correlationId: run.correlationId },
    });

    const application = await service.pool.query(`SELECT rating_status FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND subject_id = $3`, [ASSOC, CYCLE, FIRM]);
    expect(application.rows).toEqual([{ rating_status: 'EXPIRED' }]);
    const rows = await service.pool.query(
      `SELECT event_type, status, effective_from::text AS effective_from, rule FROM credit_rating_history WHERE subject_id = $1 ORDER BY revision DESC LIMIT 1`,
      [FIRM],
    );
    expect(rows.rows).toEqual([{ event_type: 'CreditRatingExpired', status: 'EXPIRED', effective_from: '2023-05-04', rule: 'cs-credit v1 validity 1 years: valid to 2023-05-03' }]);

    await service.settled(); // the history reads the audit trail, its own projection
    const { creditHistory } = await service.client('AUDITOR').ok<{ creditHistory: { type: string; actor: { userId: string; role: string }; authority: string | null }[] }>(
      `{ creditHistory(subjectId: "${FIRM}") { type actor { userId role } authority } }`,
    );
    expect(creditHistory[creditHistory.length - 1]).toEqual({
      type: 'CreditRatingExpired',
      actor: { userId: CREDIT_EXPIRY_JOB_USER, role: 'SYSTEM' },
      authority: 'cs-credit v1 validity 1 years: valid to 2023-05-03',
    });
    const { creditApplication } = await admin.ok<{ creditApplication: { ratingStatus: string } }>(
      `{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${LATER}") { ratingStatus } }`,
    );
    expect(creditApplication.ratingStatus).toBe('ACTIVE');
    expect(await service.service.runtime.metrics.metrics()).toMatch(/^register_credit_expiries_recorded_total 1$/m);
  });

  it('writes nothing on a second run, and the batch mutation finds nothing left to write', async () => {
    const before = (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    expect(await job.runOnce()).toMatchObject({ ran: true, considered: 0, recorded: 0 });
    const batch = await admin.ok<{ recordCreditExpiries: { written: number } }>(
      `mutation { recordCreditExpiries(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}" }) { written } }`,
    );
    expect(batch.recordCreditExpiries.written).toBe(0);
    expect((await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n).toBe(before);
  });

  it('does not run while another process holds its lease, and runs once the lease is free', async () => {
    clock.set('2023-06-01T02:00:00.000Z');
    const other = await service.pool.connect();
    try {
      const [locked] = (await other.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${0x43524558}, 1) AS locked`)).rows;
      expect(locked).toEqual({ locked: true });
      expect(await job.runOnce()).toMatchObject({ ran: false, recorded: 0 });
      expect(await expiredEvents()).toHaveLength(1);
    } finally {
      await other.query(`SELECT pg_advisory_unlock(${0x43524558}, 1)`);
      other.release();
    }
    expect(await job.runOnce()).toMatchObject({ ran: true, recorded: 1 });
    expect((await expiredEvents()).map((e) => e.stream_id)).toEqual([creditApplicationStreamId(ASSOC, CYCLE, FIRM), creditApplicationStreamId(ASSOC, CYCLE, LATER)]);
  });
});

describe('where the credit expiry job runs', () => {
  it('is left out of an API-only process, so a split deployment runs it once, beside the projector', async () => {
    const api = await startTestService({ env: { RUN_MODE: 'api' } });
    try {
      expect(api.service.runner).toBeNull();
      expect(api.service.runtime.runsBackgroundJobs).toBe(false);
      expect(api.service.host.get(CreditExpiryJob).scheduled).toBe(false);
    } finally {
      await api.stop();
    }
  });
});
