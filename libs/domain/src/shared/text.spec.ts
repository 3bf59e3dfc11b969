import { describe, expect, it } from '@jest/globals';
import { FieldErrors, type InvalidInput } from './errors.js';
import { optionalText, requiredText } from './text.js';

function fieldErrorsOf(check: (errors: FieldErrors) => void): { field: string; message: string }[] {
  const errors = new FieldErrors();
  check(errors);
  try {
    errors.throwIfAny();
    return [];
  } catch (error) {
    return [...(error as InvalidInput).fieldErrors];
  }
}

describe('deciders apply the register text rule to the text they parse', () => {
  it('refuses a one-line name with a line break, a bidi override or only zero-width spaces, naming the field', () => {
    for (const name of ['第一行\n第二行', '武汉\u202Egpj.exe', '\u200B\u200B']) {
      const errors = fieldErrorsOf((e) => requiredText(e, 'name', name, { max: 200, label: 'The name' }));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ field: 'name' });
      expect(errors[0]!.message).toMatch(/^The name must/);
    }
  });

  it('takes line feeds in free text but refuses carriage returns, tabs and NUL there too', () => {
    expect(fieldErrorsOf((e) => requiredText(e, 'reason', '经理事会审议\n同意减免', { max: 2000, multiline: true }))).toEqual([]);
    for (const reason of ['a\r\nb', 'a\tb', 'a\u0000b']) {
      expect(fieldErrorsOf((e) => optionalText(e, 'reason', reason, { max: 2000, multiline: true }))).toEqual([
        { field: 'reason', message: expect.stringContaining('control characters') },
      ]);
    }
  });

  it('returns ordinary text trimmed, in any script', () => {
    const errors = new FieldErrors();
    expect(requiredText(errors, 'name', '  湖南建工集团有限公司 ', { max: 200 })).toBe('湖南建工集团有限公司');
    expect(errors.isEmpty).toBe(true);
  });
});
