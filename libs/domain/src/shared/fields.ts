import type { FieldErrors } from './errors.js';
import { isIsoDate } from './dates.js';

// Field rules every context's parse step uses: each adds its error under the field's name and returns the value
// (or a neutral one), so that one pass reports every wrong field of a command at once.

export function oneOf<T extends string>(errors: FieldErrors, field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) errors.add(field, `must be one of ${allowed.join(', ')}.`);
  return value as T;
}

export function matches(errors: FieldErrors, field: string, value: unknown, pattern: RegExp, message: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) errors.add(field, message);
  return typeof value === 'string' ? value : '';
}

export function calendarDate(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) errors.add(field, 'must be a calendar date written YYYY-MM-DD.');
  return typeof value === 'string' ? value : '';
}

export function wholeNumber(errors: FieldErrors, field: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    errors.add(field, `must be a whole number from ${min} to ${max}.`);
    return min;
  }
  return value as number;
}

/**
 * The one text rule for names and free text. `line` is a name, a title, a reference or an identifier: one line.
 * `multiline` is free text (a reason, a note, grounds, a description): the same, but it may break lines with LF.
 */
export type TextKind = 'line' | 'multiline';

export type TextProblemKind = 'control' | 'bidi' | 'surrogate' | 'blank';

export interface TextProblem {
  readonly kind: TextProblemKind;
  readonly message: string;
}

// In a `u` pattern an unpaired surrogate is a code point of its own, of category Cs; a pair is one astral character.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
// C0 and C1 controls (tab, CR and LF among them) and the Unicode line and paragraph separators; `multiline` allows LF.
const LINE_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;
const MULTILINE_CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/u;
// Embeddings, overrides (U+202E shows "txt.exe" as "exe.txt") and isolates: they reorder what a reader sees.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
// What leaves nothing to read: spaces of every kind and the default-ignorable characters (zero-width space and
// joiners, word joiner, byte order mark, soft hyphen, bidi marks, variation selectors, Hangul fillers, tags).
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * What is wrong with `value` as text of `kind`, or null when nothing is: a control character (other than LF in
 * multi-line text), a bidirectional override or isolate, an unpaired UTF-16 surrogate (no character at all;
 * Postgres refuses it), or nothing left to read once spaces and invisible characters are taken away. Every name
 * and free-text field is checked by this rule, at the API and in the deciders that adopt it.
 */
export function textProblem(value: string, kind: TextKind): TextProblem | null {
  if (UNPAIRED_SURROGATE.test(value)) return { kind: 'surrogate', message: 'contains an unpaired UTF-16 surrogate, which is no character.' };
  if ((kind === 'line' ? LINE_CONTROLS : MULTILINE_CONTROLS).test(value)) {
    return {
      kind: 'control',
      message:
        kind === 'line'
          ? 'must be one line without control characters (no line breaks, tabs, U+0000 to U+001F, U+007F to U+009F, U+2028 or U+2029).'
          : 'must not contain control characters other than line feeds (no tabs, carriage returns, U+0000 to U+001F, U+007F to U+009F, U+2028 or U+2029).',
    };
  }
  if (BIDI_CONTROLS.test(value)) {
    return { kind: 'bidi', message: 'must not contain bidirectional overrides or isolates (U+202A to U+202E, U+2066 to U+2069).' };
  }
  if (value.replace(INVISIBLE, '').length === 0) return { kind: 'blank', message: 'must not be blank (it holds only spaces or invisible characters).' };
  return null;
}

/** The text rule as a field rule: records the problem under the field's name; returns the value as given. */
export function ruledText(errors: FieldErrors, field: string, value: string, kind: TextKind): string {
  const problem = textProblem(value, kind);
  if (problem) errors.add(field, problem.message);
  return value;
}
