// Exact ratios and their display: integers all the way, rounded once for people to read.
import type { Ratio } from './types.ts';

/** n ÷ d kept exactly; null when d is 0. */
export function ratio(n: number | bigint, d: number | bigint): Ratio | null {
  const numerator = BigInt(n);
  const denominator = BigInt(d);
  if (denominator === 0n) return null;
  return denominator < 0n ? { numerator: -numerator, denominator: -denominator } : { numerator, denominator };
}

/** n ÷ d rounded to an integer, halves away from zero (2.5 → 3, −2.5 → −3); d must not be 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  const negative = n < 0n !== d < 0n;
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const q = (2n * a + b) / (2n * b);
  return negative ? -q : q;
}

/**
 * The ratio as a percentage with two decimals, halves rounded away from zero: 53.125 % → "53.13",
 * −51.282… % → "-51.28", 1 → "100.00". Null for a null ratio.
 */
export function formatPercent(r: Ratio | null): string | null {
  return r === null ? null : formatDecimal({ numerator: r.numerator * 100n, denominator: r.denominator });
}

/** The ratio as a decimal with two decimals, halves rounded away from zero: 5/2 → "2.50", −1/8 → "-0.13". */
export function formatDecimal(r: Ratio): string {
  const hundredths = divideHalfUp(r.numerator * 100n, r.denominator);
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The arithmetic mean of the ratios, exactly and in lowest terms; null for no ratio. */
export function meanOfRatios(ratios: readonly Ratio[]): Ratio | null {
  if (ratios.length === 0) return null;
  let n = 0n;
  let d = 1n;
  for (const r of ratios) {
    n = n * r.denominator + r.numerator * d;
    d = d * r.denominator;
    [n, d] = lowest(n, d);
  }
  return ratio(...lowest(n, d * BigInt(ratios.length)));
}

function lowest(n: bigint, d: bigint): [bigint, bigint] {
  const g = gcd(n, d);
  return g > 1n ? [n / g, d / g] : [n, d];
}
