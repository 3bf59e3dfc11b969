/**
 * Exact decimal arithmetic for figures and scores. A figure is a decimal written with at most four places
 * (`12345.6789`, `-3.5`); it is read into a BigInt of ten-thousandths, so no value ever passes through a float.
 * Ratios stay exact fractions of BigInts until a score is rounded, once, half up, to four places.
 */

/** Places kept in figures and in scores. */
export const DECIMAL_PLACES = 4;
export const SCALE = 10n ** BigInt(DECIMAL_PLACES);
/** A figure as typed: an optional minus, up to 15 integer digits, up to four decimals. */
export const DECIMAL_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,4})?$/;

/** The figure in ten-thousandths. Throws on text that is not a figure (parse steps check with DECIMAL_PATTERN first). */
export function toScaled(value: string): bigint {
  if (!DECIMAL_PATTERN.test(value)) throw new RangeError(`${value} is not a decimal of at most ${DECIMAL_PLACES} places.`);
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.') as [string, string?];
  const scaled = BigInt(whole) * SCALE + BigInt(fraction.padEnd(DECIMAL_PLACES, '0'));
  return negative ? -scaled : scaled;
}

/** Ten-thousandths written as a decimal with exactly four places (`93.1200`, `-0.5000`). */
export function formatScaled(scaled: bigint): string {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(DECIMAL_PLACES, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A figure in its canonical spelling (`1.50` and `1.5` are one figure: `1.5000`). */
export function canonicalDecimal(value: string): string {
  return formatScaled(toScaled(value));
}

/** An exact fraction num/den with den > 0. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

export function fraction(num: bigint, den: bigint): Fraction {
  if (den === 0n) throw new RangeError('A fraction cannot have a zero denominator.');
  return den < 0n ? { num: -num, den: -den } : { num, den };
}

export function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function subtractFractions(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den - b.num * a.den, a.den * b.den);
}

/**
 * `weight × part / whole` in ten-thousandths of a point, rounded half up (part and whole ≥ 0, whole > 0): the one
 * rounding a score goes through.
 */
export function scaledPoints(weight: number, part: Fraction, whole: Fraction): bigint {
  // weight × (part.num / part.den) / (whole.num / whole.den) × SCALE
  const num = BigInt(weight) * SCALE * part.num * whole.den;
  const den = part.den * whole.num;
  return (2n * num + den) / (2n * den);
}
