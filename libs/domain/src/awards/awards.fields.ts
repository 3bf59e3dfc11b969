// Field rules the awards deciders share.
import { checkCreditCode, type FieldErrors, normaliseCreditCode } from '../shared/index.js';
import { isPersonId } from '../persons/persons.events.js';
import type { EntrySubjectKind } from './awards.rulebook.js';

/** Ids the register assigns or an admin chooses: edition, entry, objection ids. */
export const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Codes of categories, channels, rubric items, rounds, grades, specialties. */
export const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
/** A project's id in the association's register of projects. */
export const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Award certificate numbers: ASCII letters, digits and hyphens, e.g. `HH2026-001`. */
export const AWARD_CERTIFICATE_NUMBER = /^[A-Za-z0-9-]{1,40}$/;
export const TEXT_MAX = 2000;

export function idField(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) errors.add(field, 'must be lower-case letters, digits and hyphens (at most 64).');
  return typeof value === 'string' ? value : '';
}

export function codeField(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !CODE.test(value)) errors.add(field, 'must be a code: capital letters, digits and _, starting with a letter.');
  return typeof value === 'string' ? value : '';
}

/** A unified social credit code, normalised (upper case, trimmed), or a field error. */
export function enterpriseCodeField(errors: FieldErrors, field: string, value: unknown): string {
  const code = typeof value === 'string' ? normaliseCreditCode(value) : '';
  // A genuine code that fails its check can be in the register by an audited override, so only the shape is required here.
  if (checkCreditCode(code).kind === 'malformed') errors.add(field, 'must be a unified social credit code (18 characters of the GB 32100-2015 alphabet).');
  return code;
}

/**
 * The subject of an entry, by kind: a firm by its credit code, a project by its register id, a person by their id in
 * the persons register (never a name or an identity number).
 */
export function subjectIdField(errors: FieldErrors, field: string, kind: EntrySubjectKind, value: unknown): string {
  if (kind === 'ENTERPRISE') return enterpriseCodeField(errors, field, value);
  if (kind === 'PERSON') {
    if (!isPersonId(value)) errors.add(field, 'must be a person id of the persons register (PSN…): register the person first.');
    return typeof value === 'string' ? value : '';
  }
  if (typeof value !== 'string' || !PROJECT_ID.test(value)) errors.add(field, 'must be a project id: letters, digits and hyphens (at most 64).');
  return typeof value === 'string' ? value : '';
}
