/**
 * Administrative division codes (GB/T 2260): 6 digits, the first two a province-level division.
 */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
  '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

/** Returns an error message, or null when the code is a well-formed division code. */
export function regionCodeProblem(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return 'must be a 6-digit administrative division code, e.g. 420100 for Wuhan.';
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2))) return `does not start with a province-level code (got ${code.slice(0, 2)}).`;
  return null;
}

/** The province-level division a code belongs to, e.g. 420100 -> 420000. */
export function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

/** The prefect-level division a code belongs to, e.g. 420106 -> 420100. */
export function cityOf(code: string): string {
  return `${code.slice(0, 4)}00`;
}
