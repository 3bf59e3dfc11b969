import { businessDate, type FieldError, isIsoDate } from '#domain/shared';

/**
 * The instant an "as of" query answers for: the one asked, or now (from the injected clock). An instant in the
 * future is refused on its field: the register can say what it held at an instant that has passed, but an answer
 * "as of" tomorrow would only be today's answer under another date, and could still change before then.
 */
export function asOfInstant(asOf: Date | null | undefined, now: Date, errors: FieldError[], field = 'asOf'): Date {
  if (asOf === null || asOf === undefined) return now;
  // The DateTime scalar lets a string that is no date through as an invalid Date.
  if (Number.isNaN(asOf.getTime())) {
    errors.push({ field, message: 'must be an instant in ISO 8601, e.g. 2024-05-01T08:00:00+08:00.' });
  } else if (asOf.getTime() > now.getTime()) {
    errors.push({
      field,
      message: `${asOf.toISOString()} is in the future (the register's clock reads ${now.toISOString()}): ask as of an instant that has passed, or leave it out for now.`,
    });
  }
  return asOf;
}

/**
 * The business date a two-axis query answers for: the one asked (YYYY-MM-DD), or the date of `asOf` in China. A
 * malformed date is refused on its field. A date after `asOf` is allowed: it is answered from what was recorded by
 * `asOf` alone.
 */
export function effectiveDate(effectiveAt: string | null | undefined, asOf: Date, errors: FieldError[], field = 'effectiveAt'): string {
  if (effectiveAt === null || effectiveAt === undefined) return Number.isNaN(asOf.getTime()) ? '' : businessDate(asOf);
  if (!isIsoDate(effectiveAt)) errors.push({ field, message: 'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-01.' });
  return effectiveAt;
}

/** The schema's words for the two axes, the same on every query that takes them. */
export const AS_OF_DESCRIPTION =
  'Knowledge instant: the answer uses only what the register had recorded by then (default now; not in the future). ' +
  'A change or correction recorded later, even one dated back before `effectiveAt`, does not change what this `asOf` answers.';

export const EFFECTIVE_AT_DESCRIPTION =
  'Business date (YYYY-MM-DD, China) the answer is for: what was in effect that day (default: the date of `asOf` in China, today when both are left out). ' +
  'A back-dated fact (a payment, a decision dated before it was recorded) counts from its own date, once `asOf` is after its recording.';
