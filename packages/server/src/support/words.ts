// Plain words for what Stripe says in codes: why a payment failed, when a refund usually arrives.

const failures: Record<string, string> = {
  insufficient_funds: 'The card has insufficient funds.',
  generic_decline: 'The bank declined the payment without giving a reason.',
  card_declined: 'The bank declined the card.',
  do_not_honor: 'The bank declined the payment.',
  expired_card: 'The card has expired.',
  lost_card: 'The card was reported lost.',
  stolen_card: 'The card was reported stolen.',
  pickup_card: 'The bank asked for the card to be withdrawn.',
  incorrect_number: 'The card number is incorrect.',
  incorrect_cvc: "The card's security code is incorrect.",
  invalid_cvc: "The card's security code is invalid.",
  incorrect_zip: "The card's postal code is incorrect.",
  processing_error: 'The card could not be processed; trying again may work.',
  authentication_required: 'The bank requires the customer to authenticate (3-D Secure).',
  payment_intent_authentication_failure: 'The customer did not complete authentication (3-D Secure).',
  fraudulent: 'The payment was declined as likely fraud.',
  card_velocity_exceeded: 'The card is over its limit of payments for now.',
  currency_not_supported: 'The card does not support this currency.',
  payment_method_not_available: 'This payment method is not available for the payment.',
};

/** Why a payment failed, in plain words; null when it did not fail. */
export function failureInWords(code: string | null, message: string | null): string | null {
  if (!code && !message) return null;
  return (code && failures[code]) ?? message ?? `The payment failed (${code}).`;
}

const DAY = 86_400;

/** `from` moved on by `days` business days (Monday to Friday, UTC). */
function businessDays(from: number, days: number): number {
  let t = from;
  let left = days;
  while (left > 0) {
    t += DAY;
    const wd = new Date(t * 1000).getUTCDay();
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  return t;
}

/**
 * When a refund usually reaches the customer: card refunds in 5–10 business days after Stripe made them
 * (Stripe's own guidance), bank transfers in up to 5. None once it failed or was canceled.
 */
export function expectedArrival(
  status: string,
  created: number,
  kind: 'card' | 'bank' | null,
): { earliest: number; latest: number } | null {
  if (status === 'failed' || status === 'canceled') return null;
  return kind === 'bank'
    ? { earliest: businessDays(created, 1), latest: businessDays(created, 5) }
    : { earliest: businessDays(created, 5), latest: businessDays(created, 10) };
}
