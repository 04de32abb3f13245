import { createHash, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// CSPRNG output drawn 4 KiB at a time (one call per request was measurable under load); each byte is used
// once, as node's own randomUUID does with its pool
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/** `length` base62 characters of CSPRNG output (rejection sampling keeps it uniform). */
export function randomToken(length = 40): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += alphabet[b % 62];
  }
  return out;
}

/** API keys, session tokens and link tokens carry ≥190 bits of entropy, so a fast hash is the right one. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** HMAC-SHA256 of `message` under `key`, base64url (43 characters): the signature of a self-contained link. */
export function hmacSign(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}

/**
 * Credentials in their known shapes: Stripe and Tributary API keys (a key's 14-character display prefix is
 * not one), webhook signing secrets, PaymentIntent
 * and SetupIntent client secrets. Logs mask them, and so do stored idempotent responses (a safety net under
 * each route's own declaration of the fields it shows once).
 */
const secretShaped =
  /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+|\btrb_(?:sk|rk)_[A-Za-z0-9_]{20,}|\bwhsec_[A-Za-z0-9+/=]+|\b(?:pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g;
// A recovery page's signed token (billing/recovery/token.ts): it pays the tenant's plan invoices.
const recoveryToken = /\b(rcv_)[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]+/g;
// A dashboard link's token, wherever a URL carrying one ends up.
const dashboardLinkToken = /(\/auth\/link\/)[^/?#"\s\\]+/g;

/** `text` with every credential of a known shape masked (`trb_sk_A…[redacted]`, `/auth/link/[redacted]`). */
export function maskSecrets(text: string): string {
  return text
    .replace(secretShaped, (m) => `${m.slice(0, 8)}…[redacted]`)
    .replace(dashboardLinkToken, '$1[redacted]')
    .replace(recoveryToken, '$1[redacted]');
}
