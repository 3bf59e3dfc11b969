import type { FieldErrors } from './errors.js';

/**
 * Input rules for the identifiers stream ids are built from. Stream ids escape whatever they are given
 * (stream-id.ts), so these rules are not what keeps streams apart; they keep identifiers printable, comparable
 * and unambiguous to the people who type and read them, and refuse a typo with a field error.
 */

/** Association ids are slugs: lowercase letters, digits and single hyphens, e.g. `wuhan-cia`. */
export const ASSOCIATION_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const ASSOCIATION_ID_RULE = 'The association id must be 2 to 64 lowercase letters, digits and single hyphens, e.g. wuhan-cia.';

export function associationIdProblem(id: unknown): string | null {
  return typeof id === 'string' && id.length >= 2 && id.length <= 64 && ASSOCIATION_ID_PATTERN.test(id) ? null : ASSOCIATION_ID_RULE;
}

/** Checks an association id, recording a field error; returns it unchanged. */
export function validAssociationId(errors: FieldErrors, field: string, value: unknown): string {
  const problem = associationIdProblem(value);
  if (problem) errors.add(field, problem);
  return typeof value === 'string' ? value : '';
}

/**
 * Numbers printed on documents: receipt numbers (收据号) and membership certificate numbers (会员证书编号),
 * e.g. `鄂建协收字〔2026〕第0012号`, `WHJX-2026-0012`, `No.0012/2026`. Letters and digits of any script and the marks
 * below; no spaces or other punctuation. Compared in Unicode NFKC form, so full-width and half-width digits are one
 * number (and receipt numbers also without regard to case).
 */
export const DOCUMENT_NUMBER_MAX = 64;
const DOCUMENT_NUMBER = /^[\p{L}\p{N}\-/._()#〔〕[\]]+$/u;
const DOCUMENT_MARKS = '- / . _ ( ) # 〔 〕 [ ]';

export interface DocumentNumberRule {
  /** How the field is named in messages, e.g. "The receipt number". */
  readonly label: string;
  /** Receipt numbers are compared without regard to case, so they are kept upper-cased. */
  readonly upperCase?: boolean;
}

/** The number in the form it is stored and compared in, or null when it breaks the rule (with the reason). */
export function normaliseDocumentNumber(value: unknown, rule: DocumentNumberRule): { number: string } | { problem: string } {
  if (typeof value !== 'string' || value.trim().length === 0) return { problem: `${rule.label} is required.` };
  const normal = value.trim().normalize('NFKC');
  const number = rule.upperCase ? normal.toUpperCase() : normal;
  const length = [...number].length;
  if (length > DOCUMENT_NUMBER_MAX) return { problem: `${rule.label} must be at most ${DOCUMENT_NUMBER_MAX} characters (got ${length}).` };
  if (!DOCUMENT_NUMBER.test(number)) {
    return { problem: `${rule.label} may hold letters, digits and ${DOCUMENT_MARKS}, with no spaces (got "${value.trim()}").` };
  }
  return { number };
}

/** Checks a document number, recording a field error; returns it normalised ('' when refused). */
export function validDocumentNumber(errors: FieldErrors, field: string, value: unknown, rule: DocumentNumberRule): string {
  const checked = normaliseDocumentNumber(value, rule);
  if ('problem' in checked) {
    errors.add(field, checked.problem);
    return '';
  }
  return checked.number;
}

/** Receipt numbers (收据号): one per payment in an association. */
export const RECEIPT_NUMBER_RULE: DocumentNumberRule = { label: 'The receipt number', upperCase: true };
/** Membership certificate numbers (会员证书编号). Credit certificates have a stricter rule of their own (ASCII). */
export const MEMBERSHIP_CERTIFICATE_RULE: DocumentNumberRule = { label: 'The membership certificate number' };
