import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidInput } from './errors.js';
import { defineStreamKind, InvalidStreamPart, streamCategory } from './stream-id.js';

const Account = defineStreamKind<[associationId: string, enterpriseCode: string, year: number]>('duesAccount', ['associationId', 'enterpriseCode', 'year']);
const Receipt = defineStreamKind<[associationId: string, receiptNumber: string]>('duesReceipt', ['associationId', 'receiptNumber']);
const One = defineStreamKind<[id: string]>('association', ['id']);

const part = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('ab', 'receipt-ab', 'a:b', '%3A', '%', '-', ':', '鄂建协收字0012', '(1)'));

describe('stream ids', () => {
  it('keep the receipt of one association out of the dues account of another', () => {
    const code = '91420100177678329F';
    // Under the old scheme both were `dues-receipt-ab-91420100177678329F-2026`.
    expect(Receipt.id('ab', `${code}-2026`)).toBe('duesReceipt-ab:91420100177678329F-2026');
    expect(Account.id('receipt-ab', code, 2026)).toBe('duesAccount-receipt-ab:91420100177678329F:2026');
    expect(Receipt.id('ab', `${code}-2026`)).not.toBe(Account.id('receipt-ab', code, 2026));
  });

  it('escape the part separator and the escape character, so no part can forge another', () => {
    expect(Receipt.id('ab', 'x:y')).toBe('duesReceipt-ab:x%3Ay');
    expect(Receipt.id('ab:x', 'y')).toBe('duesReceipt-ab%3Ax:y');
    expect(Receipt.id('ab', '100%')).toBe('duesReceipt-ab:100%25');
    expect(Receipt.id('ab', '№ 1/2')).toBe('duesReceipt-ab:%E2%84%96%201%2F2');
  });

  it('keep letters and digits of any script readable', () => {
    expect(Receipt.id('wuhan-cia', '鄂建协收字0012')).toBe('duesReceipt-wuhan-cia:鄂建协收字0012');
  });

  it('are one-to-one within a kind: different parts never give the same id, and parse gives the parts back', () => {
    fc.assert(
      fc.property(part, part, part, part, (a1, r1, a2, r2) => {
        const first = Receipt.id(a1, r1);
        expect(Receipt.parse(first)).toEqual([a1, r1]);
        if (a1 !== a2 || r1 !== r2) expect(Receipt.id(a2, r2)).not.toBe(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('never give the same id for two kinds', () => {
    fc.assert(
      fc.property(part, part, part, fc.nat({ max: 3000 }), (a, r, code, year) => {
        const receipt = Receipt.id(a, r);
        expect(Account.parse(receipt)).toBeNull();
        expect(Receipt.parse(Account.id(a, code, year))).toBeNull();
        expect(streamCategory(receipt)).toBe('duesReceipt');
      }),
      { numRuns: 2000 },
    );
  });

  it('read only the canonical spelling of an id back', () => {
    expect(Receipt.parse('duesReceipt-ab:x%3ay')).toBeNull(); // lower-case hex is a second spelling
    expect(Receipt.parse('duesReceipt-ab:%41')).toBeNull(); // an escaped letter too
    expect(Receipt.parse('duesReceipt-ab')).toBeNull(); // a part missing
    expect(Receipt.parse('duesReceipt-ab::x')).toBeNull(); // an empty part
    expect(One.parse('association-wuhan-cia')).toEqual(['wuhan-cia']);
  });

  it('refuse parts that cannot name a stream as input errors of the field of that name', () => {
    expect(() => Receipt.id('ab', '')).toThrow(InvalidInput);
    expect(() => Account.id('ab', 'x', 2026.5)).toThrow(InvalidInput);
    expect(() => Account.id('ab', 'x', -1)).toThrow(expect.objectContaining({ fieldErrors: [{ field: 'year', message: 'must be a whole number, 0 or more (got -1).' }] }));
    expect(() => Receipt.id('ab', 'x\uD800')).toThrow(/receiptNumber: holds an unpaired surrogate/);
    expect(() => defineStreamKind('dues-account', ['x'])).toThrow(InvalidStreamPart);
  });
});
