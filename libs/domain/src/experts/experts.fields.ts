// Field rules of the expert pool's parse steps.
import { checkCreditCode, type FieldErrors, matches, optionalText, requiredText } from '../shared/index.js';
import { EXPERT_SPECIALTIES, type ExpertSpecialty } from './experts.events.js';

export const CONFLICT_ID = /^[A-Za-z0-9-]{1,64}$/;
/** A recording context's event id: letters, digits and `_ . : @ -` (a UUID, or `<stream>@<revision>`). */
export const SOURCE_EVENT_ID = /^[A-Za-z0-9_.:@-]{1,200}$/;
/** A work's id as its context writes it (`<editionId>/<entryId>`, `<cycleId>`, `<cycleId>/<subjectId>`): no spaces. */
export const WORK_ID = /^[\p{L}\p{N}_.:/-]{1,200}$/u;
export const CRITERION = /^[A-Z][A-Z0-9_]{0,39}$/;
/** An exact decimal of at most four whole digits and two places. */
export const POINTS = /^(0|[1-9][0-9]{0,3})(\.[0-9]{1,2})?$/;
export const MAX_ROUND = 99;
export const TITLE_MAX = 50;
export const REASON_MAX = 2000;

/** A non-empty list of distinct specialties of the closed list, answered in the list's order. */
export function validSpecialties(errors: FieldErrors, field: string, value: unknown): ExpertSpecialty[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add(field, `must list at least one of ${EXPERT_SPECIALTIES.join(', ')}.`);
    return [];
  }
  const unknown = value.filter((v) => !EXPERT_SPECIALTIES.includes(v as ExpertSpecialty));
  if (unknown.length > 0) {
    errors.add(field, `must each be one of ${EXPERT_SPECIALTIES.join(', ')}.`);
    return [];
  }
  if (new Set(value).size !== value.length) errors.add(field, 'must not list a specialty twice.');
  return EXPERT_SPECIALTIES.filter((s) => value.includes(s));
}

/** A unified social credit code with a correct check character, normalised. */
export function validEnterpriseCode(errors: FieldErrors, field: string, value: unknown): string {
  const check = checkCreditCode(typeof value === 'string' ? value : '');
  if (check.kind === 'valid') return check.code;
  errors.add(field, check.kind === 'malformed' ? `must be a unified social credit code: ${check.reason}.` : `has a wrong check character (expected ${check.expected}).`);
  return '';
}

export function validTitle(errors: FieldErrors, field: string, value: unknown): string {
  return requiredText(errors, field, value, { max: TITLE_MAX, label: 'The title' });
}

export function validReason(errors: FieldErrors, field: string, value: unknown): string {
  return requiredText(errors, field, value, { max: REASON_MAX, multiline: true, label: 'The reason' });
}

/** The expert's sign-in user id, or null for an expert without an account. */
export function validUserId(errors: FieldErrors, field: string, value: unknown): string | null {
  return optionalText(errors, field, value, { max: 100, label: 'The user id' }) ?? null;
}

/** Points in their one written form: no trailing zeros after the point (`87.50` is `87.5`, `90.0` is `90`). */
export function validPoints(errors: FieldErrors, field: string, value: unknown): string {
  const given = matches(errors, field, value, POINTS, 'must be a decimal from 0 to 9999.99 with at most two places, written with a point (e.g. 87.5).');
  return POINTS.test(given) && given.includes('.') ? given.replace(/0+$/, '').replace(/\.$/, '') : given;
}
