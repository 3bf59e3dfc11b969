import type { FieldErrors } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar date of an instant in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD. */
export function businessDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** An optional business date (YYYY-MM-DD) defaulting to today's date in China. */
export function effectiveDate(errors: FieldErrors, field: string, value: string | null | undefined, now: Date): string {
  if (value === undefined || value === null) return businessDate(now);
  if (!isIsoDate(value)) {
    errors.add(field, 'must be a calendar date written YYYY-MM-DD.');
    return businessDate(now);
  }
  return value;
}
