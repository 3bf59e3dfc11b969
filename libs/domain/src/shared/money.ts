import type { FieldErrors } from './errors.js';

/** Money is integer fen (分), never a float: 1 yuan = 100 fen. */
export type Fen = number;

export function isFen(value: unknown): value is Fen {
  return Number.isSafeInteger(value);
}

/** A non-negative amount in fen, or a field error. */
export function validFen(errors: FieldErrors, field: string, value: unknown, options: { positive?: boolean } = {}): Fen {
  if (!isFen(value) || value < 0 || (options.positive && value === 0)) {
    errors.add(field, `must be a whole number of fen (分)${options.positive ? ' above 0' : ', 0 or more'}.`);
    return 0;
  }
  return value;
}

/** "¥3,000.00" for messages a secretariat user reads. */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}
