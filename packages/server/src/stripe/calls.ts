import { ApiError } from '../http/errors.ts';

/** Maps a Stripe SDK failure onto our error table: outages are 503s, refusals 502 with Stripe's message. */
/**
 * Stripe could not be reached or failed on its side: the call may or may not have been done. Only its
 * idempotency key, sent again, can tell; nothing may be undone on our side in the meantime.
 */
export function isTransientStripeError(err: unknown): boolean {
  const e = err as { type?: string; statusCode?: number };
  return (
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError' ||
    (e.statusCode !== undefined && e.statusCode >= 500)
  );
}

/**
 * Whether a failed money-moving call may still have been done at Stripe: unanswered, or refused as a
 * mismatched replay of its idempotency key (the first request with that key was done). Such a row is never
 * undone on our side.
 */
export function mayHaveHappened(err: unknown): boolean {
  return isTransientStripeError(err) || (err as { type?: string }).type === 'StripeIdempotencyError';
}

export function stripeFailure(err: unknown, what: string): ApiError {
  const e = err as { type?: string; message?: string; statusCode?: number };
  if (isTransientStripeError(err))
    return new ApiError(
      'service_unavailable',
      `Stripe did not answer (${what}), so it may have happened. Retry with the same Idempotency-Key: it is then done at most once.`,
      { cause: err },
    );
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
