import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { awardEntryStreamId, drawPanel, type PoolExpert } from '#domain/awards';
import { creditApplicationStreamId, creditConductStreamId, creditCycleStreamId, type RulebookVersion } from '#domain/credit';
import { duesAccountStreamId } from '#domain/dues';
import { enterpriseStreamId } from '#domain/enterprise';
import { associationStreamId, councilTermStreamId, membershipStreamId } from '#domain/membership';
import { type DecisionContext, withCheckCharacter } from '#domain/shared';
import { type RankingEditionCommand, type RankingEditionEvent, rankingEditionDeciderWith, rankingEditionStreamId, rankingMethodologyDecider } from '#domain/rankings';
import { PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '#testing';
import { DecisionReplay, type DecisionReplayResult } from './decision-replay.js';

// Each decision kind recorded as its events would be, appended through the store port: one that matches its
// inputs, one that does not (reported with the differing fields), and one in a shape that cannot be re-run.

const ASSOC = 'replay-unit';
const code = (i: number) => withCheckCharacter(`91420100MA4U${String(i).padStart(5, '0')}`);
const actor = { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC };
const council = { body: 'GENERAL_ASSEMBLY', reference: '协〔2026〕1号', decidedOn: '2026-01-10', votes: { entitled: 40, present: 30, inFavour: 30, against: 0, abstaining: 0 } };

const rulebook: RulebookVersion = {
  associationId: ASSOC,
  rulebookId: 'rules',
  version: 2,
  title: '信用评价办法',
  referenceNumber: '协〔2025〕3号',
  effectiveFrom: '2025-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: [{ code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 100, body: 'ASSOCIATION', evidenceRequired: false }],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [{ conductCode: 'SAFETY_ACCIDENT', effect: 'CAP', capGrade: 'A' }],
  dynamicRules: [],
};

describe('decision replay over the store port', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let result: DecisionReplayResult;

  const append = async (streamId: string, events: { type: string; data: Record<string, unknown> }[]) => {
    await store.append(
      streamId,
      events.map((e) => ({
        ...e,
        id: randomUUID(),
        metadata: { actor, commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), recordedAt: '2026-02-01T02:00:00.000Z' },
      })),
      { expectedRevision: 'any' },
    );
  };
  const finding = (streamId: string) => result.findings.filter((f) => f.streamId === streamId);

  const application = (subjectId: string) => ({ associationId: ASSOC, cycleId: 'c2026', subjectId });
  const review = (subjectId: string, points: number, vetoes: unknown[], totalPoints: number, thresholdGrade: string | null, grade: string | null) => [
    { type: 'CreditApplicationFiled', data: { ...application(subjectId), subjectKind: 'ENTERPRISE', rulebookId: 'rules', rulebookVersion: 2, filedOn: '2026-01-05', member: true, selfAssessment: [] } },
    {
      type: 'CreditIndicatorScored',
      data: { ...application(subjectId), code: 'MANAGEMENT', points, maxPoints: 100, body: 'ASSOCIATION', scorerId: 'expert-1', evidenceReference: null, note: null, previousPoints: null },
    },
    {
      type: 'CreditReviewCompleted',
      data: {
        ...application(subjectId),
        completedOn: '2026-01-20',
        computation: {
          rulebookId: 'rules',
          rulebookVersion: 2,
          scores: [{ code: 'MANAGEMENT', maxPoints: 100, points, body: 'ASSOCIATION', scorerId: 'expert-1', evidenceReference: null }],
          thresholds: rulebook.thresholds,
          vetoes,
          totalPoints,
          thresholdGrade,
          grade,
        },
      },
    },
  ];

  const member = (enterpriseCode: string) => ({ associationId: ASSOC, enterpriseCode, membershipId: `${ASSOC}:${enterpriseCode}:1` });
  const admitted = (enterpriseCode: string) => [
    { type: 'MembershipApplied', data: { ...member(enterpriseCode), appliedOn: '2024-01-01', note: null } },
    { type: 'MembershipAdmitted', data: { ...member(enterpriseCode), tier: 'MEMBER', certificateNumber: `证-${enterpriseCode.slice(-4)}`, admittedOn: '2024-03-01', decision: council } },
  ];
  const account = (enterpriseCode: string) => ({ associationId: ASSOC, enterpriseCode, year: 2025 });
  const invoiced = (enterpriseCode: string) => ({
    type: 'DuesInvoiced',
    data: { ...account(enterpriseCode), tier: 'MEMBER', scheduleVersion: 1, annualFen: 300_000, amountFen: 300_000, proRatedPercent: null, admittedOn: '2024-03-01', invoicedOn: '2025-01-10' },
  });
  const policy = {
    associationId: ASSOC, policyId: 'relief-2025', year: 2025, title: '2025年会费减免', reasonCategory: 'SMALL_MICRO_RELIEF', reason: '小微企业纾困',
    defaultPercent: 10, sizeClassPercents: [{ sizeClass: 'SMALL', percent: 100 }], decision: council,
  };
  const granted = (enterpriseCode: string, policyId: string, percent: number, amountFen: number, balanceAfterFen: number) => ({
    type: 'DuesWaiverGranted',
    data: { ...account(enterpriseCode), waiverId: `${policyId}-${enterpriseCode}`, policyId, percent, amountFen, reasonCategory: 'SMALL_MICRO_RELIEF', reason: '小微企业纾困', decision: council, grantedOn: '2025-06-01', balanceAfterFen },
  });
  const election = (office: string, elected: string[], candidates: [string, number, number | null, boolean, number][], votes = council.votes) => ({
    type: 'CouncilElectionHeld',
    data: {
      associationId: ASSOC, termNumber: 2, electionId: `${ASSOC}:2:${office}`, office, tier: office === 'DIRECTOR' ? 'DIRECTOR' : 'VICE_PRESIDENT', seats: elected.length,
      candidates: candidates.map(([enterpriseCode, v, runOffVotes, isElected, rank]) => ({ enterpriseCode, votes: v, runOffVotes, elected: isElected, rank })),
      elected, decision: { ...council, votes },
    },
  });

  beforeAll(async () => {
    database = await createTestDatabase('decision-replay');
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    store = new PostgresEventStore({ pool });
    await store.ensureSchema();

    // Credit: the cycle pins version 2; one subject has a safety accident in the assessment period (a CAP veto).
    await append(creditCycleStreamId(ASSOC, 'c2026'), [
      { type: 'CreditCycleOpened', data: { associationId: ASSOC, cycleId: 'c2026', title: '2026', rulebook, assessmentFrom: '2024-01-01', assessmentTo: '2025-12-31', filingFrom: '2026-01-01', filingTo: '2026-01-31', eligibility: 'ALL' } },
    ]);
    await append(creditConductStreamId(code(2)), [
      {
        type: 'CreditConductRecorded',
        data: {
          associationId: ASSOC, subjectId: code(2), recordId: 'aj-1', code: 'SAFETY_ACCIDENT', kind: 'ADVERSE', severity: 'MAJOR', occurredOn: '2025-04-01', sourceAuthority: '住建局',
          disclosureMonths: 12, penaltyMonths: null, disclosureUntil: '2026-04-01', evidenceReference: '罚〔2025〕1号', description: '一般安全事故',
        },
      },
    ]);
    await append(creditApplicationStreamId(ASSOC, 'c2026', code(1)), review(code(1), 92, [], 92, 'AAA', 'AAA'));
    // The veto left out: the recorded grade follows from the recorded inputs, but not from the conduct record.
    await append(creditApplicationStreamId(ASSOC, 'c2026', code(2)), review(code(2), 95, [], 95, 'AAA', 'AAA'));
    // An older shape: a review that recorded no computation.
    await append(creditApplicationStreamId(ASSOC, 'c2026', code(3)), [
      ...review(code(3), 70, [], 70, 'A', 'A').slice(0, 2),
      { type: 'CreditReviewCompleted', data: { ...application(code(3)), completedOn: '2026-01-20', grade: 'A' } },
    ]);

    // Dues: a small firm granted half where the policy gives it all; a medium firm granted its 10 %.
    await append(associationStreamId(ASSOC), [
      { type: 'AssociationRegistered', data: { associationId: ASSOC, name: '复算协会', regionCode: '420100', charter: { deemedWithdrawalYears: 1, reminderGraceDays: 30, admissionBodies: ['COUNCIL'] }, waiverApprovers: [] } },
    ]);
    for (const [i, sizeClass] of [[4, 'SMALL'], [5, 'MEDIUM'], [6, 'MEDIUM'], [7, 'MEDIUM'], [8, 'MEDIUM']] as const) {
      await append(enterpriseStreamId(code(i)), [
        { type: 'EnterpriseRegistered', data: { code: code(i), name: `企业${i}`, legalRepresentative: '王五', regionCode: '420106', ownership: 'PRIVATE', sizeClass, registeredOn: '2024-01-01' } },
      ]);
    }
    await append(`duesWaiverPolicy-${ASSOC}:relief-2025`, [{ type: 'WaiverPolicyAdopted', data: policy }]);
    await append(duesAccountStreamId(ASSOC, code(4), 2025), [invoiced(code(4)), granted(code(4), 'relief-2025', 50, 150_000, 150_000)]);
    await append(duesAccountStreamId(ASSOC, code(5), 2025), [invoiced(code(5)), granted(code(5), 'relief-2025', 10, 30_000, 270_000)]);
    // A grant citing a policy the store does not hold.
    await append(duesAccountStreamId(ASSOC, code(6), 2025), [invoiced(code(6)), granted(code(6), 'lost-policy', 10, 30_000, 270_000)]);

    // Deemed withdrawals: one whose 2025 dues are unpaid and reminded (matches), one whose dues were paid.
    for (const [i, paid] of [[7, false], [8, true]] as const) {
      await append(membershipStreamId(ASSOC, code(i)), admitted(code(i)));
      await append(duesAccountStreamId(ASSOC, code(i), 2025), [
        invoiced(code(i)),
        ...(paid ? [{ type: 'DuesPaymentRecorded', data: { ...account(code(i)), receiptNumber: `R-${i}`, amountFen: 300_000, paidOn: '2025-05-01', balanceAfterFen: 0 } }] : []),
      ]);
      await append(membershipStreamId(ASSOC, code(i)), [
        { type: 'MembershipReminderSent', data: { ...member(code(i)), sentOn: '2026-01-02', unpaidYears: [2025], graceDays: 30 } },
        { type: 'MembershipDeemedWithdrawn', data: { ...member(code(i)), effectiveFrom: '2026-02-10', unpaidYears: [2025], requiredYears: 1, reminderSentOn: '2026-01-02', graceDays: 30, tier: 'MEMBER' } },
      ]);
    }

    // Elections: one counted right (a tie settled by the run-off), one naming the loser of the run-off, one without quorum.
    const [a, b, c, d] = [code(11), code(12), code(13), code(14)];
    await append(councilTermStreamId(ASSOC, 2), [
      election('DIRECTOR', [a, c], [[a, 30, null, true, 1], [b, 20, 9, false, 2], [c, 20, 14, true, 3], [d, 5, null, false, 4]]),
      election('VICE_PRESIDENT', [a, b], [[a, 30, null, true, 1], [b, 20, 9, true, 2], [c, 20, 14, false, 3]]),
    ]);
    await append(councilTermStreamId(ASSOC, 3), [
      election('DIRECTOR', [a], [[a, 12, null, true, 1], [b, 3, null, false, 2]], { entitled: 40, present: 15, inFavour: 15, against: 0, abstaining: 0 }),
    ]);

    // Rankings: an edition computed, published and corrected by an erratum, as the deciders record it; and one whose
    // recorded total was altered after the fact.
    await append(rankingEditionStreamId(ASSOC, 'top'), rankingEdition());
    await append(rankingEditionStreamId(ASSOC, 'altered'), rankingEdition('altered').map((e) =>
      e.type === 'RankingComputed' ? { ...e, data: { ...e.data, result: { ...(e.data.result as object), entries: (e.data.result as { entries: object[] }).entries.map((x, i) => (i === 0 ? { ...x, total: '99.0000' } : x)) } } } : e,
    ).slice(0, 5));
    // Panel draws: one replayed exactly, one whose recorded panel was not the one its seed gives, one replacement that
    // does not continue the first draw's seed stream.
    const experts: PoolExpert[] = ['X01', 'X02', 'X03', 'X04'].map((expertId, i) => ({
      expertId, personId: `PSN000000000000000${i}`, specialties: ['CIVIL'], employerCode: null, status: 'ACTIVE', conflicts: [],
    }));
    const drawInput = { seed: '5e'.repeat(32), pool: experts, specialty: 'CIVIL', applicantCode: code(1), builderCode: null, checkDate: '2026-04-01', size: 2, onPanel: [], recused: [], startPosition: 0 };
    const honest = drawPanel(drawInput);
    const entryKey = (entryId: string) => ({ associationId: ASSOC, editionId: 'ed-1', entryId, roundCode: 'DOCS' });
    await append(awardEntryStreamId(ASSOC, 'ed-1', 'honest'), [{ type: 'AwardPanelDrawn', data: { ...entryKey('honest'), draw: honest } }]);
    const swapped = [...honest.panel].reverse();
    await append(awardEntryStreamId(ASSOC, 'ed-1', 'chosen'), [{ type: 'AwardPanelDrawn', data: { ...entryKey('chosen'), draw: { ...honest, panel: swapped } } }]);
    const replacement = drawPanel({ ...drawInput, size: 1, onPanel: [honest.panel[1]!], recused: [honest.panel[0]!], startPosition: 0 });
    await append(awardEntryStreamId(ASSOC, 'ed-1', 'reused'), [
      { type: 'AwardPanelDrawn', data: { ...entryKey('reused'), draw: honest } },
      { type: 'AwardReplacementDrawn', data: { ...entryKey('reused'), replaces: honest.panel[0], draw: replacement } },
    ]);

    result = await new DecisionReplay(store).run({ pageSize: 7 });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  it('tallies every decision by kind, reading the whole store page by page', () => {
    expect(result.byKind).toEqual({
      CREDIT_GRADE: { checked: 3, matched: 1, mismatched: 1, notRecomputable: 1 },
      CREDIT_RATING: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      POLICY_WAIVER: { checked: 3, matched: 1, mismatched: 1, notRecomputable: 1 },
      DEEMED_WITHDRAWAL: { checked: 2, matched: 1, mismatched: 1, notRecomputable: 0 },
      ELECTION_RESULT: { checked: 3, matched: 1, mismatched: 2, notRecomputable: 0 },
      RANKING_LIST: { checked: 3, matched: 2, mismatched: 1, notRecomputable: 0 },
      AWARD_RANKING: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      AWARD_RESULTS: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      AWARD_GRANT: { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 },
      PANEL_DRAW: { checked: 4, matched: 2, mismatched: 2, notRecomputable: 0 },
    });
    expect(result.eventsRead).toBeGreaterThan(30);
  });

  it('recomputes a grade from the conduct records too: a veto left out of the computation is a mismatch', () => {
    expect(finding(creditApplicationStreamId(ASSOC, 'c2026', code(1)))).toEqual([]);
    expect(finding(creditApplicationStreamId(ASSOC, 'c2026', code(2)))).toEqual([
      expect.objectContaining({
        kind: 'CREDIT_GRADE',
        outcome: 'MISMATCH',
        eventType: 'CreditReviewCompleted',
        revision: 2,
        differences: [
          { field: 'computation.vetoes', recorded: [], recomputed: [{ conductCode: 'SAFETY_ACCIDENT', recordId: 'aj-1', effect: 'CAP', capGrade: 'A' }] },
          { field: 'grade', recorded: 'AAA', recomputed: 'A' },
        ],
      }),
    ]);
  });

  it('reports a review of an older shape as not recomputable, with the reason', () => {
    expect(finding(creditApplicationStreamId(ASSOC, 'c2026', code(3)))).toEqual([
      expect.objectContaining({ outcome: 'NOT_RECOMPUTABLE', reason: 'the event records no grade computation (scores, thresholds and vetoes)', differences: [] }),
    ]);
  });

  it("recomputes a policy's waiver from the firm's size class and the account", () => {
    expect(finding(duesAccountStreamId(ASSOC, code(5), 2025))).toEqual([]);
    expect(finding(duesAccountStreamId(ASSOC, code(4), 2025))).toEqual([
      expect.objectContaining({
        kind: 'POLICY_WAIVER',
        outcome: 'MISMATCH',
        revision: 1,
        differences: [
          { field: 'percent', recorded: 50, recomputed: 100 },
          { field: 'amountFen', recorded: 150_000, recomputed: 300_000 },
          { field: 'balanceAfterFen', recorded: 150_000, recomputed: 0 },
        ],
      }),
    ]);
    expect(finding(duesAccountStreamId(ASSOC, code(6), 2025))).toEqual([
      expect.objectContaining({ outcome: 'NOT_RECOMPUTABLE', reason: 'waiver policy lost-policy is not in the store' }),
    ]);
  });

  it('recomputes a deemed withdrawal from the dues accounts: one whose dues were paid is refused by the rule', () => {
    expect(finding(membershipStreamId(ASSOC, code(7)))).toEqual([]);
    expect(finding(membershipStreamId(ASSOC, code(8)))).toEqual([
      expect.objectContaining({
        kind: 'DEEMED_WITHDRAWAL',
        outcome: 'MISMATCH',
        eventType: 'MembershipDeemedWithdrawn',
        differences: [{ field: 'unpaidYears', recorded: [2025], recomputed: [] }],
        reason: expect.stringMatching(/^the recorded inputs refuse it: MEMBERSHIP_DEEMED_WITHDRAWAL_TOO_FEW_UNPAID_YEARS/),
      }),
    ]);
  });

  it('recomputes an election from its votes and run-off, and its quorum', () => {
    const [a, b, c] = [code(11), code(12), code(13)];
    const [vicePresidents, ...others] = finding(councilTermStreamId(ASSOC, 2));
    expect(others).toEqual([]);
    expect(vicePresidents).toMatchObject({ kind: 'ELECTION_RESULT', outcome: 'MISMATCH', revision: 1 });
    expect(vicePresidents!.differences[0]).toEqual({ field: 'elected', recorded: [a, b], recomputed: [a, c] });
    expect(vicePresidents!.differences.map((d) => d.field)).toEqual(['elected', 'candidates']);
    expect(finding(councilTermStreamId(ASSOC, 3))).toEqual([
      expect.objectContaining({
        outcome: 'MISMATCH',
        differences: [{ field: 'decision.votes', recorded: { entitled: 40, present: 15, inFavour: 15, against: 0, abstaining: 0 }, recomputed: 'more than half of those entitled present' }],
      }),
    ]);
  });

  it('recomputes a ranking list and its erratum from the figures, the recorded evidence and the methodology, entry by entry', () => {
    expect(finding(rankingEditionStreamId(ASSOC, 'top'))).toEqual([]);
    const [altered, ...others] = finding(rankingEditionStreamId(ASSOC, 'altered'));
    expect(others).toEqual([]);
    expect(altered).toMatchObject({ kind: 'RANKING_LIST', outcome: 'MISMATCH', eventType: 'RankingComputed', revision: 4 });
    expect(altered!.differences.map((d) => d.field)).toEqual([`result.entries.${code(21)}`]);
  });

  it('replays every panel draw from its seed: a panel that is not the seed’s, or a replacement that reuses the seed stream, is a mismatch', () => {
    expect(finding(awardEntryStreamId(ASSOC, 'ed-1', 'honest'))).toEqual([]);
    const [chosen] = finding(awardEntryStreamId(ASSOC, 'ed-1', 'chosen'));
    expect(chosen).toMatchObject({ kind: 'PANEL_DRAW', outcome: 'MISMATCH' });
    expect(chosen!.differences.map((d) => d.field)).toEqual(['draw.panel']);
    const [reused, ...more] = finding(awardEntryStreamId(ASSOC, 'ed-1', 'reused'));
    expect(more).toEqual([]);
    expect(reused).toMatchObject({ kind: 'PANEL_DRAW', outcome: 'MISMATCH', eventType: 'AwardReplacementDrawn', revision: 1 });
    expect(reused!.differences).toEqual([{ field: 'draw.startPosition', recorded: 0, recomputed: 2 }]);
  });

  it("checks one association's decisions only when asked", async () => {
    const other = await new DecisionReplay(store).run({ associationId: 'another-association' });
    expect(other.decisionsChecked).toBe(0);
    expect(other.findings).toEqual([]);
    expect(other.eventsRead).toBe(result.eventsRead);
  });
});

/** An edition's events as its deciders decide them: opened, three firms' figures, computed, noticed, published, corrected. */
function rankingEdition(editionId = 'top'): { type: string; data: Record<string, unknown> }[] {
  const [methodology] = rankingMethodologyDecider.decide(
    {
      type: 'DefineRankingMethodologyVersion',
      associationId: ASSOC,
      methodologyId: 'top',
      title: '十强',
      referenceNumber: '协〔2026〕4号',
      effectiveFrom: '2026-01-01',
      metrics: [{ code: 'OUTPUT', name: '产值', weight: 100, normalisation: 'SHARE_OF_MAX', unit: '万元' }],
      groups: [{ code: 'ALL', name: '全部', qualificationGrades: [], listSize: 2 }],
      filters: { ownerships: [], acceptedCreditGrades: [], memberInGoodStanding: false, blacklistConductCodes: [] },
      listSize: 2,
      tieBreak: { metrics: [], thenBy: 'CREDIT_CODE' },
      noticeDays: 5,
    },
    rankingMethodologyDecider.initialState,
    { now: new Date('2026-03-01T02:00:00Z'), actor: actor as DecisionContext['actor'] },
  );
  const firms = [code(21), code(22), code(23)];
  const evidence = { ownership: 'PRIVATE' as const, bestQualificationGrade: null, creditGrade: null, membershipStatus: null, blacklistRecords: [] };
  const decider = rankingEditionDeciderWith({ methodology: methodology!.data, eligibility: new Map(firms.map((f) => [f, evidence])) });
  const events: RankingEditionEvent[] = [];
  const key = { associationId: ASSOC, editionId };
  const act = (command: RankingEditionCommand, date: string) => {
    const context: DecisionContext = { now: new Date(`${date}T02:00:00Z`), actor: actor as DecisionContext['actor'] };
    events.push(...decider.decide(decider.parse!(command), events.reduce(decider.evolve, decider.initialState), context));
  };
  act({ type: 'OpenRankingEdition', ...key, title: '十强', year: 2026, methodologyId: 'top', methodologyVersion: 1, cutOffDate: '2026-03-10' }, '2026-03-02');
  act({ type: 'RecordRankingFigures', ...key, rows: firms.map((f, i) => ({ enterpriseCode: f, metric: 'OUTPUT', value: String(300 - i * 70), source: 'STATISTICS_RETURN', evidenceReference: '年报' })) }, '2026-03-03');
  act({ type: 'ComputeRanking', ...key, tieResolutions: [] }, '2026-03-11');
  act({ type: 'StartRankingNotice', ...key }, '2026-03-11');
  act({ type: 'PublishRanking', ...key }, '2026-03-16');
  act({ type: 'IssueRankingErratum', ...key, erratumId: 'e1', reason: '产值更正', decision: { body: 'REVIEW_COMMITTEE', reference: '协〔2026〕9号', decidedOn: '2026-03-20', votes: null }, corrections: [{ figureId: 3, value: '400', source: 'AUDITED_REPORT', evidenceReference: '审计' }], exclusions: [], tieResolutions: [] }, '2026-03-20');
  return events as unknown as { type: string; data: Record<string, unknown> }[];
}
