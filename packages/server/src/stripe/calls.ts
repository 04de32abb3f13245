import { ApiError } from '../http/errors.ts';

/** Maps a Stripe SDK failure onto our error table: outages 503, the caller's refused input 4xx, other refusals 502. */
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

/**
 * Which of a call's Stripe parameters carry the caller's own input, and the API parameter each came from:
 * `{ 'recurring[interval_count]': 'interval_count' }`. List indices are ignored (`items[][quantity]` matches
 * `items[0][quantity]`); a key also matches the parameters nested under it, the longest key winning.
 */
export type CallerParams = Readonly<Record<string, string>>;

/**
 * A Stripe refusal of the caller's input, as the caller's error: Stripe's 400 or 404 on a parameter listed
 * in `callerParams` becomes our 400 (or 404 for an unknown id) naming our parameter. Stripe's text is left
 * out: it can name Stripe ids, accounts and parameters of our own making. Null for anything else.
 */
export function callerRefusal(err: unknown, callerParams: CallerParams): ApiError | null {
  const e = err as { type?: string; code?: string; param?: string; statusCode?: number };
  if (e.type !== 'StripeInvalidRequestError' || (e.statusCode !== 400 && e.statusCode !== 404)) return null;
  if (!e.param) return null;
  const param = e.param.replace(/\[\d+\]/g, '[]');
  let ours: string | undefined;
  let longest = -1;
  for (const [key, mapped] of Object.entries(callerParams)) {
    if ((param === key || param.startsWith(`${key}[`)) && key.length > longest) {
      ours = mapped;
      longest = key.length;
    }
  }
  if (ours === undefined) return null;
  if (e.statusCode === 404 || e.code === 'resource_missing') {
    return new ApiError('resource_missing', `No such ${ours.replaceAll('_', ' ')} on this account.`, {
      param: ours,
      cause: err,
    });
  }
  return new ApiError(
    'parameter_invalid',
    `Stripe refused ${ours}${e.code ? ` (${e.code})` : ''}; check its value.`,
    { param: ours, cause: err },
  );
}

export function stripeFailure(err: unknown, what: string, callerParams: CallerParams = {}): ApiError {
  const refused = callerRefusal(err, callerParams);
  if (refused) return refused;
  const e = err as { type?: string; code?: string; statusCode?: number };
  if (isTransientStripeError(err))
    return new ApiError(
      'service_unavailable',
      `Stripe did not answer (${what}), so it may have happened. Retry with the same Idempotency-Key: it is then done at most once.`,
      { cause: err },
    );
  // Stripe's own text stays in the log (the cause): it can name Stripe ids and accounts
  return new ApiError('stripe_error', `Stripe refused to ${what} (${e.code ?? e.type ?? 'unknown error'}).`, {
    cause: err,
  });
}

/** Runs one Stripe call (never inside a transaction) and maps its failure onto our error table. */
export function callStripe<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return callStripeWithInput(what, {}, fn);
}

/** callStripe for a call filling `callerParams` from the caller's input (their refusal is the caller's 4xx). */
export async function callStripeWithInput<T>(
  what: string,
  callerParams: CallerParams,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err, what, callerParams);
  }
}
