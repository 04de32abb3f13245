// Stripe-style ids: a prefix and a random base62 body of the length Stripe uses for that prefix.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const POOL = Buffer.alloc(8192);
let poolPos = POOL.length;

const LENGTHS: Record<string, number> = {
  cus: 14,
  acct: 16,
  ca: 32,
  req: 14,
  py: 14,
  we: 24,
  ac: 24,
  whsec: 32,
  prod: 14,
  si: 14,
  clock: 24,
  bps: 24,
  plink: 24,
  cs_test: 58,
  il_tmp: 24,
};

export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    if (poolPos >= POOL.length) {
      randomFillSync(POOL);
      poolPos = 0;
    }
    // 248 = 4 * 62: reject the top bytes so every character is equally likely.
    let b = POOL[poolPos++]!;
    while (b >= 248) {
      if (poolPos >= POOL.length) {
        randomFillSync(POOL);
        poolPos = 0;
      }
      b = POOL[poolPos++]!;
    }
    out += ALPHABET[b % 62];
  }
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomString(LENGTHS[prefix] ?? 24)}`;
}

export function clientSecret(id: string): string {
  return `${id}_secret_${randomString(25)}`;
}

/** While a test clock advances (or acts for a clocked customer), "now" is the clock's time. */
let frozenNow: number | null = null;

export function nowSeconds(): number {
  return frozenNow ?? Math.floor(Date.now() / 1000);
}

/** Run `fn` with `nowSeconds()` pinned to `t` (null: real time). */
export function atTime<T>(t: number | null, fn: () => T): T {
  const prev = frozenNow;
  frozenNow = t;
  try {
    return fn();
  } finally {
    frozenNow = prev;
  }
}
