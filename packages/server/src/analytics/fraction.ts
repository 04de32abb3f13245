// Exact fractions of minor units: a subscription's MRR is summed and discounted exactly, then rounded once.

export class Fraction {
  readonly n: bigint;
  readonly d: bigint;

  constructor(n: bigint, d: bigint) {
    if (d === 0n) throw new RangeError('division by zero');
    const sign = d < 0n ? -1n : 1n;
    const g = gcd(n, d);
    this.n = (sign * n) / g;
    this.d = (sign * d) / g;
  }

  plus(o: Fraction): Fraction {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  minus(o: Fraction): Fraction {
    return new Fraction(this.n * o.d - o.n * this.d, this.d * o.d);
  }

  times(o: Fraction): Fraction {
    return new Fraction(this.n * o.n, this.d * o.d);
  }

  divide(k: bigint): Fraction {
    return new Fraction(this.n, this.d * k);
  }

  over(o: Fraction): Fraction {
    return new Fraction(this.n * o.d, this.d * o.n);
  }

  compare(o: Fraction): number {
    const a = this.n * o.d;
    const b = o.n * this.d;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero(): boolean {
    return this.n === 0n;
  }

  atLeastZero(): Fraction {
    return this.n < 0n ? new Fraction(0n, 1n) : this;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

export const fraction = (n: bigint, d = 1n): Fraction => new Fraction(n, d);

/** A decimal as Stripe writes it: a string, or the SDK's Decimal (its `toString()` is lossless). */
export type DecimalLike = string | number | { toString(): string };

/** A decimal amount or percentage ("12.5", "0.0125", "1e-7"), exactly. */
export function parseDecimal(value: DecimalLike): Fraction {
  const text = String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (m[2] === '' && !m[3])) throw new RangeError(`not a decimal number: ${text}`);
  const digits = `${m[2] ?? ''}${m[3] ?? ''}` || '0';
  const exponent = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const n = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return exponent >= 0 ? fraction(n * 10n ** BigInt(exponent)) : fraction(n, 10n ** BigInt(-exponent));
}

/** The nearest integer, a half to the even one (2.5 → 2, 3.5 → 4); for amounts >= 0. */
export function roundHalfEven(f: Fraction): bigint {
  const q = f.n / f.d;
  const twice = 2n * (f.n % f.d);
  if (twice > f.d) return q + 1n;
  if (twice === f.d && q % 2n === 1n) return q + 1n;
  return q;
}
