import type { StripeFailure } from '../stripe/gateway.ts';
import { ApiError } from './errors.ts';

/**
 * A Stripe refusal of the caller's input, as the caller's error: Stripe's 400 or 404 on a parameter the call
 * filled from the caller's input becomes our 400 (or 404 for an unknown id) naming our parameter. Stripe's
 * text is left out: it can name Stripe ids, accounts and parameters of our own making. Null for anything else.
 */
function callerRefusal(f: StripeFailure): ApiError | null {
  if (f.kind !== 'invalid_request' || (f.statusCode !== 400 && f.statusCode !== 404)) return null;
  const ours = f.callerParam;
  if (!ours) return null;
  if (f.statusCode === 404 || f.code === 'resource_missing') {
    return new ApiError('resource_missing', `No such ${ours.replaceAll('_', ' ')} on this account.`, {
      param: ours,
      cause: f,
    });
  }
  return new ApiError(
    'parameter_invalid',
    `Stripe refused ${ours}${f.code ? ` (${f.code})` : ''}; check its value.`,
    { param: ours, cause: f },
  );
}

/**
 * A failed Stripe call on our error table: the caller's refused input 4xx, Stripe failing or unanswered 503
 * (it may have been done: only the same Idempotency-Key can tell), any other refusal 502.
 */
export function stripeFailureError(f: StripeFailure): ApiError {
  const refused = callerRefusal(f);
  if (refused) return refused;
  if (f.transient && !f.sent)
    return new ApiError(
      'service_unavailable',
      `Stripe is not being called now (${f.action}); nothing was done. Retry later.`,
      { cause: f },
    );
  if (f.transient)
    return new ApiError(
      'service_unavailable',
      `Stripe did not answer (${f.action}), so it may have happened. Retry with the same Idempotency-Key: it is then done at most once.`,
      { cause: f },
    );
  // Stripe's own text stays in the log (the cause): it can name Stripe ids and accounts
  return new ApiError(
    'stripe_error',
    `Stripe refused to ${f.action} (${f.code ?? f.errorType ?? 'unknown error'}).`,
    { cause: f },
  );
}
