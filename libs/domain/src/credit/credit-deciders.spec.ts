import { describe, expect, it } from '@jest/globals';
import { deciderSpec, TEST_ADMIN } from '#testing';
import { type DecisionRecord, NoticeRules } from '../shared/index.js';
import type { CreditApplicationFacts, DefineCreditRulebookVersion } from './credit.commands.js';
import { creditApplicationDecider, creditConductDecider, creditConductDeciderWith, creditCycleDecider, creditRulebookDecider, isIdentityCardShaped } from './index.js';
import { CreditRules } from './credit.errors.js';
import type {
  ConductRecord,
  CreditApplicationEvent,
  CreditApplicationFiled,
  CreditConductRecorded,
  CreditCycleClosed,
  CreditCycleOpened,
  CreditGradeOverridden,
  CreditGradeOverrideRequested,
  CreditIndicatorScored,
  CreditNoticeStarted,
  CreditObjectionFiled,
  CreditObjectionResolved,
  CreditRatingDowngraded,
  CreditRatingIssued,
  CreditReviewCompleted,
  CreditScorerAssigned,
  CycleData,
} from './credit.events.js';
import { upcastCreditConductEvent } from './credit.events.js';
import { type AppliedVeto, computeGrade, type GradeComputation, type IndicatorScore, type RulebookVersion } from './credit.rulebook.js';

// FIXED_NOW is 2026-03-02 in Beijing. Every "given" below is a literal event as the stream holds it.
const ASSOC = 'assoc-yueyang';
const CYCLE = 'c2026';
const SUBJECT = '91430600000000001X';
/** A well-formed identity-card number (GB 11643: check digit valid, a real date of birth). */
const ID_CARD = '11010519491231002X';
const k = { associationId: ASSOC, cycleId: CYCLE, subjectId: SUBJECT };

const define: DefineCreditRulebookVersion = {
  type: 'DefineCreditRulebookVersion',
  associationId: ASSOC,
  rulebookId: 'yy-credit',
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2020〕5号',
  effectiveFrom: '2020-01-01',
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'SELF_DISCIPLINE', name: '行业自律', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'MARKET_CONDUCT', name: '市场行为', category: '主管部门', maxPoints: 92, body: 'DEPARTMENT', evidenceRequired: true },
  ],
  // Given out of order: the version keeps them from the best grade down.
  thresholds: [
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
    { grade: 'AAA', minPoints: 90 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [{ conductCode: 'MAJOR_SAFETY_ACCIDENT', effect: 'CAP', capGrade: 'A' }, { conductCode: 'FALSE_MATERIALS', effect: 'REFUSE', capGrade: null }],
  dynamicRules: [
    { conductCode: 'MAJOR_SAFETY_ACCIDENT', action: 'DOWNGRADE', levels: 1 },
    { conductCode: 'WAGE_ARREARS', action: 'SUSPEND', levels: null },
    { conductCode: 'BRIBERY', action: 'REVOKE', levels: null },
  ],
};
/** Version 1 as `define` records it. */
const rulebook: RulebookVersion = {
  associationId: ASSOC,
  rulebookId: 'yy-credit',
  version: 1,
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2020〕5号',
  effectiveFrom: '2020-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: define.indicators,
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: define.vetoRules!,
  dynamicRules: define.dynamicRules!,
};
const cycleData: CycleData = {
  associationId: ASSOC,
  cycleId: CYCLE,
  title: '2026年度信用评价',
  rulebook,
  assessmentFrom: '2024-01-01',
  assessmentTo: '2025-12-31',
  filingFrom: '2026-02-01',
  filingTo: '2026-03-31',
  eligibility: 'MEMBERS_ONLY',
};
const scorers = [
  { scorerId: 'assoc-scorer', body: 'ASSOCIATION' as const, employerCode: null },
  { scorerId: 'dept-scorer', body: 'DEPARTMENT' as const, employerCode: null },
  { scorerId: 'conflicted', body: 'ASSOCIATION' as const, employerCode: SUBJECT },
];
const facts: CreditApplicationFacts = { cycle: { data: cycleData, closed: false, scorers }, subjectRegistered: true, activeMember: true };
const spec = deciderSpec(creditApplicationDecider(facts));
const as = (userId: string) => ({ actor: { userId, role: 'EXPERT' as const, associationId: ASSOC } });
const at = (isoDay: string) => ({ now: new Date(`${isoDay}T02:00:00.000Z`) });
const committee: DecisionRecord = { body: 'CREDIT_COMMITTEE', reference: '岳信评〔2026〕2号', decidedOn: '2026-03-01', votes: null };

// ---- the application stream's events, literally ----------------------------------------------------

const filed = (data: Partial<CreditApplicationFiled['data']> = {}): CreditApplicationFiled => ({
  type: 'CreditApplicationFiled',
  data: { ...k, subjectKind: 'ENTERPRISE', rulebookId: 'yy-credit', rulebookVersion: 1, filedOn: '2026-03-02', member: true, selfAssessment: [], ...data },
});

/** An indicator's score as the rulebook prices it, by its body's scorer. */
const INDICATOR = {
  SELF_DISCIPLINE: { maxPoints: 4, body: 'ASSOCIATION', scorerId: 'assoc-scorer' },
  OVERALL: { maxPoints: 4, body: 'ASSOCIATION', scorerId: 'assoc-scorer' },
  MARKET_CONDUCT: { maxPoints: 92, body: 'DEPARTMENT', scorerId: 'dept-scorer' },
} as const;
type IndicatorCode = keyof typeof INDICATOR;

const scored = (code: IndicatorCode, points: number, data: Partial<CreditIndicatorScored['data']> = {}): CreditIndicatorScored => ({
  type: 'CreditIndicatorScored',
  data: { ...k, code, points, ...INDICATOR[code], evidenceReference: 'EV-1', note: null, previousPoints: null, ...data },
});

/** The score a review records for an indicator: as the scored event has it. */
const indicatorScore = (event: CreditIndicatorScored): IndicatorScore => {
  const { code, maxPoints, points, body, scorerId, evidenceReference } = event.data;
  return { code, maxPoints, points, body, scorerId, evidenceReference };
};

const reviewCompleted = (
  scores: readonly CreditIndicatorScored[],
  result: Pick<GradeComputation, 'totalPoints' | 'thresholdGrade' | 'grade'> & { vetoes?: AppliedVeto[] },
  completedOn = '2026-03-02',
): CreditReviewCompleted => ({
  type: 'CreditReviewCompleted',
  data: {
    ...k,
    completedOn,
    computation: {
      rulebookId: 'yy-credit',
      rulebookVersion: 1,
      scores: scores.map(indicatorScore),
      thresholds: rulebook.thresholds,
      vetoes: result.vetoes ?? [],
      totalPoints: result.totalPoints,
      thresholdGrade: result.thresholdGrade,
      grade: result.grade,
    },
  },
});

const overrideRequested = (data: Partial<CreditGradeOverrideRequested['data']> = {}): CreditGradeOverrideRequested => ({
  type: 'CreditGradeOverrideRequested',
  data: { ...k, fromGrade: 'AAA', toGrade: 'AA', reason: '信评委复核', decision: committee, requestedBy: TEST_ADMIN.userId, ...data },
});

const overridden = (data: Partial<CreditGradeOverridden['data']> = {}): CreditGradeOverridden => ({
  type: 'CreditGradeOverridden',
  data: { ...k, fromGrade: 'AAA', toGrade: 'AA', reason: '信评委复核', decision: committee, requestedBy: TEST_ADMIN.userId, approvedBy: 'second', approvedOn: '2026-03-02', ...data },
});

const noticeStarted = (startsOn: string, endsOn: string, grade: string | null = 'AAA'): CreditNoticeStarted => ({
  type: 'CreditNoticeStarted',
  data: { ...k, grade, startsOn, endsOn, noticeDays: 7 },
});

const objectionFiled = (filedOn = '2026-03-05'): CreditObjectionFiled => ({
  type: 'CreditObjectionFiled',
  data: { ...k, objectionId: 'obj-1', objector: '某公司', grounds: '分数有误', evidenceReference: null, filedOn },
});

const objectionResolved = (outcome: 'UPHELD' | 'DISMISSED', reasons: string, resolvedOn = '2026-03-06'): CreditObjectionResolved => ({
  type: 'CreditObjectionResolved',
  data: { ...k, objectionId: 'obj-1', outcome, reasons, resolvedOn },
});

const ratingIssued = (data: Pick<CreditRatingIssued['data'], 'certificateNumber' | 'validFrom' | 'validTo'> & { grade?: string }): CreditRatingIssued => ({
  type: 'CreditRatingIssued',
  data: { ...k, grade: 'AAA', rulebookId: 'yy-credit', rulebookVersion: 1, ...data },
});

const scores = [scored('SELF_DISCIPLINE', 4), scored('OVERALL', 4), scored('MARKET_CONDUCT', 85)];
const scoredHistory: CreditApplicationEvent[] = [filed(), ...scores];
const reviewed: CreditApplicationEvent[] = [...scoredHistory, reviewCompleted(scores, { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' })];
const inNotice: CreditApplicationEvent[] = [...reviewed, noticeStarted('2026-03-02', '2026-03-08')];
const issued: CreditApplicationEvent[] = [...inNotice, ratingIssued({ certificateNumber: 'YY-2026-001', validFrom: '2026-03-10', validTo: '2028-03-09' })];

const accident: ConductRecord = {
  associationId: ASSOC,
  subjectId: SUBJECT,
  recordId: 'rec-1',
  code: 'MAJOR_SAFETY_ACCIDENT',
  kind: 'ADVERSE',
  severity: 'MAJOR',
  occurredOn: '2026-04-01',
  sourceAuthority: '岳阳市住房和城乡建设局',
  disclosureMonths: 24,
  penaltyMonths: 12,
  disclosureUntil: '2028-04-01',
  evidenceReference: '岳建罚〔2026〕9号',
  description: '较大安全事故',
};

describe('credit rulebooks', () => {
  const rulebooks = deciderSpec(creditRulebookDecider);
  const defined = { type: 'CreditRulebookVersionDefined' as const, data: rulebook };
  const pinned = { type: 'CreditRulebookVersionPinned' as const, data: { associationId: ASSOC, rulebookId: 'yy-credit', version: 1, cycleId: CYCLE } };

  it('defines version 1 with thresholds ordered from the best grade down', () => {
    rulebooks.given([]).when(define).then([defined]);
  });

  it('defines the next version after the ones in the stream', () => {
    rulebooks.given([defined]).when(define).then([{ type: 'CreditRulebookVersionDefined', data: { ...rulebook, version: 2 } }]);
  });

  it('amends a version no cycle uses yet', () => {
    rulebooks
      .given([defined])
      .when({ ...define, type: 'AmendCreditRulebookVersion', version: 1, reason: '修正', noticeDays: 10 })
      .then([{ type: 'CreditRulebookVersionAmended', data: { ...rulebook, noticeDays: 10, reason: '修正' } }]);
  });

  it('refuses to change a version a cycle has pinned', () => {
    rulebooks.given([defined, pinned]).when({ ...define, type: 'AmendCreditRulebookVersion', version: 1, reason: '修正' }).thenRefuses(CreditRules.rulebookVersionInUse);
  });

  it('refuses a rulebook with field errors for every malformed part', () => {
    rulebooks
      .given([])
      .when({ ...define, indicators: [{ ...define.indicators[0]!, maxPoints: 0 }], thresholds: [{ grade: 'AAA', minPoints: 500 }], vetoRules: [{ conductCode: 'X', effect: 'CAP', capGrade: 'Z' }] })
      .thenRejectsFields('indicators.0.maxPoints', 'thresholds', 'vetoRules.0.capGrade');
  });
});

describe('credit cycles', () => {
  const cycles = deciderSpec(creditCycleDecider({ rulebook }));
  const open = { type: 'OpenCreditCycle' as const, ...cycleData, rulebookId: 'yy-credit', rulebookVersion: 1 };
  const opened: CreditCycleOpened = { type: 'CreditCycleOpened', data: cycleData };
  const assign = { type: 'AssignCreditScorer' as const, associationId: ASSOC, cycleId: CYCLE, scorerId: 'assoc-scorer', body: 'ASSOCIATION' as const, employerCode: null };
  const assigned: CreditScorerAssigned = { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'assoc-scorer', body: 'ASSOCIATION', employerCode: null } };
  const closed: CreditCycleClosed = { type: 'CreditCycleClosed', data: { associationId: ASSOC, cycleId: CYCLE, closedOn: '2026-04-01' } };

  it('opens with the pinned rulebook copied into the cycle', () => {
    cycles.given([]).when(open).then([opened]);
  });

  it('refuses to open a cycle twice', () => {
    cycles.given([opened]).when(open).thenRefuses(CreditRules.cycleAlreadyOpened);
  });

  it('refuses a rulebook not yet in force when filing opens', () => {
    cycles.given([]).when({ ...open, filingFrom: '2019-06-01', filingTo: '2019-07-01' }).thenRefuses(CreditRules.rulebookNotInForce);
  });

  it('refuses to open without the rulebook version', () => {
    deciderSpec(creditCycleDecider({})).given([]).when(open).thenRefuses(CreditRules.rulebookVersionUnknown);
  });

  it('assigns a scorer once, and again when the scorer changes employer', () => {
    // `assigned` is as recorded before experts came from the pool (no expertId): new assignments name none as null.
    cycles.given([opened]).when(assign).then([{ type: 'CreditScorerAssigned', data: { ...assigned.data, expertId: null } }]);
    cycles.given([opened, assigned]).when(assign).then([]);
    cycles
      .given([opened, assigned])
      .when({ ...assign, employerCode: SUBJECT })
      .then([{ type: 'CreditScorerAssigned', data: { ...assigned.data, employerCode: SUBJECT, expertId: null } }]);
  });

  it('closes an open cycle on the business date', () => {
    cycles.given([opened, assigned]).when({ type: 'CloseCreditCycle', associationId: ASSOC, cycleId: CYCLE }).then([
      { type: 'CreditCycleClosed', data: { associationId: ASSOC, cycleId: CYCLE, closedOn: '2026-03-02' } },
    ]);
  });

  it('refuses scorers and a second close on a closed cycle, and both on a cycle never opened', () => {
    cycles.given([opened, closed]).when(assign).thenRefuses(CreditRules.cycleNotOpen);
    cycles.given([opened, closed]).when({ type: 'CloseCreditCycle', associationId: ASSOC, cycleId: CYCLE }).thenRefuses(CreditRules.cycleNotOpen);
    cycles.given([]).when(assign).thenRefuses(CreditRules.cycleNotOpen);
    cycles.given([]).when({ type: 'CloseCreditCycle', associationId: ASSOC, cycleId: CYCLE }).thenRefuses(CreditRules.cycleNotOpen);
  });
});

describe('filing an application', () => {
  const file = { type: 'FileCreditApplication' as const, ...k, selfAssessment: [{ code: 'OVERALL', points: 4 }] };

  it('records the pinned rulebook version and the self-assessment', () => {
    spec.given([]).when(file).then([filed({ selfAssessment: [{ code: 'OVERALL', points: 4 }] })]);
  });

  it('refuses filing outside the window', () => {
    spec.given([]).when(file, at('2026-04-01')).thenRefuses(CreditRules.filingOutsideWindow);
  });

  it('refuses a non-member when the cycle is for members only', () => {
    deciderSpec(creditApplicationDecider({ ...facts, activeMember: false })).given([]).when(file).thenRefuses(CreditRules.subjectNotEligible);
  });

  it('takes a non-member when the cycle is open to all firms, and records that it is not a member', () => {
    const open = { ...cycleData, eligibility: 'ALL' as const };
    const all = deciderSpec(creditApplicationDecider({ ...facts, cycle: { data: open, closed: false, scorers }, activeMember: false }));
    all.given([]).when(file).then([filed({ member: false, selfAssessment: [{ code: 'OVERALL', points: 4 }] })]);
  });

  it('refuses an enterprise not in the register', () => {
    deciderSpec(creditApplicationDecider({ ...facts, subjectRegistered: false })).given([]).when(file).thenRefuses(CreditRules.subjectNotRegistered);
  });

  describe('of a person (三诚)', () => {
    const persons = { ...cycleData, rulebook: { ...rulebook, subjectKind: 'PERSON' as const }, eligibility: 'ALL' as const };
    const PERSON = 'PSN0123456789ABCDEF';
    const personSpec = (person: CreditApplicationFacts['person']) =>
      deciderSpec(creditApplicationDecider({ cycle: { data: persons, closed: false, scorers }, subjectRegistered: false, activeMember: false, person }));

    it('takes it by the register id of a registered person, without an enterprise registration', () => {
      personSpec('REGISTERED')
        .given([])
        .when({ ...file, subjectId: PERSON })
        .then([filed({ subjectId: PERSON, subjectKind: 'PERSON', member: false, selfAssessment: [{ code: 'OVERALL', points: 4 }] })]);
    });

    it('refuses a person the persons register does not hold, and one erased from it', () => {
      personSpec('NONE').given([]).when({ ...file, subjectId: PERSON }).thenRefuses(CreditRules.subjectNotRegistered);
      personSpec(undefined).given([]).when({ ...file, subjectId: PERSON }).thenRefuses(CreditRules.subjectNotRegistered);
      personSpec('ERASED').given([]).when({ ...file, subjectId: PERSON }).thenRefuses(CreditRules.subjectErased);
    });

    it('refuses an identity-card number as the subject on its field, without echoing it, before anything else', () => {
      for (const number of [ID_CARD, ID_CARD.toLowerCase()]) {
        const error = personSpec('REGISTERED').given([]).when({ ...file, subjectId: number }).thenRejectsFields('subjectId');
        expect(error.fieldErrors[0]!.message).toMatch(/register the person first with registerPerson/);
        expect(JSON.stringify(error.fieldErrors) + error.message).not.toContain(ID_CARD.slice(0, 17));
      }
    });

    it('refuses any other subject than a register id on its field, saying to register the person first', () => {
      const error = personSpec('REGISTERED').given([]).when({ ...file, subjectId: SUBJECT }).thenRejectsFields('subjectId');
      expect(error.fieldErrors[0]!.message).toMatch(/register id of a person[\s\S]*registerPerson/);
    });

    it('refuses a register id under a rulebook that rates enterprises', () => {
      spec.given([]).when({ ...file, subjectId: PERSON }).thenRejectsFields('subjectId');
    });
  });

  it('refuses an identity-card number as the subject of an enterprise rulebook too, and of every application command', () => {
    spec.given([]).when({ ...file, subjectId: ID_CARD }).thenRejectsFields('subjectId');
    spec.given([filed()]).when({ type: 'CompleteCreditReview', ...k, subjectId: ID_CARD }).thenRejectsFields('subjectId');
    spec.given([]).when({ type: 'RecordCreditRatingExpiry', ...k, subjectId: ID_CARD }).thenRejectsFields('subjectId');
  });

  it('declares the objector personal: its value is hashed keyed in the command hash', () => {
    expect(creditApplicationDecider().personalFields).toEqual(['objector']);
  });

  it('takes a unified social credit code that happens to pass the identity-card check but holds no date of birth', () => {
    // 17 digits and a check digit that passes MOD 11-2, with 00000000 where a date of birth would be.
    expect(isIdentityCardShaped('914306000000000012')).toBe(false);
    expect(isIdentityCardShaped(ID_CARD)).toBe(true);
    expect(isIdentityCardShaped(` ${ID_CARD.toLowerCase()} `)).toBe(true);
    expect(isIdentityCardShaped(`${ID_CARD.slice(0, 17)}${ID_CARD[17] === '0' ? '1' : '0'}`)).toBe(false);
  });

  it('refuses filing in a closed cycle', () => {
    deciderSpec(creditApplicationDecider({ ...facts, cycle: { data: cycleData, closed: true, scorers } })).given([]).when(file).thenRefuses(CreditRules.cycleClosed);
  });

  it('refuses a second application in the same cycle, at any stage', () => {
    spec.given([filed()]).when(file).thenRefuses(CreditRules.applicationAlreadyFiled);
    spec.given(issued).when(file).thenRefuses(CreditRules.applicationAlreadyFiled);
  });

  it('refuses a self-assessment above an indicator maximum as a field error', () => {
    spec.given([]).when({ ...file, selfAssessment: [{ code: 'OVERALL', points: 5 }, { code: 'NOPE', points: 1 }] }).thenRejectsFields('selfAssessment.0.points', 'selfAssessment.1.code');
  });
});

describe('scoring indicators', () => {
  const scoreCmd = (code: string, points: number, evidenceReference: string | null = 'EV-9') => ({
    type: 'ScoreCreditIndicators' as const,
    ...k,
    scores: [{ code, points, evidenceReference }],
  });

  it('records a score by the assigned scorer of the indicator body', () => {
    spec.given([filed()]).when(scoreCmd('OVERALL', 3), as('assoc-scorer')).then([scored('OVERALL', 3, { evidenceReference: 'EV-9' })]);
  });

  it('records a changed score with the points it replaces', () => {
    spec.given([filed(), scored('OVERALL', 3)]).when(scoreCmd('OVERALL', 4), as('assoc-scorer')).then([scored('OVERALL', 4, { evidenceReference: 'EV-9', previousPoints: 3 })]);
  });

  it('refuses a score above the maximum', () => {
    spec.given([filed()]).when(scoreCmd('OVERALL', 5), as('assoc-scorer')).thenRefuses(CreditRules.scoreAboveMaximum);
  });

  it('refuses a scorer of the wrong body', () => {
    spec.given([filed()]).when(scoreCmd('MARKET_CONDUCT', 80), as('assoc-scorer')).thenRefuses(CreditRules.scorerWrongBody);
  });

  it('refuses a scorer employed by the applicant', () => {
    spec.given([filed()]).when(scoreCmd('OVERALL', 4), as('conflicted')).thenRefuses(CreditRules.scorerConflict);
  });

  it('refuses someone not assigned to the cycle', () => {
    spec.given([filed()]).when(scoreCmd('OVERALL', 4), as('stranger')).thenRefuses(CreditRules.scorerNotAssigned);
  });

  it('refuses a score without evidence where the rulebook requires it', () => {
    spec.given([filed()]).when(scoreCmd('MARKET_CONDUCT', 80, null), as('dept-scorer')).thenRefuses(CreditRules.evidenceRequired);
  });

  it('refuses scoring before filing and after the review is completed, naming the status', () => {
    const none = spec.given([]).when(scoreCmd('OVERALL', 4), as('assoc-scorer')).thenRefuses(CreditRules.applicationNotUnderReview);
    expect(none.message).toBe('No application has been filed.');
    const done = spec.given(reviewed).when(scoreCmd('OVERALL', 4), as('assoc-scorer')).thenRefuses(CreditRules.applicationNotUnderReview);
    expect(done.details).toEqual({ status: 'REVIEWED' });
    const noticed = spec.given(inNotice).when(scoreCmd('OVERALL', 4), as('assoc-scorer')).thenRefuses(CreditRules.applicationNotUnderReview);
    expect(noticed.message).toBe('The application is in notice, not under review.');
  });
});

describe('completing the review', () => {
  const complete = { type: 'CompleteCreditReview' as const, ...k };

  it('computes the grade from the thresholds and records its inputs', () => {
    spec.given(scoredHistory).when(complete).then([reviewCompleted(scores, { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' })]);
  });

  it('refuses while an indicator is unscored', () => {
    const error = spec.given([filed(), scored('SELF_DISCIPLINE', 4), scored('OVERALL', 4)]).when(complete).thenRefuses(CreditRules.indicatorsNotScored);
    expect(error.details).toEqual({ missing: ['MARKET_CONDUCT'] });
  });

  it('refuses a second completion', () => {
    spec.given(reviewed).when(complete).thenRefuses(CreditRules.applicationNotUnderReview);
  });

  it('caps the grade for a major accident in the assessment period', () => {
    const vetoed = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, occurredOn: '2025-06-01' }] }));
    vetoed.given(scoredHistory).when(complete).then([
      reviewCompleted(scores, {
        totalPoints: 93,
        thresholdGrade: 'AAA',
        grade: 'A',
        vetoes: [{ conductCode: 'MAJOR_SAFETY_ACCIDENT', recordId: 'rec-1', effect: 'CAP', capGrade: 'A' }],
      }),
    ]);
  });

  it('ignores a veto record that another association recorded, or one outside the assessment period', () => {
    const elsewhere = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: 'assoc-wuhan', occurredOn: '2025-06-01' }] }));
    elsewhere.given(scoredHistory).when(complete).then([reviewCompleted(scores, { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' })]);
    const later = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [accident] }));
    later.given(scoredHistory).when(complete).then([reviewCompleted(scores, { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' })]);
  });

  it('refuses any grade for false materials in the period', () => {
    const vetoed = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'FALSE_MATERIALS', occurredOn: '2025-06-01' }] }));
    vetoed.given(scoredHistory).when(complete).then([
      reviewCompleted(scores, {
        totalPoints: 93,
        thresholdGrade: 'AAA',
        grade: null,
        vetoes: [{ conductCode: 'FALSE_MATERIALS', recordId: 'rec-1', effect: 'REFUSE', capGrade: null }],
      }),
    ]);
  });

  it('recomputes the same result from the recorded inputs', () => {
    const { computation } = reviewCompleted(scores, { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' }).data;
    expect(computeGrade(computation)).toEqual({ totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA' });
  });
});

describe('overriding a computed grade', () => {
  const request = { type: 'RequestCreditGradeOverride' as const, ...k, toGrade: 'AA', reason: '信评委复核', decision: committee };
  const approve = { type: 'ApproveCreditGradeOverride' as const, ...k };

  it('records the request for a second person to approve', () => {
    spec.given(reviewed).when(request).then([overrideRequested()]);
  });

  it('refuses an override before the review is completed', () => {
    spec.given(scoredHistory).when(request).thenRefuses(CreditRules.notReviewed);
  });

  it('refuses an override without a credit committee decision', () => {
    spec.given(reviewed).when({ ...request, decision: { ...committee, body: 'SECRETARIAT' } }).thenRefuses(CreditRules.overrideNeedsCreditCommittee);
  });

  it('refuses approval by the person who requested it', () => {
    spec.given([...reviewed, overrideRequested()]).when(approve).thenRefuses(CreditRules.overrideSelfApproval);
  });

  it('refuses approval when no override waits, and once it was approved', () => {
    spec.given(reviewed).when(approve, as('second')).thenRefuses(CreditRules.overrideNotPending);
    spec.given([...reviewed, overrideRequested(), overridden()]).when(approve, as('second')).thenRefuses(CreditRules.overrideNotPending);
  });

  it('changes the grade when a second person approves', () => {
    spec.given([...reviewed, overrideRequested()]).when(approve, as('second')).then([overridden()]);
  });

  it('overrides from the grade an earlier override gave', () => {
    spec
      .given([...reviewed, overrideRequested(), overridden()])
      .when({ ...request, toGrade: 'A' })
      .then([overrideRequested({ fromGrade: 'AA', toGrade: 'A' })]);
  });

  it('refuses to start the notice while an override waits for approval', () => {
    spec.given([...reviewed, overrideRequested()]).when({ type: 'StartCreditNotice', ...k }).thenRefuses(CreditRules.overridePending);
  });
});

describe('public notice, objections and issue', () => {
  const objection = { type: 'FileCreditObjection' as const, ...k, objectionId: 'obj-1', objector: '某公司', grounds: '分数有误' };
  const resolve = (outcome: 'UPHELD' | 'DISMISSED', reasons: string) => ({ type: 'ResolveCreditObjection' as const, ...k, objectionId: 'obj-1', outcome, reasons });
  const issue = { type: 'IssueCreditRating' as const, ...k, certificateNumber: 'YY-1' };
  const rescore = { type: 'ScoreCreditIndicators' as const, ...k, scores: [{ code: 'MARKET_CONDUCT', points: 70, evidenceReference: 'EV-2' }] };
  const rescored = scored('MARKET_CONDUCT', 70, { evidenceReference: 'EV-2', previousPoints: 85 });
  const newScores = [scores[0]!, scores[1]!, rescored];

  it('ends the notice after the rulebook notice days', () => {
    spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-02' }).then([noticeStarted('2026-03-02', '2026-03-08')]);
  });

  it('refuses a notice before the review is completed, and a second notice', () => {
    spec.given(scoredHistory).when({ type: 'StartCreditNotice', ...k }).thenRefuses(CreditRules.notReviewed);
    spec.given(inNotice).when({ type: 'StartCreditNotice', ...k }).thenRefuses(CreditRules.notReviewed);
  });

  it('refuses to issue during the notice', () => {
    spec.given(inNotice).when(issue, at('2026-03-08')).thenRefuses(CreditRules.noticeNotEnded);
  });

  it('refuses to issue before the notice', () => {
    spec.given(reviewed).when(issue, at('2026-03-10')).thenRefuses(CreditRules.notInNotice);
  });

  it('files an objection during the notice, once', () => {
    spec.given(inNotice).when(objection, at('2026-03-05')).then([objectionFiled('2026-03-05')]);
    spec.given([...inNotice, objectionFiled()]).when(objection, at('2026-03-06')).then([]);
  });

  it('refuses to issue with an objection open', () => {
    spec.given([...inNotice, objectionFiled()]).when(issue, at('2026-03-10')).thenRefuses(CreditRules.objectionOpen);
  });

  it('issues after a dismissed objection, valid for the rulebook years', () => {
    const objected = [...inNotice, objectionFiled()];
    spec.given(objected).when(resolve('DISMISSED', '经核查无误'), at('2026-03-06')).then([objectionResolved('DISMISSED', '经核查无误')]);
    spec
      .given([...objected, objectionResolved('DISMISSED', '经核查无误')])
      .when({ ...issue, validFrom: '2026-03-10' }, at('2026-03-10'))
      .then([ratingIssued({ certificateNumber: 'YY-1', validFrom: '2026-03-10', validTo: '2028-03-09' })]);
  });

  it('refuses to resolve an objection never filed, or one already resolved', () => {
    spec.given(inNotice).when(resolve('DISMISSED', '经核查无误')).thenRefuses(CreditRules.objectionUnknown);
    spec.given([...inNotice, objectionFiled(), objectionResolved('DISMISSED', '经核查无误')]).when(resolve('UPHELD', '重新评分')).thenRefuses(CreditRules.objectionAlreadyResolved);
  });

  it('sends an upheld objection back to the scorers', () => {
    const upheld = [...inNotice, objectionFiled(), objectionResolved('UPHELD', '重新评分')];
    spec.given(upheld).when(rescore, as('dept-scorer')).then([rescored]);
    spec.given([...upheld, rescored]).when({ type: 'CompleteCreditReview', ...k }).then([reviewCompleted(newScores, { totalPoints: 78, thresholdGrade: 'A', grade: 'A' })]);
  });

  it('refuses an objection outside the notice window, or when no result is in notice', () => {
    const late = spec.given(inNotice).when(objection, at('2026-03-09')).thenRefuses(CreditRules.objectionOutsideNotice);
    expect(late.message).toBe('Objections are filed during the notice, 2026-03-02 to 2026-03-08; today is 2026-03-09.');
    const early = spec.given(reviewed).when(objection).thenRefuses(CreditRules.objectionOutsideNotice);
    expect(early.message).toBe('The result is not in public notice.');
    const rated = spec.given(issued).when(objection, at('2026-03-12')).thenRefuses(CreditRules.objectionOutsideNotice);
    expect(rated.message).toBe('Objections are filed during the notice, 2026-03-02 to 2026-03-08; today is 2026-03-12.');
  });

  it('refuses a notice that starts before the review it shows was completed', () => {
    // The review was completed on 2026-03-02 (FIXED_NOW).
    const error = spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-01' }).thenRefuses(NoticeRules.startsBeforeResult);
    expect(error.details).toMatchObject({ earliest: '2026-03-02' });
  });

  it('refuses a notice that starts in the past, so every day of it is a day the public can see it', () => {
    spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-02' }, at('2026-03-05')).thenRefuses(NoticeRules.startsInThePast);
    spec.given(reviewed).when({ type: 'StartCreditNotice', ...k }, at('2026-03-05')).then([noticeStarted('2026-03-05', '2026-03-11')]);
  });

  it('gives a grade changed after an upheld objection a new notice of full length before it is issued', () => {
    const reReviewed = [
      ...inNotice,
      objectionFiled(),
      objectionResolved('UPHELD', '重新评分', '2026-03-06'),
      rescored,
      reviewCompleted(newScores, { totalPoints: 78, thresholdGrade: 'A', grade: 'A' }, '2026-03-06'),
    ];
    // Noticed "from a week ago" and issued the same day: refused; the changed grade must be seen for its seven days.
    spec.given(reReviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-02-27' }, at('2026-03-06')).thenRefuses(NoticeRules.startsBeforeResult);
    spec.given(reReviewed).when(issue, at('2026-03-06')).thenRefuses(CreditRules.notInNotice);
    spec.given(reReviewed).when({ type: 'StartCreditNotice', ...k }, at('2026-03-06')).then([noticeStarted('2026-03-06', '2026-03-12', 'A')]);
    const renoticed = [...reReviewed, noticeStarted('2026-03-06', '2026-03-12', 'A')];
    spec.given(renoticed).when(issue, at('2026-03-12')).thenRefuses(CreditRules.noticeNotEnded);
    spec.given(renoticed).when(issue, at('2026-03-13')).then([ratingIssued({ grade: 'A', certificateNumber: 'YY-1', validFrom: '2026-03-13', validTo: '2028-03-12' })]);
  });

  it('starts the notice of an overridden grade no earlier than the approval that changed it', () => {
    const overriddenOn4th = [...reviewed, overrideRequested(), overridden({ approvedOn: '2026-03-04' })];
    spec.given(overriddenOn4th).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-03' }, at('2026-03-03')).thenRefuses(NoticeRules.startsBeforeResult);
    spec.given(overriddenOn4th).when({ type: 'StartCreditNotice', ...k }, at('2026-03-04')).then([noticeStarted('2026-03-04', '2026-03-10', 'AA')]);
  });

  it('starts the notice of a grade overridden before approval dates were kept from the review\'s date', () => {
    const { approvedOn: _unknown, ...undated } = overridden().data;
    const legacy = [...reviewed, overrideRequested(), { type: 'CreditGradeOverridden' as const, data: undated }];
    spec.given(legacy).when({ type: 'StartCreditNotice', ...k }).then([noticeStarted('2026-03-02', '2026-03-08', 'AA')]);
  });

  it('refuses to issue a result that has no grade', () => {
    const refused = reviewCompleted(scores, {
      totalPoints: 93,
      thresholdGrade: 'AAA',
      grade: null,
      vetoes: [{ conductCode: 'FALSE_MATERIALS', recordId: 'rec-1', effect: 'REFUSE', capGrade: null }],
    });
    spec.given([...scoredHistory, refused, noticeStarted('2026-03-02', '2026-03-08', null)]).when(issue, at('2026-03-10')).thenRefuses(CreditRules.gradeRefused);
  });

  it('writes nothing when the same rating is issued again, and refuses another certificate for it', () => {
    spec.given(issued).when({ ...issue, certificateNumber: 'YY-2026-001' }, at('2026-03-11')).then([]);
    spec.given(issued).when(issue, at('2026-03-11')).thenRefuses(CreditRules.notInNotice);
  });
});

describe('a valid rating afterwards', () => {
  const withAccident = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [accident] }));
  const applyRecord = { type: 'ApplyConductToCreditRating' as const, ...k, recordId: 'rec-1' };
  const downgraded: CreditRatingDowngraded = {
    type: 'CreditRatingDowngraded',
    data: {
      ...k,
      fromGrade: 'AAA',
      toGrade: 'AA',
      levels: 1,
      effectiveFrom: '2026-04-02',
      recordId: 'rec-1',
      conductCode: 'MAJOR_SAFETY_ACCIDENT',
      rule: 'yy-credit v1 MAJOR_SAFETY_ACCIDENT → DOWNGRADE 1',
      reviewYear: null,
    },
  };
  const conductOn = (code: string) => ({ ...k, grade: 'AAA', effectiveFrom: '2026-03-02', recordId: 'rec-1', conductCode: code });
  const suspended: CreditApplicationEvent = { type: 'CreditRatingSuspended', data: { ...conductOn('WAGE_ARREARS'), rule: 'yy-credit v1 WAGE_ARREARS → SUSPEND' } };
  const reinstate = { type: 'ReinstateCreditRating' as const, ...k, reason: '已足额支付', decision: { ...committee, body: 'SECRETARIAT' as const } };
  const expired: CreditApplicationEvent = {
    type: 'CreditRatingExpired',
    data: { ...k, grade: 'AAA', validTo: '2028-03-09', expiredOn: '2028-03-10', rule: 'yy-credit v1 validity 2 years: valid to 2028-03-09' },
  };

  it('is downgraded by a major accident record, naming the record and the rule', () => {
    withAccident.given(issued).when(applyRecord, at('2026-04-02')).then([downgraded]);
  });

  it('is downgraded from the grade it holds after an earlier downgrade', () => {
    const second = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [accident, { ...accident, recordId: 'rec-2' }] }));
    second
      .given([...issued, downgraded])
      .when({ ...applyRecord, recordId: 'rec-2' }, at('2026-04-03'))
      .then([{ type: 'CreditRatingDowngraded', data: { ...downgraded.data, fromGrade: 'AA', toGrade: 'A', effectiveFrom: '2026-04-03', recordId: 'rec-2' } }]);
  });

  it('refuses a record another association recorded: it does not change this association\'s rating', () => {
    const elsewhere = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: 'assoc-wuhan' }] }));
    elsewhere.given(issued).when(applyRecord, at('2026-04-02')).thenRefuses(CreditRules.conductRecordOtherAssociation);
  });

  it('refuses a record not on the subject\'s record', () => {
    spec.given(issued).when(applyRecord, at('2026-04-02')).thenRefuses(CreditRules.conductRecordUnknown);
  });

  it('applies a record from before records carried their association when its recorder had none', () => {
    const legacy = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: null }] }));
    legacy.given(issued).when(applyRecord, at('2026-04-02')).then([downgraded]);
  });

  it('applies a record once only', () => {
    withAccident.given([...issued, downgraded]).when(applyRecord, at('2026-04-03')).then([]);
  });

  it('is revoked by bribery and suspended by wage arrears', () => {
    const bribery = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'BRIBERY' }] }));
    bribery.given(issued).when(applyRecord).then([{ type: 'CreditRatingRevoked', data: { ...conductOn('BRIBERY'), rule: 'yy-credit v1 BRIBERY → REVOKE' } }]);
    const wages = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'WAGE_ARREARS' }] }));
    wages.given(issued).when(applyRecord).then([suspended]);
  });

  it('suspends a suspended rating no further, and still revokes it', () => {
    const both = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'WAGE_ARREARS' }, { ...accident, recordId: 'rec-2', code: 'WAGE_ARREARS' }, { ...accident, recordId: 'rec-3', code: 'BRIBERY' }] }));
    both.given([...issued, suspended]).when({ ...applyRecord, recordId: 'rec-2' }).then([]);
    both
      .given([...issued, suspended])
      .when({ ...applyRecord, recordId: 'rec-3' })
      .then([{ type: 'CreditRatingRevoked', data: { ...conductOn('BRIBERY'), recordId: 'rec-3', rule: 'yy-credit v1 BRIBERY → REVOKE' } }]);
  });

  it('reinstates a suspended rating on a decision, and refuses to reinstate one that is not suspended', () => {
    spec.given([...issued, suspended]).when(reinstate, at('2026-05-01')).then([
      { type: 'CreditRatingReinstated', data: { ...k, grade: 'AAA', effectiveFrom: '2026-05-01', reason: '已足额支付', decision: { ...committee, body: 'SECRETARIAT' } } },
    ]);
    spec.given(issued).when(reinstate).thenRefuses(CreditRules.ratingNotSuspended);
    spec.given(inNotice).when(reinstate).thenRefuses(CreditRules.ratingNotSuspended);
  });

  it('refuses to reinstate a suspended rating after its validity', () => {
    spec.given([...issued, suspended]).when(reinstate, at('2028-03-10')).thenRefuses(CreditRules.noValidRating);
  });

  it('refuses a record when there is no valid rating', () => {
    withAccident.given(inNotice).when(applyRecord).thenRefuses(CreditRules.noValidRating);
    withAccident.given([...issued, expired]).when(applyRecord, at('2028-03-11')).thenRefuses(CreditRules.noValidRating);
  });

  it('is confirmed or downgraded in the annual review, once a year', () => {
    const review = { type: 'ReviewCreditRatingAnnually' as const, ...k, reviewYear: 2027, reason: '年度复核' };
    const confirmed: CreditApplicationEvent = { type: 'CreditRatingConfirmed', data: { ...k, grade: 'AAA', reviewYear: 2027, reason: '年度复核', confirmedOn: '2027-03-01' } };
    spec.given(issued).when({ ...review, outcome: 'CONFIRMED' }, at('2027-03-01')).then([confirmed]);
    spec.given(issued).when({ ...review, outcome: 'DOWNGRADED', levels: 2 }, at('2027-03-01')).then([
      {
        type: 'CreditRatingDowngraded',
        data: { ...k, fromGrade: 'AAA', toGrade: 'A', levels: 2, effectiveFrom: '2027-03-01', recordId: null, conductCode: null, rule: 'annual review 2027: 年度复核', reviewYear: 2027 },
      },
    ]);
    spec.given([...issued, confirmed]).when({ ...review, outcome: 'DOWNGRADED', levels: 1 }, at('2027-03-02')).then([]);
  });

  it('refuses an annual review of a rating that is not in force', () => {
    const review = { type: 'ReviewCreditRatingAnnually' as const, ...k, reviewYear: 2027, reason: '年度复核', outcome: 'CONFIRMED' as const };
    spec.given([...issued, suspended]).when(review, at('2027-03-01')).thenRefuses(CreditRules.noValidRating);
    spec.given(inNotice).when(review, at('2027-03-01')).thenRefuses(CreditRules.noValidRating);
  });

  it('expires only after valid-to, citing the rulebook\'s validity', () => {
    spec.given(issued).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-09')).thenRefuses(CreditRules.ratingNotExpired);
    spec.given(issued).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-10')).then([expired]);
  });

  it('records an expiry once only, and none for a rating never issued or revoked', () => {
    spec.given([...issued, expired]).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-11')).then([]);
    spec.given(inNotice).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-11')).then([]);
    const revoked: CreditApplicationEvent = { type: 'CreditRatingRevoked', data: { ...conductOn('BRIBERY'), rule: 'yy-credit v1 BRIBERY → REVOKE' } };
    spec.given([...issued, revoked]).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-11')).then([]);
  });
});

describe('conduct records', () => {
  const conduct = deciderSpec(creditConductDecider);
  const record = { type: 'RecordCreditConduct' as const, ...accident, associationId: ASSOC, penaltyMonths: 12 };
  const recorded: CreditConductRecorded = { type: 'CreditConductRecorded', data: accident };
  const shorten = { associationId: ASSOC, subjectId: SUBJECT, recordId: 'rec-1', rectificationEvidence: '整改报告' };
  const shortened = {
    type: 'CreditConductDisclosureShortened' as const,
    data: { associationId: ASSOC, subjectId: SUBJECT, recordId: 'rec-1', fromMonths: 24, toMonths: 12, disclosureUntil: '2027-04-01', rectificationEvidence: '整改报告' },
  };
  /** An adverse record without a penalty, disclosed for 24 months. */
  const unpenalised: CreditConductRecorded = { type: 'CreditConductRecorded', data: { ...accident, recordId: 'rec-2', penaltyMonths: null } };
  /** A good-credit record (良好): 3 years. */
  const award = {
    type: 'RecordCreditConduct' as const,
    ...accident,
    associationId: ASSOC,
    recordId: 'rec-good',
    code: 'QUALITY_AWARD',
    kind: 'GOOD' as const,
    severity: 'MINOR' as const,
    disclosureMonths: 36,
    penaltyMonths: null,
  };
  const awarded: CreditConductRecorded = {
    type: 'CreditConductRecorded',
    data: { ...accident, recordId: 'rec-good', code: 'QUALITY_AWARD', kind: 'GOOD', severity: 'MINOR', disclosureMonths: 36, penaltyMonths: null, disclosureUntil: '2029-04-01' },
  };

  it('records the association that recorded it and the disclosure end from the disclosure period', () => {
    conduct.given([]).when(record).then([recorded]);
  });

  it('discloses an adverse record (不良) for 6 months to 3 years: refuses below 6 months and above 36, on the field', () => {
    const unpunished = { ...record, penaltyMonths: null };
    for (const months of [5, 37, 48, 0, 6.5]) conduct.given([]).when({ ...unpunished, disclosureMonths: months }).thenRejectsFields('disclosureMonths');
    conduct.given([]).when({ ...unpunished, disclosureMonths: 6 }).then([
      { type: 'CreditConductRecorded', data: { ...accident, penaltyMonths: null, disclosureMonths: 6, disclosureUntil: '2026-10-01' } },
    ]);
    conduct.given([]).when({ ...unpunished, disclosureMonths: 36 }).then([
      { type: 'CreditConductRecorded', data: { ...accident, penaltyMonths: null, disclosureMonths: 36, disclosureUntil: '2029-04-01' } },
    ]);
  });

  it('discloses a good-credit record (良好) for 3 years: refuses any other period, on the field', () => {
    for (const months of [6, 24, 35, 37]) {
      const error = conduct.given([]).when({ ...award, disclosureMonths: months }).thenRejectsFields('disclosureMonths');
      expect(error.fieldErrors[0]!.message).toMatch(/must be 36/);
    }
    conduct.given([]).when(award).then([awarded]);
  });

  it('refuses a disclosure period shorter than the penalty', () => {
    conduct.given([]).when({ ...record, disclosureMonths: 6 }).thenRefuses(CreditRules.disclosureShorterThanPenalty);
  });

  it('refuses a record without a well-formed association, field by field', () => {
    conduct.given([]).when({ ...record, associationId: 'Not An Id' }).thenRejectsFields('associationId');
  });

  it('keeps record ids per association: another association may use the same id for its own record', () => {
    conduct.given([recorded]).when({ ...record, associationId: 'assoc-wuhan', code: 'WAGE_ARREARS' }).then([
      { type: 'CreditConductRecorded', data: { ...accident, associationId: 'assoc-wuhan', code: 'WAGE_ARREARS' } },
    ]);
    conduct.given([recorded]).when({ ...record, code: 'WAGE_ARREARS' }).thenRefuses(CreditRules.conductRecordExists);
  });

  it('writes nothing when the same record is recorded again', () => {
    conduct.given([recorded]).when(record).then([]);
  });

  it('shortens an adverse record’s disclosure after rectification', () => {
    conduct.given([recorded]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 12 }).then([shortened]);
    conduct.given([unpenalised]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, recordId: 'rec-2', disclosureMonths: 6 }).then([
      { type: 'CreditConductDisclosureShortened', data: { ...shortened.data, recordId: 'rec-2', toMonths: 6, disclosureUntil: '2026-10-01' } },
    ]);
  });

  it('refuses to shorten another association\'s record', () => {
    conduct.given([recorded]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, associationId: 'assoc-wuhan', disclosureMonths: 12 }).thenRefuses(CreditRules.conductRecordUnknown);
  });

  it('refuses to shorten disclosure below the 6-month minimum', () => {
    for (const months of [5, 3, 0]) {
      conduct.given([unpenalised]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, recordId: 'rec-2', disclosureMonths: months }).thenRefuses(CreditRules.disclosureBelowMinimum);
    }
  });

  it('refuses to shorten disclosure below the penalty', () => {
    conduct.given([recorded]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 8 }).thenRefuses(CreditRules.disclosureShorterThanPenalty);
  });

  it('refuses to shorten a good-credit record: it is disclosed for 3 years', () => {
    conduct.given([awarded]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, recordId: 'rec-good', disclosureMonths: 12 }).thenRefuses(CreditRules.disclosureFixedForGoodRecord);
  });

  it('refuses a disclosure no shorter than the one in force', () => {
    conduct.given([recorded, shortened]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 13 }).thenRefuses(CreditRules.disclosureNotShorter);
  });

  it('reads a record from before records carried their association as its recorder\'s association\'s', () => {
    const { associationId: _dropped, ...legacyData } = accident;
    const legacy = { type: 'CreditConductRecorded', data: legacyData } as unknown as CreditConductRecorded;
    expect(upcastCreditConductEvent(legacy, ASSOC).data.associationId).toBe(ASSOC);
    expect(upcastCreditConductEvent(legacy, null).data.associationId).toBeNull();
    expect(upcastCreditConductEvent(recorded, 'assoc-wuhan').data.associationId).toBe(ASSOC);
    conduct.given([upcastCreditConductEvent(legacy, ASSOC)]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 12 }).then([shortened]);
  });

  describe('of a person', () => {
    const PERSON = 'PSN0123456789ABCDEF';
    const ofPerson = { ...record, subjectId: PERSON };

    it('records one of a registered person, by register id', () => {
      deciderSpec(creditConductDeciderWith({ person: 'REGISTERED' })).given([]).when(ofPerson).then([
        { type: 'CreditConductRecorded', data: { ...accident, subjectId: PERSON } },
      ]);
    });

    it('refuses a person the persons register does not hold, or not known to, and one erased', () => {
      deciderSpec(creditConductDeciderWith({ person: 'NONE' })).given([]).when(ofPerson).thenRefuses(CreditRules.subjectNotRegistered);
      conduct.given([]).when(ofPerson).thenRefuses(CreditRules.subjectNotRegistered);
      deciderSpec(creditConductDeciderWith({ person: 'ERASED' })).given([]).when(ofPerson).thenRefuses(CreditRules.subjectErased);
    });

    it('refuses an identity-card number as the subject on its field, without echoing it, for a record or a shortening', () => {
      const error = conduct.given([]).when({ ...record, subjectId: ID_CARD }).thenRejectsFields('subjectId');
      expect(JSON.stringify(error.fieldErrors) + error.message).not.toContain(ID_CARD.slice(0, 17));
      conduct.given([]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, subjectId: ID_CARD, disclosureMonths: 12 }).thenRejectsFields('subjectId');
    });
  });
});
