import { ApiError } from '../http/errors.ts';

/** A Stripe SDK error as we read it. */
export interface StripeErrorLike {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  statusCode?: number;
  raw?: { payment_intent?: unknown; setup_intent?: unknown; code?: string; decline_code?: string };
}

/** Outages (connection errors, 5xx, rate limits): the call may be retried with the same idempotency key. */
export function isTransient(err: unknown): boolean {
  const e = err as StripeErrorLike;
  return (
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError' ||
    (e.statusCode !== undefined && e.statusCode >= 500)
  );
}

/** Maps a Stripe SDK failure onto our error table: outages are 503s, refusals 502 with Stripe's message. */
export function stripeFailure(err: unknown, what: string): ApiError {
  const e = err as StripeErrorLike;
  if (isTransient(err))
    return new ApiError('service_unavailable', `Stripe is unavailable (${what}); try again shortly.`, {
      cause: err,
    });
  return new ApiError('stripe_error', `Stripe refused to ${what}: ${e.message ?? 'unknown error'}`, {
    cause: err,
  });
}

/** Runs a Stripe call (never inside a transaction), mapping its failures. */
export async function callStripe<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err, what);
  }
}
