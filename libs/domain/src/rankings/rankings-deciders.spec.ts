import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import { type DecisionRecord, NoticeRules, withCheckCharacter } from '../shared/index.js';
import {
  type ComputeRanking,
  computeRanking,
  type DefineRankingMethodologyVersion,
  type EligibilityEvidence,
  type FigureRow,
  type FirmInput,
  formatScaled,
  type MethodologyVersion,
  type RankingEditionEvent,
  rankingEditionDeciderWith,
  rankingMethodologyDecider,
  RankingRules,
  recomputeRankingEdition,
  toScaled,
} from './index.js';

// FIXED_NOW is 2026-03-02 in Beijing; the edition below takes figures up to its cut-off on 2026-03-10.
const ASSOC = 'assoc-wuhan';
const EDITION = 'promising-2026';
const k = { associationId: ASSOC, editionId: EDITION };
const firm = (n: number) => withCheckCharacter(`9142010000000${String(n).padStart(4, '0')}`);
const [A, B, C, D] = [firm(1), firm(2), firm(3), firm(4)];
const day = (date: string) => new Date(`${date}T02:00:00.000Z`);
const COMMITTEE: DecisionRecord = { body: 'REVIEW_COMMITTEE', reference: '武建协〔2026〕12号', decidedOn: '2026-03-11', votes: null };

const define: DefineRankingMethodologyVersion = {
  type: 'DefineRankingMethodologyVersion',
  associationId: ASSOC,
  methodologyId: 'promising',
  title: '最具成长性民营建筑企业评选办法',
  referenceNumber: '武建协〔2026〕3号',
  effectiveFrom: '2026-01-01',
  metrics: [
    { code: 'OUTPUT', name: '建筑业总产值', weight: 60, normalisation: 'SHARE_OF_MAX', unit: '万元' },
    { code: 'OUTPUT_GROWTH', name: '产值增长率', weight: 30, normalisation: 'GROWTH', unit: '万元' },
    { code: 'AWARDS', name: '获奖数', weight: 10, normalisation: 'RANK_POINTS', unit: '项' },
  ],
  groups: [{ code: 'ALL', name: '全部', qualificationGrades: [], listSize: 2 }],
  filters: { ownerships: ['PRIVATE'], acceptedCreditGrades: ['AAA', 'AA', 'A'], memberInGoodStanding: true, blacklistConductCodes: ['BLACKLISTED'] },
  listSize: 2,
  tieBreak: { metrics: ['OUTPUT'], thenBy: 'DECISION' },
  noticeDays: 7,
};
const { type: _t, ...content } = define;
const methodology: MethodologyVersion = { ...content, version: 1 };

const good: EligibilityEvidence = { ownership: 'PRIVATE', bestQualificationGrade: 'GRADE_1', creditGrade: 'AA', membershipStatus: 'ACTIVE', blacklistRecords: [] };

describe('the methodology decider', () => {
  const spec = deciderSpec(rankingMethodologyDecider);

  it('defines version 1, then 2, whole', () => {
    spec.given([]).when(define).then([{ type: 'RankingMethodologyVersionDefined', data: methodology }]);
    spec
      .given([{ type: 'RankingMethodologyVersionDefined', data: methodology }])
      .when(define)
      .then([{ type: 'RankingMethodologyVersionDefined', data: { ...methodology, version: 2 } }]);
  });

  it('refuses weights that do not add up to 100', () => {
    const error = spec
      .given([])
      .when({ ...define, metrics: [define.metrics[0]!, { ...define.metrics[1]!, weight: 20 }, define.metrics[2]!] })
      .thenRefuses(RankingRules.methodologyWeightsNot100);
    expect(error.message).toContain('90');
  });

  it('refuses group sizes that do not make the list size, and a tie-break on a metric it does not measure', () => {
    spec.given([]).when({ ...define, listSize: 55 }).thenRefuses(RankingRules.methodologyListSizeMismatch);
    spec.given([]).when({ ...define, tieBreak: { metrics: ['PROFIT'], thenBy: 'DECISION' } }).thenRefuses(RankingRules.methodologyTieBreakUnknownMetric);
  });

  it('names every wrong field at once', () => {
    spec
      .given([])
      .when({
        ...define,
        metrics: [{ ...define.metrics[0]!, weight: 0, normalisation: 'LOG' as never }, define.metrics[0]!],
        filters: { ...define.filters, ownerships: ['PUBLIC' as never] },
        noticeDays: 0,
      })
      .thenRejectsFields('metrics.0.weight', 'metrics.0.normalisation', 'metrics.1.code', 'filters.ownerships.0', 'noticeDays');
  });
});

const opened: RankingEditionEvent = {
  type: 'RankingEditionOpened',
  data: { ...k, title: '2026年度武汉市最具成长性民营建筑企业', year: 2026, methodology, cutOffDate: '2026-03-10', openedOn: '2026-03-02' },
};
const row = (enterpriseCode: string, metric: string, value: string, previousValue: string | null = null): FigureRow => ({
  enterpriseCode,
  metric,
  value,
  previousValue,
  source: 'STATISTICS_RETURN',
  evidenceReference: `统计报表 2025 ${enterpriseCode}`,
});
/** A: output 300 (200 the year before), 5 awards; B: 200 (100), 5 awards; C: 100 (100), 2 awards. */
const rows: FigureRow[] = [
  row(A, 'OUTPUT', '300'),
  row(A, 'OUTPUT_GROWTH', '300', '200'),
  row(A, 'AWARDS', '5'),
  row(B, 'OUTPUT', '200'),
  row(B, 'OUTPUT_GROWTH', '200', '100'),
  row(B, 'AWARDS', '5'),
  row(C, 'OUTPUT', '100'),
  row(C, 'OUTPUT_GROWTH', '100', '100'),
  row(C, 'AWARDS', '2'),
];
const recorded: RankingEditionEvent[] = rows.map((r, i) => ({
  type: 'RankingFigureRecorded',
  data: { ...k, figureId: i + 1, ...r, value: formatScaled(toScaled(r.value)), previousValue: r.previousValue ? formatScaled(toScaled(r.previousValue)) : null, recordedOn: '2026-03-02' },
}));
const eligibility = new Map([A, B, C].map((code) => [code, good]));
const compute: ComputeRanking = { type: 'ComputeRanking', ...k, tieResolutions: [] };
const AFTER_CUT_OFF = day('2026-03-11');

describe('the edition decider', () => {
  const spec = deciderSpec(rankingEditionDeciderWith({ methodology, eligibility }));

  it('opens on the methodology version, copied whole', () => {
    spec
      .given([])
      .when({ type: 'OpenRankingEdition', ...k, title: opened.data.title, year: 2026, methodologyId: 'promising', methodologyVersion: 1, cutOffDate: '2026-03-10' } as never)
      .then([opened]);
  });

  it('refuses to open on a methodology version it does not know, or with a cut-off already past', () => {
    const open = { type: 'OpenRankingEdition' as const, ...k, title: '2026', year: 2026, methodologyId: 'promising', methodologyVersion: 2, cutOffDate: '2026-03-10' };
    deciderSpec(rankingEditionDeciderWith({ methodology: null })).given([]).when(open).thenRefuses(RankingRules.methodologyVersionUnknown);
    spec.given([]).when({ ...open, methodologyVersion: 1, cutOffDate: '2026-03-01' }).thenRefuses(RankingRules.cutOffBeforeOpening);
  });

  it('records an upload, numbering the figures, in canonical decimals', () => {
    spec.given([opened]).when({ type: 'RecordRankingFigures', ...k, rows }).then(recorded);
  });

  it('refuses a whole upload with each wrong row, recording none of it', () => {
    const error = spec
      .given([opened, ...recorded])
      .when({ type: 'RecordRankingFigures', ...k, rows: [row(D, 'OUTPUT', '10'), row(D, 'PROFIT', '1'), row(A, 'OUTPUT', '301'), row(D, 'OUTPUT_GROWTH', '10')] })
      .thenRefuses(RankingRules.figureUnknownMetric);
    expect((error.details['rows'] as { row: number; rule: string }[]).map((p) => [p.row, p.rule])).toEqual([
      [1, RankingRules.figureUnknownMetric],
      [2, RankingRules.figureAlreadyRecorded],
      [3, RankingRules.figurePreviousValueRequired],
    ]);
    spec.given([opened]).when({ type: 'RecordRankingFigures', ...k, rows: [{ ...row(D, 'OUTPUT', '1.23456'), enterpriseCode: 'X' }] }).thenRejectsFields('rows.0.enterpriseCode', 'rows.0.value');
  });

  it('refuses figures after the cut-off', () => {
    spec.given([opened]).when({ type: 'RecordRankingFigures', ...k, rows: [row(D, 'OUTPUT', '10')] }, { now: AFTER_CUT_OFF }).thenRefuses(RankingRules.figuresAfterCutOff);
    spec
      .given([opened, ...recorded])
      .when({ type: 'CorrectRankingFigure', ...k, figureId: 1, value: '310', source: 'AUDITED_REPORT', evidenceReference: '审计报告', reason: '以审计报告为准' }, { now: AFTER_CUT_OFF })
      .thenRefuses(RankingRules.figuresAfterCutOff);
  });

  it('takes a correction before the cut-off as a new figure naming the one it corrects', () => {
    const [event] = spec
      .given([opened, ...recorded])
      .when({ type: 'CorrectRankingFigure', ...k, figureId: 1, value: '310', source: 'AUDITED_REPORT', evidenceReference: '审计报告', reason: '以审计报告为准' })
      .events();
    expect(event).toMatchObject({ type: 'RankingFigureCorrected', data: { figureId: 10, corrects: 1, enterpriseCode: A, metric: 'OUTPUT', value: '310.0000', objectionId: null } });
  });

  it('refuses computing before the day after the cut-off', () => {
    spec.given([opened, ...recorded]).when(compute, { now: day('2026-03-10') }).thenRefuses(RankingRules.computingBeforeCutOff);
  });

  it('computes after the cut-off, recording the evidence it used and the result', () => {
    const [event] = spec.given([opened, ...recorded]).when(compute, { now: AFTER_CUT_OFF }).events();
    expect(event!.type).toBe('RankingComputed');
    const data = (event as Extract<RankingEditionEvent, { type: 'RankingComputed' }>).data;
    expect(data.eligibility).toEqual([A, B, C].map((enterpriseCode) => ({ enterpriseCode, ...good })));
    expect(data.result.entries.map((e) => [e.enterpriseCode, e.total, e.listed])).toEqual([
      [A, '85.0000', true],
      [B, '80.0000', true],
      [C, '23.3333', false],
    ]);
  });

  it('refuses computing without eligibility evidence for every candidate', () => {
    deciderSpec(rankingEditionDeciderWith({ eligibility: new Map([[A, good]]) }))
      .given([opened, ...recorded])
      .when(compute, { now: AFTER_CUT_OFF })
      .thenRefuses(RankingRules.eligibilityMissing);
  });

  it('refuses a tie resolved against the rule: a decided order of firms the total separates', () => {
    spec
      .given([opened, ...recorded])
      .when({ ...compute, tieResolutions: [{ order: [B, A], decision: COMMITTEE }] }, { now: AFTER_CUT_OFF })
      .thenRefuses(RankingRules.tieResolvedAgainstRule);
  });

  const computed = spec.given([opened, ...recorded]).when(compute, { now: AFTER_CUT_OFF }).events();
  const notice: RankingEditionEvent = { type: 'RankingNoticeStarted', data: { ...k, computationId: 1, startsOn: '2026-03-11', endsOn: '2026-03-17', noticeDays: 7 } };

  it('starts the notice from the result, and refuses a back-dated one', () => {
    spec.given([opened, ...recorded, ...computed]).when({ type: 'StartRankingNotice', ...k }, { now: AFTER_CUT_OFF }).then([notice]);
    spec.given([opened, ...recorded, ...computed]).when({ type: 'StartRankingNotice', ...k, startsOn: '2026-03-11' }, { now: day('2026-03-12') }).thenRefuses(NoticeRules.startsInThePast);
  });

  it('publishes after the notice, not during it', () => {
    spec.given([opened, ...recorded, ...computed, notice]).when({ type: 'PublishRanking', ...k }, { now: day('2026-03-17') }).thenRefuses(RankingRules.noticeNotEnded);
    spec
      .given([opened, ...recorded, ...computed, notice])
      .when({ type: 'PublishRanking', ...k }, { now: day('2026-03-18') })
      .then([{ type: 'RankingPublished', data: { ...k, computationId: 1, listVersion: 1, publishedOn: '2026-03-18' } }]);
  });

  const objection: RankingEditionEvent = {
    type: 'RankingObjectionFiled',
    data: { ...k, objectionId: 'obj-1', enterpriseCode: C, grounds: '获奖数漏报', evidenceReference: null, filedOn: '2026-03-12' },
  };

  it('sets the notice and computation aside on an upheld objection that corrects a figure; publishing then waits for a new computation', () => {
    const resolved = spec
      .given([opened, ...recorded, ...computed, notice, objection])
      .when(
        { type: 'ResolveRankingObjection', ...k, objectionId: 'obj-1', outcome: 'UPHELD', reasons: '核实获奖证书 6 项', corrections: [{ figureId: 9, value: '6', source: 'CERTIFICATE', evidenceReference: '证书扫描件' }] },
        { now: day('2026-03-13') },
      )
      .events();
    expect(resolved.map((e) => e.type)).toEqual(['RankingFigureCorrected', 'RankingObjectionResolved']);
    expect(resolved[0]!.data).toMatchObject({ corrects: 9, objectionId: 'obj-1', value: '6.0000' });
    const after = [opened, ...recorded, ...computed, notice, objection, ...resolved];
    spec.given(after).when({ type: 'PublishRanking', ...k }, { now: day('2026-03-18') }).thenRefuses(RankingRules.notComputed);
    const [recomputed] = spec.given(after).when(compute, { now: day('2026-03-13') }).events();
    const data = (recomputed as Extract<RankingEditionEvent, { type: 'RankingComputed' }>).data;
    expect(data.computationId).toBe(2);
    // C now has the most awards: 10 points for AWARDS, A and B share rank 2 (10 × 2/3 = 6.6667, rounded half up).
    expect(data.result.entries.map((e) => [e.enterpriseCode, e.total])).toEqual([
      [A, '81.6667'],
      [B, '76.6667'],
      [C, '30.0000'],
    ]);
  });

  const published: RankingEditionEvent = { type: 'RankingPublished', data: { ...k, computationId: 1, listVersion: 1, publishedOn: '2026-03-18' } };
  const afterPublication = [opened, ...recorded, ...computed, notice, published];

  it('refuses any change to a published list other than an erratum', () => {
    const late = { now: day('2026-03-19') };
    spec.given(afterPublication).when({ type: 'RecordRankingFigures', ...k, rows: [row(D, 'OUTPUT', '1')] }, late).thenRefuses(RankingRules.editionPublished);
    spec.given(afterPublication).when(compute, late).thenRefuses(RankingRules.editionPublished);
    spec.given(afterPublication).when({ type: 'ExcludeRankingFirm', ...k, enterpriseCode: A, grounds: '—', decision: COMMITTEE }, late).thenRefuses(RankingRules.editionPublished);
    spec.given(afterPublication).when({ type: 'StartRankingNotice', ...k }, late).thenRefuses(RankingRules.editionPublished);
    spec.given(afterPublication).when({ type: 'PublishRanking', ...k }, late).thenRefuses(RankingRules.editionPublished);
  });

  it('issues an erratum as a new list version with its decision, recomputed; the earlier version stays in the stream', () => {
    const events = spec
      .given(afterPublication)
      .when(
        { type: 'IssueRankingErratum', ...k, erratumId: 'err-1', reason: '甲企业产值统计口径错误', decision: COMMITTEE, corrections: [{ figureId: 1, value: '150', source: 'AUDITED_REPORT', evidenceReference: '审计报告' }], exclusions: [], tieResolutions: [] },
        { now: day('2026-03-20') },
      )
      .events();
    expect(events.map((e) => e.type)).toEqual(['RankingFigureCorrected', 'RankingErratumIssued']);
    const erratum = (events[1] as Extract<RankingEditionEvent, { type: 'RankingErratumIssued' }>).data;
    expect(erratum.listVersion).toBe(2);
    expect(erratum.result.entries.filter((e) => e.listed).map((e) => e.enterpriseCode)).toEqual([B, A]);
    spec.given([...afterPublication, ...events]).when({ type: 'IssueRankingErratum', ...k, erratumId: 'err-1', reason: 'x', decision: COMMITTEE, corrections: [], exclusions: [{ enterpriseCode: C, grounds: 'x' }], tieResolutions: [] }).thenRefuses(RankingRules.erratumExists);
    // Verification recomputes both results from what the stream recorded.
    const checks = recomputeRankingEdition([...afterPublication, ...events]);
    expect(checks.map((c) => [c.label, c.matches])).toEqual([
      ['computation 1', true],
      ['list version 2', true],
    ]);
  });

  it('verification finds a recorded result that the inputs do not give', () => {
    const tampered = computed.map((e) =>
      e.type === 'RankingComputed' ? { ...e, data: { ...e.data, result: { ...e.data.result, entries: e.data.result.entries.map((x, i) => (i === 0 ? { ...x, total: '85.0001' } : x)) } } } : e,
    );
    const [check] = recomputeRankingEdition([opened, ...recorded, ...tampered]);
    expect(check!.matches).toBe(false);
    expect(check!.recomputed.entries[0]!.total).toBe('85.0000');
  });

  it('refuses an objection outside the notice', () => {
    spec.given([opened, ...recorded, ...computed, notice]).when({ type: 'FileRankingObjection', ...k, objectionId: 'obj-2', enterpriseCode: C, grounds: '迟到' }, { now: day('2026-03-18') }).thenRefuses(RankingRules.objectionOutsideNotice);
  });
});

describe('computeRanking', () => {
  const firmInput = (enterpriseCode: string, output: string, previous: string, awards: string, eligibility: Partial<EligibilityEvidence> = {}): FirmInput => ({
    enterpriseCode,
    figures: [
      { metric: 'OUTPUT', value: output, previousValue: null },
      { metric: 'OUTPUT_GROWTH', value: output, previousValue: previous },
      { metric: 'AWARDS', value: awards, previousValue: null },
    ],
    eligibility: { ...good, ...eligibility },
    excludedByDecision: null,
  });

  it('scores each metric exactly, rounds once per metric half up, and is the same for the same inputs in any order', () => {
    const firms = [firmInput(A, '300', '200', '5'), firmInput(B, '200', '100', '5'), firmInput(C, '100', '100', '2')];
    const result = computeRanking({ methodology, firms, tieResolutions: [] });
    expect(result.entries[2]!.metrics.map((m) => m.points)).toEqual(['20.0000', '0.0000', '3.3333']);
    expect(result.entries.map((e) => [e.enterpriseCode, e.groupRank, e.placedBy])).toEqual([
      [A, 1, null],
      [B, 2, 'TOTAL'],
      [C, 3, 'TOTAL'],
    ]);
    expect(JSON.stringify(computeRanking({ methodology, firms: [...firms].reverse(), tieResolutions: [] }))).toBe(JSON.stringify(result));
  });

  it('excludes with every ground and the evidence it used', () => {
    const result = computeRanking({
      methodology,
      firms: [
        firmInput(A, '300', '200', '5', { ownership: 'STATE_OWNED' }),
        firmInput(B, '200', '100', '5', { creditGrade: 'B', blacklistRecords: ['rec-7'] }),
        { ...firmInput(C, '100', '100', '2', { membershipStatus: 'SUSPENDED' }), excludedByDecision: { grounds: '资料造假', reference: '武建协〔2026〕9号' } },
        firmInput(D, '100', '100', '2'),
      ],
      tieResolutions: [],
    });
    expect(result.exclusions.map((e) => [e.enterpriseCode, e.grounds])).toEqual([
      [A, ['OWNERSHIP']],
      [B, ['CREDIT_GRADE', 'BLACKLISTED']],
      [C, ['DECISION', 'MEMBERSHIP']],
    ]);
    expect(result.exclusions[1]!.details[0]).toContain('B');
    expect(result.entries.map((e) => e.enterpriseCode)).toEqual([D]);
  });

  it('breaks a tie by the tie-break metric, then leaves a full tie within the list to a decision that only it may settle', () => {
    // C and D tie on everything; the list has two places, so the tie at places 2 and 3 decides who is listed.
    const firms = [firmInput(A, '300', '200', '5'), firmInput(C, '100', '100', '2'), firmInput(D, '100', '100', '2')];
    expect(() => computeRanking({ methodology, firms, tieResolutions: [] })).toThrow(expect.objectContaining({ rule: RankingRules.tieUnresolved }) as never);
    const decided = computeRanking({ methodology, firms, tieResolutions: [{ order: [D, C], decision: COMMITTEE }] });
    expect(decided.entries.map((e) => [e.enterpriseCode, e.listed, e.placedBy])).toEqual([
      [A, true, null],
      [D, true, 'TOTAL'],
      [C, false, 'DECISION'],
    ]);
    expect(() => computeRanking({ methodology, firms, tieResolutions: [{ order: [D, C], decision: COMMITTEE }, { order: [A, D], decision: COMMITTEE }] })).toThrow(
      expect.objectContaining({ rule: RankingRules.tieResolvedAgainstRule }) as never,
    );
    const byCode = { ...methodology, tieBreak: { metrics: [], thenBy: 'CREDIT_CODE' as const } };
    expect(computeRanking({ methodology: byCode, firms, tieResolutions: [] }).entries.map((e) => [e.enterpriseCode, e.placedBy])).toEqual([
      [A, null],
      [C, 'TOTAL'],
      [D, 'CREDIT_CODE'],
    ]);
    expect(() => computeRanking({ methodology: byCode, firms, tieResolutions: [{ order: [D, C], decision: COMMITTEE }] })).toThrow(
      expect.objectContaining({ rule: RankingRules.tieResolvedAgainstRule }) as never,
    );
  });

  it('ranks each group by its firms’ best qualification grade, with its own list size, and excludes a firm no group takes', () => {
    const grouped: MethodologyVersion = {
      ...methodology,
      groups: [
        { code: 'TOP', name: '特级、一级', qualificationGrades: ['SPECIAL', 'GRADE_1'], listSize: 1 },
        { code: 'SECOND', name: '二级', qualificationGrades: ['GRADE_2'], listSize: 1 },
      ],
    };
    const result = computeRanking({
      methodology: grouped,
      firms: [
        firmInput(A, '300', '200', '5', { bestQualificationGrade: 'SPECIAL' }),
        firmInput(B, '200', '100', '5', { bestQualificationGrade: 'GRADE_1' }),
        firmInput(C, '100', '100', '2', { bestQualificationGrade: 'GRADE_2' }),
        firmInput(D, '100', '100', '2', { bestQualificationGrade: 'GRADE_3' }),
      ],
      tieResolutions: [],
    });
    expect(result.entries.map((e) => [e.enterpriseCode, e.groupCode, e.groupRank, e.position, e.listed])).toEqual([
      // In a group of two, growth is min-max between them: B (doubled) 80 points, A (half again) 70.
      [B, 'TOP', 1, 1, true],
      [A, 'TOP', 2, 2, false],
      [C, 'SECOND', 1, 3, true],
    ]);
    // Alone in its group, C takes every metric's full points but the share of its own maximum.
    expect(result.entries[2]!.total).toBe('100.0000');
    expect(result.exclusions).toEqual([{ enterpriseCode: D, grounds: ['NO_GROUP'], details: ['No group takes qualification grade GRADE_3.'] }]);
    expect(result.listedCount).toBe(2);
  });

  it('separates a tie on the total by the tie-break metric and says so', () => {
    // Equal totals, different OUTPUT points: min-max growth gives B what OUTPUT takes away.
    const minMax = { ...methodology, metrics: [{ ...methodology.metrics[0]!, weight: 50 }, { ...methodology.metrics[1]!, weight: 50, normalisation: 'MIN_MAX' as const }] };
    const firms: FirmInput[] = [
      { enterpriseCode: A, figures: [{ metric: 'OUTPUT', value: '100', previousValue: null }, { metric: 'OUTPUT_GROWTH', value: '0', previousValue: null }], eligibility: good, excludedByDecision: null },
      { enterpriseCode: B, figures: [{ metric: 'OUTPUT', value: '0', previousValue: null }, { metric: 'OUTPUT_GROWTH', value: '10', previousValue: null }], eligibility: good, excludedByDecision: null },
    ];
    const result = computeRanking({ methodology: minMax, firms, tieResolutions: [] });
    expect(result.entries.map((e) => [e.enterpriseCode, e.total, e.placedBy])).toEqual([
      [A, '50.0000', null],
      [B, '50.0000', 'METRIC:OUTPUT'],
    ]);
  });
});

