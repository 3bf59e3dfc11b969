import { describe, expect, it } from '@jest/globals';
import { FieldErrors, InvalidInput } from './errors.js';
import { ruledText, textProblem } from './fields.js';

describe('the text rule', () => {
  it('takes names and free text in any script, LF only in free text', () => {
    for (const value of ['武汉江城建设有限公司', 'Müller & Söhne GmbH', 'شركة البناء', '鄂建协〔2026〕12号', 'A', '😀 emoji']) {
      expect(textProblem(value, 'line')).toBeNull();
    }
    expect(textProblem('第一行\n第二行', 'multiline')).toBeNull();
    expect(textProblem('第一行\n第二行', 'line')).toMatchObject({ kind: 'control' });
  });

  it('refuses control characters: CR, tab and NUL even in free text, and the Unicode line separators', () => {
    for (const value of ['a\r\nb', 'a\tb', 'a\u0000b', 'a\u0007', '\u0085x', 'a\u2028b', 'a\u2029b', '\u007f']) {
      expect(textProblem(value, 'multiline')).toMatchObject({ kind: 'control' });
      expect(textProblem(value, 'line')).toMatchObject({ kind: 'control' });
    }
  });

  it('refuses bidirectional overrides and isolates, which reorder what a reader sees', () => {
    for (const value of ['invoice\u202Efdp.exe', '\u202Aa', '\u202Db', 'x\u2066y\u2069', '\u2067\u2068']) {
      expect(textProblem(value, 'line')).toMatchObject({ kind: 'bidi' });
    }
  });

  it('refuses text with nothing to read: spaces and invisible characters only', () => {
    for (const value of ['', '   ', '\u200B\u200B', '\uFEFF', '\u00AD', '\u3000', '\u2060\u200D', '\u200E', '\u115F\u1160']) {
      expect(textProblem(value, 'line')).toMatchObject({ kind: 'blank' });
    }
    expect(textProblem('\u200Bx', 'line')).toBeNull();
  });

  it('refuses unpaired surrogates but takes surrogate pairs', () => {
    expect(textProblem('a\uD800', 'line')).toMatchObject({ kind: 'surrogate' });
    expect(textProblem('\uDC00b', 'multiline')).toMatchObject({ kind: 'surrogate' });
    expect(textProblem('\uD83D\uDE00', 'line')).toBeNull();
  });

  it('as a field rule, records the problem under the field with the others', () => {
    const errors = new FieldErrors();
    ruledText(errors, 'name', 'a\u202Eb', 'line');
    ruledText(errors, 'reason', 'ok\nok', 'multiline');
    ruledText(errors, 'note', '\u200B', 'multiline');
    expect(() => errors.throwIfAny()).toThrow(InvalidInput);
    try {
      errors.throwIfAny();
    } catch (error) {
      expect((error as InvalidInput).fieldErrors.map((e) => e.field)).toEqual(['name', 'note']);
    }
  });
});
