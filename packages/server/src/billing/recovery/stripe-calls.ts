import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { contentDigest } from '../../stripe/gateway.ts';

// The recovery page's calls on the platform account (no `Stripe-Account`), through the gateway.

const expand = ['payments.data.payment.payment_intent'];

/**
 * Pays the open plan invoice with a saved method while the tenant is on the page (`off_session: false`: a
 * card that asks for 3-D Secure leaves the invoice open with an intent `requires_action`, and Stripe answers
 * 402 `invoice_payment_intent_requires_action` rather than a decline). Keyed by the caller's Idempotency-Key: a retried request replays at Stripe, never a second charge.
 */
export function payInvoice(
  stripe: StripeRef,
  input: { invoice: string; paymentMethod: string; requestKey: string },
): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: 'pay the plan invoice',
      account: null,
      movesMoney: true,
      input: { payment_method: 'payment_method' },
      purpose: 'platform_recovery_pay',
      record: input.invoice,
      discriminator: contentDigest(input.requestKey),
    },
    (s, opts) =>
      s.invoices.pay(
        input.invoice,
        { payment_method: input.paymentMethod, off_session: false, expand },
        opts,
      ),
  );
}

/** The invoice as Stripe has it now, with its payments' intents (what 3-D Secure or a decline left). */
export function readInvoice(stripe: StripeRef, id: string): Promise<Stripe.Invoice> {
  return stripe.call({ action: 'read the plan invoice', account: null, movesMoney: false }, (s, opts) =>
    s.invoices.retrieve(id, { expand }, opts),
  );
}
