// Renewals and dunning: at each period end a new cycle and its draft invoice, collected an hour later as
// Stripe does; a failed renewal makes the subscription past_due and is retried on the dunning schedule
// (`/_sandbox/billing/settings`), then ends in the configured final state.
import { type App, type Ctx, systemCtx } from '../../app.ts';
import { billingSettings, onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Subscription } from '../../objects/subscriptions.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { attemptPayment, setRetryPlanner } from '../invoices/attempts.ts';
import { newInvoiceItem } from '../invoices/items.ts';
import { markUncollectible, onInvoiceOutcome } from '../invoices/lifecycle.ts';
import { itemLine, pullPendingItems, recompute } from '../invoices/lines.ts';
import { priceAmount } from '../products/prices.ts';
import { cancelNow, collect, scheduleUpcoming, setStatus } from './lifecycle.ts';
import { meteredUsage, usageToDate } from './metered.ts';
import {
  addInterval,
  cycleTable,
  DAY,
  daysUntilDue,
  isMetered,
  itemsOf,
  lineDescription,
  productName,
  recurringOf,
  subscriptionInvoice,
  subscriptionOfInvoice,
} from './model.ts';
import { isGuarded } from './pending.ts';
import { invoiceNow } from './proration.ts';

onJob('sub_cycle', (app, job) => renew(systemCtx(app, job.owner), job.target));

onJob('sub_collect', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status !== 'draft') return;
  const sub = subscriptionOfInvoice(ctx, inv);
  if (!sub || sub.status === 'canceled') return;
  inv.automatically_finalizes_at = null;
  collect(ctx, sub, inv, true);
});

type RenewalHook = (ctx: Ctx, sub: Subscription) => void;
let beforeRenewal: RenewalHook = () => {};

/** Work due when a subscription renews, before its new cycle is invoiced (a schedule's next phase). */
export function setBeforeRenewal(fn: RenewalHook): void {
  beforeRenewal = fn;
}

export function renew(ctx: Ctx, subId: string, resuming = false, immediate = resuming): void {
  const sub = ctx.app.store.get(ctx.account, subId, 'subscription');
  if (!sub || ['canceled', 'incomplete_expired', 'incomplete'].includes(String(sub.status))) return;
  beforeRenewal(ctx, sub);
  if (sub.status === 'canceled') return;
  const now = nowSeconds();
  if (sub.cancel_at_period_end || (sub.cancel_at != null && Number(sub.cancel_at) <= now)) {
    // "Any metered usage is charged for in a final invoice when the subscription cancels at the end of
    // the billing period" (docs.stripe.com/billing/subscriptions/cancel)
    const usage = usageToDate(ctx, sub);
    for (const u of usage) newInvoiceItem(ctx, u);
    cancelNow(ctx, sub, 'cancellation_requested');
    if (usage.length) invoiceNow(ctx, sub);
    return;
  }
  if (sub.status === 'paused' && !resuming) return;
  const before = snapshot(sub);
  const items = itemsOf(sub);
  const rec = recurringOf(items[0]!.price);
  const n = (cycleTable(ctx.app).get(sub.id) ?? 0) + 1;
  const trialEnding = sub.status === 'trialing' || resuming;
  if (trialEnding && !hasPaymentMethod(ctx, sub)) {
    const behavior = sub.trial_settings.end_behavior.missing_payment_method;
    if (behavior === 'cancel') {
      cancelNow(ctx, sub, 'cancellation_requested');
      return;
    }
    if (behavior === 'pause') {
      setStatus(ctx, sub, 'paused');
      emit(ctx, 'customer.subscription.paused', sub);
      return;
    }
  }
  const anchor = sub.billing_cycle_anchor;
  const start = addInterval(anchor, rec.interval, rec.interval_count, n);
  const end = addInterval(anchor, rec.interval, rec.interval_count, n + 1);
  cycleTable(ctx.app).set(sub.id, n);
  const prevPeriods = items.map((it) => ({
    start: it.current_period_start,
    end: it.current_period_end,
  }));
  for (const it of items) {
    it.current_period_start = start;
    it.current_period_end = end;
  }
  if (trialEnding) sub.status = 'active';
  const inv = subscriptionInvoice(ctx, sub, 'subscription_cycle', {
    start: prevPeriods[0]!.start,
    end: prevPeriods[0]!.end,
  });
  daysUntilDue(ctx, inv, sub);
  items.forEach((it, i) => {
    const price = it.price;
    // Metered prices bill the usage of the period that ended (in arrears), licensed ones the new period.
    const prev = prevPeriods[i]!;
    const metered = isMetered(price);
    const usage = metered ? meteredUsage(ctx, sub.customer, it.id, price, prev.start, prev.end) : null;
    const qty = usage ? usage.quantity : (it.quantity ?? 0);
    inv.lines.data.push(
      itemLine(inv, {
        amount: priceAmount(ctx, price, qty),
        description: metered
          ? `${qty} × ${productName(ctx, price)} (usage)`
          : lineDescription(ctx, price, qty),
        price,
        quantity: qty,
        period: usage ? usage.period : { start, end },
        subscription: sub.id,
        subscriptionItem: it.id,
      }),
    );
  });
  pullPendingItems(ctx, inv, sub.id);
  recompute(ctx, inv);
  sub.latest_invoice = inv.id;
  ctx.app.store.changed();
  if (!immediate) inv.automatically_finalizes_at = nowSeconds() + 3600;
  emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
  emit(ctx, 'invoice.created', inv);
  schedule(ctx.app, {
    at: end,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_cycle',
    target: sub.id,
  });
  scheduleUpcoming(ctx, sub, end);
  if (immediate) {
    collect(ctx, sub, inv, true);
    return;
  }
  // Stripe finalizes and charges a renewal invoice about an hour after `invoice.created`.
  schedule(ctx.app, {
    at: nowSeconds() + 3600,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_collect',
    target: inv.id,
  });
}

function hasPaymentMethod(ctx: Ctx, sub: Subscription): boolean {
  if (sub.default_payment_method) return true;
  const cus = ctx.app.store.get(ctx.account, sub.customer, 'customer');
  return Boolean(cus?.invoice_settings.default_payment_method);
}

function firstFailures(app: App) {
  return app.store.table<number>('invoice_first_failure');
}

/** When a failed subscription invoice is retried next (Stripe's schedule is an account setting). */
setRetryPlanner((ctx, inv) => {
  const sub = subscriptionOfInvoice(ctx, inv);
  if (
    !sub ||
    inv.billing_reason === 'subscription_create' ||
    isGuarded(ctx.app, inv.id) ||
    sub.collection_method !== 'charge_automatically'
  )
    return null;
  const first = firstFailures(ctx.app).get(inv.id) ?? nowSeconds();
  firstFailures(ctx.app).set(inv.id, first);
  const days = billingSettings(ctx.app).retry_days;
  const n = inv.attempt_count - 1;
  return n < days.length ? first + days[n]! * DAY : null;
});

/**
 * A finalized invoice of the subscription made after `inv` and still unpaid. The status follows the latest
 * finalized invoice ("past_due: payment on the latest finalized invoice either failed or wasn't attempted"):
 * paying an older one leaves the subscription past_due, paying the latest makes it active.
 */
function laterUnpaid(ctx: Ctx, sub: Subscription, inv: Invoice): boolean {
  const all = ctx.app.store.list(ctx.account, 'invoice');
  return all
    .slice(all.findIndex((i) => i.id === inv.id) + 1)
    .some(
      (i) =>
        i.parent?.subscription_details.subscription === sub.id &&
        (i.status === 'open' || i.status === 'uncollectible') &&
        !isGuarded(ctx.app, i.id),
    );
}

onInvoiceOutcome((ctx, inv, outcome) => {
  const sub = subscriptionOfInvoice(ctx, inv);
  if (!sub) return;
  if (outcome === 'paid') {
    if (['incomplete', 'past_due', 'unpaid'].includes(String(sub.status)) && !laterUnpaid(ctx, sub, inv)) {
      unschedule(ctx.app, sub.id, 'sub_incomplete_expire');
      setStatus(ctx, sub, 'active');
    }
    return;
  }
  if (outcome === 'voided' || inv.billing_reason === 'subscription_create' || isGuarded(ctx.app, inv.id))
    return;
  if (sub.status === 'active' || sub.status === 'trialing') setStatus(ctx, sub, 'past_due');
  // Automatic collection is off for this invoice: the platform runs its own dunning.
  if (!inv.auto_advance) return;
  if (inv.next_payment_attempt != null) {
    unschedule(ctx.app, inv.id, 'invoice_retry');
    schedule(ctx.app, {
      at: Number(inv.next_payment_attempt),
      owner: ctx.account,
      clock: inv.test_clock ?? null,
      kind: 'invoice_retry',
      target: inv.id,
    });
    return;
  }
  if (sub.collection_method !== 'charge_automatically') return;
  // The last retry failed: the configured final states.
  const settings = billingSettings(ctx.app);
  if (settings.final_invoice_status === 'uncollectible' && inv.status === 'open') markUncollectible(ctx, inv);
  if (settings.final_subscription_status === 'canceled') cancelNow(ctx, sub, 'payment_failed');
  else if (settings.final_subscription_status === 'unpaid') setStatus(ctx, sub, 'unpaid');
});

onJob('invoice_retry', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status !== 'open' || !inv.auto_advance) return;
  const sub = subscriptionOfInvoice(ctx, inv);
  if (sub && (sub.status === 'canceled' || sub.pause_collection)) return;
  attemptPayment(ctx, inv, { offSession: true });
});
