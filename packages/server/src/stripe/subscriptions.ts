import type { Stripe } from './client.ts';

// A subscription read with what values it (analytics/mrr.ts): its discounts and their coupons' terms. The
// subscription's own discounts expand to their coupons in one read; an item's take one more level than
// Stripe expands (four), so their coupons are read after it.

export const SUBSCRIPTION_EXPAND = ['discounts.source.coupon', 'items.data.discounts'];
/** The same for each subscription of a list. */
export const SUBSCRIPTION_LIST_EXPAND = ['data.discounts.source.coupon', 'data.items.data.discounts'];

type Source = { coupon?: string | Stripe.Coupon | null } | null | undefined;

/** The coupons of the subscription's item discounts put in place of their ids (each coupon read once). */
export async function withItemCoupons(
  stripe: Stripe,
  sub: Stripe.Subscription,
  opts: Stripe.RequestOptions,
): Promise<Stripe.Subscription> {
  const read = new Map<string, Promise<Stripe.Coupon>>();
  for (const item of sub.items?.data ?? [])
    for (const d of item.discounts ?? []) {
      if (typeof d === 'string') continue;
      const source = (d as { source?: Source }).source;
      const id = source?.coupon;
      if (!source || typeof id !== 'string') continue;
      if (!read.has(id)) read.set(id, stripe.coupons.retrieve(id, {}, opts));
      source.coupon = await read.get(id)!;
    }
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
