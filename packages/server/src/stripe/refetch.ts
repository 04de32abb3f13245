import type { RefetchableObject, StripeObject } from '../webhooks/registry.ts';
import type { Stripe } from './client.ts';

/**
 * The current state of a stateful object, from Stripe (never inside a transaction). `account` is the
 * connected account the object lives on (Stripe-Account), null for the platform's. Null when it is gone.
 */
export async function retrieveObject(
  stripe: Stripe,
  type: RefetchableObject,
  id: string,
  account: string | null,
): Promise<StripeObject | null> {
  const opts = account ? { stripeAccount: account } : undefined;
  try {
    const obj = await (async (): Promise<unknown> => {
      switch (type) {
        case 'payment_intent':
          return stripe.paymentIntents.retrieve(id, {}, opts);
        case 'charge':
          // the balance transaction carries the real fees (payments, issue 8)
          return stripe.charges.retrieve(id, { expand: ['balance_transaction'] }, opts);
        // with their charge: a refund or dispute seen before its charge's events still finds (or makes) the
        // payment row it belongs to (payments, issue 8)
        case 'refund':
          return stripe.refunds.retrieve(id, { expand: ['charge.balance_transaction'] }, opts);
        case 'dispute':
          return stripe.disputes.retrieve(id, { expand: ['charge.balance_transaction'] }, opts);
        case 'invoice':
          // its payments name the PaymentIntent a renewal was paid with (subscriptions, issue 8)
          return stripe.invoices.retrieve(id, { expand: ['payments'] }, opts);
        case 'subscription':
          return stripe.subscriptions.retrieve(id, {}, opts);
        case 'customer':
          return stripe.customers.retrieve(id, {}, opts);
        case 'payment_method':
          return stripe.paymentMethods.retrieve(id, {}, opts);
        case 'setup_intent':
          return stripe.setupIntents.retrieve(id, {}, opts);
        case 'product':
          return stripe.products.retrieve(id, {}, opts);
        case 'price':
          // with its product: a price whose product.created never came (made before the account was linked)
          return stripe.prices.retrieve(id, { expand: ['product'] }, opts);
        case 'account':
          // an account is read from the platform, whichever account the event came from
          return stripe.accounts.retrieve(id);
      }
    })();
    const o = obj as StripeObject & { deleted?: boolean };
    return o.deleted ? null : o;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}
