import { calendarDate, type FieldErrors } from '../shared/index.js';

// Field rules the membership context's parse steps share (associations, memberships, council terms).

/** Longest reason or note a secretariat may record. */
export const REASON_MAX = 2000;

/** A date a command may leave out (the decision then takes a default): checked when given. */
export function optionalDate(errors: FieldErrors, field: string, value: string | null | undefined): string | null {
  return value == null ? null : calendarDate(errors, field, value);
}
