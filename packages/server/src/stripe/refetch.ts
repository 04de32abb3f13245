import { retrieveApplicationFee } from './application-fees.ts';
import type { Stripe } from './client.ts';
import { StripeFailure, type StripeGateway } from './gateway.ts';
import { SUBSCRIPTION_EXPAND, withItemCoupons } from './subscriptions.ts';

/** A Stripe object as applied: the refetched state when the type is stateful, else the event's snapshot. */
export type StripeObject = { id: string; object: string } & Record<string, unknown>;

/** The stateful objects read again before an event about them is applied (webhooks/registry.ts). */
export const refetchableObjects = [
  'payment_intent',
  'charge',
  'refund',
  'dispute',
  'invoice',
  'subscription',
  'account',
  'customer',
  'payment_method',
  'setup_intent',
  'product',
  'price',
  'application_fee',
] as const;
export type RefetchableObject = (typeof refetchableObjects)[number];

/** How each stateful object is read, with what it is read with. */
function retrieve(
  stripe: Stripe,
  type: RefetchableObject,
  id: string,
  opts: Stripe.RequestOptions,
): Promise<unknown> {
  switch (type) {
    case 'payment_intent':
      return stripe.paymentIntents.retrieve(id, {}, opts);
    case 'charge':
      // the balance transaction carries the real fees (payments)
      return stripe.charges.retrieve(id, { expand: ['balance_transaction'] }, opts);
    // with their charge: a refund or dispute seen before its charge's events still finds (or makes) the
    // payment row it belongs to (payments)
    case 'refund':
      return stripe.refunds.retrieve(id, { expand: ['charge.balance_transaction'] }, opts);
    case 'dispute':
      return stripe.disputes.retrieve(id, { expand: ['charge.balance_transaction'] }, opts);
    case 'invoice':
      // its payments name the PaymentIntent a renewal was paid with (subscriptions)
      return stripe.invoices.retrieve(id, { expand: ['payments'] }, opts);
    case 'subscription':
      // with its discounts' coupons: analytics values it (subscriptions.ts)
      return stripe.subscriptions
        .retrieve(id, { expand: SUBSCRIPTION_EXPAND }, opts)
        .then((sub) => withItemCoupons(stripe, sub, opts));
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
      return stripe.accounts.retrieve(id, {}, opts);
    case 'application_fee':
      // fees live on the platform, whichever account they were taken from (payments: refunded fees), with the
      // balance transactions of the fee and its refunds (analytics: the platform's fee revenue)
      return retrieveApplicationFee(stripe, id, opts);
  }
}

/**
 * The current state of a stateful object, from Stripe (never inside a transaction). `account` is the
 * connected account the object lives on (Stripe-Account), null for the platform's; an account is read from
 * the platform, whichever account its event came from. Null when it is gone.
 */
export async function retrieveObject(
  gateway: StripeGateway,
  type: RefetchableObject,
  id: string,
  account: string | null,
): Promise<StripeObject | null> {
  try {
    const obj = await gateway.call(
      {
        action: `read the ${type.replaceAll('_', ' ')}`,
        account: type === 'account' || type === 'application_fee' ? null : account,
        movesMoney: false,
      },
      (stripe, opts) => retrieve(stripe, type, id, opts),
    );
    const o = obj as StripeObject & { deleted?: boolean };
    return o.deleted ? null : o;
  } catch (err) {
    if (err instanceof StripeFailure && err.statusCode === 404) return null;
    throw err;
  }
}
