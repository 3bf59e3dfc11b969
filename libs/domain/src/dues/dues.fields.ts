import { type FieldErrors, type Fen, requiredText, RECEIPT_NUMBER_RULE, validDocumentNumber } from '../shared/index.js';

// Field rules and limits the dues deciders share.

export const REASON_MAX = 2000;
export const REFERENCE_MAX = 200;
export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

/** Bodies whose decision can grant waivers in bulk (not the credit or review committees). */
export const POLICY_BODIES = ['GENERAL_ASSEMBLY', 'COUNCIL', 'STANDING_COUNCIL', 'PRESIDENTS_MEETING', 'SECRETARIAT'] as const;

export function validYear(errors: FieldErrors, field: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < MIN_YEAR || (value as number) > MAX_YEAR) {
    errors.add(field, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}.`);
    return 0;
  }
  return value as number;
}

export function validPercent(errors: FieldErrors, field: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > 100) {
    errors.add(field, `must be a whole percent from ${min} to 100.`);
    return 0;
  }
  return value as number;
}

export function validId(errors: FieldErrors, field: string, value: unknown, label: string): string {
  const id = requiredText(errors, field, value, { max: 64, label });
  if (id && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    errors.add(field, `${label} may hold only letters, digits, dots, dashes and underscores.`);
  }
  return id;
}

/** Share of an amount in whole fen, rounded half up: never a float in the register. */
export function percentOf(amount: Fen, percent: number): Fen {
  return Math.floor((amount * percent + 50) / 100);
}

export const tierLabel = (tier: string) => tier.toLowerCase().replace(/_/g, ' ');

export function validReceiptNumber(errors: FieldErrors, field: string, value: unknown): string {
  return validDocumentNumber(errors, field, value, RECEIPT_NUMBER_RULE);
}
