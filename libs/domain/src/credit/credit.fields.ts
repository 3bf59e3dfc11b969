// Field rules the credit deciders share.
import { type FieldErrors, isIsoDate } from '../shared/index.js';
import { isPersonId } from '../persons/persons.events.js';
import type { SubjectKind } from './credit.rulebook.js';

export const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
export const SUBJECT = /^[0-9A-Z]{6,32}$/;
export const TEXT_MAX = 2000;

/** Credit certificate numbers: ASCII letters, digits and hyphens, e.g. `YY2020-0001`. */
export const CREDIT_CERTIFICATE_NUMBER = /^[A-Za-z0-9-]{1,40}$/;

/** The application a command addresses, as every event of the application stream names it. */
export function applicationKey(command: { associationId: string; cycleId: string; subjectId: string }) {
  return { associationId: command.associationId, cycleId: command.cycleId, subjectId: command.subjectId };
}

const ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CARD_CHECK = '10X98765432';

/**
 * Whether a value is shaped like a resident identity-card number (GB 11643-1999): 17 digits and a digit or X that
 * passes the ISO 7064 MOD 11-2 check, with a real date of birth in digits 7 to 14. The date keeps an all-digit
 * unified social credit code that happens to pass the check (about one in eleven) from being taken for one.
 */
export function isIdentityCardShaped(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim().toUpperCase();
  if (!/^[0-9]{17}[0-9X]$/.test(v)) return false;
  const sum = ID_CARD_WEIGHTS.reduce((total, weight, i) => total + weight * Number(v[i]), 0);
  if (ID_CARD_CHECK[sum % 11] !== v[17]) return false;
  const born = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  return (born.startsWith('19') || born.startsWith('20')) && isIsoDate(born);
}

/** Never echoes the value: an identity-card number must not reach an answer, a log line or a stream id. */
export const IDENTITY_CARD_REFUSED =
  'must not be an identity-card number: register the person first with registerPerson and use the register id it answers (PSN and 16 letters and digits).';

/**
 * A credit subject: a unified social credit code or a person's register id, never an identity-card number. With the
 * rulebook's subject kind, a person must be named by a register id and an enterprise must not be.
 */
export function subjectId(errors: FieldErrors, field: string, value: unknown, kind: SubjectKind | null = null): string {
  const given = typeof value === 'string' ? value : '';
  if (isIdentityCardShaped(value)) errors.add(field, IDENTITY_CARD_REFUSED);
  else if (kind === 'PERSON' && !isPersonId(value)) {
    errors.add(field, 'must be the register id of a person (PSN and 16 letters and digits): register the person first with registerPerson and use the register id it answers.');
  } else if (kind === 'ENTERPRISE' && isPersonId(value)) {
    errors.add(field, "is a person's register id; this rulebook rates enterprises: give the enterprise's unified social credit code.");
  } else if (!SUBJECT.test(given)) errors.add(field, "must be a unified social credit code or a person's register id (6 to 32 upper-case letters and digits).");
  return given;
}

/** A subject id taken by a read (a look-up, a history): only an identity-card number is refused, on its field. */
export function identityCardRefusal(field: string, value: unknown): { field: string; message: string } | null {
  return isIdentityCardShaped(value) ? { field, message: IDENTITY_CARD_REFUSED } : null;
}
