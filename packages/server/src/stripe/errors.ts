// The error mapping lives in calls.ts (shared by every domain); this module adds what payments read off a
// Stripe error: a declined card's 402 carries the PaymentIntent or SetupIntent it left behind.
export {
  type CallerParams,
  callStripe,
  callStripeWithInput,
  isTransientStripeError,
  mayHaveHappened,
  stripeFailure,
} from './calls.ts';

/** A Stripe SDK error as we read it. */
export interface StripeErrorLike {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  statusCode?: number;
  raw?: { payment_intent?: unknown; setup_intent?: unknown; code?: string; decline_code?: string };
}
