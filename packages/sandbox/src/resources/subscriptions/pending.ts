// Item changes whose invoice must be paid (docs.stripe.com/billing/subscriptions/pending-updates):
// `payment_behavior=pending_if_incomplete` keeps the subscription as it was, with the change in
// `pending_update` until `latest_invoice` is paid (then `customer.subscription.pending_update_applied`) or
// `pending_update.expires_at` passes (the invoice is voided, `customer.subscription.pending_update_expired`);
// `error_if_incomplete` undoes the change, voids the invoice and answers with the payment's error.
import type { App, Ctx } from '../../app.ts';
import { systemCtx } from '../../app.ts';
import { onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import { invalidRequest, StripeError } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { isPlain, type Params } from '../../wire/schema.ts';
import { onInvoiceOutcome, voidInvoice } from '../invoices/lifecycle.ts';
import { itemsOf, subscriptionOfInvoice } from './model.ts';

const HOUR = 3600;

interface Pending {
  invoice: string;
  /** The items as the update leaves them, set when the invoice is paid. */
  items: SubscriptionItem[];
}

function pendingTable(app: App) {
  return app.store.table<Pending>('subscription_pending_update');
}

/** Invoices an update's fate hangs on: a failed payment neither makes the subscription past_due nor is
 * retried (the update is pending, or undone). */
function guardedInvoices(app: App) {
  return app.store.table<string>('subscription_guarded_invoice');
}

export function markGuarded(app: App, invoice: string, sub: string): void {
  guardedInvoices(app).set(invoice, sub);
}

export function isGuarded(app: App, invoice: string): boolean {
  return guardedInvoices(app).has(invoice);
}

/** Parameters Stripe accepts with pending updates (the pending updates reference). */
const SUBSCRIPTION_PARAMS = [
  'expand',
  'payment_behavior',
  'proration_behavior',
  'proration_date',
  'billing_cycle_anchor',
  'items',
  'trial_end',
  'trial_from_plan',
  'add_invoice_items',
];
const ITEM_PARAMS = ['id', 'price', 'plan', 'quantity'];
const ITEM_ROUTE_PARAMS = [
  'expand',
  'payment_behavior',
  'proration_behavior',
  'proration_date',
  'price',
  'plan',
  'quantity',
  'subscription',
];

function refuse(param: string, allowed: string[]): StripeError {
  return invalidRequest(
    `The parameter \`${param}\` cannot be used with \`payment_behavior=pending_if_incomplete\`. Pending ` +
      `updates support only: ${allowed.join(', ')}.`,
    param,
  );
}

/** A 400 for a parameter pending updates do not take, or a subscription they do not apply to. */
export function requirePendingParams(params: Params, sub: Subscription, itemRoute = false): void {
  const allowed = itemRoute ? ITEM_ROUTE_PARAMS : SUBSCRIPTION_PARAMS;
  for (const k of Object.keys(params)) if (!allowed.includes(k)) throw refuse(k, allowed);
  const items = Array.isArray(params.items)
    ? params.items
    : isPlain(params.items)
      ? Object.values(params.items)
      : [];
  items.forEach((li, n) => {
    if (!isPlain(li)) return;
    for (const k of Object.keys(li))
      if (!ITEM_PARAMS.includes(k)) throw refuse(`items[${n}][${k}]`, ITEM_PARAMS);
  });
  if (sub.collection_method !== 'charge_automatically') {
    throw invalidRequest(
      'Pending updates are not supported on subscriptions with `collection_method=send_invoice`.',
      'payment_behavior',
    );
  }
}

/** The subscription (and its items) before an update that its invoice must pay for. */
export interface Guard {
  behavior: 'pending_if_incomplete' | 'error_if_incomplete';
  sub: Subscription;
  items: SubscriptionItem[];
}

export function guardUpdate(sub: Subscription, behavior: string | null | undefined): Guard | null {
  if (behavior !== 'pending_if_incomplete' && behavior !== 'error_if_incomplete') return null;
  return { behavior, sub: snapshot(sub), items: snapshot(itemsOf(sub)) };
}

/** Make the subscription's stored items match `state` (kept objects updated, others added or removed). */
function setItems(ctx: Ctx, sub: Subscription, state: SubscriptionItem[]): void {
  const live = new Map(itemsOf(sub).map((i) => [i.id, i]));
  const data = state.map((s) => {
    const copy = snapshot(s);
    const it = live.get(s.id);
    if (!it) return ctx.app.store.insert(ctx.account, copy);
    live.delete(s.id);
    return Object.assign(it, copy);
  });
  for (const id of live.keys()) ctx.app.store.remove(id);
  sub.items.data = data;
  sub.items.total_count = data.length;
}

function authenticationError(): StripeError {
  return new StripeError(402, {
    type: 'card_error',
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  });
}

/**
 * After a guarded update's invoice was attempted. Paid (or nothing to pay): the update stands, returns
 * false. Unpaid: the items go back to what they were; `pending_if_incomplete` keeps the change as
 * `pending_update` (returns true), `error_if_incomplete` voids the invoice and throws the payment's error.
 */
export function settleGuarded(
  ctx: Ctx,
  sub: Subscription,
  guard: Guard,
  inv: Invoice | null,
  error: StripeError | null,
): boolean {
  if (!inv || inv.status === 'paid') return false;
  const after = snapshot(itemsOf(sub));
  setItems(ctx, sub, guard.items);
  if (guard.behavior === 'error_if_incomplete') {
    if (inv.status === 'open' || inv.status === 'uncollectible') voidInvoice(ctx, inv);
    const items = sub.items;
    Object.assign(sub, guard.sub, { items });
    ctx.app.store.changed();
    throw error ?? authenticationError();
  }
  const now = nowSeconds();
  const periodEnd = Math.min(...itemsOf(sub).map((i) => i.current_period_end));
  const trialEnd = sub.trial_end != null && sub.trial_end > now ? sub.trial_end : Infinity;
  // The trial's end or the period's, whichever is first, and at most 23 hours away.
  const expires = Math.min(periodEnd, trialEnd, now + 23 * HOUR);
  const changed = after.filter((a) => {
    const b = guard.items.find((x) => x.id === a.id);
    return !b || JSON.stringify(b) !== JSON.stringify(a);
  });
  sub.pending_update = {
    billing_cycle_anchor: null,
    expires_at: expires,
    subscription_items: changed,
    trial_end: null,
    trial_from_plan: null,
  };
  pendingTable(ctx.app).set(sub.id, { invoice: inv.id, items: after });
  unschedule(ctx.app, sub.id, 'sub_pending_update_expire');
  schedule(ctx.app, {
    at: expires,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_pending_update_expire',
    target: sub.id,
  });
  ctx.app.store.changed();
  return true;
}

function clearPending(app: App, sub: Subscription): void {
  sub.pending_update = null;
  pendingTable(app).delete(sub.id);
  unschedule(app, sub.id, 'sub_pending_update_expire');
}

/** A new change to the items replaces a pending update: its invoice is voided (which clears it). */
export function discardPending(ctx: Ctx, sub: Subscription): void {
  const entry = pendingTable(ctx.app).get(sub.id);
  const inv = entry ? ctx.app.store.get(ctx.account, entry.invoice, 'invoice') : undefined;
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) voidInvoice(ctx, inv);
  clearPending(ctx.app, sub);
}

onInvoiceOutcome((ctx, inv, outcome) => {
  if (outcome !== 'paid' && outcome !== 'voided') return;
  const sub = subscriptionOfInvoice(ctx, inv);
  const entry = sub ? pendingTable(ctx.app).get(sub.id) : undefined;
  if (!sub || entry?.invoice !== inv.id) return;
  const before = snapshot(sub);
  if (outcome === 'voided') {
    // voiding the invoice cancels the pending update: its changes are discarded
    clearPending(ctx.app, sub);
    ctx.app.store.changed();
    emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
    return;
  }
  setItems(ctx, sub, entry.items);
  clearPending(ctx.app, sub);
  ctx.app.store.changed();
  const previous = changes(before, sub);
  emit(ctx, 'customer.subscription.pending_update_applied', sub, { previous });
  emit(ctx, 'customer.subscription.updated', sub, { previous });
});

onJob('sub_pending_update_expire', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const sub = app.store.get(job.owner, job.target, 'subscription');
  const entry = pendingTable(app).get(job.target);
  if (!sub || !entry) return;
  const before = snapshot(sub);
  clearPending(app, sub);
  const inv = app.store.get(job.owner, entry.invoice, 'invoice');
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) voidInvoice(ctx, inv);
  app.store.changed();
  emit(ctx, 'customer.subscription.pending_update_expired', sub, { previous: changes(before, sub) });
});
