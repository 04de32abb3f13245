import type { Stripe } from './client.ts';
import { idOf } from './ids.ts';

// A subscription read with what values it (analytics/mrr.ts): its discounts and their coupons' terms, and its
// customer's discount, which Stripe applies to a subscription with none of its own (the Subscriptions API's
// `discounts`: "If not specified or empty, inherits the discount from the subscription's customer"). The
// subscription's own discounts and its customer's expand to their coupons in one read; an item's take one
// more level than Stripe expands (four), as does a listed subscription's customer's, so those coupons are
// read after it.

export const SUBSCRIPTION_EXPAND = [
  'discounts.source.coupon',
  'items.data.discounts',
  'customer.discount.source.coupon',
];
/** The same for each subscription of a list. */
export const SUBSCRIPTION_LIST_EXPAND = [
  'data.discounts.source.coupon',
  'data.items.data.discounts',
  'data.customer.discount',
];

type Source = { coupon?: string | Stripe.Coupon | null } | null | undefined;

/**
 * The coupons of the subscription's item discounts (and of its expanded customer's discount) put in place of
 * their ids (each coupon read once).
 */
export async function withItemCoupons(
  stripe: Stripe,
  sub: Stripe.Subscription,
  opts: Stripe.RequestOptions,
): Promise<Stripe.Subscription> {
  const read = new Map<string, Promise<Stripe.Coupon>>();
  const fill = async (d: unknown) => {
    if (!d || typeof d !== 'object') return;
    const source = (d as { source?: Source }).source;
    const id = source?.coupon;
    if (!source || typeof id !== 'string') return;
    if (!read.has(id)) read.set(id, stripe.coupons.retrieve(id, {}, opts));
    source.coupon = await read.get(id)!;
  };
  for (const item of sub.items?.data ?? []) for (const d of item.discounts ?? []) await fill(d);
  const customer = sub.customer as string | { discount?: unknown } | null;
  if (customer && typeof customer === 'object') await fill(customer.discount);
  return sub;
}

/**
 * Stripe's time for a subscription: its test clock's frozen time on a clocked customer, else now (a clock
 * deleted since: real time, as its customers' then is).
 */
export async function subscriptionNow(
  stripe: Stripe,
  sub: { test_clock?: string | { id: string } | null },
  opts: Stripe.RequestOptions,
): Promise<Date> {
  const clock = typeof sub.test_clock === 'string' ? sub.test_clock : sub.test_clock?.id;
  if (!clock) return new Date();
  try {
    const c = await stripe.testHelpers.testClocks.retrieve(clock, {}, opts);
    return new Date(c.frozen_time * 1000);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return new Date();
    throw err;
  }
}

/**
 * Every subscription of `customer` (on the account `opts` names), read as `SUBSCRIPTION_LIST_EXPAND` and
 * `withItemCoupons` read them, with the customer's discount as `discount` says it is (a
 * `customer.discount.*` event's: the discount, with its coupon read, or null once deleted) in place of the
 * one Stripe has now.
 */
export async function customerSubscriptions(
  stripe: Stripe,
  customer: string,
  discount: Stripe.Discount | null,
  opts: Stripe.RequestOptions,
): Promise<Stripe.Subscription[]> {
  const subs: Stripe.Subscription[] = [];
  const list = stripe.subscriptions.list(
    { customer, status: 'all', limit: 100, expand: SUBSCRIPTION_LIST_EXPAND },
    opts,
  );
  for await (const sub of list) subs.push(sub);
  const coupon = discount?.source?.coupon;
  const terms = discount
    ? {
        ...discount,
        source: {
          ...discount.source,
          coupon: typeof coupon === 'string' ? await couponOrId(stripe, coupon, opts) : coupon,
        },
      }
    : null;
  const out: Stripe.Subscription[] = [];
  for (const sub of subs) {
    const filled = await withItemCoupons(stripe, sub, opts);
    const current = typeof filled.customer === 'object' ? filled.customer : { id: customer };
    out.push({ ...filled, customer: { ...current, discount: terms } as Stripe.Customer });
  }
  return out;
}

/** A coupon by id; a deleted one stays an id (its discount still applies at Stripe, on terms no longer read). */
async function couponOrId(
  stripe: Stripe,
  id: string,
  opts: Stripe.RequestOptions,
): Promise<Stripe.Coupon | string> {
  try {
    return await stripe.coupons.retrieve(id, {}, opts);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return id;
    throw err;
  }
}

/**
 * The customer a `customer.discount.*` event's object is the discount of, when it is the customer's own:
 * null for anything else, and for a discount attached to one subscription, invoice or invoice item (Stripe's
 * Discount names them), which no other subscription of the customer inherits.
 */
export function customerDiscountCustomer(o: unknown): string | null {
  const d = o as
    | {
        object?: unknown;
        customer?: unknown;
        subscription?: unknown;
        invoice?: unknown;
        invoice_item?: unknown;
      }
    | undefined;
  if (d?.object !== 'discount') return null;
  if (d.subscription || d.invoice || d.invoice_item) return null;
  return idOf(d.customer);
}
