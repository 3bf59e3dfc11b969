import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import type { ExpertConflict } from '../experts/experts.state.js';
import type { AssignCreditScorer, CreditApplicationFacts, ScoringExpert } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import type { CreditApplicationFiled, CreditCycleOpened, CreditScorerAssigned, CycleData } from './credit.events.js';
import type { RulebookVersion } from './credit.rulebook.js';
import { creditApplicationDecider, creditCycleDecider, evolveCreditCycle, initialCreditCycleState } from './index.js';

// Credit scorers drawn from the association's expert pool (ADR 0024). FIXED_NOW is 2026-03-02 in Beijing.
const ASSOC = 'assoc-yueyang';
const CYCLE = 'c2026';
const SUBJECT = '91430600000000001X';
const EMPLOYER = '91420100177678329F';
const EXPERT = 'EXP0123456789ABCDEF';
const k = { associationId: ASSOC, cycleId: CYCLE, subjectId: SUBJECT };

const rulebook: RulebookVersion = {
  associationId: ASSOC,
  rulebookId: 'yy-credit',
  version: 1,
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2020〕5号',
  effectiveFrom: '2020-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'SELF_DISCIPLINE', name: '行业自律', category: '协会评价', maxPoints: 4, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'MARKET_CONDUCT', name: '市场行为', category: '主管部门', maxPoints: 92, body: 'DEPARTMENT', evidenceRequired: false },
  ],
  thresholds: [{ grade: 'A', minPoints: 60 }],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [],
  dynamicRules: [],
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
  eligibility: 'ALL',
};
const opened: CreditCycleOpened = { type: 'CreditCycleOpened', data: cycleData };

const activeExpert: ScoringExpert = {
  status: 'ACTIVE',
  associationId: ASSOC,
  profile: { specialties: ['QUALITY'], employerCode: EMPLOYER, title: '高级工程师', userId: 'expert-zhang' },
  conflicts: [],
};
const withExpert = (expert: Partial<ScoringExpert> | null) => deciderSpec(creditCycleDecider({ expert: expert === null ? null : { ...activeExpert, ...expert } }));
const assignExpert: AssignCreditScorer = { type: 'AssignCreditScorer', associationId: ASSOC, cycleId: CYCLE, expertId: EXPERT, body: 'ASSOCIATION' };
const expertAssigned: CreditScorerAssigned = {
  type: 'CreditScorerAssigned',
  data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'expert-zhang', body: 'ASSOCIATION', employerCode: EMPLOYER, expertId: EXPERT },
};

describe('assigning an expert of the pool to score a cycle', () => {
  it("records the expert with their sign-in user id and employer as the pool holds them", () => {
    withExpert({}).given([opened]).when(assignExpert).then([expertAssigned]);
  });

  it('assigns the same expert once per body, and again when their employer changed since', () => {
    withExpert({}).given([opened, expertAssigned]).when(assignExpert).then([]);
    const moved = { ...activeExpert.profile!, employerCode: SUBJECT };
    withExpert({ profile: moved }).given([opened, expertAssigned]).when(assignExpert).then([{ type: 'CreditScorerAssigned', data: { ...expertAssigned.data, employerCode: SUBJECT } }]);
  });

  it('refuses an expert the pool does not hold, or one of another association', () => {
    withExpert(null).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertNotInPool);
    withExpert({ status: 'NONE', profile: null, associationId: null }).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertNotInPool);
    withExpert({ associationId: 'assoc-wuhan' }).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertNotInPool);
  });

  it('refuses a suspended or a retired expert', () => {
    const suspended = withExpert({ status: 'SUSPENDED' }).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertNotActive);
    expect(suspended.details).toEqual({ expertId: EXPERT, status: 'SUSPENDED' });
    withExpert({ status: 'RETIRED' }).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertNotActive);
  });

  it('refuses an expert without a sign-in user id: they could never score', () => {
    withExpert({ profile: { ...activeExpert.profile!, userId: null } }).given([opened]).when(assignExpert).thenRefuses(CreditRules.scorerExpertWithoutSignIn);
  });

  it('refuses both a scorer id and an expert id, an employer given with an expert, neither, and a malformed expert id, on their fields', () => {
    withExpert({}).given([opened]).when({ ...assignExpert, scorerId: 'assoc-scorer', employerCode: SUBJECT }).thenRejectsFields('scorerId', 'employerCode');
    withExpert({}).given([opened]).when({ ...assignExpert, expertId: null }).thenRejectsFields('scorerId');
    withExpert({}).given([opened]).when({ ...assignExpert, expertId: 'exp-zhang' }).thenRejectsFields('expertId');
  });

  it('keeps a staff scorer and an expert with the same sign-in apart', () => {
    const staff: CreditScorerAssigned = { type: 'CreditScorerAssigned', data: { ...expertAssigned.data, employerCode: null, expertId: null } };
    const state = [opened, staff, expertAssigned].reduce(evolveCreditCycle, initialCreditCycleState);
    expect(state.status === 'open' && state.scorers.map((s) => s.expertId)).toEqual([null, EXPERT]);
  });
});

describe('an expert of the pool scoring an application', () => {
  const filed: CreditApplicationFiled = {
    type: 'CreditApplicationFiled',
    data: { ...k, subjectKind: 'ENTERPRISE', rulebookId: 'yy-credit', rulebookVersion: 1, filedOn: '2026-03-02', member: true, selfAssessment: [] },
  };
  const scorers = [
    { scorerId: 'expert-zhang', body: 'ASSOCIATION' as const, employerCode: EMPLOYER, expertId: EXPERT },
    { scorerId: 'dept-scorer', body: 'DEPARTMENT' as const, employerCode: null, expertId: null },
  ];
  const facts = (expert: Partial<ScoringExpert> | null): CreditApplicationFacts => ({
    cycle: { data: cycleData, closed: false, scorers },
    experts: new Map(expert === null ? [] : [[EXPERT, { ...activeExpert, ...expert }]]),
  });
  const scoring = (expert: Partial<ScoringExpert> | null) => deciderSpec(creditApplicationDecider(facts(expert)));
  const score = { type: 'ScoreCreditIndicators' as const, ...k, scores: [{ code: 'SELF_DISCIPLINE', points: 4 }] };
  const as = (userId: string) => ({ actor: { userId, role: 'EXPERT' as const, associationId: ASSOC } });
  const conflict = (c: Partial<ExpertConflict>): ExpertConflict => ({
    conflictId: 'c-1',
    enterpriseCode: SUBJECT,
    reason: '配偶任该公司项目经理',
    from: '2026-01-01',
    to: '2026-12-31',
    withdrawn: false,
    ...c,
  });

  it('records the score of an active expert with no conflict', () => {
    const events = scoring({}).given([filed]).when(score, as('expert-zhang')).events();
    expect(events.map((e) => e.type === 'CreditIndicatorScored' && [e.data.code, e.data.points, e.data.scorerId])).toEqual([['SELF_DISCIPLINE', 4, 'expert-zhang']]);
  });

  it('refuses an expert suspended or retired since the assignment', () => {
    scoring({ status: 'SUSPENDED' }).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerExpertNotActive);
    scoring({ status: 'RETIRED' }).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerExpertNotActive);
    scoring(null).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerExpertNotInPool);
  });

  it('refuses an expert whose conflict declared on the subject is in force on the scoring day, naming it', () => {
    const refused = scoring({ conflicts: [conflict({})] }).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerConflict);
    expect(refused.details).toEqual({ expertId: EXPERT, conflictId: 'c-1' });
    expect(refused.message).toContain('conflict c-1');
  });

  it('lets a conflict withdrawn, not yet begun, ended, or on another firm stand aside', () => {
    const stands = [
      conflict({ withdrawn: true }),
      conflict({ conflictId: 'c-2', from: '2026-03-03' }),
      conflict({ conflictId: 'c-3', to: '2026-03-01' }),
      conflict({ conflictId: 'c-4', enterpriseCode: EMPLOYER }),
    ];
    expect(scoring({ conflicts: stands }).given([filed]).when(score, as('expert-zhang')).events()).toHaveLength(1);
  });

  it('refuses an expert employed by the subject now, though not at assignment', () => {
    scoring({ profile: { ...activeExpert.profile!, employerCode: SUBJECT } }).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerConflict);
  });

  it('refuses the old sign-in of an expert whose sign-in the pool replaced since the assignment', () => {
    scoring({ profile: { ...activeExpert.profile!, userId: 'expert-zhang-2' } }).given([filed]).when(score, as('expert-zhang')).thenRefuses(CreditRules.scorerNotAssigned);
  });

  it('leaves a staff scorer to the rules they had: no pool state is asked for', () => {
    const staffScore = { ...score, scores: [{ code: 'MARKET_CONDUCT', points: 80 }] };
    expect(scoring(null).given([filed]).when(staffScore, as('dept-scorer')).events()).toHaveLength(1);
  });
});
