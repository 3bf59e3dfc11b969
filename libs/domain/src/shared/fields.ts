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
