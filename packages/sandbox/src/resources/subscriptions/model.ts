// What a subscription is made of: its items and their billing periods, the recurring price behind each,
// the invoices it produces and the invoice's way back to it. No state transitions here (lifecycle.ts).
import type { App, Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import type { Period } from '../../objects/common.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Plan, Price, Recurring } from '../../objects/products.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { addMonths, discountActive } from '../coupons.ts';
import { newInvoice } from '../invoices/model.ts';
import { createPrice, type PriceParams, requirePrice } from '../products/prices.ts';
import { productName as nameOfProduct } from '../products/products.ts';

export const DAY = 86_400;

export function addInterval(anchor: number, interval: string, count: number, n: number): number {
  if (interval === 'day') return anchor + n * count * DAY;
  if (interval === 'week') return anchor + n * count * 7 * DAY;
  if (interval === 'year') return addMonths(anchor, 12 * count * n);
  return addMonths(anchor, count * n);
}

/** How an item names its price: an existing price (or plan), or `price_data` for a new one. */
export interface ItemPrice {
  price?: string | null;
  price_data?: PriceParams | null;
  plan?: string | null;
}

export function planOf(price: Price): Plan {
  const rec = price.recurring;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: rec?.interval ?? null,
    interval_count: rec?.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: rec?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: rec?.trial_period_days ?? null,
    usage_type: rec?.usage_type ?? 'licensed',
  };
}

/** After a snapshot load, make `items.data` hold the stored item objects again (one object per item). */
export function relinkSubscriptions(app: App): void {
  for (const { obj: sub } of app.store.all('subscription')) {
    const list = sub.items;
    list.data = list.data.map((it) => app.store.findOf(it.id, 'subscription_item')?.obj ?? it);
  }
}

export function requireSubscription(ctx: Ctx, id: string, param = 'subscription_exposed_id'): Subscription {
  return requireOwn(ctx, 'subscription', id, param);
}

export function itemsOf(sub: Subscription): SubscriptionItem[] {
  return sub.items.data;
}

/** A subscription price's `recurring` (every price on a subscription is recurring: recurringPrice). */
export function recurringOf(price: Price): Recurring {
  if (!price.recurring) throw new Error(`price ${price.id} is not recurring`);
  return price.recurring;
}

/** Whether a price bills its usage (a meter) rather than a quantity. */
export function isMetered(price: Price): boolean {
  return price.recurring?.usage_type === 'metered';
}

export function cycleTable(app: App) {
  return app.store.table<number>('subscription_cycle');
}

export function newItem(
  ctx: Ctx,
  sub: Subscription,
  price: Price,
  quantity: number,
  md: Record<string, string>,
  start: number,
  end: number,
): SubscriptionItem {
  const it: SubscriptionItem = {
    id: newId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: nowSeconds(),
    current_period_end: end,
    current_period_start: start,
    discounts: [],
    metadata: md,
    plan: planOf(price),
    price,
    quantity: isMetered(price) ? null : quantity,
    subscription: sub.id,
    tax_rates: [],
  };
  ctx.app.store.insert(ctx.account, it);
  return it;
}

/** The recurring price an item names. `activeOnly`: a price the request names must be active (a new
 * subscription or a changed item); a price already on an item, or a schedule's phase, may be archived. */
export function recurringPrice(
  ctx: Ctx,
  li: ItemPrice,
  i: number,
  param = 'items',
  activeOnly = false,
): Price {
  let price: Price;
  if (li.price || li.plan) {
    const field = li.price ? 'price' : 'plan';
    price = requirePrice(ctx, String(li.price ?? li.plan), `${param}[${i}][${field}]`);
    // an archived price keeps its subscribers but takes no new ones
    if (activeOnly && !price.active)
      throw invalidRequest(
        'The price specified is inactive. This field only accepts active prices.',
        `${param}[${i}][${field}]`,
      );
  } else if (li.price_data) price = createPrice(ctx, { ...li.price_data, active: false }, false);
  else
    throw invalidRequest(
      `Missing required param: ${param}[${i}][price].`,
      `${param}[${i}][price]`,
      'parameter_missing',
    );
  if (price.type !== 'recurring') {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      `${param}[${i}][price]`,
    );
  }
  return price;
}

/** The prices of one subscription (or schedule phase) share their billing interval and currency. */
export function requireOneCycle(prices: Price[], param = 'items'): void {
  const rec0 = recurringOf(prices[0]!);
  for (const [n, p] of prices.entries()) {
    const r = recurringOf(p);
    if (r.interval !== rec0.interval || r.interval_count !== rec0.interval_count) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
        `${param}[${n}][price]`,
      );
    }
    if (p.currency !== prices[0]!.currency)
      throw invalidRequest(
        'All prices on a subscription must have the same currency.',
        `${param}[${n}][price]`,
      );
  }
}

export function productName(ctx: Ctx, price: Price): string {
  return nameOfProduct(ctx, price) ?? price.id;
}

export function lineDescription(ctx: Ctx, price: Price, quantity: number): string {
  return `${quantity} × ${productName(ctx, price)} (at $${((price.unit_amount ?? 0) / 100).toFixed(2)} / ${price.recurring?.interval})`;
}

/**
 * Active discounts of a subscription for an invoice whose period starts at `at`: its own, or where it has none
 * (left), its customer's (Stripe: "If not specified or empty, inherits the discount from the subscription's
 * customer"). A discount of its own that ended or was used up is gone from a subscription at Stripe.
 */
export function subscriptionDiscounts(ctx: Ctx, sub: Subscription, at: number): string[] {
  const own = sub.discounts.filter((id) => {
    const di = ctx.app.store.get(ctx.account, id, 'discount');
    return di ? discountActive(ctx, di, at) : false;
  });
  if (own.length) return own;
  const inherited = ctx.app.store.get(ctx.account, sub.customer, 'customer')?.discount;
  return inherited && discountActive(ctx, inherited, at) ? [inherited.id] : [];
}

export function subscriptionInvoice(ctx: Ctx, sub: Subscription, reason: string, period: Period): Invoice {
  return newInvoice(ctx, {
    customer: sub.customer,
    collection_method: String(sub.collection_method),
    billing_reason: reason,
    subscription: sub,
    default_payment_method: null,
    application_fee_percent: sub.application_fee_percent ?? null,
    currency: sub.currency,
    period,
    on_behalf_of: sub.on_behalf_of ?? null,
    transfer_data: sub.transfer_data ?? null,
    auto_advance: true,
    discounts: subscriptionDiscounts(ctx, sub, nowSeconds()),
    description: sub.description ?? null,
  });
}

export function daysUntilDue(ctx: Ctx, inv: Invoice, sub: Subscription): void {
  if (sub.collection_method === 'send_invoice') {
    ctx.app.store.table<number>('invoice_days_until_due').set(inv.id, sub.days_until_due ?? 30);
  }
}

export function subscriptionOfInvoice(ctx: Ctx, inv: Invoice): Subscription | undefined {
  const id = inv.parent?.subscription_details.subscription;
  return id ? ctx.app.store.get(ctx.account, id, 'subscription') : undefined;
}
