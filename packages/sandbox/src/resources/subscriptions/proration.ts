// Prorations for quantity and price changes, as Stripe documents them: the amount times the unused fraction
// of the period, to the second, as pending invoice items (or billed at once with `always_invoice`).
import type { Ctx } from '../../app.ts';
import { schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Price } from '../../objects/products.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import { invalidRequest, notFound, type StripeError } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { mergeMetadata } from '../../wire/schema.ts';
import { type ItemInput, newInvoiceItem } from '../invoices/items.ts';
import { finalizeInvoice } from '../invoices/lifecycle.ts';
import { itemLine, pullPendingItems, recompute } from '../invoices/lines.ts';
import { priceAmount } from '../products/prices.ts';
import { collect, scheduleUpcoming, setStatus } from './lifecycle.ts';
import { forgetMetered, markMeteredFrom, usageUntilChange } from './metered.ts';
import {
  addInterval,
  cycleTable,
  daysUntilDue,
  isMetered,
  itemsOf,
  lineDescription,
  newItem,
  planOf,
  productName,
  recurringOf,
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
  /** the caller starts a new period now if the billing period changes (restartPeriod) */
  restarting = false,
): boolean {
  const items = itemsOf(sub);
  const prorating = behavior !== 'none' && (sub.status === 'active' || sub.status === 'past_due');
  // A price of another billing period starts a new period now (restartPeriod), billed in full: only the
  // unused time of the old price is prorated, as a credit.
  const period = items[0] ? billingPeriodOf(items[0].price) : null;
  const samePeriod = (price: Price) => !restarting || period === null || billingPeriodOf(price) === period;
  let changed = false;
  const current = {
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
      if (prorating) prorate(ctx, sub, existing, from, samePeriod(to.price) ? to : null, t);
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
      current.start,
      current.end,
    );
    items.push(it);
    if (isMetered(newPrice)) markMeteredFrom(ctx.app, it.id, t);
    if (prorating && samePeriod(newPrice))
      prorate(ctx, sub, it, null, { price: newPrice, qty: li.quantity ?? 1 }, t);
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
  opts: { offSession?: boolean; guarded?: boolean; attempt?: boolean; newPeriod?: boolean } = {},
): { invoice: Invoice | null; error: StripeError | null } {
  const it = itemsOf(sub)[0];
  const inv = subscriptionInvoice(ctx, sub, 'subscription_update', {
    start: it?.current_period_start ?? nowSeconds(),
    end: it?.current_period_end ?? nowSeconds(),
  });
  daysUntilDue(ctx, inv, sub);
  // a period restarted (restartPeriod) is billed in full, in advance, on this invoice
  if (opts.newPeriod)
    for (const item of itemsOf(sub)) {
      if (isMetered(item.price)) continue;
      const qty = item.quantity ?? 0;
      inv.lines.data.push(
        itemLine(inv, {
          amount: priceAmount(ctx, item.price, qty),
          description: lineDescription(ctx, item.price, qty),
          price: item.price,
          quantity: qty,
          period: { start: item.current_period_start, end: item.current_period_end },
          subscription: sub.id,
          subscriptionItem: item.id,
        }),
      );
    }
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
  opts: {
    invoicing: boolean;
    guard: Guard | null;
    offSession: boolean;
    behavior?: string | null;
    /** the billing period restarted now (restartPeriod): invoiced at once, whatever the proration behavior */
    newPeriod?: boolean;
  },
): void {
  if (opts.invoicing && opts.guard) {
    const { invoice, error } = invoiceNow(ctx, sub, { offSession: opts.offSession, guarded: true });
    settleGuarded(ctx, sub, opts.guard, invoice, error);
  }
  const prev = changes(before, sub);
  if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
  if ((opts.invoicing || opts.newPeriod) && !opts.guard)
    invoiceNow(ctx, sub, {
      offSession: opts.offSession,
      attempt: opts.behavior !== 'default_incomplete',
      newPeriod: opts.newPeriod === true,
    });
}

/** A price's billing period: its interval and interval count. */
export function billingPeriodOf(price: Price): string {
  const r = recurringOf(price);
  return `${r.interval_count}/${r.interval}`;
}

/**
 * The billing cycle anchor reset to now, and a new period from now on the subscription's (new) interval: when
 * the new price "has a different billing frequency from the old plan (for example, monthly to yearly)", "the
 * first full period of the new plan begins immediately [...] and the customer is charged for the first
 * period" (support.stripe.com/questions/handling-subscription-changes); `billing_cycle_anchor=now` too. The
 * caller invoices the new period at once (settleItemsChange's `newPeriod`).
 */
export function restartPeriod(ctx: Ctx, sub: Subscription): void {
  const now = nowSeconds();
  const rec = recurringOf(itemsOf(sub)[0]!.price);
  const end = addInterval(now, rec.interval, rec.interval_count, 1);
  unschedule(ctx.app, sub.id, 'sub_cycle');
  unschedule(ctx.app, sub.id, 'sub_upcoming');
  sub.billing_cycle_anchor = now;
  cycleTable(ctx.app).set(sub.id, 0);
  for (const it of itemsOf(sub)) {
    it.current_period_start = now;
    it.current_period_end = end;
  }
  if (sub.cancel_at_period_end) sub.cancel_at = end;
  ctx.app.store.changed();
  schedule(ctx.app, {
    at: end,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_cycle',
    target: sub.id,
  });
  scheduleUpcoming(ctx, sub, end);
}
