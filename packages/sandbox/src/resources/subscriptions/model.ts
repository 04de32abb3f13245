// What a subscription is made of: its items and their billing periods, the recurring price behind each,
// the invoices it produces and the invoice's way back to it. No state transitions here (lifecycle.ts).
import type { App, Ctx } from '../../app.ts';
import type { Obj } from '../../store.ts';
import { invalidRequest, notFound } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import type { Params } from '../../wire/schema.ts';
import { addMonths, discountActive } from '../coupons.ts';
import { newInvoice } from '../invoices/model.ts';
import { createPrice, requirePrice } from '../products.ts';

export const DAY = 86_400;

export function addInterval(anchor: number, interval: string, count: number, n: number): number {
  if (interval === 'day') return anchor + n * count * DAY;
  if (interval === 'week') return anchor + n * count * 7 * DAY;
  if (interval === 'year') return addMonths(anchor, 12 * count * n);
  return addMonths(anchor, count * n);
}

export function planOf(price: Obj): Params {
  const rec = (price.recurring as Params | null) ?? {};
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: rec.interval ?? null,
    interval_count: rec.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: rec.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: rec.trial_period_days ?? null,
    usage_type: rec.usage_type ?? 'licensed',
  };
}

/** After a snapshot load, make `items.data` hold the stored item objects again (one object per item). */
export function relinkSubscriptions(app: App): void {
  for (const { obj: sub } of app.store.all('subscription')) {
    const list = sub.items as { data: Obj[] };
    list.data = list.data.map((it) => app.store.find(it.id)?.obj ?? it);
  }
}

export function requireSubscription(ctx: Ctx, id: string, param = 'subscription_exposed_id'): Obj {
  const s = ctx.app.store.get(ctx.account, id, 'subscription');
  if (!s) throw notFound('subscription', id, param);
  return s;
}

export function itemsOf(sub: Obj): Obj[] {
  return (sub.items as { data: Obj[] }).data;
}

export function cycleTable(app: App) {
  return app.store.table<number>('subscription_cycle');
}

export function newItem(
  ctx: Ctx,
  sub: Obj,
  price: Obj,
  quantity: number,
  md: Record<string, string>,
  start: number,
  end: number,
): Obj {
  const it: Obj = {
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
    quantity: (price.recurring as Params).usage_type === 'metered' ? null : quantity,
    subscription: sub.id,
    tax_rates: [],
  };
  ctx.app.store.insert(ctx.account, it);
  return it;
}

export function recurringPrice(ctx: Ctx, li: Params, i: number, param = 'items'): Obj {
  let price: Obj;
  if (li.price) price = requirePrice(ctx, String(li.price), `${param}[${i}][price]`);
  else if (li.price_data) price = createPrice(ctx, { ...(li.price_data as Params), active: false }, false);
  else if (li.plan) price = requirePrice(ctx, String(li.plan), `${param}[${i}][plan]`);
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

export function productName(ctx: Ctx, price: Obj): string {
  return String(ctx.app.store.get(ctx.account, String(price.product), 'product')?.name ?? price.id);
}

export function lineDescription(ctx: Ctx, price: Obj, quantity: number): string {
  return `${quantity} × ${productName(ctx, price)} (at $${(Number(price.unit_amount ?? 0) / 100).toFixed(2)} / ${(price.recurring as Params).interval})`;
}

/** Active discounts of a subscription for an invoice whose period starts at `at`. */
export function subscriptionDiscounts(ctx: Ctx, sub: Obj, at: number): string[] {
  return (sub.discounts as string[]).filter((id) => {
    const di = ctx.app.store.get(ctx.account, id, 'discount');
    return di ? discountActive(ctx, di, at) : false;
  });
}

export function subscriptionInvoice(
  ctx: Ctx,
  sub: Obj,
  reason: string,
  period: { start: number; end: number },
): Obj {
  return newInvoice(ctx, {
    customer: String(sub.customer),
    collection_method: String(sub.collection_method),
    billing_reason: reason,
    subscription: sub,
    default_payment_method: null,
    application_fee_percent: (sub.application_fee_percent as number | null) ?? null,
    currency: String(sub.currency),
    period,
    on_behalf_of: (sub.on_behalf_of as string | null) ?? null,
    transfer_data: (sub.transfer_data as Params | null) ?? null,
    auto_advance: true,
    discounts: subscriptionDiscounts(ctx, sub, nowSeconds()),
    description: (sub.description as string | null) ?? null,
  });
}

export function daysUntilDue(ctx: Ctx, inv: Obj, sub: Obj): void {
  if (sub.collection_method === 'send_invoice') {
    ctx.app.store
      .table<number>('invoice_days_until_due')
      .set(inv.id, (sub.days_until_due as number | null) ?? 30);
  }
}

export function subscriptionOfInvoice(ctx: Ctx, inv: Obj): Obj | undefined {
  const id = ((inv.parent as Params | null)?.subscription_details as Params | undefined)?.subscription;
  return id ? ctx.app.store.get(ctx.account, String(id), 'subscription') : undefined;
}
