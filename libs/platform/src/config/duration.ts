const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/**
 * Parses a token lifetime such as `45s`, `90m`, `12h` or `7d` (a bare number is seconds) into seconds.
 * Returns undefined for anything else, including zero.
 */
export function parseDurationSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_SECONDS[(match[2] || 's').toLowerCase()];
  if (unit === undefined) return undefined;
  const seconds = amount * unit;
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}
