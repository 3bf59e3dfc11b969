import { describe, expect, it } from '@jest/globals';
import { FieldErrors, formatYuan, InvalidInput, type VoteCount } from '../shared/index.js';
import { compareFractions, rankRound, recomputeEditionResults, resultList, totalFenOf, weightedTotal } from './award-results.js';
import type { AwardEditionOpened, AwardRoundRanked, AwardVoteRecorded, RankingInput } from './awards.events.js';
import { advancingCount, type AwardRulebook, purseOf, validAwardRulebook } from './awards.rulebook.js';

const BASE: AwardRulebook = {
  rulebookId: 'qc',
  version: 1,
  referenceNumber: '鄂市政协〔2022〕8号',
  effectiveFrom: '2022-01-01',
  programmeKind: 'QC_RESULT',
  subjectKind: 'PROJECT',
  categories: [{ code: 'QC', name: 'QC 成果', places: null, amountFen: null }],
  channels: [{ code: 'MEMBERS', name: '会员单位', quota: 1000 }],
  eligibility: { membershipInGoodStanding: true, minimumCreditGrade: null, creditGrades: ['AAA', 'AA', 'A'], yearsSinceAcceptance: null, noMajorAccident: false, barsReentryAfterFailure: false },
  rubric: [
    { code: 'METHOD', name: '方法', maxHundredths: 6000, weight: 60 },
    { code: 'EFFECT', name: '效果', maxHundredths: 4000, weight: 40 },
  ],
  normalisation: 'NONE',
  rounds: [
    { code: 'REVIEW', kind: 'DOCUMENT_REVIEW', panelSize: 3, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
  votes: { ballot: 'SIGNED', quorum: { moreThan: [1, 2] }, pass: { moreThan: [1, 2] } },
  grading: 'QUOTAS',
  grades: [
    { code: 'FIRST', minScore: null, quota: 85, vote: { moreThan: [1, 2] } },
    { code: 'SECOND', minScore: null, quota: 200, vote: { moreThan: [1, 2] } },
    { code: 'THIRD', minScore: null, quota: 121, vote: { moreThan: [1, 2] } },
  ],
  noticeDays: 7,
  tieBreak: [{ by: 'ITEM', item: 'METHOD' }, { by: 'SUBMITTED_FIRST' }, { by: 'ENTRY_ID' }],
  budgetFen: null,
};

const validated = (rulebook: unknown): AwardRulebook => {
  const errors = new FieldErrors();
  const parsed = validAwardRulebook(errors, 'rulebook', rulebook);
  errors.throwIfAny();
  return parsed;
};

/** 406 QC results, three judges each, scores spread deterministically (no two alike). */
function qcResults(): RankingInput[] {
  return Array.from({ length: 406 }, (_, i) => {
    const id = `qc-${String(i + 1).padStart(3, '0')}`;
    const scores = ['J1', 'J2', 'J3'].map((expertId, j) => {
      const items = [
        { code: 'METHOD', points: 2000 + ((i * 37 + j * 11) % 4000) },
        { code: 'EFFECT', points: 1000 + ((i * 53 + j * 7) % 3000) },
      ];
      return { expertId, items, weightedTotal: weightedTotal(items, BASE.rubric) };
    });
    return { entryId: id, category: 'QC', submittedOn: '2022-06-01', scores, inspection: null };
  });
}

const carried: VoteCount = { entitled: 15, present: 13, inFavour: 11, against: 1, abstaining: 1 };

describe('grading a QC edition of 406 results (Hubei 2022: 85 first, 200 second, 121 third class)', () => {
  it('grades by quotas: the best 85 first class, the next 200 second, the last 121 third', () => {
    const rulebook = validated(BASE);
    const { ranking } = rankRound(rulebook, 'REVIEW', true, qcResults());
    expect(ranking).toHaveLength(406);
    const count = (g: string) => ranking.filter((r) => r.grade === g).length;
    expect([count('FIRST'), count('SECOND'), count('THIRD')]).toEqual([85, 200, 121]);
    // Ranked strictly by score: every first-class score at least every second-class one.
    const worstFirst = ranking.filter((r) => r.grade === 'FIRST').at(-1)!.score;
    const bestSecond = ranking.find((r) => r.grade === 'SECOND')!.score;
    expect(compareFractions(worstFirst, bestSecond)).toBeGreaterThanOrEqual(0);
    expect(ranking.map((r) => r.rank)).toEqual(Array.from({ length: 406 }, (_, i) => i + 1));
    const results = resultList(rulebook, ranking, new Map(ranking.map((r) => [r.entryId, carried])));
    expect(results).toHaveLength(406);
  });

  it('grades by score bands just as well, each band a least weighted score', () => {
    const bands = validated({
      ...BASE,
      grading: 'BANDS',
      grades: [
        { code: 'FIRST', minScore: 900_000, quota: null, vote: { moreThan: [1, 2] } },
        { code: 'SECOND', minScore: 800_000, quota: null, vote: { moreThan: [1, 2] } },
        { code: 'THIRD', minScore: 700_000, quota: null, vote: { moreThan: [1, 2] } },
      ],
      rubric: [{ code: 'METHOD', name: '总分', maxHundredths: 10_000, weight: 100 }],
      tieBreak: [{ by: 'ENTRY_ID' }],
    });
    // 85 results at 90.00–90.84, 200 at 80.00–81.99, 121 at 70.00–71.20: one judge, one item scored in hundredths.
    const points = [...Array.from({ length: 85 }, (_, i) => 9000 + i), ...Array.from({ length: 200 }, (_, i) => 8000 + i), ...Array.from({ length: 121 }, (_, i) => 7000 + i)];
    const inputs = points.map((p, i) => {
      const items = [{ code: 'METHOD', points: p }];
      return { entryId: `qc-${String(i + 1).padStart(3, '0')}`, category: 'QC', submittedOn: '2022-06-01', scores: [{ expertId: 'J1', items, weightedTotal: weightedTotal(items, bands.rubric) }], inspection: null };
    });
    const { ranking } = rankRound(bands, 'REVIEW', true, inputs);
    const count = (g: string) => ranking.filter((r) => r.grade === g).length;
    expect([count('FIRST'), count('SECOND'), count('THIRD')]).toEqual([85, 200, 121]);
  });

  it('advances the top 30% with the rounding the rulebook states', () => {
    expect(advancingCount(406, { fraction: [3, 10], rounding: 'UP' })).toBe(122);
    expect(advancingCount(406, { fraction: [3, 10], rounding: 'DOWN' })).toBe(121);
    expect(advancingCount(10, { fraction: [3, 10], rounding: 'UP' })).toBe(3);
    expect(advancingCount(406, null)).toBe(406);
  });
});

describe('a monetary edition like Kaiping 2023 (27 firms in 5 categories, 15.3 million yuan)', () => {
  const KAIPING = {
    ...BASE,
    rulebookId: 'kaiping',
    programmeKind: 'MONETARY_AWARD',
    subjectKind: 'ENTERPRISE',
    categories: [
      { code: 'OUTPUT', name: '产值贡献奖', places: 3, amountFen: 150_000_000 },
      { code: 'TAX', name: '纳税贡献奖', places: 5, amountFen: 80_000_000 },
      { code: 'GROWTH', name: '成长奖', places: 6, amountFen: 50_000_000 },
      { code: 'QUALITY', name: '质量奖', places: 8, amountFen: 30_000_000 },
      { code: 'NEWCOMER', name: '新入库奖', places: 5, amountFen: 28_000_000 },
    ],
    grading: 'NONE',
    grades: [],
    budgetFen: 1_530_000_000,
  };

  it('holds a purse that sums to the fen, and refuses one a fen off', () => {
    expect(purseOf(validated(KAIPING).categories)).toBe(1_530_000_000);
    expect(() => validated({ ...KAIPING, budgetFen: 1_530_000_001 })).toThrow(InvalidInput);
    try {
      validated({ ...KAIPING, budgetFen: 1_530_000_001 });
    } catch (error) {
      expect((error as InvalidInput).fieldErrors.map((e) => e.field)).toEqual(['rulebook.budgetFen']);
    }
  });

  it('awards 27 firms across the 5 categories, the places capping each, for exactly ¥15,300,000.00', () => {
    const rulebook = validated(KAIPING);
    // 32 applicants: each category has two more than its places.
    const inputs: RankingInput[] = rulebook.categories.flatMap((c) =>
      Array.from({ length: c.places! + 2 }, (_, i) => {
        const items = [
          { code: 'METHOD', points: 5900 - i * 100 },
          { code: 'EFFECT', points: 3900 - i * 50 },
        ];
        return { entryId: `${c.code.toLowerCase()}-${i + 1}`, category: c.code, submittedOn: '2023-03-01', scores: [{ expertId: 'J1', items, weightedTotal: weightedTotal(items, rulebook.rubric) }], inspection: null };
      }),
    );
    const { ranking } = rankRound(rulebook, 'REVIEW', true, inputs);
    const results = resultList(rulebook, ranking, new Map(ranking.map((r) => [r.entryId, carried])));
    expect(results).toHaveLength(27);
    expect(rulebook.categories.map((c) => results.filter((r) => r.category === c.code).length)).toEqual([3, 5, 6, 8, 5]);
    expect(totalFenOf(results)).toBe(1_530_000_000);
    expect(formatYuan(totalFenOf(results))).toBe('¥15,300,000.00');

    // The same from recorded events: opened, ranked, the votes; recomputed by the verifier's function.
    const key = { associationId: 'assoc-kaiping', editionId: 'kaiping-2023' };
    const events = [
      { type: 'AwardEditionOpened', data: { ...key, programmeCode: 'KAIPING', title: '2023 年度奖励', year: 2023, rulebook, openedOn: '2023-01-10' } } satisfies AwardEditionOpened,
      {
        type: 'AwardRoundRanked',
        data: { ...key, roundCode: 'REVIEW', rulebookId: 'kaiping', rulebookVersion: 1, final: true, rankedOn: '2023-04-01', inputs, normalisation: [], ranking },
      } satisfies AwardRoundRanked,
      ...ranking.map(
        (r) =>
          ({
            type: 'AwardVoteRecorded',
            data: { ...key, entryId: r.entryId, roundCode: 'VOTE', ballot: 'SIGNED', passed: true, decision: { body: 'COUNCIL', reference: '开建联〔2023〕2号', decidedOn: '2023-04-10', votes: carried } },
          }) satisfies AwardVoteRecorded,
      ),
    ];
    const recomputed = recomputeEditionResults(events);
    expect(recomputed.totalFen).toBe(1_530_000_000);
    expect(recomputed.rankings).toEqual([{ roundCode: 'REVIEW', reproduces: true }]);
  });
});

describe('scores in exact arithmetic', () => {
  const rulebook = validated({ ...BASE, grading: 'NONE', grades: [], normalisation: 'JUDGE_MEAN_CENTRED' });
  const score = (expertId: string, method: number, effect: number) => {
    const items = [
      { code: 'METHOD', points: method },
      { code: 'EFFECT', points: effect },
    ];
    return { expertId, items, weightedTotal: weightedTotal(items, rulebook.rubric) };
  };

  it('stores each judge\'s mean, the round\'s mean and the offset applied, and ranks on the normalised scores', () => {
    // J2 is harsh: scores everyone 1000 hundredths lower on METHOD. Entry b is scored only by J1 and J3, a by J2 and J3.
    const inputs: RankingInput[] = [
      { entryId: 'a', category: 'QC', submittedOn: '2022-06-01', scores: [score('J2', 4000, 3000), score('J3', 5000, 3000)], inspection: null },
      { entryId: 'b', category: 'QC', submittedOn: '2022-06-01', scores: [score('J1', 4900, 3000), score('J3', 4900, 3000)], inspection: null },
    ];
    const { normalisation, ranking } = rankRound(rulebook, 'REVIEW', true, inputs);
    expect(normalisation).toEqual([
      { expertId: 'J1', judgeMean: { numerator: 414000, denominator: 1 }, roundMean: { numerator: 1608000, denominator: 4 }, offset: -12000 },
      { expertId: 'J2', judgeMean: { numerator: 360000, denominator: 1 }, roundMean: { numerator: 1608000, denominator: 4 }, offset: 42000 },
      { expertId: 'J3', judgeMean: { numerator: 834000, denominator: 2 }, roundMean: { numerator: 1608000, denominator: 4 }, offset: -15000 },
    ]);
    // Raw, b leads (414000 against 390000). Normalised: a = (360000+42000 + 420000−15000)/2, b = (414000−12000 + 414000−15000)/2.
    expect(ranking.map((r) => [r.entryId, r.score])).toEqual([
      ['a', { numerator: 807000, denominator: 2 }],
      ['b', { numerator: 801000, denominator: 2 }],
    ]);
  });

  it('breaks a tie by the rulebook\'s keys in order: an item, then the earlier submission, then the entry id', () => {
    const plain = validated({ ...BASE, grading: 'NONE', grades: [] });
    const tie = (entryId: string, submittedOn: string, method: number, effect: number): RankingInput => ({ entryId, category: 'QC', submittedOn, scores: [score('J1', method, effect)], inspection: null });
    // All three total 390000: 5000×60 + 2250×40, 4500×60 + 3000×40.
    const ranked = rankRound(plain, 'REVIEW', true, [tie('z', '2022-06-02', 4500, 3000), tie('y', '2022-06-03', 5000, 2250), tie('x', '2022-06-02', 4500, 3000)]).ranking;
    expect(ranked.map((r) => r.entryId)).toEqual(['y', 'x', 'z']);
    const late = rankRound(plain, 'REVIEW', true, [tie('a', '2022-06-05', 4500, 3000), tie('b', '2022-06-01', 4500, 3000)]).ranking;
    expect(late.map((r) => r.entryId)).toEqual(['b', 'a']);
  });
});
