import { type FieldErrors, isIsoDate, matches, optionalText, requiredText } from '../shared/index.js';
import { PERSON_ID } from './persons.events.js';

/*
 * Field rules of the persons register. No message repeats the value it refuses: an identity-card number or a name
 * must not reach an answer, a log line or an error report.
 */

const ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CARD_CHECK = '10X98765432';
const ID_CARD_SHAPE = /^[0-9]{17}[0-9X]$/;
const EARLIEST_BIRTH = '1900-01-01';

/** The check character of the first 17 digits of a resident identity-card number (GB 11643-1999, ISO 7064 MOD 11-2). */
export function identityCardCheckCharacter(first17: string): string {
  const sum = ID_CARD_WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return ID_CARD_CHECK[sum % 11]!;
}

/** The date of birth an identity-card number holds (digits 7 to 14), as YYYY-MM-DD. */
export function birthDateOf(number: string): string {
  return `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
}

/** What is wrong with the date of birth in a well-shaped number, or null; `today` (YYYY-MM-DD) bounds it when given. */
export function birthDateProblem(number: string, today?: string): string | null {
  const born = birthDateOf(number);
  if (!isIsoDate(born)) return 'holds no calendar date of birth in digits 7 to 14 (YYYYMMDD): check the number for a typo.';
  if (born < EARLIEST_BIRTH || (today !== undefined && born > today)) {
    return 'holds a date of birth that cannot be right (before 1900 or after today): check the number for a typo.';
  }
  return null;
}

/**
 * A resident identity-card number (公民身份号码, GB 11643-1999) in the form it is hashed and stored in: 18 characters,
 * 17 digits and a check character (0-9 or X) passing ISO 7064 MOD 11-2, with a plausible date of birth. Full-width
 * characters are read as their ASCII forms and a lower-case x as X. The problem never repeats the number.
 */
export function normaliseIdentityCardNumber(value: unknown, today?: string): { number: string } | { problem: string } {
  if (typeof value !== 'string' || value.trim() === '') return { problem: 'The identity-card number is required.' };
  const number = value.trim().normalize('NFKC').replace(/x$/, 'X');
  const length = [...number].length;
  if (length !== 18) return { problem: `must be 18 characters (17 digits and a check digit or X), not ${length}.` };
  if (!ID_CARD_SHAPE.test(number)) return { problem: 'must be 17 digits followed by a check digit or X, with no letters, spaces or marks.' };
  const born = birthDateProblem(number, today);
  if (born) return { problem: born };
  if (identityCardCheckCharacter(number) !== number[17]) {
    return { problem: 'fails its check character (GB 11643-1999, ISO 7064 MOD 11-2): check the number for a typo.' };
  }
  return { number };
}

/** Checks an identity-card number, recording a field error; returns it normalised ('' when refused). */
export function validIdentityCardNumber(errors: FieldErrors, field: string, value: unknown, today?: string): string {
  const checked = normaliseIdentityCardNumber(value, today);
  if ('problem' in checked) {
    errors.add(field, checked.problem);
    return '';
  }
  return checked.number;
}

/** The number with all but its first 4 and last 4 characters hidden, e.g. `4201**********123X`. */
export function maskIdentityCardNumber(number: string): string {
  return number.length <= 8 ? '*'.repeat(number.length) : `${number.slice(0, 4)}${'*'.repeat(number.length - 8)}${number.slice(-4)}`;
}

export const PERSON_NAME_RULE = { min: 2, max: 40, label: 'The name' } as const;
export const PERSON_ADDRESS_RULE = { max: 200, label: 'The address' } as const;

/** A person's name: one line of 2 to 40 characters under the register's text rule, trimmed. */
export function validPersonName(errors: FieldErrors, field: string, value: unknown): string {
  return requiredText(errors, field, value, PERSON_NAME_RULE);
}

/** An address: one line of at most 200 characters, or none (null). */
export function validAddress(errors: FieldErrors, field: string, value: unknown): string | null {
  return optionalText(errors, field, value, PERSON_ADDRESS_RULE) ?? null;
}

const MOBILE = /^1[3-9][0-9]{9}$/;
/** A landline with its area code (0 and 2 or 3 digits), one hyphen and the local number of 7 or 8 digits: 027-87654321. */
const LANDLINE = /^0[0-9]{2,3}-[0-9]{7,8}$/;

/** A mainland phone number, or none (null): a mobile number of 11 digits, or a landline with its area code. */
export function validPhone(errors: FieldErrors, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const phone = typeof value === 'string' ? value.trim().normalize('NFKC') : '';
  if (!MOBILE.test(phone) && !LANDLINE.test(phone)) {
    errors.add(field, 'must be a mainland mobile number (11 digits starting 13 to 19) or a landline with its area code and one hyphen, e.g. 027-87654321.');
    return null;
  }
  return phone;
}

/** A person's register id, as a command names the person. */
export function validPersonId(errors: FieldErrors, field: string, value: unknown): string {
  return matches(errors, field, value, PERSON_ID, 'must be a register id: PSN and 16 characters of Crockford base32.');
}

/** An erasure request id: 1 to 64 letters, digits and hyphens (the requesting command's id, a UUID, by default). */
export const ERASURE_REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;
export function validRequestId(errors: FieldErrors, field: string, value: unknown): string {
  return matches(errors, field, value, ERASURE_REQUEST_ID, 'must be 1 to 64 letters, digits or hyphens.');
}

/** The details a registration gives, checked at once and normalised (the handler runs this before it computes any key). */
export function registrationDetails(
  errors: FieldErrors,
  input: { readonly name?: unknown; readonly identityCardNumber?: unknown; readonly phone?: unknown; readonly address?: unknown },
  today?: string,
): { name: string; identityCardNumber: string; phone: string | null; address: string | null } {
  return {
    name: validPersonName(errors, 'name', input.name),
    identityCardNumber: validIdentityCardNumber(errors, 'identityCardNumber', input.identityCardNumber, today),
    phone: validPhone(errors, 'phone', input.phone),
    address: validAddress(errors, 'address', input.address),
  };
}
