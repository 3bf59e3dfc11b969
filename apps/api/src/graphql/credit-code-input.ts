import { checkCreditCode } from '#domain/shared';

/**
 * A unified social credit code as typed by a caller: normalised (trimmed, upper case) and checked. A code that
 * fails only its check character may still be genuine and registered by an audited override, so whether it is
 * a subject is for the register to say; a malformed one never is.
 */
export type CodeReading =
  | { readonly kind: 'valid'; readonly code: string }
  | { readonly kind: 'check_digit_mismatch'; readonly code: string; readonly reason: string }
  | { readonly kind: 'malformed'; readonly reason: string };

export function readCreditCode(raw: string): CodeReading {
  const check = checkCreditCode(raw);
  switch (check.kind) {
    case 'valid':
      return { kind: 'valid', code: check.code };
    case 'malformed':
      return { kind: 'malformed', reason: `The unified social credit code ${check.reason}.` };
    case 'check_digit_mismatch':
      return {
        kind: 'check_digit_mismatch',
        code: check.code,
        reason:
          `The unified social credit code fails its check character: the 18th character should be "${check.expected}", not "${check.actual}", ` +
          'and no enterprise is registered under it by an override. Check the code.',
      };
  }
}
