/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character alphabet
 * (no I, O, S, V, Z); the 18th is a check character over the first 17 with weights 3^(i-1) mod 31.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeCheck =
  | { readonly kind: 'valid'; readonly code: string }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'check_digit_mismatch'; readonly code: string; readonly expected: string; readonly actual: string };

/** Upper-cases and trims; codes are printed in upper case on licences. */
export function normaliseCreditCode(raw: string): string {
  return raw.trim().toUpperCase();
}

export function computeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CODE_ALPHABET.indexOf(first17.charAt(i)) * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export function checkCreditCode(raw: string): CreditCodeCheck {
  const code = normaliseCreditCode(raw);
  if (code.length !== 18) {
    return { kind: 'malformed', reason: `must be 18 characters long (got ${code.length})` };
  }
  for (let i = 0; i < code.length; i++) {
    const ch = code.charAt(i);
    if (!CREDIT_CODE_ALPHABET.includes(ch)) {
      return {
        kind: 'malformed',
        reason: `character ${i + 1} ("${ch}") is not allowed: use digits and the letters ABCDEFGHJKLMNPQRTUWXY`,
      };
    }
  }
  const expected = computeCheckCharacter(code.slice(0, 17));
  const actual = code.charAt(17);
  if (expected !== actual) return { kind: 'check_digit_mismatch', code, expected, actual };
  return { kind: 'valid', code };
}

/** Builds a valid code from 17 characters (for fixtures and the demo data). */
export function withCheckCharacter(first17: string): string {
  const body = normaliseCreditCode(first17);
  return body + computeCheckCharacter(body);
}
