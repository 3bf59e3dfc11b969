import type { FieldError } from '#domain/shared';

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
