import { describe, expect, it } from '@jest/globals';
import { deciderSpec, TEST_ADMIN } from '#testing';
import { InvalidInput } from '../shared/index.js';
import type { DeclareExpertConflict, EnrolExpert, RecordExpertAssignment, RecordExpertRecusal, RecordExpertScore } from './experts.commands.js';
import type { ExpertAssigned, ExpertConflictDeclared, ExpertEnrolled, ExpertEvent } from './experts.events.js';
import { ExpertRules } from './experts.errors.js';
import { expertDecider, expertDeciderWith, parseExpertCommand } from './expert.decide.js';
import { conflictsOn } from './experts.state.js';

const ASSOC = TEST_ADMIN.associationId!;
const EXPERT = 'EXP0123456789ABCDEF';
const PERSON = 'PSN0123456789ABCDEF';
const EMPLOYER = '91420100177678329F';
const CONFLICTED = '91420100177678330L';
const ENTRY = { kind: 'AWARD_ENTRY', id: 'chutian-2026:E-0007' } as const;

const registered = { person: 'REGISTERED', employerRegistered: true } as const;
const expert = deciderSpec(expertDeciderWith(registered));
const withoutFacts = deciderSpec(expertDecider);

const enrol: EnrolExpert = {
  type: 'EnrolExpert',
  associationId: ASSOC,
  expertId: EXPERT,
  personId: PERSON,
  specialties: ['SAFETY', 'BUILDING_CONSTRUCTION'],
  employerCode: ' 91420100177678329f ',
  title: ' 高级工程师 ',
  userId: 'expert-zhang',
};
const enrolled: ExpertEnrolled = {
  type: 'ExpertEnrolled',
  data: {
    associationId: ASSOC,
    expertId: EXPERT,
    personId: PERSON,
    specialties: ['BUILDING_CONSTRUCTION', 'SAFETY'],
    employerCode: EMPLOYER,
    title: '高级工程师',
    userId: 'expert-zhang',
    enrolledOn: '2026-03-02',
    enrolledBy: 'admin-1',
  },
};
const on = { associationId: ASSOC, expertId: EXPERT };
const suspended: ExpertEvent = { type: 'ExpertSuspended', data: { ...on, reason: '年度考核不合格', effectiveOn: '2026-03-02', decidedBy: 'admin-1' } };
const retired: ExpertEvent = { type: 'ExpertRetired', data: { ...on, reason: '年满70周岁', effectiveOn: '2026-03-02', decidedBy: 'admin-1' } };
const assign: RecordExpertAssignment = { type: 'RecordExpertAssignment', ...on, reference: ENTRY, round: 1, sourceEventId: 'awardPanel-chutian-2026@3' };
const assigned: ExpertAssigned = {
  type: 'ExpertAssigned',
  data: { ...on, reference: ENTRY, round: 1, sourceEventId: 'awardPanel-chutian-2026@3', recordedOn: '2026-03-02', recordedBy: 'admin-1' },
};
const recuse: RecordExpertRecusal = { type: 'RecordExpertRecusal', ...on, reference: ENTRY, round: 1, sourceEventId: 'awardPanel-chutian-2026@4', reason: '曾参与该项目施工' };
const score: RecordExpertScore = { type: 'RecordExpertScore', ...on, reference: ENTRY, round: 1, sourceEventId: 'awardEntry-E-0007@9', criterion: 'QUALITY', points: '87.50' };
const declare: DeclareExpertConflict = {
  type: 'DeclareExpertConflict',
  ...on,
  conflictId: 'c-1',
  enterpriseCode: CONFLICTED,
  reason: '配偶任该公司项目经理',
  from: '2026-01-01',
  to: '2026-12-31',
};
const declared: ExpertConflictDeclared = {
  type: 'ExpertConflictDeclared',
  data: { ...on, conflictId: 'c-1', enterpriseCode: CONFLICTED, reason: '配偶任该公司项目经理', from: '2026-01-01', to: '2026-12-31', declaredBy: 'admin-1' },
};

describe('enrolling an expert', () => {
  it('enrols a registered person with normalised specialties, employer and title', () => {
    expert.given([]).when(enrol).then([enrolled]);
  });

  it('refuses a person the register does not hold, an erased person, an unregistered employer, a second enrolment', () => {
    withoutFacts.given([]).when(enrol).thenRefuses(ExpertRules.personNotRegistered);
    deciderSpec(expertDeciderWith({ person: 'ERASED', employerRegistered: true })).given([]).when(enrol).thenRefuses(ExpertRules.personErased);
    deciderSpec(expertDeciderWith({ person: 'REGISTERED', employerRegistered: false })).given([]).when(enrol).thenRefuses(ExpertRules.employerNotRegistered);
    expert.given([enrolled]).when(enrol).thenRefuses(ExpertRules.alreadyEnrolled);
  });

  it('reports every malformed field at once, and never takes an identity-card number for a register id', () => {
    const bad = { ...enrol, expertId: 'E1', personId: '42010619850312125X', specialties: ['ROADS', 'SAFETY'], employerCode: '91420100177678329A', title: ' ' } as unknown as EnrolExpert;
    expert.given([]).when(bad).thenRejectsFields('expertId', 'personId', 'specialties', 'employerCode', 'title');
    expert.given([]).when({ ...enrol, specialties: ['SAFETY', 'SAFETY'] }).thenRejectsFields('specialties');
    expert.given([]).when({ ...enrol, specialties: [] }).thenRejectsFields('specialties');
  });
});

describe('the pool decisions on an enrolled expert', () => {
  it('changes only what differs, and checks a new employer', () => {
    expert
      .given([enrolled])
      .when({ type: 'ChangeExpertProfile', ...on, title: '正高级工程师', specialties: ['BUILDING_CONSTRUCTION', 'SAFETY'] })
      .then([{ type: 'ExpertProfileChanged', data: { ...on, changes: { title: '正高级工程师' }, changedOn: '2026-03-02', changedBy: 'admin-1' } }]);
    expert.given([enrolled]).when({ type: 'ChangeExpertProfile', ...on, title: '高级工程师' }).then([]);
    deciderSpec(expertDeciderWith({ employerRegistered: false }))
      .given([enrolled])
      .when({ type: 'ChangeExpertProfile', ...on, employerCode: CONFLICTED })
      .thenRefuses(ExpertRules.employerNotRegistered);
    expert.given([enrolled]).when({ type: 'ChangeExpertProfile', ...on }).thenRejectsFields('specialties');
  });

  it('suspends an active expert and reinstates a suspended one, and refuses either out of turn', () => {
    expert.given([enrolled]).when({ type: 'SuspendExpert', ...on, reason: '年度考核不合格' }).then([suspended]);
    expert.given([enrolled, suspended]).when({ type: 'SuspendExpert', ...on, reason: '再次' }).thenRefuses(ExpertRules.notActive);
    expert.given([enrolled]).when({ type: 'ReinstateExpert', ...on, reason: '考核合格' }).thenRefuses(ExpertRules.notSuspended);
    expert
      .given([enrolled, suspended])
      .when({ type: 'ReinstateExpert', ...on, reason: '考核合格' })
      .then([{ type: 'ExpertReinstated', data: { ...on, reason: '考核合格', effectiveOn: '2026-03-02', decidedBy: 'admin-1' } }]);
    expert.given([enrolled]).when({ type: 'SuspendExpert', ...on, reason: '' }).thenRejectsFields('reason');
  });

  it('closes a retired expert’s record to every pool decision', () => {
    expert.given([enrolled, suspended]).when({ type: 'RetireExpert', ...on, reason: '年满70周岁' }).then([retired]);
    expert.given([enrolled, retired]).when({ type: 'ReinstateExpert', ...on, reason: '返聘' }).thenRefuses(ExpertRules.retired);
    expert.given([enrolled, retired]).when({ type: 'ChangeExpertProfile', ...on, title: '工程师' }).thenRefuses(ExpertRules.retired);
    expert.given([enrolled, retired]).when(declare).thenRefuses(ExpertRules.retired);
  });

  it('refuses every command on an expert the pool does not hold', () => {
    expert.given([]).when({ type: 'SuspendExpert', ...on, reason: '年度考核不合格' }).thenRefuses(ExpertRules.notEnrolled);
    expert.given([]).when(assign).thenRefuses(ExpertRules.notEnrolled);
  });
});

describe('declared conflicts', () => {
  it('declares a conflict for a period, which the state exposes on the days it covers', () => {
    expert.given([enrolled]).when(declare).then([declared]);
    const state = [enrolled, declared].reduce(expertDecider.evolve, expertDecider.initialState);
    expect(conflictsOn(state, '2026-06-01').map((c) => c.enterpriseCode)).toEqual([CONFLICTED]);
    expect(conflictsOn(state, '2027-01-01')).toEqual([]);
  });

  it('refuses a period that ends before it starts, a bad code, and a conflict id used for something else', () => {
    expert.given([enrolled]).when({ ...declare, to: '2025-12-31', enterpriseCode: 'X' }).thenRejectsFields('to', 'enterpriseCode');
    expert.given([enrolled, declared]).when(declare).then([]);
    expert.given([enrolled, declared]).when({ ...declare, to: '2027-06-30' }).thenRefuses(ExpertRules.conflictIdUsed);
  });

  it('withdraws a conflict once; it no longer counts, and an unknown one is refused', () => {
    const withdraw = { type: 'WithdrawExpertConflict', ...on, conflictId: 'c-1', reason: '配偶已离职' } as const;
    const [withdrawn] = expert.given([enrolled, declared]).when(withdraw).events();
    expect(withdrawn).toEqual({ type: 'ExpertConflictWithdrawn', data: { ...on, conflictId: 'c-1', reason: '配偶已离职', withdrawnOn: '2026-03-02', withdrawnBy: 'admin-1' } });
    const state = [enrolled, declared, withdrawn!].reduce(expertDecider.evolve, expertDecider.initialState);
    expect(conflictsOn(state, '2026-06-01')).toEqual([]);
    expert.given([enrolled, declared, withdrawn!]).when(withdraw).thenRefuses(ExpertRules.conflictWithdrawn);
    expert.given([enrolled]).when(withdraw).thenRefuses(ExpertRules.conflictUnknown);
    expert.given([enrolled, declared, withdrawn!]).when(declare).thenRefuses(ExpertRules.conflictIdUsed);
  });
});

describe('the history recorded by the contexts that draw and score', () => {
  it('records an assignment of an active expert, once per work and round', () => {
    expert.given([enrolled]).when(assign).then([assigned]);
    expert.given([enrolled, assigned]).when({ ...assign, sourceEventId: 'awardPanel-chutian-2026@8' }).thenRefuses(ExpertRules.alreadyAssigned);
    expert
      .given([enrolled, assigned])
      .when({ ...assign, round: 2, sourceEventId: 'awardPanel-chutian-2026@8' })
      .then([{ ...assigned, data: { ...assigned.data, round: 2, sourceEventId: 'awardPanel-chutian-2026@8' } }]);
  });

  it('refuses to assign a suspended or a retired expert', () => {
    expert.given([enrolled, suspended]).when(assign).thenRefuses(ExpertRules.suspended);
    expert.given([enrolled, retired]).when(assign).thenRefuses(ExpertRules.retired);
  });

  it('records nothing twice for a re-sent source event, and refuses its id for something else', () => {
    expert.given([enrolled, assigned]).when(assign).then([]);
    expert.given([enrolled, assigned]).when({ ...assign, reference: { ...ENTRY, id: 'chutian-2026:E-0008' } }).thenRefuses(ExpertRules.sourceEventReused);
  });

  it('records a recusal from an assignment, once, and refuses one without an assignment', () => {
    expert
      .given([enrolled, assigned])
      .when(recuse)
      .then([{ type: 'ExpertRecused', data: { ...assigned.data, sourceEventId: recuse.sourceEventId, reason: recuse.reason } }]);
    const recused: ExpertEvent = { type: 'ExpertRecused', data: { ...assigned.data, sourceEventId: recuse.sourceEventId, reason: recuse.reason } };
    expert.given([enrolled, assigned, recused]).when({ ...recuse, sourceEventId: 'other@1' }).thenRefuses(ExpertRules.alreadyRecused);
    expert.given([enrolled]).when(recuse).thenRefuses(ExpertRules.notAssigned);
    expert.given([enrolled, assigned, recused]).when(score).thenRefuses(ExpertRules.recused);
  });

  it('records a score as an exact decimal in one written form, and only of an assignment', () => {
    expert
      .given([enrolled, assigned])
      .when(score)
      .then([{ type: 'ExpertScoreRecorded', data: { ...assigned.data, sourceEventId: score.sourceEventId, criterion: 'QUALITY', points: '87.5' } }]);
    expert.given([enrolled]).when(score).thenRefuses(ExpertRules.notAssigned);
    // Scores of an earlier assignment are still recorded after a suspension: the work was done.
    expect(expert.given([enrolled, assigned, suspended]).when(score).events()).toHaveLength(1);
  });

  it('refuses a float-shaped or out-of-range score, a bad round and a bad reference on their fields', () => {
    const bad = { ...score, points: '87.555', round: 0, reference: { kind: 'TENDER', id: 'a b' }, sourceEventId: '', criterion: 'quality' } as unknown as RecordExpertScore;
    expert.given([enrolled, assigned]).when(bad).thenRejectsFields('points', 'round', 'reference.kind', 'reference.id', 'sourceEventId', 'criterion');
    expect(() => parseExpertCommand({ ...score, points: '1e2' })).toThrow(InvalidInput);
    expect(parseExpertCommand({ ...score, points: '90.00' }).points).toBe('90');
    expect(parseExpertCommand({ ...score, points: '0.10' }).points).toBe('0.1');
  });
});

describe('the history of an expert who scores in a credit cycle', () => {
  const CYCLE = { kind: 'CREDIT_CYCLE', id: 'wh-2026' } as const;
  const APPLICATION = { kind: 'CREDIT_APPLICATION', id: 'wh-2026/91420100177678330L' } as const;
  const assignedToCycle: ExpertAssigned = {
    type: 'ExpertAssigned',
    data: { ...on, reference: CYCLE, round: 1, sourceEventId: 'credit-event-1', recordedOn: '2026-03-02', recordedBy: 'admin-1' },
  };
  const scoreApplication: RecordExpertScore = { type: 'RecordExpertScore', ...on, reference: APPLICATION, round: 1, sourceEventId: 'credit-event-2', criterion: 'SELF_DISCIPLINE', points: '4' };

  it('records a score on an application of the cycle the expert is assigned to', () => {
    withoutFacts
      .given([enrolled, assignedToCycle])
      .when(scoreApplication)
      .then([{ type: 'ExpertScoreRecorded', data: { ...on, reference: APPLICATION, round: 1, sourceEventId: 'credit-event-2', criterion: 'SELF_DISCIPLINE', points: '4', recordedOn: '2026-03-02', recordedBy: TEST_ADMIN.userId } }]);
  });

  it('refuses a score on an application of another cycle, or of another round of the cycle', () => {
    withoutFacts.given([enrolled, assignedToCycle]).when({ ...scoreApplication, reference: { kind: 'CREDIT_APPLICATION', id: 'wh-2027/91420100177678330L' } }).thenRefuses(ExpertRules.notAssigned);
    withoutFacts.given([enrolled, assignedToCycle]).when({ ...scoreApplication, round: 2 }).thenRefuses(ExpertRules.notAssigned);
  });

  it('keeps an awards score to the entry it is assigned to (a cycle assignment does not cover an awards entry)', () => {
    withoutFacts.given([enrolled, assignedToCycle]).when(score).thenRefuses(ExpertRules.notAssigned);
  });
});
