import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../http/errors.ts';

/**
 * Verifies a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=…][,v0=…]`) over the raw body against every
 * configured secret (rotation, snapshot + thin endpoints). Stripe's SDK rejects only old timestamps; a
 * timestamp too far in the future is rejected here too, and a header carrying only v0 (the legacy test
 * scheme) never verifies. Returns the index of the secret that matched.
 */
export function verifyStripeSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secrets: readonly string[],
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): number {
  if (header === undefined || header === '' || Array.isArray(header)) {
    throw new ApiError('signature_missing', 'Missing Stripe-Signature header.', {
      param: 'Stripe-Signature',
    });
  }
  let timestamp: number | null = null;
  const v1: Buffer[] = [];
  let sawV0 = false;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(Buffer.from(value, 'hex'));
    else if (key === 'v0') sawV0 = true;
  }
  if (timestamp === null || Number.isNaN(timestamp)) {
    throw new ApiError('signature_malformed', 'Stripe-Signature has no valid timestamp (t=…).', {
      param: 'Stripe-Signature',
    });
  }
  if (v1.length === 0) {
    if (sawV0)
      throw new ApiError(
        'signature_scheme_unsupported',
        'Stripe-Signature carries only v0 signatures; v1 is required.',
        { param: 'Stripe-Signature' },
      );
    throw new ApiError('signature_malformed', 'Stripe-Signature has no v1 signature.', {
      param: 'Stripe-Signature',
    });
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new ApiError(
      'signature_timestamp_out_of_tolerance',
      `Stripe-Signature timestamp is more than ${toleranceSeconds} s away from now.`,
      { param: 'Stripe-Signature' },
    );
  }
  const prefix = Buffer.from(`${timestamp}.`);
  for (let i = 0; i < secrets.length; i++) {
    const expected = createHmac('sha256', secrets[i]!).update(prefix).update(rawBody).digest();
    if (v1.some((sig) => timingSafeEqual(sig, expected))) return i;
  }
  throw new ApiError('signature_invalid', 'No signature matches the payload for any configured secret.', {
    param: 'Stripe-Signature',
  });
}
