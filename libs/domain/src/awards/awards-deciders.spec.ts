import { describe, expect, it } from '@jest/globals';
import { deciderSpec, FIXED_NOW, multiStreamSpec, TEST_ADMIN } from '#testing';
import { type DecisionContext, type DecisionRecord, fold, type DomainEvent, type InvalidInput, withCheckCharacter } from '../shared/index.js';
import { awardEditionDecider } from './award-edition.decide.js';
import { awardEntryDecider } from './award-entry.decide.js';
import { awardRulebookDecider, openAwardEditionDecider } from './award-rulebook.decide.js';
import { grantAwardDecider, submitAwardEntryDecider } from './award-reservations.decide.js';
import { recomputeEditionResults } from './award-results.js';
import type { AwardEditionCommand, AwardEntryCommand, AwardEntryFacts, EligibilityFacts, SubmitAwardEntry } from './awards.commands.js';
import type { AwardEditionEvent, AwardEntryEvent, AwardPanelDrawn, AwardRulebookEvent } from './awards.events.js';
import type { AwardRulebook } from './awards.rulebook.js';
import { type AwardEditionState, type AwardEntryState, scoresVisibleTo } from './awards.state.js';
import { type PoolExpert, replayPanelDraw, replayRecordedDraw } from './panel-draw.js';
import { AWARDS_EVENT_FIELD_CLASSES, awardObjectorKeyId } from './awards.personal-fields.js';

const ASSOC = 'assoc-wuhan';
const EDITION = 'huanghe-21';
const code = (n: number) => withCheckCharacter(`91420100MA4K${String(n).padStart(5, '0')}`);
const APPLICANT = code(1);
const BUILDER = code(2);
const OTHER = code(3);

const day = (date: string): Date => new Date(`${date}T02:00:00.000Z`);
const ctx = (now: Date = FIXED_NOW, userId = TEST_ADMIN.userId): DecisionContext => ({ now, actor: { ...TEST_ADMIN, userId } });

/** 黄鹤奖-like rulebook: project entries, two scored rounds (documents, then site), a committee vote, gold by two thirds. */
export const QUALITY_RULEBOOK: AwardRulebook = {
  rulebookId: 'huanghe',
  version: 1,
  referenceNumber: '武建协〔2026〕5号',
  effectiveFrom: '2026-01-01',
  programmeKind: 'QUALITY_AWARD',
  subjectKind: 'PROJECT',
  categories: [{ code: 'BUILDING', name: '房屋建筑', places: 10, amountFen: null }],
  channels: [
    { code: 'DISTRICT_A', name: '江岸区', quota: 2 },
    { code: 'DISTRICT_B', name: '武昌区', quota: 5 },
  ],
  eligibility: {
    membershipInGoodStanding: true,
    minimumCreditGrade: 'A',
    creditGrades: ['AAA', 'AA', 'A', 'B', 'C'],
    yearsSinceAcceptance: 1,
    noMajorAccident: true,
    barsReentryAfterFailure: true,
  },
  rubric: [
    { code: 'QUALITY', name: '工程质量', maxHundredths: 6000, weight: 60 },
    { code: 'SAFETY', name: '安全文明', maxHundredths: 4000, weight: 40 },
  ],
  normalisation: 'NONE',
  rounds: [
    { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 3, advancement: { fraction: [2, 3], rounding: 'UP' } },
    { code: 'SITE', kind: 'SITE_INSPECTION', panelSize: 2, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
  votes: { ballot: 'SECRET', quorum: { atLeast: [2, 3] }, pass: { moreThan: [1, 2] } },
  grading: 'QUOTAS',
  grades: [
    { code: 'GOLD', minScore: null, quota: 1, vote: { atLeast: [2, 3] } },
    { code: 'SILVER', minScore: null, quota: 5, vote: { moreThan: [1, 2] } },
  ],
  noticeDays: 7,
  tieBreak: [{ by: 'ITEM', item: 'QUALITY' }, { by: 'SUBMITTED_FIRST' }, { by: 'ENTRY_ID' }],
  budgetFen: null,
};

const POOL: PoolExpert[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    expertId: `X${String(i + 1).padStart(2, '0')}`,
    personId: `PSN${String(i + 1).padStart(16, '0')}`,
    specialties: ['CIVIL'],
    employerCode: OTHER,
    status: 'ACTIVE' as const,
    conflicts: [],
  })),
  { expertId: 'X90', personId: 'PSN0000000000000090', specialties: ['CIVIL'], employerCode: BUILDER, status: 'ACTIVE', conflicts: [] },
];

const GOOD_FACTS: EligibilityFacts = {
  membership: { standing: 'GOOD', asOf: '2026-03-02', source: 'membership-assoc-wuhan:' + APPLICANT },
  creditGrade: { grade: 'AA', asOf: '2026-03-02', certificateNumber: 'WH2025-0012' },
  majorAccidents: [],
  earlierEntries: [],
};

const submit = (entryId: string, overrides: Partial<SubmitAwardEntry> = {}): SubmitAwardEntry => ({
  type: 'SubmitAwardEntry',
  associationId: ASSOC,
  editionId: EDITION,
  entryId,
  category: 'BUILDING',
  channel: 'DISTRICT_B',
  subjectKind: 'PROJECT',
  subjectId: `P-${entryId}`,
  applicantCode: APPLICANT,
  builderCode: BUILDER,
  specialty: 'CIVIL',
  project: { completedOn: '2024-05-01', acceptedOn: '2024-09-30' },
  ...overrides,
});

const committee = (inFavour: number, against = 10 - inFavour - 0, abstaining = 0): DecisionRecord => ({
  body: 'REVIEW_COMMITTEE',
  reference: '评审〔2026〕1号',
  decidedOn: '2026-03-02',
  votes: { entitled: 11, present: inFavour + against + abstaining, inFavour, against, abstaining },
});

/** The register as the command path runs it: each command decided on its streams' folded state, events appended. */
class World {
  readonly rulebook: AwardRulebookEvent[] = [];
  readonly edition: AwardEditionEvent[] = [];

  /** Defines the rulebook as its next version on the rulebook's stream, then opens the edition on it (and pins it). */
  open(rulebook: AwardRulebook, programmeCode: string, title: string): void {
    const { version: _, ...body } = rulebook;
    const define = awardRulebookDecider.parse!({ type: 'DefineAwardRulebookVersion', associationId: ASSOC, rulebook: body });
    this.rulebook.push(...awardRulebookDecider.decide(define, fold(awardRulebookDecider, this.rulebook), ctx()));
    const command = openAwardEditionDecider.parse!({ type: 'OpenAwardEdition', ...E, programmeCode, title, year: 2026, rulebookId: rulebook.rulebookId, rulebookVersion: rulebook.version });
    const decided = openAwardEditionDecider.decide(command, { edition: this.editionState(), rulebook: fold(awardRulebookDecider, this.rulebook) }, ctx());
    this.edition.push(...((decided.edition ?? []) as AwardEditionEvent[]));
    this.rulebook.push(...((decided.rulebook ?? []) as AwardRulebookEvent[]));
  }
  readonly entries = new Map<string, AwardEntryEvent[]>();

  editionState(): AwardEditionState {
    return fold(awardEditionDecider(), this.edition);
  }
  entryState(entryId: string): AwardEntryState {
    return fold(awardEntryDecider(), this.entries.get(entryId) ?? []);
  }
  allEntryStates(): AwardEntryState[] {
    return [...this.entries.keys()].map((id) => this.entryState(id));
  }
  onEdition(command: AwardEditionCommand, context = ctx()): AwardEditionEvent[] {
    const decider = awardEditionDecider({ entries: this.allEntryStates() });
    const events = decider.decide(decider.parse!(command), this.editionState(), context);
    this.edition.push(...events);
    return events;
  }
  onEntry(command: Exclude<AwardEntryCommand, { type: 'SubmitAwardEntry' | 'GrantAward' }>, facts: AwardEntryFacts = {}, context = ctx()): AwardEntryEvent[] {
    const decider = awardEntryDecider({ edition: this.editionState(), ...facts });
    const events = decider.decide(decider.parse!(command), this.entryState(command.entryId), context);
    this.entries.get(command.entryId)!.push(...events);
    return events;
  }
  submit(entryId: string, overrides: Partial<SubmitAwardEntry> = {}): void {
    const decider = submitAwardEntryDecider({ edition: this.editionState() });
    const command = decider.parse!(submit(entryId, overrides));
    const decided = decider.decide(command, { entry: this.entryState(entryId), subject: { entered: null }, channel: { entries: [] } }, ctx());
    this.entries.set(entryId, [...((decided.entry ?? []) as AwardEntryEvent[])]);
  }
  members(entryId: string, round: string): readonly string[] {
    return this.entryState(entryId).panels[round]?.members ?? [];
  }
  scoreAll(entryId: string, round: string, quality: number, safety: number): void {
    for (const expertId of this.members(entryId, round)) {
      this.onEntry({ type: 'ScoreAwardEntry', associationId: ASSOC, editionId: EDITION, entryId, roundCode: round, expertId, items: [{ code: 'QUALITY', points: quality }, { code: 'SAFETY', points: safety }] });
    }
  }
  all(): DomainEvent[] {
    return [...this.edition, ...[...this.entries.values()].flat()];
  }
}

const E = { associationId: ASSOC, editionId: EDITION } as const;
const seed = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

/** Three entries through the documents round (e1 best, e3 worst; two of three advance), ranked. */
function afterDocuments(): World {
  const w = new World();
  w.open(QUALITY_RULEBOOK, 'HUANGHE', '第二十一届黄鹤奖');
  for (const id of ['e1', 'e2', 'e3']) {
    w.submit(id);
    w.onEntry({ type: 'CheckAwardEligibility', ...E, entryId: id }, { eligibility: GOOD_FACTS });
  }
  w.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'DOCS' });
  ['e1', 'e2', 'e3'].forEach((id, i) => w.onEntry({ type: 'DrawAwardPanel', ...E, entryId: id, roundCode: 'DOCS', seed: seed(i + 1) }, { pool: POOL }));
  w.scoreAll('e1', 'DOCS', 5500, 3600);
  w.scoreAll('e2', 'DOCS', 5000, 3500);
  w.scoreAll('e3', 'DOCS', 4000, 3000);
  w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'DOCS' });
  w.onEdition({ type: 'RankAwardRound', ...E, roundCode: 'DOCS' });
  return w;
}

/** …then the site round for e1 and e2 (final: e1 GOLD, e2 SILVER), and the vote round open. */
function atTheVote(): World {
  const w = afterDocuments();
  w.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' });
  ['e1', 'e2'].forEach((id, i) => w.onEntry({ type: 'DrawAwardPanel', ...E, entryId: id, roundCode: 'SITE', seed: seed(i + 10) }, { pool: POOL }));
  for (const id of ['e1', 'e2']) {
    const [inspector] = w.members(id, 'SITE');
    w.onEntry(
      { type: 'ReportSiteInspection', ...E, entryId: id, roundCode: 'SITE', inspectorExpertId: inspector!, reportReference: `SI-${id}`, findings: 'As built to the drawings.', passed: true },
      { inspectorEmployerCode: OTHER },
    );
  }
  w.scoreAll('e1', 'SITE', 5800, 3800);
  w.scoreAll('e2', 'SITE', 5200, 3400);
  w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'SITE' });
  w.onEdition({ type: 'RankAwardRound', ...E, roundCode: 'SITE' });
  w.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'VOTE' });
  return w;
}

/** …votes recorded (e1 gold by 8 of 10, e2 by 6 of 10), the vote closed and the notice started on 2026-03-02. */
function inNotice(e1Votes = 8): World {
  const w = atTheVote();
  w.onEntry({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: committee(e1Votes) });
  w.onEntry({ type: 'RecordAwardVote', ...E, entryId: 'e2', ballot: 'SECRET', decision: committee(6) });
  w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'VOTE' });
  w.onEdition({ type: 'StartAwardNotice', ...E });
  return w;
}

const AFTER_NOTICE = day('2026-03-09');

describe('an award edition from entry to award', () => {
  it('ranks, grades, notices and awards: e1 gold, e2 silver, e3 out after the documents round', () => {
    const w = inNotice();
    const state = w.editionState();
    expect(state.rounds.DOCS!.ranking!.ranking.map((r) => [r.entryId, r.rank, r.advances])).toEqual([
      ['e1', 1, true],
      ['e2', 2, true],
      ['e3', 3, false],
    ]);
    expect(state.notice).toMatchObject({ startsOn: '2026-03-02', endsOn: '2026-03-08', days: 7 });
    expect(state.notice!.results).toEqual([
      { entryId: 'e1', category: 'BUILDING', rank: 1, grade: 'GOLD', amountFen: null },
      { entryId: 'e2', category: 'BUILDING', rank: 2, grade: 'SILVER', amountFen: null },
    ]);
    const spec = multiStreamSpec(grantAwardDecider({ edition: state }), { now: AFTER_NOTICE });
    spec
      .given({ entry: w.entries.get('e1')! })
      .when({ type: 'GrantAward', ...E, entryId: 'e1', certificateNumber: 'HH2026-001' })
      .then({
        entry: [
          {
            type: 'AwardGranted',
            data: { ...E, entryId: 'e1', certificateNumber: 'HH2026-001', category: 'BUILDING', grade: 'GOLD', amountFen: null, rank: 1, awardedOn: '2026-03-09', rulebookId: 'huanghe', rulebookVersion: 1 },
          },
        ],
        certificate: [{ type: 'AwardCertificateReserved', data: { associationId: ASSOC, certificateNumber: 'HH2026-001', editionId: EDITION, entryId: 'e1' } }],
      });
  });

  it('recomputes the published result list from the recorded inputs alone, and notices a tampered ranking', () => {
    const w = inNotice();
    const recomputed = recomputeEditionResults(w.all());
    expect(recomputed.rankings).toEqual([
      { roundCode: 'DOCS', reproduces: true },
      { roundCode: 'SITE', reproduces: true },
    ]);
    expect(recomputed.noticeReproduces).toBe(true);
    expect(recomputed.results.map((r) => [r.entryId, r.grade])).toEqual([
      ['e1', 'GOLD'],
      ['e2', 'SILVER'],
    ]);
    const tampered = w.all().map((e) =>
      e.type === 'AwardRoundRanked' && (e as AwardEditionEvent & { type: 'AwardRoundRanked' }).data.roundCode === 'SITE'
        ? { ...e, data: { ...(e.data as object), ranking: [...(e as { data: { ranking: object[] } }).data.ranking].reverse() } }
        : e,
    );
    expect(recomputeEditionResults(tampered).rankings[1]).toEqual({ roundCode: 'SITE', reproduces: false });
  });
});

describe('submission through one channel (multi-stream reservations)', () => {
  const edition = (() => {
    const w = new World();
    w.open(QUALITY_RULEBOOK, 'HUANGHE', '第二十一届黄鹤奖');
    return w.editionState();
  })();
  const spec = multiStreamSpec(submitAwardEntryDecider({ edition }));

  it('claims the subject, a slot of the channel, and submits', () => {
    const decided = spec.given({}).when(submit('e1', { channel: 'DISTRICT_A' })).events();
    expect(decided.subject).toEqual([{ type: 'AwardSubjectEntered', data: { ...E, subjectId: 'P-e1', entryId: 'e1', channel: 'DISTRICT_A' } }]);
    expect(decided.channel).toEqual([{ type: 'AwardChannelSlotTaken', data: { ...E, channel: 'DISTRICT_A', entryId: 'e1', slot: 1, quota: 2 } }]);
    expect(decided.entry![0]).toMatchObject({ type: 'AwardEntrySubmitted', data: { submittedOn: '2026-03-02', builderCode: BUILDER } });
  });

  it('refuses an entry beyond the channel quota', () => {
    const taken = ['x1', 'x2'].map((entryId, i) => ({ type: 'AwardChannelSlotTaken', data: { ...E, channel: 'DISTRICT_A', entryId, slot: i + 1, quota: 2 } }));
    spec.given({ channel: taken }).when(submit('e3', { channel: 'DISTRICT_A' })).thenRefuses('AWARDS_CHANNEL_QUOTA_EXCEEDED');
  });

  it('refuses the same subject through a second channel', () => {
    const entered = [{ type: 'AwardSubjectEntered', data: { ...E, subjectId: 'P-e1', entryId: 'e1', channel: 'DISTRICT_A' } }];
    const refusal = spec.given({ subject: entered }).when(submit('e9', { channel: 'DISTRICT_B', subjectId: 'P-e1' })).thenRefuses('AWARDS_SUBJECT_ALREADY_ENTERED');
    expect(refusal.details).toEqual({ entryId: 'e1', channel: 'DISTRICT_A' });
  });

  it('refuses a channel or category the rulebook lacks, and a malformed entry field by field', () => {
    spec.given({}).when(submit('e1', { channel: 'NOWHERE' })).thenRefuses('AWARDS_UNKNOWN_CHANNEL');
    spec.given({}).when(submit('e1', { category: 'BRIDGES' })).thenRefuses('AWARDS_UNKNOWN_CATEGORY');
    spec
      .given({})
      .when(submit('e1', { applicantCode: 'NOT-A-CODE', builderCode: null, project: { completedOn: '2024-13-01', acceptedOn: '2024-01-01' } }))
      .thenRejectsFields('applicantCode', 'builderCode', 'project.completedOn');
  });
});

describe('eligibility, each condition with its evidence', () => {
  const w = (() => {
    const world = new World();
    world.open(QUALITY_RULEBOOK, 'HUANGHE', '第二十一届黄鹤奖');
    world.submit('e1');
    world.submit('young', { project: { completedOn: '2025-06-01', acceptedOn: '2025-12-01' } });
    world.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'DOCS' });
    return world;
  })();
  const check = (entryId: string, facts: EligibilityFacts) =>
    deciderSpec(awardEntryDecider({ edition: w.editionState(), eligibility: facts })).given(w.entries.get(entryId)!).when({ type: 'CheckAwardEligibility', ...E, entryId }).events();

  it('records every condition met, with the facts it used as of the check', () => {
    const [checked] = check('e1', GOOD_FACTS);
    expect(checked).toMatchObject({ type: 'AwardEligibilityChecked', data: { eligible: true, checkedOn: '2026-03-02', rulebookVersion: 1 } });
    expect((checked!.data as unknown as { conditions: { condition: string; evidence: object }[] }).conditions.map((c) => [c.condition, c.evidence])).toEqual([
      ['MEMBERSHIP_IN_GOOD_STANDING', { standing: 'GOOD', asOf: '2026-03-02', source: GOOD_FACTS.membership.source }],
      ['CREDIT_GRADE', { grade: 'AA', asOf: '2026-03-02', certificateNumber: 'WH2025-0012', minimum: 'A' }],
      ['ACCEPTED_LONG_ENOUGH_AGO', { completedOn: '2024-05-01', acceptedOn: '2024-09-30', latestAllowed: '2025-03-02' }],
      ['NO_MAJOR_ACCIDENT', { recordIds: [] }],
      ['NO_BARRED_REENTRY', { earlierFailedEntries: [] }],
    ]);
  });

  const failing: [string, string, EligibilityFacts][] = [
    ['a suspended membership', 'MEMBERSHIP_IN_GOOD_STANDING', { ...GOOD_FACTS, membership: { standing: 'SUSPENDED', asOf: '2026-03-02', source: null } }],
    ['a credit grade below A', 'CREDIT_GRADE', { ...GOOD_FACTS, creditGrade: { grade: 'B', asOf: '2026-03-02', certificateNumber: 'WH2025-0099' } }],
    ['no credit grade', 'CREDIT_GRADE', { ...GOOD_FACTS, creditGrade: { grade: null, asOf: '2026-03-02', certificateNumber: null } }],
    ['a major accident', 'NO_MAJOR_ACCIDENT', { ...GOOD_FACTS, majorAccidents: [{ recordId: 'acc-7', occurredOn: '2025-08-01' }] }],
    ['an earlier failed entry', 'NO_BARRED_REENTRY', { ...GOOD_FACTS, earlierEntries: [{ editionId: 'huanghe-20', entryId: 'e4', outcome: 'NOT_AWARDED' }] }],
  ];
  it.each(failing)('finds %s ineligible, and the entry then gets no panel', (_, condition, facts) => {
    const [checked] = check('e1', facts);
    const data = checked!.data as unknown as { eligible: boolean; conditions: { condition: string; met: boolean }[] };
    expect(data.eligible).toBe(false);
    expect(data.conditions.filter((c) => !c.met).map((c) => c.condition)).toEqual([condition]);
    const refusal = deciderSpec(awardEntryDecider({ edition: w.editionState(), pool: POOL }))
      .given([...w.entries.get('e1')!, checked as AwardEntryEvent])
      .when({ type: 'DrawAwardPanel', ...E, entryId: 'e1', roundCode: 'DOCS', seed: seed(1) })
      .thenRefuses('AWARDS_ENTRY_NOT_ELIGIBLE');
    expect(refusal.details).toEqual({ conditions: [condition] });
  });

  it('finds a project accepted less than a year before the check ineligible', () => {
    const [checked] = check('young', GOOD_FACTS);
    const data = checked!.data as unknown as { eligible: boolean; conditions: { condition: string; met: boolean; evidence: object }[] };
    expect(data.eligible).toBe(false);
    expect(data.conditions.find((c) => !c.met)).toMatchObject({ condition: 'ACCEPTED_LONG_ENOUGH_AGO', evidence: { acceptedOn: '2025-12-01', latestAllowed: '2025-03-02' } });
  });
});

describe('panels, independent scoring and recusal', () => {
  const w = afterDocuments();
  const draws = (entryId: string) => (w.entries.get(entryId)!.filter((e) => e.type === 'AwardPanelDrawn') as AwardPanelDrawn[])[0]!;

  it('records the seed, the pool snapshot and each exclusion, and the recorded draw replays', () => {
    const drawn = draws('e1');
    expect(drawn.data.draw.seed).toBe(seed(1));
    expect(drawn.data.draw.pool).toHaveLength(13);
    expect(drawn.data.draw.exclusions).toEqual([{ expertId: 'X90', grounds: ['EMPLOYED_BY_BUILDER'] }]);
    expect(drawn.data.draw.panel).toHaveLength(3);
    expect(replayPanelDraw(drawn.data.draw).reproduces).toBe(true);
  });

  it('refuses a score by an expert not on the panel, by one with a declared conflict, and after the round closed', () => {
    const w2 = new World();
    w2.open(QUALITY_RULEBOOK, 'HUANGHE', 't');
    w2.submit('e1');
    w2.onEntry({ type: 'CheckAwardEligibility', ...E, entryId: 'e1' }, { eligibility: GOOD_FACTS });
    w2.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'DOCS' });
    w2.onEntry({ type: 'DrawAwardPanel', ...E, entryId: 'e1', roundCode: 'DOCS', seed: seed(1) }, { pool: POOL });
    const [member] = w2.members('e1', 'DOCS');
    const outsider = POOL.map((p) => p.expertId).find((id) => !w2.members('e1', 'DOCS').includes(id))!;
    const score = (expertId: string) => ({ type: 'ScoreAwardEntry' as const, ...E, entryId: 'e1', roundCode: 'DOCS', expertId, items: [{ code: 'QUALITY', points: 5000 }, { code: 'SAFETY', points: 3000 }] });
    const open = deciderSpec(awardEntryDecider({ edition: w2.editionState() })).given(w2.entries.get('e1')!);
    open.when(score(outsider)).thenRefuses('AWARDS_EXPERT_NOT_ASSIGNED');
    deciderSpec(awardEntryDecider({ edition: w2.editionState(), expertConflicts: [{ enterpriseCode: APPLICANT, reason: 'declared after the draw', from: '2026-03-01', to: null }] }))
      .given(w2.entries.get('e1')!)
      .when(score(member!))
      .thenRefuses('AWARDS_EXPERT_CONFLICT_OF_INTEREST');
    open.when({ ...score(member!), items: [{ code: 'QUALITY', points: 6001 }, { code: 'SAFETY', points: 0 }] }).thenRefuses('AWARDS_SCORE_ABOVE_MAXIMUM');
    open.when({ ...score(member!), items: [{ code: 'QUALITY', points: 10 }] }).thenRefuses('AWARDS_RUBRIC_INCOMPLETE');
    open.when({ ...score(member!), items: [{ code: 'QUALITY', points: 1.5 }, { code: 'quality', points: 1 }] }).thenRejectsFields('items.0.points', 'items.1.code');
    expect(open.when(score(member!)).events()).toEqual([
      {
        type: 'AwardEntryScored',
        data: { ...E, entryId: 'e1', roundCode: 'DOCS', expertId: member, items: [{ code: 'QUALITY', points: 5000 }, { code: 'SAFETY', points: 3000 }], weightedTotal: 5000 * 60 + 3000 * 40, previousTotal: null },
      },
    ]);
    w2.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'DOCS' });
    deciderSpec(awardEntryDecider({ edition: w2.editionState() })).given(w2.entries.get('e1')!).when(score(member!)).thenRefuses('AWARDS_ROUND_CLOSED_SCORES_LOCKED');
  });

  it('hides other experts\' scores until the round closes', () => {
    const panel = w.entryState('e1').panels.DOCS!;
    const [a, b] = panel.members;
    expect(Object.keys(scoresVisibleTo(panel, { expertId: a! }, false))).toEqual([a]);
    expect(Object.keys(scoresVisibleTo(panel, { expertId: b! }, true)).sort()).toEqual([...panel.members].sort());
  });

  it('drops a recused expert\'s score and draws the replacement from the same seed stream, which replays', () => {
    const w2 = new World();
    w2.open(QUALITY_RULEBOOK, 'HUANGHE', 't');
    w2.submit('e1');
    w2.onEntry({ type: 'CheckAwardEligibility', ...E, entryId: 'e1' }, { eligibility: GOOD_FACTS });
    w2.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'DOCS' });
    w2.onEntry({ type: 'DrawAwardPanel', ...E, entryId: 'e1', roundCode: 'DOCS', seed: seed(1) }, { pool: POOL });
    w2.scoreAll('e1', 'DOCS', 5000, 3000);
    const [leaving, ...staying] = w2.members('e1', 'DOCS');
    const [recused, replaced] = w2.onEntry({ type: 'RecuseAwardExpert', ...E, entryId: 'e1', roundCode: 'DOCS', expertId: leaving!, reason: 'Former colleague of the project manager' });
    expect(recused).toMatchObject({ type: 'AwardExpertRecused', data: { expertId: leaving, droppedScore: true } });
    const draw = (replaced as AwardEntryEvent & { type: 'AwardReplacementDrawn' }).data.draw;
    const first = (w2.entries.get('e1')![2] as AwardPanelDrawn).data.draw;
    expect(draw.seed).toBe(first.seed);
    expect(draw.startPosition).toBe(first.endPosition);
    expect(draw.recused).toEqual([leaving]);
    expect(draw.panel).toHaveLength(1);
    expect([...staying, leaving]).not.toContain(draw.panel[0]);
    expect(replayPanelDraw(draw).reproduces).toBe(true);
    const state = w2.entryState('e1').panels.DOCS!;
    expect(state.members).toEqual([...staying, draw.panel[0]]);
    expect(Object.keys(state.scores).sort()).toEqual([...staying].sort());
    // The recused expert can no longer score.
    deciderSpec(awardEntryDecider({ edition: w2.editionState() }))
      .given(w2.entries.get('e1')!)
      .when({ type: 'ScoreAwardEntry', ...E, entryId: 'e1', roundCode: 'DOCS', expertId: leaving!, items: [{ code: 'QUALITY', points: 1 }, { code: 'SAFETY', points: 1 }] })
      .thenRefuses('AWARDS_EXPERT_NOT_ASSIGNED');
  });

  it('refuses a site inspection by someone employed by the builder', () => {
    const w2 = afterDocuments();
    w2.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' });
    w2.onEntry({ type: 'DrawAwardPanel', ...E, entryId: 'e1', roundCode: 'SITE', seed: seed(10) }, { pool: POOL });
    const [inspector] = w2.members('e1', 'SITE');
    const report = { type: 'ReportSiteInspection' as const, ...E, entryId: 'e1', roundCode: 'SITE', inspectorExpertId: inspector!, reportReference: 'SI-2026-01', findings: 'Sound.', passed: true };
    deciderSpec(awardEntryDecider({ edition: w2.editionState(), inspectorEmployerCode: BUILDER })).given(w2.entries.get('e1')!).when(report).thenRefuses('AWARDS_INSPECTOR_FROM_BUILDER');
    expect(deciderSpec(awardEntryDecider({ edition: w2.editionState(), inspectorEmployerCode: OTHER })).given(w2.entries.get('e1')!).when(report).events()[0]).toMatchObject({
      type: 'AwardSiteInspected',
      data: { inspectorEmployerCode: OTHER, passed: true, inspectedOn: '2026-03-02' },
    });
    // e3 did not advance from the documents round.
    deciderSpec(awardEntryDecider({ edition: w2.editionState(), pool: POOL }))
      .given(w2.entries.get('e3')!)
      .when({ type: 'DrawAwardPanel', ...E, entryId: 'e3', roundCode: 'SITE', seed: seed(3) })
      .thenRefuses('AWARDS_ENTRY_NOT_IN_ROUND');
  });
});

describe('dated commands are never dated after the day they are recorded', () => {
  it('refuses a site inspection report dated after today, and takes one dated today or earlier', () => {
    const w2 = afterDocuments();
    w2.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' });
    w2.onEntry({ type: 'DrawAwardPanel', ...E, entryId: 'e1', roundCode: 'SITE', seed: seed(10) }, { pool: POOL });
    const [inspector] = w2.members('e1', 'SITE');
    const report = { type: 'ReportSiteInspection' as const, ...E, entryId: 'e1', roundCode: 'SITE', inspectorExpertId: inspector!, reportReference: 'SI-2026-01', findings: 'Sound.', passed: true };
    const spec = deciderSpec(awardEntryDecider({ edition: w2.editionState(), inspectorEmployerCode: OTHER })).given(w2.entries.get('e1')!);
    spec.when({ ...report, inspectedOn: '2026-03-03' }).thenRejectsFields('inspectedOn');
    expect(spec.when({ ...report, inspectedOn: '2026-03-02' }).events()[0]).toMatchObject({ data: { inspectedOn: '2026-03-02' } });
    expect(spec.when({ ...report, inspectedOn: '2026-02-27' }).events()[0]).toMatchObject({ data: { inspectedOn: '2026-02-27' } });
  });

  it("refuses a committee vote whose decision is dated after today", () => {
    const w = atTheVote();
    const spec = deciderSpec(awardEntryDecider({ edition: w.editionState() })).given(w.entries.get('e1')!);
    spec.when({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: { ...committee(8), decidedOn: '2026-03-03' } }).thenRejectsFields('decision.decidedOn');
    expect(spec.when({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: committee(8) }).events()[0]).toMatchObject({ type: 'AwardVoteRecorded' });
  });

  it('refuses a revocation citing a decision dated after today', () => {
    const w = inNotice();
    const granted = multiStreamSpec(grantAwardDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given({ entry: w.entries.get('e1')! })
      .when({ type: 'GrantAward', ...E, entryId: 'e1', certificateNumber: 'HH2026-001' })
      .events();
    const events = [...w.entries.get('e1')!, ...(granted.entry as AwardEntryEvent[])];
    const request = { type: 'RequestAwardRevocation' as const, ...E, entryId: 'e1', grounds: 'FRAUD' as const, reason: 'Falsified acceptance records.' };
    const spec = deciderSpec(awardEntryDecider({ edition: w.editionState() }), { now: day('2027-01-12') }).given(events);
    spec.when({ ...request, decision: { body: 'REVIEW_COMMITTEE', reference: '评审〔2027〕3号', decidedOn: '2027-01-13', votes: null } }).thenRejectsFields('decision.decidedOn');
    expect(spec.when({ ...request, decision: { body: 'REVIEW_COMMITTEE', reference: '评审〔2027〕3号', decidedOn: '2027-01-12', votes: null } }).events()[0]).toMatchObject({
      type: 'AwardRevocationRequested',
    });
  });

  it('dates an objection by the clock (the command carries no date to put in the future)', () => {
    const w = inNotice();
    const filed = deciderSpec(awardEntryDecider({ edition: w.editionState() }))
      .given(w.entries.get('e2')!)
      .when({ type: 'FileAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-1', objector: '张三', grounds: 'Late.' }, { now: day('2026-03-05') })
      .events();
    expect(filed[0]).toMatchObject({ type: 'AwardObjectionFiled', data: { filedOn: '2026-03-05' } });
  });
});

describe('vote, notice and issue', () => {
  it('refuses a vote in the wrong ballot mode or without counts', () => {
    const w = atTheVote();
    const spec = deciderSpec(awardEntryDecider({ edition: w.editionState() })).given(w.entries.get('e1')!);
    spec.when({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SIGNED', decision: committee(8) }).thenRefuses('AWARDS_BALLOT_MODE_MISMATCH');
    spec.when({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: { ...committee(8), votes: null } }).thenRefuses('AWARDS_VOTE_NEEDS_COUNTS');
    spec.when({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: { ...committee(8), votes: { entitled: 11, present: 10, inFavour: 8, against: 1, abstaining: 0 } } }).thenRejectsFields('decision.votes');
  });

  it('refuses gold on a vote below two thirds of those present (6 of 10), and leaves it out of the result list', () => {
    const w = inNotice(6);
    expect(w.editionState().notice!.results.map((r) => r.entryId)).toEqual(['e2']);
    multiStreamSpec(grantAwardDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given({ entry: w.entries.get('e1')! })
      .when({ type: 'GrantAward', ...E, entryId: 'e1', certificateNumber: 'HH2026-001' })
      .thenRefuses('AWARDS_VOTE_BELOW_THRESHOLD');
  });

  it('refuses a vote below the quorum of two thirds of those entitled', () => {
    const w = inNotice(8);
    const e2 = w.entries.get('e2')!.map((e) =>
      e.type === 'AwardVoteRecorded' ? { ...e, data: { ...e.data, decision: { ...e.data.decision, votes: { entitled: 30, present: 10, inFavour: 10, against: 0, abstaining: 0 } } } } : e,
    );
    multiStreamSpec(grantAwardDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given({ entry: e2 })
      .when({ type: 'GrantAward', ...E, entryId: 'e2', certificateNumber: 'HH2026-002' })
      .thenRefuses('AWARDS_VOTE_BELOW_THRESHOLD');
  });

  it('refuses issuing during the notice, with an objection open, and a certificate number already issued', () => {
    const w = inNotice();
    const grant = { type: 'GrantAward' as const, ...E, entryId: 'e2', certificateNumber: 'HH2026-002' };
    const spec = multiStreamSpec(grantAwardDecider({ edition: w.editionState() }));
    spec.given({ entry: w.entries.get('e2')! }).when(grant, { now: day('2026-03-08') }).thenRefuses('AWARDS_NOTICE_NOT_ENDED');
    w.onEntry({ type: 'FileAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-1', objector: '张三', grounds: 'The safety record is incomplete.' }, {}, ctx(day('2026-03-05')));
    spec.given({ entry: w.entries.get('e2')! }).when(grant, { now: AFTER_NOTICE }).thenRefuses('AWARDS_OBJECTION_OPEN');
    w.onEntry({ type: 'ResolveAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-1', outcome: 'DISMISSED', reasons: 'The record was complete.' });
    spec
      .given({ entry: w.entries.get('e2')!, certificate: [{ type: 'AwardCertificateReserved', data: { associationId: ASSOC, certificateNumber: 'HH2026-002', editionId: EDITION, entryId: 'e1' } }] })
      .when(grant, { now: AFTER_NOTICE })
      .thenRefuses('AWARDS_CERTIFICATE_NUMBER_TAKEN');
    spec.given({ entry: w.entries.get('e2')! }).when(grant, { now: AFTER_NOTICE }).events();
    deciderSpec(awardEntryDecider({ edition: w.editionState() }))
      .given(w.entries.get('e2')!)
      .when({ type: 'FileAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-2', objector: '李四', grounds: 'Late.' }, { now: AFTER_NOTICE })
      .thenRefuses('AWARDS_OBJECTION_OUTSIDE_NOTICE');
  });

  it('refuses a back-dated notice, a notice before the vote closed and one with an entry not voted on', () => {
    const unvoted = atTheVote();
    unvoted.onEntry({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: committee(8) });
    unvoted.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'VOTE' });
    const missing = deciderSpec(awardEditionDecider({ entries: unvoted.allEntryStates() })).given(unvoted.edition).when({ type: 'StartAwardNotice', ...E }).thenRefuses('AWARDS_VOTE_MISSING');
    expect(missing.details).toEqual({ entries: ['e2'] });

    const w = atTheVote();
    w.onEntry({ type: 'RecordAwardVote', ...E, entryId: 'e1', ballot: 'SECRET', decision: committee(8) });
    w.onEntry({ type: 'RecordAwardVote', ...E, entryId: 'e2', ballot: 'SECRET', decision: committee(6) });
    const spec = deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition);
    spec.when({ type: 'StartAwardNotice', ...E }).thenRefuses('AWARDS_ROUND_NOT_CLOSED');
    w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'VOTE' });
    const closed = deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition);
    closed.when({ type: 'StartAwardNotice', ...E, startsOn: '2026-03-01' }).thenRefuses('NOTICE_STARTS_BEFORE_RESULT');
    closed.when({ type: 'StartAwardNotice', ...E, startsOn: '2026-03-01' }, { now: day('2026-03-04') }).thenRefuses('NOTICE_STARTS_BEFORE_RESULT');
    closed.when({ type: 'StartAwardNotice', ...E, startsOn: '2026-03-03' }, { now: day('2026-03-04') }).thenRefuses('NOTICE_STARTS_IN_THE_PAST');
    expect(closed.when({ type: 'StartAwardNotice', ...E, startsOn: '2026-03-05' }, { now: day('2026-03-04') }).events()[0]).toMatchObject({ data: { startsOn: '2026-03-05', endsOn: '2026-03-11' } });
  });

  it('refuses to rank an open round or to open rounds out of order', () => {
    const w = new World();
    w.open(QUALITY_RULEBOOK, 'HUANGHE', 't');
    const spec = () => deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition);
    spec().when({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' }).thenRefuses('AWARDS_ROUND_OUT_OF_ORDER');
    w.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'DOCS' });
    spec().when({ type: 'RankAwardRound', ...E, roundCode: 'DOCS' }).thenRefuses('AWARDS_ROUND_NOT_CLOSED');
    w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'DOCS' });
    spec().when({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' }).thenRefuses('AWARDS_RANKING_MISSING');
  });
});

describe('revocation', () => {
  const awarded = () => {
    const w = inNotice();
    const decided = multiStreamSpec(grantAwardDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given({ entry: w.entries.get('e1')! })
      .when({ type: 'GrantAward', ...E, entryId: 'e1', certificateNumber: 'HH2026-001' })
      .events();
    return { w, events: [...w.entries.get('e1')!, ...(decided.entry as AwardEntryEvent[])] };
  };
  const decision: DecisionRecord = { body: 'REVIEW_COMMITTEE', reference: '评审〔2027〕3号', decidedOn: '2027-01-10', votes: null };
  const request = { type: 'RequestAwardRevocation' as const, ...E, entryId: 'e1', grounds: 'FRAUD' as const, reason: 'Falsified acceptance records.' };

  it('refuses a revocation without a decision, and one approved by its requester', () => {
    const { w, events } = awarded();
    const spec = deciderSpec(awardEntryDecider({ edition: w.editionState() }), { now: day('2027-01-12') });
    spec.given(events).when({ ...request, decision: null }).thenRefuses('AWARDS_REVOCATION_NEEDS_DECISION');
    spec.given(events).when({ ...request, decision: { ...decision, body: 'NOBODY' as never } }).thenRejectsFields('decision.body');
    const requested = spec.given(events).when({ ...request, decision }).events();
    expect(requested[0]).toMatchObject({ type: 'AwardRevocationRequested', data: { requestedBy: 'admin-1', requestedOn: '2027-01-12' } });
    spec.given([...events, ...requested]).when({ type: 'ApproveAwardRevocation', ...E, entryId: 'e1' }).thenRefuses('AWARDS_REVOCATION_SELF_APPROVAL');
    spec.given([...events, ...requested]).when({ type: 'ApproveAwardRevocation', ...E, entryId: 'e1', publishedOn: '2027-01-11' }, ctx(day('2027-01-12'), 'admin-2')).thenRefuses('NOTICE_STARTS_IN_THE_PAST');
    spec
      .given([...events, ...requested])
      .when({ type: 'ApproveAwardRevocation', ...E, entryId: 'e1' }, ctx(day('2027-01-12'), 'admin-2'))
      .then([
        {
          type: 'AwardRevoked',
          data: { ...E, entryId: 'e1', certificateNumber: 'HH2026-001', grounds: 'FRAUD', reason: 'Falsified acceptance records.', decision, requestedBy: 'admin-1', approvedBy: 'admin-2', revokedOn: '2027-01-12', publishedOn: '2027-01-12' },
        },
      ]);
  });
});

describe('the rulebook as versioned, validated data', () => {
  const define = (rulebook: unknown) => () =>
    awardRulebookDecider.parse!({ type: 'DefineAwardRulebookVersion', associationId: ASSOC, rulebook: rulebook as AwardRulebook });
  const fields = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as InvalidInput).fieldErrors.map((e) => e.field);
    }
    return [];
  };
  const { version: _, ...body } = QUALITY_RULEBOOK;

  it('accepts the quality rulebook as it is, numbering versions in order and pinning the one an edition opens on', () => {
    expect(fields(define(body))).toEqual([]);
    const w = new World();
    w.open(QUALITY_RULEBOOK, 'HUANGHE', 't');
    expect(w.rulebook.map((e) => e.type)).toEqual(['AwardRulebookVersionDefined', 'AwardRulebookVersionPinned']);
    expect(w.rulebook[1]!.data).toEqual({ associationId: ASSOC, rulebookId: 'huanghe', version: 1, editionId: EDITION });
    const second = deciderSpec(awardRulebookDecider).given(w.rulebook).when({ type: 'DefineAwardRulebookVersion', associationId: ASSOC, rulebook: { ...body, noticeDays: 10 } }).events();
    expect(second[0]).toMatchObject({ data: { rulebook: { version: 2, noticeDays: 10 } } });
    // The edition keeps the version it opened on: a later version changes nothing of it.
    expect(w.editionState().opened!.rulebook.noticeDays).toBe(7);
  });

  it('refuses an edition on a version not defined, or not yet in force, and opening twice', () => {
    const w = new World();
    w.open(QUALITY_RULEBOOK, 'HUANGHE', 't');
    const open = { type: 'OpenAwardEdition' as const, ...E, editionId: 'huanghe-22', programmeCode: 'HUANGHE', title: 't', year: 2027, rulebookId: 'huanghe', rulebookVersion: 2 };
    multiStreamSpec(openAwardEditionDecider).given({ rulebook: w.rulebook }).when(open).thenRefuses('AWARDS_RULEBOOK_VERSION_UNKNOWN');
    const future = awardRulebookDecider.decide(
      awardRulebookDecider.parse!({ type: 'DefineAwardRulebookVersion', associationId: ASSOC, rulebook: { ...body, effectiveFrom: '2027-01-01' } }),
      fold(awardRulebookDecider, w.rulebook),
      ctx(),
    );
    multiStreamSpec(openAwardEditionDecider).given({ rulebook: [...w.rulebook, ...future] }).when(open).thenRefuses('AWARDS_RULEBOOK_NOT_IN_FORCE');
    multiStreamSpec(openAwardEditionDecider).given({ rulebook: w.rulebook, edition: w.edition }).when({ ...open, editionId: EDITION, rulebookVersion: 1 }).thenRefuses('AWARDS_EDITION_ALREADY_OPENED');
  });

  it('refuses weights that do not add up to 100, a non-fraction threshold, a tie-break that is not total, and a missing vote round', () => {
    expect(
      fields(
        define({
          ...body,
          rubric: [{ ...QUALITY_RULEBOOK.rubric[0]!, weight: 50 }, QUALITY_RULEBOOK.rubric[1]!],
          votes: { ...QUALITY_RULEBOOK.votes, pass: { moreThan: [0.5, 1] } },
          tieBreak: [{ by: 'ITEM', item: 'QUALITY' }],
          rounds: [QUALITY_RULEBOOK.rounds[0]!],
        }),
      ).sort(),
    ).toEqual(['rulebook.rounds', 'rulebook.rubric', 'rulebook.tieBreak', 'rulebook.votes.pass']);
  });
});

describe('person entries and personal data', () => {
  const PERSON_RULEBOOK: AwardRulebook = { ...QUALITY_RULEBOOK, programmeKind: 'EXCELLENT_PROJECT_MANAGER', subjectKind: 'PERSON', eligibility: { ...QUALITY_RULEBOOK.eligibility, yearsSinceAcceptance: null } };
  const edition = (() => {
    const w = new World();
    w.open(PERSON_RULEBOOK, 'SIYOU', '优秀项目经理');
    return w.editionState();
  })();
  const person = (status: AwardEntryFacts['person']) => multiStreamSpec(submitAwardEntryDecider({ edition, person: status }));
  const entry = (subjectId: string) => submit('pm-1', { subjectKind: 'PERSON', subjectId, builderCode: null, project: null });

  it('names the person by their id in the persons register, never by name or identity number', () => {
    const decided = person('REGISTERED').given({}).when(entry('PSN0000000000000042')).events();
    expect(decided.entry![0]).toMatchObject({ data: { subjectKind: 'PERSON', subjectId: 'PSN0000000000000042' } });
    person('REGISTERED').given({}).when(entry('张三')).thenRejectsFields('subjectId');
    person('REGISTERED').given({}).when(entry('420102198001011234')).thenRejectsFields('subjectId');
    expect(() => person('ERASED').given({}).when(entry('PSN0000000000000042')).events()).toThrow('persons register');
  });

  it('declares the objector personal, sealed under a key of that one objection', () => {
    expect(AWARDS_EVENT_FIELD_CLASSES.AwardObjectionFiled.objector).toBe('personal');
    expect(AWARDS_EVENT_FIELD_CLASSES.AwardEntrySubmitted.subjectId).toBe('public');
    expect(awardObjectorKeyId({ associationId: ASSOC, editionId: EDITION, entryId: 'e1', objectionId: 'o-1' })).toBe(`awardObjector:${ASSOC}:${EDITION}:e1:o-1`);
    expect(awardEntryDecider().personalFields).toEqual(['objector']);
  });
});

describe('the end of an edition', () => {
  it('publishes the result list once the notice is over and objections are resolved, without an entry whose objection was upheld', () => {
    const w = inNotice();
    w.onEntry({ type: 'FileAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-1', objector: '张三', grounds: 'Falsified site photographs.' }, {}, ctx(day('2026-03-04')));
    const publish = { type: 'PublishAwardResults' as const, ...E };
    const spec = () => deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition);
    spec().when(publish, { now: day('2026-03-08') }).thenRefuses('AWARDS_NOTICE_NOT_ENDED');
    spec().when(publish, { now: AFTER_NOTICE }).thenRefuses('AWARDS_OBJECTION_OPEN');
    w.onEntry({ type: 'ResolveAwardObjection', ...E, entryId: 'e2', objectionId: 'obj-1', outcome: 'UPHELD', reasons: 'The photographs were of another site.' });
    spec()
      .when(publish, { now: AFTER_NOTICE })
      .then([{ type: 'AwardResultsPublished', data: { ...E, publishedOn: '2026-03-09', results: [{ entryId: 'e1', category: 'BUILDING', rank: 1, grade: 'GOLD', amountFen: null }], totalFen: 0 } }]);
    multiStreamSpec(grantAwardDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given({ entry: w.entries.get('e2')! })
      .when({ type: 'GrantAward', ...E, entryId: 'e2', certificateNumber: 'HH2026-002' })
      .thenRefuses('AWARDS_ENTRY_NOT_IN_RESULTS');
    const declined = deciderSpec(awardEntryDecider({ edition: w.editionState() }), { now: AFTER_NOTICE })
      .given(w.entries.get('e2')!)
      .when({ type: 'DeclineAward', ...E, entryId: 'e2', reason: 'Objection obj-1 upheld.' })
      .events();
    expect(declined).toEqual([{ type: 'AwardNotGranted', data: { ...E, entryId: 'e2', reason: 'Objection obj-1 upheld.', decidedOn: '2026-03-09' } }]);
    deciderSpec(awardEntryDecider({ edition: w.editionState() }))
      .given([...w.entries.get('e2')!, ...declined])
      .when({ type: 'DeclineAward', ...E, entryId: 'e2', reason: 'Again.' })
      .thenRefuses('AWARDS_ENTRY_ALREADY_DECIDED');
  });

  it('replays every draw an edition recorded', () => {
    const w = inNotice();
    const draws = w.all().filter((e): e is AwardPanelDrawn => e.type === 'AwardPanelDrawn');
    expect(draws).toHaveLength(5);
    expect(draws.every((d) => replayRecordedDraw(d).reproduces)).toBe(true);
  });
});

describe('the site round', () => {
  const siteScored = (passed: boolean | null) => {
    const w = afterDocuments();
    w.onEdition({ type: 'OpenAwardRound', ...E, roundCode: 'SITE' });
    ['e1', 'e2'].forEach((id, i) => w.onEntry({ type: 'DrawAwardPanel', ...E, entryId: id, roundCode: 'SITE', seed: seed(i + 10) }, { pool: POOL }));
    for (const id of ['e1', 'e2']) {
      const report = id === 'e1' ? passed : true;
      if (report !== null) {
        w.onEntry(
          { type: 'ReportSiteInspection', ...E, entryId: id, roundCode: 'SITE', inspectorExpertId: w.members(id, 'SITE')[0]!, reportReference: `SI-${id}`, findings: 'Findings.', passed: report },
          { inspectorEmployerCode: OTHER },
        );
      }
    }
    w.scoreAll('e1', 'SITE', 5800, 3800);
    w.scoreAll('e2', 'SITE', 5200, 3400);
    w.onEdition({ type: 'CloseAwardRound', ...E, roundCode: 'SITE' });
    return w;
  };

  it('is not ranked before every site has its inspection report', () => {
    const w = siteScored(null);
    const refusal = deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition).when({ type: 'RankAwardRound', ...E, roundCode: 'SITE' }).thenRefuses('AWARDS_INSPECTION_MISSING');
    expect(refusal.details).toEqual({ entries: ['e1'] });
  });

  it('ranks an entry whose inspection failed but does not put it forward, whatever its score', () => {
    const w = siteScored(false);
    const [ranked] = deciderSpec(awardEditionDecider({ entries: w.allEntryStates() })).given(w.edition).when({ type: 'RankAwardRound', ...E, roundCode: 'SITE' }).events();
    const data = ranked!.data as unknown as { ranking: { entryId: string; rank: number; advances: boolean; grade: string | null }[] };
    expect(data.ranking.map((r) => [r.entryId, r.rank, r.advances, r.grade])).toEqual([
      ['e1', 1, false, 'GOLD'],
      ['e2', 2, true, 'SILVER'],
    ]);
  });
});
