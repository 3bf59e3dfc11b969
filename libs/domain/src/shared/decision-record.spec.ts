import { describe, expect, it } from '@jest/globals';
import { FieldErrors, type InvalidInput } from './errors.js';
import { AT_LEAST_TWO_THIRDS, isCarried, meetsQuorum, validDecisionRecord } from './decision-record.js';
import { formatYuan, validFen } from './money.js';

function check(value: unknown): string[] {
  const errors = new FieldErrors();
  validDecisionRecord(errors, 'decision', value);
  try {
    errors.throwIfAny();
    return [];
  } catch (error) {
    return (error as InvalidInput).fieldErrors.map((e) => e.field);
  }
}

describe('decision records', () => {
  const council = { body: 'COUNCIL', reference: '岳建协〔2020〕12号', decidedOn: '2020-06-18' };

  it('accepts a body, a reference and a date, with or without a vote count', () => {
    expect(check(council)).toEqual([]);
    expect(check({ ...council, votes: { entitled: 44, present: 40, inFavour: 35, against: 3, abstaining: 2 } })).toEqual([]);
  });

  it('refuses an unknown body, an empty reference and an impossible date', () => {
    expect(check({ body: 'MAYOR', reference: ' ', decidedOn: '2020-02-30' }).sort()).toEqual(
      ['decision.body', 'decision.decidedOn', 'decision.reference'].sort(),
    );
  });

  it('refuses vote counts that do not add up', () => {
    expect(check({ ...council, votes: { entitled: 10, present: 12, inFavour: 12, against: 0, abstaining: 0 } })).toEqual(['decision.votes.present']);
    expect(check({ ...council, votes: { entitled: 10, present: 8, inFavour: 5, against: 1, abstaining: 1 } })).toEqual(['decision.votes']);
    expect(check({ ...council, votes: { entitled: 10, present: 8, inFavour: -1, against: 1, abstaining: 1 } })).toEqual(['decision.votes.inFavour']);
  });

  it('computes quorum and majority from the counts', () => {
    expect(meetsQuorum({ entitled: 44, present: 22, inFavour: 20, against: 2, abstaining: 0 })).toBe(false);
    expect(meetsQuorum({ entitled: 44, present: 23, inFavour: 20, against: 2, abstaining: 1 })).toBe(true);
    expect(meetsQuorum({ entitled: 30, present: 20, inFavour: 20, against: 0, abstaining: 0 }, AT_LEAST_TWO_THIRDS)).toBe(true);
    expect(meetsQuorum({ entitled: 30, present: 19, inFavour: 19, against: 0, abstaining: 0 }, AT_LEAST_TWO_THIRDS)).toBe(false);
    expect(isCarried({ entitled: 44, present: 40, inFavour: 20, against: 20, abstaining: 0 })).toBe(false);
    expect(isCarried({ entitled: 44, present: 40, inFavour: 21, against: 19, abstaining: 0 })).toBe(true);
  });
});

describe('money in fen', () => {
  it('refuses fractions, negatives and non-numbers, and formats yuan', () => {
    const errors = new FieldErrors();
    validFen(errors, 'a', 1.5);
    validFen(errors, 'b', -1);
    validFen(errors, 'c', '100');
    validFen(errors, 'd', 0, { positive: true });
    expect(errors.isEmpty).toBe(false);
    expect(() => errors.throwIfAny()).toThrow(/a: .*b: .*c: .*d: /s);
    expect(formatYuan(300_000_00)).toBe('¥300,000.00');
    expect(formatYuan(5)).toBe('¥0.05');
  });
});
