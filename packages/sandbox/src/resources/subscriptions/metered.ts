// Metered subscription items: which span of the meter's usage an item bills, and what happens to that
// usage when the item's metered price changes or goes mid-period. Stripe documents both billing modes
// (docs.stripe.com/billing/subscriptions/usage-based/manage-billing-setup, "Update prices mid-cycle"):
// - classic: later invoices bill only usage after the update; the usage before it at the old price is
//   never billed;
// - flexible (the default for new subscriptions since API version 2025-09-30.clover): removing a metered
//   price creates an invoice item billing the usage so far at that price, unless `proration_behavior` is
//   `none`; the new price bills from the change on.
// A metered item added mid-period bills only usage from the time it was added, in both modes.
import type { App, Ctx } from '../../app.ts';
import type { Period } from '../../objects/common.ts';
import type { Price } from '../../objects/products.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import { nowSeconds } from '../../wire/ids.ts';
import type { ItemInput } from '../invoices/items.ts';
import { usageFor } from '../meters.ts';
import { priceAmount } from '../products/prices.ts';
import { isMetered, itemsOf, productName } from './model.ts';

function sinceTable(app: App) {
  return app.store.table<number>('metered_item_since');
}

/** From when an item's current metered price counts usage: set when the price is put on the item. */
export function markMeteredFrom(app: App, itemId: string, t: number): void {
  sinceTable(app).set(itemId, t);
}

export function forgetMetered(app: App, itemId: string): void {
  sinceTable(app).delete(itemId);
}

/** The span of [start, end) an item's metered price bills: from its period start, or from when the price
 * was put on the item if that is later. */
export function meteredSpan(app: App, itemId: string | null, start: number, end: number): Period {
  const since = itemId ? sinceTable(app).get(itemId) : undefined;
  return { start: since != null && since > start ? Math.min(since, end) : start, end };
}

/** The usage an item's metered price bills over [start, end), with the span it covers. */
export function meteredUsage(
  ctx: Ctx,
  customer: string,
  itemId: string | null,
  price: Price,
  start: number,
  end: number,
): { quantity: number; period: Period } {
  const period = meteredSpan(ctx.app, itemId, start, end);
  return { quantity: usageFor(ctx, price, customer, period.start, period.end), period };
}

export function isFlexible(sub: Subscription): boolean {
  return (sub.billing_mode as { type?: string }).type === 'flexible';
}

/** Flexible billing mode: the invoice item for an item's metered usage up to `t`, at the price it is
 * leaving (none for `proration_behavior=none`, nor in classic mode). */
export function usageUntilChange(
  ctx: Ctx,
  sub: Subscription,
  it: SubscriptionItem,
  price: Price,
  t: number,
  behavior: string,
): ItemInput | null {
  if (!isMetered(price) || !isFlexible(sub) || behavior === 'none') return null;
  const { quantity, period } = meteredUsage(ctx, sub.customer, it.id, price, it.current_period_start, t);
  if (period.end <= period.start) return null;
  return {
    customer: sub.customer,
    amount: priceAmount(ctx, price, quantity),
    currency: sub.currency,
    price,
    quantity,
    description: `${quantity} × ${productName(ctx, price)} (usage until the change)`,
    period,
    proration: false,
    subscription: sub.id,
  };
}

/** Every metered item's un-invoiced usage up to now, as invoice items (a final invoice on cancel). */
export function usageToDate(ctx: Ctx, sub: Subscription): ItemInput[] {
  const now = nowSeconds();
  return itemsOf(sub).flatMap((it) => {
    if (!isMetered(it.price)) return [];
    const { quantity, period } = meteredUsage(
      ctx,
      sub.customer,
      it.id,
      it.price,
      it.current_period_start,
      now,
    );
    if (period.end <= period.start) return [];
    return [
      {
        customer: sub.customer,
        amount: priceAmount(ctx, it.price, quantity),
        currency: sub.currency,
        price: it.price,
        quantity,
        description: `${quantity} × ${productName(ctx, it.price)} (usage)`,
        period,
        proration: false,
        subscription: sub.id,
      },
    ];
  });
}
