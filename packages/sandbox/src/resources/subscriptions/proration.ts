// Prorations for quantity and price changes, as Stripe documents them: the amount times the unused fraction
// of the period, to the second, as pending invoice items (or billed at once with `always_invoice`).
import type { Ctx } from '../../app.ts';
import { changes, emit } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Price } from '../../objects/products.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import { invalidRequest, notFound, type StripeError } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { mergeMetadata } from '../../wire/schema.ts';
import { type ItemInput, newInvoiceItem } from '../invoices/items.ts';
import { finalizeInvoice } from '../invoices/lifecycle.ts';
import { pullPendingItems, recompute } from '../invoices/lines.ts';
import { priceAmount } from '../products/prices.ts';
import { collect, setStatus } from './lifecycle.ts';
import { forgetMetered, markMeteredFrom, usageUntilChange } from './metered.ts';
import {
  daysUntilDue,
  isMetered,
  itemsOf,
  newItem,
  planOf,
  productName,
  recurringPrice,
  subscriptionInvoice,
} from './model.ts';
import type { ItemParams } from './params.ts';
import { type Guard, markGuarded, settleGuarded } from './pending.ts';

function fmtDate(ts: number): string {
  const d = new Date(ts * 1000);
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  return `${String(d.getUTCDate()).padStart(2, '0')} ${m} ${d.getUTCFullYear()}`;
}

/** What an item bills: a price and a quantity. */
export interface Billed {
  price: Price;
  qty: number;
}

/** The period an item is in (a stored item, or a previewed one). */
export type ItemPeriod = Pick<SubscriptionItem, 'current_period_start' | 'current_period_end'>;

/** Proration items for moving an item from (oldPrice, oldQty) to (newPrice, newQty) at time `t`. */
export function prorate(
  ctx: Ctx,
  sub: Subscription,
  it: ItemPeriod,
  from: Billed | null,
  to: Billed | null,
  t: number,
  sink: (i: ItemInput) => void = (i) => {
    newInvoiceItem(ctx, i);
  },
): void {
  const ps = it.current_period_start;
  const pe = it.current_period_end;
  if (t >= pe || pe <= ps) return;
  const frac = (pe - Math.max(t, ps)) / (pe - ps);
  const period = { start: Math.max(t, ps), end: pe };
  if (from && !isMetered(from.price)) {
    const full = priceAmount(ctx, from.price, from.qty);
    sink({
      customer: sub.customer,
      amount: -Math.round(full * frac),
      currency: sub.currency,
      price: from.price,
      quantity: from.qty,
      description: `Unused time on ${from.qty > 1 ? `${from.qty} × ` : ''}${productName(ctx, from.price)} after ${fmtDate(t)}`,
      period,
      proration: true,
      subscription: sub.id,
      discountable: false,
    });
  }
  if (to && !isMetered(to.price)) {
    const full = priceAmount(ctx, to.price, to.qty);
    sink({
      customer: sub.customer,
      amount: Math.round(full * frac),
      currency: sub.currency,
      price: to.price,
      quantity: to.qty,
      description: `Remaining time on ${to.qty > 1 ? `${to.qty} × ` : ''}${productName(ctx, to.price)} after ${fmtDate(t)}`,
      period,
      proration: true,
      subscription: sub.id,
      discountable: false,
    });
  }
}

export function changeItems(
  ctx: Ctx,
  sub: Subscription,
  raw: ItemParams[],
  behavior: string,
  t: number,
): boolean {
  const items = itemsOf(sub);
  const prorating = behavior !== 'none' && (sub.status === 'active' || sub.status === 'past_due');
  let changed = false;
  const period = {
    start: items[0]?.current_period_start ?? nowSeconds(),
    end: items[0]?.current_period_end ?? nowSeconds(),
  };
  raw.forEach((li, n) => {
    const existing = li.id ? items.find((x) => x.id === li.id) : undefined;
    if (li.id && !existing) throw notFound('subscription_item', li.id, `items[${n}][id]`);
    if (existing && li.deleted) {
      if (prorating)
        prorate(ctx, sub, existing, { price: existing.price, qty: existing.quantity ?? 0 }, null, t);
      billUsageSoFar(ctx, sub, existing, existing.price, t, behavior);
      forgetMetered(ctx.app, existing.id);
      items.splice(items.indexOf(existing), 1);
      ctx.app.store.remove(existing.id);
      changed = true;
      return;
    }
    // naming the price an item already has is no change (and allowed when that price is archived)
    const same = existing && (li.price ?? li.plan) === existing.price.id && !li.price_data;
    const newPrice =
      !same && (li.price || li.price_data || li.plan) ? recurringPrice(ctx, li, n, 'items', true) : null;
    if (existing) {
      const from = { price: existing.price, qty: existing.quantity ?? 0 };
      const to = { price: newPrice ?? from.price, qty: li.quantity ?? from.qty };
      if (li.metadata !== undefined) existing.metadata = mergeMetadata(existing.metadata, li.metadata);
      if (to.price.id === from.price.id && to.qty === from.qty) return;
      if (prorating) prorate(ctx, sub, existing, from, to, t);
      if (to.price.id !== from.price.id) {
        billUsageSoFar(ctx, sub, existing, from.price, t, behavior);
        if (isMetered(to.price)) markMeteredFrom(ctx.app, existing.id, t);
        else forgetMetered(ctx.app, existing.id);
      }
      existing.price = to.price;
      existing.plan = planOf(to.price);
      existing.quantity = isMetered(to.price) ? null : to.qty;
      changed = true;
      return;
    }
    if (!newPrice)
      throw invalidRequest(
        `Missing required param: items[${n}][price].`,
        `items[${n}][price]`,
        'parameter_missing',
      );
    const it = newItem(
      ctx,
      sub,
      newPrice,
      li.quantity ?? 1,
      mergeMetadata({}, li.metadata),
      period.start,
      period.end,
    );
    items.push(it);
    if (isMetered(newPrice)) markMeteredFrom(ctx.app, it.id, t);
    if (prorating) prorate(ctx, sub, it, null, { price: newPrice, qty: li.quantity ?? 1 }, t);
    changed = true;
  });
  sub.items.total_count = items.length;
  return changed;
}

/** Flexible billing mode: an item leaving a metered price bills its usage so far, as a pending item. */
function billUsageSoFar(
  ctx: Ctx,
  sub: Subscription,
  it: SubscriptionItem,
  price: Price,
  t: number,
  behavior: string,
): void {
  const usage = usageUntilChange(ctx, sub, it, price, t, behavior);
  if (usage) newInvoiceItem(ctx, usage);
}

/** Invoice the subscription's pending items now and collect it (`offSession`: the customer is away; with
 * `guarded` a failed payment leaves the subscription's status alone: pending.ts decides). */
export function invoiceNow(
  ctx: Ctx,
  sub: Subscription,
  opts: { offSession?: boolean; guarded?: boolean; attempt?: boolean } = {},
): { invoice: Invoice | null; error: StripeError | null } {
  const it = itemsOf(sub)[0];
  const inv = subscriptionInvoice(ctx, sub, 'subscription_update', {
    start: it?.current_period_start ?? nowSeconds(),
    end: it?.current_period_end ?? nowSeconds(),
  });
  daysUntilDue(ctx, inv, sub);
  pullPendingItems(ctx, inv, sub.id);
  recompute(ctx, inv);
  if (!inv.lines.data.length) {
    ctx.app.store.remove(inv.id);
    return { invoice: null, error: null };
  }
  sub.latest_invoice = inv.id;
  if (opts.guarded) markGuarded(ctx.app, inv.id, sub.id);
  emit(ctx, 'invoice.created', inv);
  if (opts.attempt === false) {
    // `default_incomplete`: the invoice waits for its PaymentIntent to be confirmed; the subscription is
    // past_due meanwhile.
    finalizeInvoice(ctx, inv);
    if (inv.status === 'open' && sub.status === 'active') setStatus(ctx, sub, 'past_due');
    return { invoice: inv, error: null };
  }
  return { invoice: inv, error: collect(ctx, sub, inv, opts.offSession ?? true) };
}

/**
 * After a change of items: the proration invoice at once when `always_invoice` (a guarded one decides
 * whether the change stands), then the update's event, then an unguarded invoice.
 */
export function settleItemsChange(
  ctx: Ctx,
  sub: Subscription,
  before: Subscription,
  opts: { invoicing: boolean; guard: Guard | null; offSession: boolean; behavior?: string | null },
): void {
  if (opts.invoicing && opts.guard) {
    const { invoice, error } = invoiceNow(ctx, sub, { offSession: opts.offSession, guarded: true });
    settleGuarded(ctx, sub, opts.guard, invoice, error);
  }
  const prev = changes(before, sub);
  if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
  if (opts.invoicing && !opts.guard)
    invoiceNow(ctx, sub, { offSession: opts.offSession, attempt: opts.behavior !== 'default_incomplete' });
}
