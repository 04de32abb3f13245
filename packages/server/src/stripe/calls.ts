import { ApiError } from '../http/errors.ts';

/** Maps a Stripe SDK failure onto our error table: outages are 503s, refusals 502 with Stripe's message. */
export function stripeFailure(err: unknown, what: string): ApiError {
  const e = err as { type?: string; message?: string; statusCode?: number };
  const transient =
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError' ||
    (e.statusCode !== undefined && e.statusCode >= 500);
  if (transient)
    return new ApiError('service_unavailable', `Stripe is unavailable (${what}); try again shortly.`, {
      cause: err,
    });
  return new ApiError('stripe_error', `Stripe refused to ${what}: ${e.message ?? 'unknown error'}`, {
    cause: err,
  });
}

/** Runs one Stripe call (never inside a transaction) and maps its failure onto our error table. */
export async function callStripe<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err, what);
  }
}
