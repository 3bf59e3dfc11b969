import { describe, expect, it } from '@jest/globals';
import { deciderSpec, TEST_ADMIN } from '#testing';
import { type DecisionRecord, NoticeRules } from '../shared/index.js';
import type { CreditApplicationFacts, DefineCreditRulebookVersion } from './credit.commands.js';
import {
  creditApplicationDecider,
  creditConductDecider,
  creditCycleDecider,
  creditRulebookDecider,
  validRulebook,
} from './index.js';
import { CreditRules } from './credit.errors.js';
import { type ConductRecord, type CreditApplicationEvent, type CreditConductRecorded, type CycleData, upcastCreditConductEvent } from './credit.events.js';
import { computeGrade } from './credit.rulebook.js';

// FIXED_NOW is 2026-03-02 in Beijing.
const ASSOC = 'assoc-yueyang';
const CYCLE = 'c2026';
const SUBJECT = '91430600000000001X';
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
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
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
const rulebook = validRulebook(define, 1);
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

const filed: CreditApplicationEvent = {
  type: 'CreditApplicationFiled',
  data: { ...k, subjectKind: 'ENTERPRISE', rulebookId: 'yy-credit', rulebookVersion: 1, filedOn: '2026-03-02', member: true, selfAssessment: [] },
};
const score = (code: string, points: number, maxPoints: number, body: 'ASSOCIATION' | 'DEPARTMENT', scorerId: string): CreditApplicationEvent => ({
  type: 'CreditIndicatorScored',
  data: { ...k, code, points, maxPoints, body, scorerId, evidenceReference: 'EV-1', note: null, previousPoints: null },
});
const scored = [filed, score('SELF_DISCIPLINE', 4, 4, 'ASSOCIATION', 'assoc-scorer'), score('OVERALL', 4, 4, 'ASSOCIATION', 'assoc-scorer'), score('MARKET_CONDUCT', 85, 92, 'DEPARTMENT', 'dept-scorer')];
const reviewed = [...scored, ...spec.given(scored).when({ type: 'CompleteCreditReview', ...k }).events()];
const inNotice = [...reviewed, ...spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-02' }).events()];
const committee: DecisionRecord = { body: 'CREDIT_COMMITTEE', reference: '岳信评〔2026〕2号', decidedOn: '2026-03-01', votes: null };
const issued = [...inNotice, ...spec.given(inNotice).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-2026-001', validFrom: '2026-03-10' }, at('2026-03-10')).events()];

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
  const defined = rulebooks.given([]).when(define).events();
  const pinned = { type: 'CreditRulebookVersionPinned' as const, data: { associationId: ASSOC, rulebookId: 'yy-credit', version: 1, cycleId: CYCLE } };

  it('defines version 1 with thresholds ordered from the best grade down', () => {
    expect(defined).toHaveLength(1);
    expect(defined[0]!.data).toMatchObject({ version: 1, noticeDays: 7, thresholds: [{ grade: 'AAA' }, { grade: 'AA' }, { grade: 'A' }] });
  });

  it('amends a version no cycle uses yet', () => {
    const amended = rulebooks.given(defined).when({ ...define, type: 'AmendCreditRulebookVersion', version: 1, reason: '修正', noticeDays: 10 }).events();
    expect(amended[0]!.data).toMatchObject({ version: 1, noticeDays: 10, reason: '修正' });
  });

  it('refuses to change a version a cycle has pinned', () => {
    rulebooks.given([...defined, pinned]).when({ ...define, type: 'AmendCreditRulebookVersion', version: 1, reason: '修正' }).thenRefuses(CreditRules.rulebookVersionInUse);
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

  it('opens with the pinned rulebook copied into the cycle', () => {
    const events = cycles.given([]).when(open).events();
    expect(events[0]!.data).toMatchObject({ cycleId: CYCLE, rulebook: { version: 1, referenceNumber: '岳建协〔2020〕5号' } });
  });

  it('refuses a rulebook not yet in force when filing opens', () => {
    cycles.given([]).when({ ...open, filingFrom: '2019-06-01', filingTo: '2019-07-01' }).thenRefuses(CreditRules.rulebookNotInForce);
  });

  it('refuses to open without the rulebook version', () => {
    deciderSpec(creditCycleDecider({})).given([]).when(open).thenRefuses(CreditRules.rulebookVersionUnknown);
  });
});

describe('filing an application', () => {
  const file = { type: 'FileCreditApplication' as const, ...k, selfAssessment: [{ code: 'OVERALL', points: 4 }] };

  it('records the pinned rulebook version and the self-assessment', () => {
    expect(spec.given([]).when(file).events()[0]!.data).toMatchObject({ rulebookVersion: 1, selfAssessment: [{ code: 'OVERALL', points: 4 }], member: true });
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
    expect(all.given([]).when(file).events()[0]!.data).toMatchObject({ member: false });
  });

  it('refuses an enterprise not in the register', () => {
    deciderSpec(creditApplicationDecider({ ...facts, subjectRegistered: false })).given([]).when(file).thenRefuses(CreditRules.subjectNotRegistered);
  });

  it('takes a person’s application (三诚) without an enterprise registration', () => {
    const persons = { ...cycleData, rulebook: { ...rulebook, subjectKind: 'PERSON' as const }, eligibility: 'ALL' as const };
    const personSpec = deciderSpec(creditApplicationDecider({ cycle: { data: persons, closed: false, scorers }, subjectRegistered: false, activeMember: false }));
    expect(personSpec.given([]).when({ ...file, subjectId: '420106198001011234' }).events()[0]!.data).toMatchObject({ subjectKind: 'PERSON', member: false });
  });

  it('refuses filing in a closed cycle', () => {
    deciderSpec(creditApplicationDecider({ ...facts, cycle: { data: cycleData, closed: true, scorers } })).given([]).when(file).thenRefuses(CreditRules.cycleClosed);
  });

  it('refuses a second application in the same cycle', () => {
    spec.given([filed]).when(file).thenRefuses(CreditRules.applicationAlreadyFiled);
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
    expect(spec.given([filed]).when(scoreCmd('OVERALL', 3), as('assoc-scorer')).events()[0]!.data).toMatchObject({ points: 3, maxPoints: 4, scorerId: 'assoc-scorer' });
  });

  it('refuses a score above the maximum', () => {
    spec.given([filed]).when(scoreCmd('OVERALL', 5), as('assoc-scorer')).thenRefuses(CreditRules.scoreAboveMaximum);
  });

  it('refuses a scorer of the wrong body', () => {
    spec.given([filed]).when(scoreCmd('MARKET_CONDUCT', 80), as('assoc-scorer')).thenRefuses(CreditRules.scorerWrongBody);
  });

  it('refuses a scorer employed by the applicant', () => {
    spec.given([filed]).when(scoreCmd('OVERALL', 4), as('conflicted')).thenRefuses(CreditRules.scorerConflict);
  });

  it('refuses someone not assigned to the cycle', () => {
    spec.given([filed]).when(scoreCmd('OVERALL', 4), as('stranger')).thenRefuses(CreditRules.scorerNotAssigned);
  });

  it('refuses a score without evidence where the rulebook requires it', () => {
    spec.given([filed]).when(scoreCmd('MARKET_CONDUCT', 80, null), as('dept-scorer')).thenRefuses(CreditRules.evidenceRequired);
  });

  it('refuses scoring after the review is completed', () => {
    spec.given(reviewed).when(scoreCmd('OVERALL', 4), as('assoc-scorer')).thenRefuses(CreditRules.applicationNotUnderReview);
  });
});

describe('completing the review', () => {
  it('computes the grade from the thresholds and records its inputs', () => {
    const computed = reviewed[reviewed.length - 1]!;
    expect(computed.data).toMatchObject({ computation: { totalPoints: 93, thresholdGrade: 'AAA', grade: 'AAA', rulebookVersion: 1, vetoes: [] } });
  });

  it('refuses while an indicator is unscored', () => {
    spec.given(scored.slice(0, 3)).when({ type: 'CompleteCreditReview', ...k }).thenRefuses(CreditRules.indicatorsNotScored);
  });

  it('caps the grade for a major accident in the assessment period', () => {
    const vetoed = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, occurredOn: '2025-06-01' }] }));
    expect(vetoed.given(scored).when({ type: 'CompleteCreditReview', ...k }).events()[0]!.data).toMatchObject({
      computation: { thresholdGrade: 'AAA', grade: 'A', vetoes: [{ recordId: 'rec-1', effect: 'CAP', capGrade: 'A' }] },
    });
  });

  it('ignores a veto record that another association recorded', () => {
    const elsewhere = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: 'assoc-wuhan', occurredOn: '2025-06-01' }] }));
    expect(elsewhere.given(scored).when({ type: 'CompleteCreditReview', ...k }).events()[0]!.data).toMatchObject({ computation: { grade: 'AAA', vetoes: [] } });
  });

  it('refuses any grade for false materials in the period', () => {
    const vetoed = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'FALSE_MATERIALS', occurredOn: '2025-06-01' }] }));
    expect(vetoed.given(scored).when({ type: 'CompleteCreditReview', ...k }).events()[0]!.data).toMatchObject({ computation: { grade: null } });
  });

  it('recomputes the same result from the recorded inputs', () => {
    const { computation } = (reviewed[reviewed.length - 1] as Extract<CreditApplicationEvent, { type: 'CreditReviewCompleted' }>).data;
    expect(computeGrade(computation)).toEqual({ totalPoints: computation.totalPoints, thresholdGrade: computation.thresholdGrade, grade: computation.grade });
  });
});

describe('overriding a computed grade', () => {
  const request = { type: 'RequestCreditGradeOverride' as const, ...k, toGrade: 'AA', reason: '信评委复核', decision: committee };

  it('refuses an override without a credit committee decision', () => {
    spec.given(reviewed).when({ ...request, decision: { ...committee, body: 'SECRETARIAT' } }).thenRefuses(CreditRules.overrideNeedsCreditCommittee);
  });

  it('refuses approval by the person who requested it', () => {
    const requested = [...reviewed, ...spec.given(reviewed).when(request).events()];
    spec.given(requested).when({ type: 'ApproveCreditGradeOverride', ...k }).thenRefuses(CreditRules.overrideSelfApproval);
  });

  it('changes the grade when a second person approves', () => {
    const requested = [...reviewed, ...spec.given(reviewed).when(request).events()];
    expect(spec.given(requested).when({ type: 'ApproveCreditGradeOverride', ...k }, as('second')).events()[0]!.data).toMatchObject({
      fromGrade: 'AAA',
      toGrade: 'AA',
      requestedBy: TEST_ADMIN.userId,
      approvedBy: 'second',
    });
  });

  it('refuses to start the notice while an override waits for approval', () => {
    const requested = [...reviewed, ...spec.given(reviewed).when(request).events()];
    spec.given(requested).when({ type: 'StartCreditNotice', ...k }).thenRefuses(CreditRules.overridePending);
  });
});

describe('public notice, objections and issue', () => {
  const objection = { type: 'FileCreditObjection' as const, ...k, objectionId: 'obj-1', objector: '某公司', grounds: '分数有误' };

  it('ends the notice after the rulebook notice days', () => {
    expect(inNotice[inNotice.length - 1]!.data).toMatchObject({ startsOn: '2026-03-02', endsOn: '2026-03-08', grade: 'AAA' });
  });

  it('refuses to issue during the notice', () => {
    spec.given(inNotice).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1' }, at('2026-03-08')).thenRefuses(CreditRules.noticeNotEnded);
  });

  it('refuses to issue with an objection open', () => {
    const objected = [...inNotice, ...spec.given(inNotice).when(objection, at('2026-03-05')).events()];
    spec.given(objected).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1' }, at('2026-03-10')).thenRefuses(CreditRules.objectionOpen);
  });

  it('issues after a dismissed objection, valid for the rulebook years', () => {
    const objected = [...inNotice, ...spec.given(inNotice).when(objection, at('2026-03-05')).events()];
    const dismissed = [...objected, ...spec.given(objected).when({ type: 'ResolveCreditObjection', ...k, objectionId: 'obj-1', outcome: 'DISMISSED', reasons: '经核查无误' }).events()];
    expect(spec.given(dismissed).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1', validFrom: '2026-03-10' }, at('2026-03-10')).events()[0]!.data).toMatchObject({
      grade: 'AAA',
      validFrom: '2026-03-10',
      validTo: '2028-03-09',
      rulebookVersion: 1,
    });
  });

  it('sends an upheld objection back to the scorers', () => {
    const objected = [...inNotice, ...spec.given(inNotice).when(objection, at('2026-03-05')).events()];
    const upheld = [...objected, ...spec.given(objected).when({ type: 'ResolveCreditObjection', ...k, objectionId: 'obj-1', outcome: 'UPHELD', reasons: '重新评分' }).events()];
    const rescored = spec.given(upheld).when({ type: 'ScoreCreditIndicators', ...k, scores: [{ code: 'MARKET_CONDUCT', points: 70, evidenceReference: 'EV-2' }] }, as('dept-scorer')).events();
    expect(rescored[0]!.data).toMatchObject({ points: 70, previousPoints: 85 });
    const again = spec.given([...upheld, ...rescored]).when({ type: 'CompleteCreditReview', ...k }).events();
    expect(again[0]!.data).toMatchObject({ computation: { totalPoints: 78, grade: 'A' } });
  });

  it('refuses an objection outside the notice window', () => {
    spec.given(inNotice).when(objection, at('2026-03-09')).thenRefuses(CreditRules.objectionOutsideNotice);
  });

  it('refuses a notice that starts before the review it shows was completed', () => {
    // The review was completed on 2026-03-02 (FIXED_NOW).
    const error = spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-01' }).thenRefuses(NoticeRules.startsBeforeResult);
    expect(error.details).toMatchObject({ earliest: '2026-03-02' });
  });

  it('refuses a notice that starts in the past, so every day of it is a day the public can see it', () => {
    spec.given(reviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-02' }, at('2026-03-05')).thenRefuses(NoticeRules.startsInThePast);
    const today = spec.given(reviewed).when({ type: 'StartCreditNotice', ...k }, at('2026-03-05')).events();
    expect(today[0]!.data).toMatchObject({ startsOn: '2026-03-05', endsOn: '2026-03-11' });
  });

  it('gives a grade changed after an upheld objection a new notice of full length before it is issued', () => {
    const objected = [...inNotice, ...spec.given(inNotice).when(objection, at('2026-03-05')).events()];
    const upheld = [...objected, ...spec.given(objected).when({ type: 'ResolveCreditObjection', ...k, objectionId: 'obj-1', outcome: 'UPHELD', reasons: '重新评分' }, at('2026-03-06')).events()];
    const rescored = [...upheld, ...spec.given(upheld).when({ type: 'ScoreCreditIndicators', ...k, scores: [{ code: 'MARKET_CONDUCT', points: 70, evidenceReference: 'EV-2' }] }, { ...as('dept-scorer'), ...at('2026-03-06') }).events()];
    const reReviewed = [...rescored, ...spec.given(rescored).when({ type: 'CompleteCreditReview', ...k }, at('2026-03-06')).events()];
    // Noticed "from a week ago" and issued the same day: refused; the changed grade must be seen for its seven days.
    spec.given(reReviewed).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-02-27' }, at('2026-03-06')).thenRefuses(NoticeRules.startsBeforeResult);
    spec.given(reReviewed).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1' }, at('2026-03-06')).thenRefuses(CreditRules.notInNotice);
    const renoticed = [...reReviewed, ...spec.given(reReviewed).when({ type: 'StartCreditNotice', ...k }, at('2026-03-06')).events()];
    expect(renoticed.at(-1)!.data).toMatchObject({ grade: 'A', startsOn: '2026-03-06', endsOn: '2026-03-12' });
    spec.given(renoticed).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1' }, at('2026-03-12')).thenRefuses(CreditRules.noticeNotEnded);
    expect(spec.given(renoticed).when({ type: 'IssueCreditRating', ...k, certificateNumber: 'YY-1' }, at('2026-03-13')).events()[0]!.data).toMatchObject({ grade: 'A' });
  });

  it('starts the notice of an overridden grade no earlier than the approval that changed it', () => {
    const requested = [...reviewed, ...spec.given(reviewed).when({ type: 'RequestCreditGradeOverride', ...k, toGrade: 'AA', reason: '信评委复议', decision: committee }).events()];
    const overridden = [...requested, ...spec.given(requested).when({ type: 'ApproveCreditGradeOverride', ...k }, { ...as('second-approver'), ...at('2026-03-04') }).events()];
    expect(overridden.at(-1)!.data).toMatchObject({ toGrade: 'AA', approvedOn: '2026-03-04' });
    spec.given(overridden).when({ type: 'StartCreditNotice', ...k, startsOn: '2026-03-03' }, at('2026-03-03')).thenRefuses(NoticeRules.startsBeforeResult);
    expect(spec.given(overridden).when({ type: 'StartCreditNotice', ...k }, at('2026-03-04')).events()[0]!.data).toMatchObject({ grade: 'AA', startsOn: '2026-03-04' });
  });

});

describe('a valid rating afterwards', () => {
  const withAccident = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [accident] }));

  it('is downgraded by a major accident record, naming the record and the rule', () => {
    const events = withAccident.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }, at('2026-04-02')).events();
    expect(events).toEqual([
      {
        type: 'CreditRatingDowngraded',
        data: expect.objectContaining({ fromGrade: 'AAA', toGrade: 'AA', recordId: 'rec-1', conductCode: 'MAJOR_SAFETY_ACCIDENT', rule: 'yy-credit v1 MAJOR_SAFETY_ACCIDENT → DOWNGRADE 1' }),
      },
    ]);
  });

  it('refuses a record another association recorded: it does not change this association\'s rating', () => {
    const elsewhere = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: 'assoc-wuhan' }] }));
    elsewhere.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }, at('2026-04-02')).thenRefuses(CreditRules.conductRecordOtherAssociation);
  });

  it('applies a record from before records carried their association when its recorder had none', () => {
    const legacy = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, associationId: null }] }));
    expect(legacy.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }, at('2026-04-02')).events()[0]!.type).toBe('CreditRatingDowngraded');
  });

  it('applies a record once only', () => {
    const events = withAccident.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }, at('2026-04-02')).events();
    withAccident.given([...issued, ...events]).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }, at('2026-04-03')).then([]);
  });

  it('is revoked by bribery and suspended by wage arrears', () => {
    const bribery = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'BRIBERY' }] }));
    expect(bribery.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }).events()[0]!.type).toBe('CreditRatingRevoked');
    const wages = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'WAGE_ARREARS' }] }));
    expect(wages.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }).events()[0]!.type).toBe('CreditRatingSuspended');
  });

  it('reinstates a suspended rating on a decision, and refuses to reinstate one that is not suspended', () => {
    const wages = deciderSpec(creditApplicationDecider({ ...facts, conductRecords: [{ ...accident, code: 'WAGE_ARREARS' }] }));
    const suspended = [...issued, ...wages.given(issued).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }).events()];
    const reinstate = { type: 'ReinstateCreditRating' as const, ...k, reason: '已足额支付', decision: { ...committee, body: 'SECRETARIAT' as const } };
    expect(spec.given(suspended).when(reinstate, at('2026-05-01')).events()[0]!.data).toMatchObject({ grade: 'AAA', effectiveFrom: '2026-05-01' });
    spec.given(issued).when(reinstate).thenRefuses(CreditRules.ratingNotSuspended);
  });

  it('refuses a record when there is no valid rating', () => {
    withAccident.given(inNotice).when({ type: 'ApplyConductToCreditRating', ...k, recordId: 'rec-1' }).thenRefuses(CreditRules.noValidRating);
  });

  it('is confirmed or downgraded in the annual review', () => {
    const review = { type: 'ReviewCreditRatingAnnually' as const, ...k, reviewYear: 2027, reason: '年度复核' };
    expect(spec.given(issued).when({ ...review, outcome: 'CONFIRMED' }, at('2027-03-01')).events()[0]!.type).toBe('CreditRatingConfirmed');
    expect(spec.given(issued).when({ ...review, outcome: 'DOWNGRADED', levels: 2 }, at('2027-03-01')).events()[0]!.data).toMatchObject({ toGrade: 'A' });
  });

  it('expires only after valid-to, citing the rulebook\'s validity', () => {
    spec.given(issued).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-09')).thenRefuses(CreditRules.ratingNotExpired);
    spec.given(issued).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-10')).then([
      {
        type: 'CreditRatingExpired',
        data: { ...k, grade: 'AAA', validTo: '2028-03-09', expiredOn: '2028-03-10', rule: 'yy-credit v1 validity 2 years: valid to 2028-03-09' },
      },
    ]);
  });

  it('records an expiry once only', () => {
    const expired = [...issued, ...spec.given(issued).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-10')).events()];
    spec.given(expired).when({ type: 'RecordCreditRatingExpiry', ...k }, at('2028-03-11')).then([]);
  });
});

describe('conduct records', () => {
  const conduct = deciderSpec(creditConductDecider);
  const record = { type: 'RecordCreditConduct' as const, ...accident, associationId: ASSOC, penaltyMonths: 12 };
  const recorded = conduct.given([]).when(record).events();
  const shorten = { associationId: ASSOC, subjectId: SUBJECT, recordId: 'rec-1', rectificationEvidence: '整改报告' };

  it('records the disclosure end from the disclosure period', () => {
    expect(recorded[0]!.data).toMatchObject({ disclosureUntil: '2028-04-01' });
  });

  it('refuses a disclosure period outside 6 months to 3 years', () => {
    conduct.given([]).when({ ...record, disclosureMonths: 48 }).thenRejectsFields('disclosureMonths');
  });

  it('refuses a disclosure period shorter than the penalty', () => {
    conduct.given([]).when({ ...record, disclosureMonths: 6 }).thenRefuses(CreditRules.disclosureShorterThanPenalty);
  });

  it('records the association that recorded it', () => {
    expect(recorded[0]!.data).toMatchObject({ associationId: ASSOC, recordId: 'rec-1' });
  });

  it('refuses a record without a well-formed association, field by field', () => {
    conduct.given([]).when({ ...record, associationId: 'Not An Id' }).thenRejectsFields('associationId');
  });

  it('keeps record ids per association: another association may use the same id for its own record', () => {
    const other = conduct.given(recorded).when({ ...record, associationId: 'assoc-wuhan', code: 'WAGE_ARREARS' }).events();
    expect(other).toHaveLength(1);
    expect(other[0]!.data).toMatchObject({ associationId: 'assoc-wuhan', code: 'WAGE_ARREARS' });
    conduct.given(recorded).when({ ...record, code: 'WAGE_ARREARS' }).thenRefuses(CreditRules.conductRecordExists);
  });

  it('shortens disclosure after rectification', () => {
    const shortened = conduct.given(recorded).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 3 }).events();
    expect(shortened[0]!.data).toMatchObject({ associationId: ASSOC, fromMonths: 24, toMonths: 3, disclosureUntil: '2026-07-01' });
  });

  it('refuses to shorten another association\'s record', () => {
    conduct.given(recorded).when({ type: 'ShortenCreditConductDisclosure', ...shorten, associationId: 'assoc-wuhan', disclosureMonths: 3 }).thenRefuses(CreditRules.conductRecordUnknown);
  });

  it('refuses to shorten disclosure below 3 months', () => {
    conduct.given(recorded).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 2 }).thenRefuses(CreditRules.disclosureBelowMinimum);
  });

  it('reads a record from before records carried their association as its recorder\'s association\'s', () => {
    const { associationId: _dropped, ...legacyData } = (recorded[0] as CreditConductRecorded).data;
    const legacy = { type: 'CreditConductRecorded', data: legacyData } as unknown as CreditConductRecorded;
    expect(upcastCreditConductEvent(legacy, ASSOC).data.associationId).toBe(ASSOC);
    expect(upcastCreditConductEvent(legacy, null).data.associationId).toBeNull();
    expect(upcastCreditConductEvent(recorded[0] as CreditConductRecorded, 'assoc-wuhan').data.associationId).toBe(ASSOC);
    conduct.given([upcastCreditConductEvent(legacy, ASSOC)]).when({ type: 'ShortenCreditConductDisclosure', ...shorten, disclosureMonths: 3 }).events();
  });
});
