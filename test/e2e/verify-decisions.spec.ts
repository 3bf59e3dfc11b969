/*
 * Decision replay over the register's own end-to-end data: a credit cycle (grades, an override, an upheld objection
 * and its rescore, ratings issued and suspended), a year's dues with a waiver policy by size class and a deemed
 * withdrawal, and a council election settled by a run-off, all driven over GraphQL. Every decision re-runs to what
 * was recorded; then a review whose recorded grade disagrees with its scores is appended through the store port and
 * is reported with its stream and the difference, by the service and by `npm run cli -- verify-decisions`.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecisionReplay, type DecisionReplayResult } from '#application';
import { creditApplicationStreamId } from '#domain/credit';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { runCli } from '../../apps/cli/src/cli.js';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const CREDIT = 'replay-credit';
const CYCLE = 'rating-2022';
const DUES = 'replay-dues';
const [RATED, SUSPENDED, SENT_BACK, OVERRIDDEN, PLANTED] = [1, 2, 3, 4, 5].map((i) => withCheckCharacter(`91420100MA4R${String(i).padStart(5, '0')}`)) as [
  string, string, string, string, string,
];
const SMALL = memberCode('RPLAY', 1);
const MICRO = memberCode('RPLAY', 2);
const MEDIUM = memberCode('RPLAY', 3);
const LATE = memberCode('RPLAY', 4);
const CANDIDATES = [5, 6, 7, 8].map((i) => memberCode('RPLAY', i));

const assembly = { body: 'GENERAL_ASSEMBLY', reference: '协〔2026〕9号', decidedOn: '2026-11-20', votes: { entitled: 60, present: 51, inFavour: 51, against: 0, abstaining: 0 } };

describe('verify-decisions: every computed decision re-run from its recorded inputs', () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let clean: DecisionReplayResult;

  beforeAll(async () => {
    service = await startTestService({ clock });

    // Credit: AAA, AA sent back by an upheld objection and rescored, below every threshold then overridden to A.
    const credit = new CreditCycleScenario(service, clock, { associationId: CREDIT, cycleId: CYCLE, filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    for (const code of [RATED, SUSPENDED, SENT_BACK, OVERRIDDEN, PLANTED]) await credit.registerFirm(code, `复算企业${code.slice(-4)}有限公司`);
    await credit.open();
    for (const code of [RATED, SUSPENDED, SENT_BACK, OVERRIDDEN]) await credit.file(code);
    for (const [code, management, compliance] of [
      [RATED, 46, 47],
      [SUSPENDED, 40, 45],
      [SENT_BACK, 45, 45],
      [OVERRIDDEN, 25, 30],
    ] as const) {
      await credit.score(code, management, compliance);
      await credit.completeReview(code);
    }
    const committee = { body: 'CREDIT_COMMITTEE', reference: '信评委〔2022〕2号', decidedOn: '2022-05-03' };
    await credit.admin.ok(`mutation ($input: RequestCreditGradeOverrideInput!) { requestCreditGradeOverride(input: $input) { __typename } }`, {
      input: { associationId: CREDIT, cycleId: CYCLE, subjectId: OVERRIDDEN, toGrade: 'A', reason: '现场核查补充材料', decision: committee },
    });
    await service
      .client('ADMIN', { associationId: CREDIT, userId: `${CREDIT}-chair` })
      .ok(`mutation ($input: CreditApplicationRefInput!) { approveCreditGradeOverride(input: $input) { __typename } }`, {
        input: { associationId: CREDIT, cycleId: CYCLE, subjectId: OVERRIDDEN },
      });
    for (const code of [RATED, SUSPENDED, SENT_BACK, OVERRIDDEN]) await credit.startNotice(code, '2022-05-04');
    clock.set('2022-05-06T02:00:00.000Z');
    await credit.upholdObjection(SENT_BACK, 'obj-1');
    await credit.score(SENT_BACK, 41, 40);
    await credit.completeReview(SENT_BACK);
    await credit.startNotice(SENT_BACK, '2022-05-06');
    clock.set('2022-05-12T02:00:00.000Z');
    await credit.issue(RATED, 'RP-2022-001', '2022-05-12');
    await credit.issue(SUSPENDED, 'RP-2022-002', '2022-05-12');
    await credit.issue(SENT_BACK, 'RP-2022-003', '2022-05-12');
    await credit.issue(OVERRIDDEN, 'RP-2022-004', '2022-05-12');
    clock.set('2023-02-01T02:00:00.000Z');
    await credit.recordConduct(SUSPENDED, 'hr-2023-1', 'WAGE_ARREARS', '2023-01-20');

    // Dues: 2025 invoiced, a policy waiving all of it for small firms and half for micro ones, one member deemed
    // withdrawn in November 2026 after an unanswered reminder, and a council election with a run-off.
    clock.set('2026-11-22T02:00:00.000Z');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(DUES, ['secretary-general'], 1);
    const sizes = { [SMALL]: 'SMALL', [MICRO]: 'MICRO', [MEDIUM]: 'MEDIUM', [LATE]: 'MEDIUM' } as Record<string, 'SMALL' | 'MICRO' | 'MEDIUM'>;
    await fixtures.members(DUES, [SMALL, MICRO, MEDIUM, LATE, ...CANDIDATES].map((code) => ({ code, sizeClass: sizes[code] ?? 'LARGE', tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.settled();
    const secretary = service.client('ADMIN', { associationId: DUES, userId: 'secretary-general' });
    await secretary.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: DUES,
        amounts: [{ tier: 'MEMBER', annualFen: 200_001 }],
        effectiveFrom: '2024-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2023〕1号', decidedOn: '2023-12-20' },
      },
    });
    await secretary.ok(`mutation { invoiceDuesYear(input: { associationId: "${DUES}", year: 2025 }) { written } }`);
    for (const [code, receipt] of [[MEDIUM, 'R-2025-0001'], ...CANDIDATES.map((c, i) => [c, `R-2025-01${i}`])] as const) {
      await secretary.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
        input: { associationId: DUES, enterpriseCode: code, year: 2025, amountFen: 200_001, receiptNumber: receipt, paidOn: '2025-04-01' },
      });
    }
    await secretary.ok(`mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
      input: { associationId: DUES, enterpriseCode: MICRO, year: 2025, amountFen: 30_000, receiptNumber: 'R-2025-0002', paidOn: '2025-04-02' },
    });
    await secretary.ok(`mutation($input: AdoptWaiverPolicyInput!) { adoptWaiverPolicy(input: $input) { revision } }`, {
      input: {
        associationId: DUES,
        policyId: 'small-micro-2025',
        year: 2025,
        title: '2025年小微企业会费减免',
        reasonCategory: 'SMALL_MICRO_RELIEF',
        reason: '小微企业纾困',
        defaultPercent: 0,
        sizeClassPercents: [
          { sizeClass: 'SMALL', percent: 100 },
          { sizeClass: 'MICRO', percent: 50 },
        ],
        decision: { body: 'COUNCIL', reference: '协理〔2025〕4号', decidedOn: '2025-03-01', votes: { entitled: 30, present: 25, inFavour: 24, against: 1, abstaining: 0 } },
      },
    });
    const applied = await secretary.ok<{ applyWaiverPolicy: { written: number } }>(
      `mutation { applyWaiverPolicy(input: { associationId: "${DUES}", policyId: "small-micro-2025" }) { written } }`,
    );
    expect(applied.applyWaiverPolicy.written).toBe(2);
    await secretary.ok(`mutation($input: RecordMembershipReminderInput!) { recordMembershipReminder(input: $input) { revision } }`, {
      input: { associationId: DUES, enterpriseCode: LATE, unpaidYears: [2025], sentOn: '2026-09-01' },
    });
    await secretary.ok(`mutation($input: DeemMembershipWithdrawnInput!) { deemMembershipWithdrawn(input: $input) { membership { status } } }`, {
      input: { associationId: DUES, enterpriseCode: LATE },
    });
    await secretary.ok(`mutation ($input: RecordCouncilTermInput!) { recordCouncilTerm(input: $input) { revision } }`, {
      input: { associationId: DUES, termNumber: 1, startsOn: '2026-11-20', endsOn: '2031-11-19' },
    });
    await secretary.ok(`mutation ($input: RecordCouncilElectionInput!) { recordCouncilElection(input: $input) { tierChangesApplied } }`, {
      input: {
        associationId: DUES,
        termNumber: 1,
        office: 'DIRECTOR',
        seats: 2,
        candidates: [
          { enterpriseCode: CANDIDATES[0], votes: 40 },
          { enterpriseCode: CANDIDATES[1], votes: 33 },
          { enterpriseCode: CANDIDATES[2], votes: 33 },
          { enterpriseCode: CANDIDATES[3], votes: 12 },
        ],
        runOff: [
          { enterpriseCode: CANDIDATES[1], votes: 20 },
          { enterpriseCode: CANDIDATES[2], votes: 29 },
        ],
        decision: assembly,
      },
    });
    await service.settled();
    clean = await new DecisionReplay(service.service.runtime.store).run();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('re-runs every kind of decision on the end-to-end data and finds no mismatch', () => {
    expect(clean.findings).toEqual([]);
    expect(clean.byKind).toEqual({
      // Five reviews (one a rescore) and one override.
      CREDIT_GRADE: { checked: 6, matched: 6, mismatched: 0, notRecomputable: 0 },
      CREDIT_RATING: { checked: 4, matched: 4, mismatched: 0, notRecomputable: 0 },
      POLICY_WAIVER: { checked: 2, matched: 2, mismatched: 0, notRecomputable: 0 },
      DEEMED_WITHDRAWAL: { checked: 1, matched: 1, mismatched: 0, notRecomputable: 0 },
      ELECTION_RESULT: { checked: 1, matched: 1, mismatched: 0, notRecomputable: 0 },
      RANKING_LIST: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      AWARD_RANKING: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      AWARD_RESULTS: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      AWARD_GRANT: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      PANEL_DRAW: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
    });
    expect(clean.decisionsChecked).toBe(14);
  });

  it('checks only the decisions of the association asked for', async () => {
    const dues = await new DecisionReplay(service.service.runtime.store).run({ associationId: DUES });
    expect(dues.eventsRead).toBe(clean.eventsRead);
    expect(dues.byKind.CREDIT_GRADE.checked).toBe(0);
    expect(dues.decisionsChecked).toBe(4);
  });

  describe('with a review appended whose recorded grade disagrees with its scores', () => {
    const stream = creditApplicationStreamId(CREDIT, CYCLE, PLANTED);
    const key = { associationId: CREDIT, cycleId: CYCLE, subjectId: PLANTED };

    beforeAll(async () => {
      const metadata = () => ({
        actor: { userId: `${CREDIT}-secretariat`, role: 'ADMIN', associationId: CREDIT },
        commandId: randomUUID(),
        correlationId: randomUUID(),
        causationId: randomUUID(),
        recordedAt: clock.now().toISOString(),
      });
      const score = (code: string, points: number, scorerId: string, body: string) => ({
        ...key, code, points, maxPoints: 50, body, scorerId, evidenceReference: null, note: null, previousPoints: null,
      });
      const scores = [
        { code: 'MANAGEMENT', maxPoints: 50, points: 30, body: 'ASSOCIATION', scorerId: `${CREDIT}-expert`, evidenceReference: null },
        { code: 'COMPLIANCE', maxPoints: 50, points: 25, body: 'DEPARTMENT', scorerId: `${CREDIT}-officer`, evidenceReference: null },
      ];
      const thresholds = [
        { grade: 'AAA', minPoints: 90 },
        { grade: 'AA', minPoints: 80 },
        { grade: 'A', minPoints: 60 },
      ];
      await service.service.runtime.store.append(
        stream,
        [
          { type: 'CreditApplicationFiled', data: { ...key, subjectKind: 'ENTERPRISE', rulebookId: `${CYCLE}-rules`, rulebookVersion: 1, filedOn: '2022-05-10', member: false, selfAssessment: [] } },
          { type: 'CreditIndicatorScored', data: score('MANAGEMENT', 30, `${CREDIT}-expert`, 'ASSOCIATION') },
          { type: 'CreditIndicatorScored', data: score('COMPLIANCE', 25, `${CREDIT}-officer`, 'DEPARTMENT') },
          {
            type: 'CreditReviewCompleted',
            data: {
              ...key,
              completedOn: '2022-05-11',
              computation: { rulebookId: `${CYCLE}-rules`, rulebookVersion: 1, scores, thresholds, vetoes: [], totalPoints: 55, thresholdGrade: 'AA', grade: 'AA' },
            },
          },
        ].map((e) => ({ ...e, id: randomUUID(), metadata: metadata() })),
        { expectedRevision: 'no_stream' },
      );
      await service.settled();
    });

    it('reports the planted review with its stream, event and the difference', async () => {
      const result = await new DecisionReplay(service.service.runtime.store).run({ associationId: CREDIT });
      expect(result.byKind.CREDIT_GRADE).toEqual({ checked: 7, matched: 6, mismatched: 1, notRecomputable: 0 });
      expect(result.findings).toEqual([
        expect.objectContaining({
          kind: 'CREDIT_GRADE',
          outcome: 'MISMATCH',
          streamId: stream,
          eventType: 'CreditReviewCompleted',
          revision: 3,
          associationId: CREDIT,
          differences: [
            { field: 'thresholdGrade', recorded: 'AA', recomputed: null },
            { field: 'grade', recorded: 'AA', recomputed: null },
          ],
        }),
      ]);
      const [planted] = await service.service.runtime.store.readStream(stream, { from: 3, to: 3 });
      expect(result.findings[0]).toMatchObject({ eventId: planted!.id, position: planted!.position });
    });

    it('fails the command line with the mismatch on standard output and progress on standard error', async () => {
      const run = await cli(['verify-decisions']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('MISMATCHES: 15 decisions re-run');
      expect(run.stdout).toContain(`MISMATCH CREDIT_GRADE: CreditReviewCompleted at stream ${stream}, revision 3`);
      expect(run.stdout).toContain('  grade: recorded "AA", recomputed null');
      expect(run.stderr).toMatch(/Replaying decisions: \d+ of \d+ events read/);

      const dues = await cli(['verify-decisions', '--association', DUES, '--json']);
      expect(dues.code).toBe(0);
      expect(JSON.parse(dues.stdout)).toMatchObject({ status: 'consistent', mismatches: 0, associationId: DUES, decisionsChecked: 4, findings: [] });

      expect((await cli(['verify-decisions', '--association', ''])).code).toBe(64);
      expect((await cli(['verify-decisions', '--stream', 'x'])).code).toBe(64);
      const help = await cli(['verify-decisions', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run cli -- verify-decisions \[--association ID\] \[--json\]/);
    });
  });

  /** The command in this process, on the service's database, with standard output and error captured. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const saved = { ...process.env };
    // A data folder of its own: the command generates its keys there, and reads the service's database by its URL.
    const dataDir = await mkdtemp(join(tmpdir(), 'register-verify-decisions-'));
    Object.assign(process.env, { DATABASE_URL: service.database.url, DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    let stdout = '';
    let stderr = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      return { code: await runCli(args), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      await rm(dataDir, { recursive: true, force: true });
    }
  }
});

