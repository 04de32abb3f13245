// A subscription's life apart from its renewals: creation (first invoice, trial, incomplete), status
// changes, collection of the invoices it produces, cancellation, and the jobs that end trials, expire
// incomplete subscriptions and honour `cancel_at`.
import { type Ctx, systemCtx } from '../../app.ts';
import { billingSettings, onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Subscription } from '../../objects/subscriptions.ts';
import { invalidRequest, type StripeError } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { discountsFor } from '../coupons.ts';
import { requireCustomer } from '../customers/model.ts';
import { attemptPayment } from '../invoices/attempts.ts';
import { finalizeInvoice, markUncollectible, voidInvoice } from '../invoices/lifecycle.ts';
import { itemLine, pullPendingItems, recompute } from '../invoices/lines.ts';
import { resolvePaymentMethod } from '../payment_methods.ts';
import { priceAmount } from '../products/prices.ts';
import {
  addInterval,
  cycleTable,
  DAY,
  daysUntilDue,
  isMetered,
  itemsOf,
  lineDescription,
  newItem,
  productName,
  recurringOf,
  recurringPrice,
  requireOneCycle,
  subscriptionInvoice,
} from './model.ts';
import type { SubscriptionInput } from './params.ts';
import { discardPending } from './pending.ts';

export function setStatus(
  ctx: Ctx,
  sub: Subscription,
  status: string,
  extra: Partial<Subscription> = {},
): void {
  const before = snapshot(sub);
  sub.status = status;
  Object.assign(sub, extra);
  ctx.app.store.changed();
  const prev = changes(before, sub);
  if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
}

/** Pay an invoice a subscription just produced (unless collection is paused or by email). */
export function collect(ctx: Ctx, sub: Subscription, inv: Invoice, offSession: boolean): StripeError | null {
  const pause = sub.pause_collection;
  if (pause && inv.billing_reason === 'subscription_cycle') {
    if (pause.behavior === 'keep_as_draft') return null;
    finalizeInvoice(ctx, inv);
    if (inv.status !== 'open') return null;
    if (pause.behavior === 'void') voidInvoice(ctx, inv);
    else markUncollectible(ctx, inv);
    return null;
  }
  finalizeInvoice(ctx, inv);
  if (inv.status === 'open' && sub.collection_method === 'charge_automatically') {
    return attemptPayment(ctx, inv, { offSession }).error;
  }
  return null;
}

export function createSubscriptionFor(ctx: Ctx, s: SubscriptionInput): Subscription {
  const cus = requireCustomer(ctx, s.customer, 'customer');
  const prices = s.items.map((i, n) => recurringPrice(ctx, { price: i.price }, n));
  if (!prices.length) throw invalidRequest('Missing required param: items.', 'items', 'parameter_missing');
  requireOneCycle(prices);
  const rec0 = recurringOf(prices[0]!);
  const now = nowSeconds();
  let trialEnd = s.trial_end ?? null;
  if (trialEnd === null && s.trial_period_days) trialEnd = now + s.trial_period_days * DAY;
  if (trialEnd !== null && trialEnd <= now) trialEnd = null;
  const anchor = trialEnd ?? now;
  const periodEnd = trialEnd ?? addInterval(anchor, rec0.interval, rec0.interval_count, 1);
  const id = newId('sub');
  const pm = s.default_payment_method
    ? resolvePaymentMethod(ctx, s.default_payment_method, 'default_payment_method', cus.id)
    : null;
  const sub: Subscription = {
    id,
    object: 'subscription',
    application: ctx.platform ? null : ctx.app.config.connectClientId,
    application_fee_percent: s.application_fee_percent,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    // Flexible is the default for subscriptions made through the API since 2025-09-30.clover.
    billing_mode:
      s.billing_mode === 'classic'
        ? { flexible: null, type: 'classic' }
        : { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: s.cancel_at ?? (s.cancel_at_period_end ? periodEnd : null),
    cancel_at_period_end: s.cancel_at_period_end ?? false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: s.collection_method ?? 'charge_automatically',
    created: now,
    currency: prices[0]!.currency,
    customer: cus.id,
    customer_account: null,
    days_until_due: s.collection_method === 'send_invoice' ? (s.days_until_due ?? 30) : null,
    default_payment_method: pm?.id ?? null,
    default_source: null,
    default_tax_rates: [],
    description: s.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data: [],
      has_more: false,
      total_count: 0,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: s.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: s.on_behalf_of ?? null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: s.schedule ?? null,
    start_date: now,
    status: trialEnd ? 'trialing' : 'incomplete',
    test_clock: cus.test_clock ?? null,
    transfer_data: s.transfer_data
      ? { amount_percent: s.transfer_data.amount_percent ?? null, destination: s.transfer_data.destination }
      : null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { missing_payment_method: s.missing_payment_method ?? 'create_invoice' },
    },
    trial_start: trialEnd ? now : null,
  };
  if (sub.collection_method === 'send_invoice' && !trialEnd) sub.status = 'active';
  ctx.app.store.insert(ctx.account, sub);
  sub.discounts = discountsFor(ctx, s.discounts, { customer: cus.id, subscription: id });
  const items = itemsOf(sub);
  s.items.forEach((i, n) => {
    items.push(newItem(ctx, sub, prices[n]!, i.quantity, i.metadata ?? {}, now, periodEnd));
  });
  sub.items.total_count = items.length;
  cycleTable(ctx.app).set(id, trialEnd ? -1 : 0);
  emit(ctx, 'customer.subscription.created', sub);

  const inv = subscriptionInvoice(ctx, sub, 'subscription_create', { start: now, end: now });
  daysUntilDue(ctx, inv, sub);
  for (const it of items) {
    const price = it.price;
    const metered = isMetered(price);
    const qty = metered ? 0 : (it.quantity ?? 0);
    const amount = trialEnd || metered ? 0 : priceAmount(ctx, price, qty);
    inv.lines.data.push(
      itemLine(inv, {
        amount,
        description: trialEnd
          ? `Trial period for ${productName(ctx, price)}`
          : lineDescription(ctx, price, qty),
        price,
        quantity: qty,
        period: { start: now, end: periodEnd },
        subscription: id,
        subscriptionItem: it.id,
      }),
    );
  }
  pullPendingItems(ctx, inv, id);
  recompute(ctx, inv);
  sub.latest_invoice = inv.id;
  emit(ctx, 'invoice.created', inv);
  let failure: StripeError | null = null;
  if (s.payment_behavior === 'default_incomplete') {
    finalizeInvoice(ctx, inv);
  } else {
    failure = collect(ctx, sub, inv, s.off_session);
  }
  if (sub.status === 'incomplete') {
    schedule(ctx.app, {
      at: now + 23 * 3600,
      owner: ctx.account,
      clock: sub.test_clock,
      kind: 'sub_incomplete_expire',
      target: id,
    });
    if (s.payment_behavior === 'error_if_incomplete') {
      // Stripe answers with the payment's error; the subscription does not go on.
      unschedule(ctx.app, id);
      if (inv.status === 'open') voidInvoice(ctx, inv);
      setStatus(ctx, sub, 'incomplete_expired', { ended_at: now });
      throw (
        failure ??
        invalidRequest(
          'The first payment of this subscription could not be completed.',
          undefined,
          'subscription_payment_failed',
          402,
        )
      );
    }
  }
  if (trialEnd && trialEnd - 3 * DAY > now) {
    schedule(ctx.app, {
      at: trialEnd - 3 * DAY,
      owner: ctx.account,
      clock: sub.test_clock,
      kind: 'sub_trial_will_end',
      target: id,
    });
  }
  schedule(ctx.app, {
    at: periodEnd,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_cycle',
    target: id,
  });
  scheduleUpcoming(ctx, sub, periodEnd);
  ctx.app.store.changed();
  return sub;
}

type CancelHook = (ctx: Ctx, sub: Subscription) => void;
let afterCancel: CancelHook = () => {};

/** Work due when a subscription ends (the schedule managing it ends too). */
export function setAfterCancel(fn: CancelHook): void {
  afterCancel = fn;
}

/** End a subscription now (`customer.subscription.deleted`). */
export function cancelNow(
  ctx: Ctx,
  sub: Subscription,
  reason: string,
  comment: string | null = null,
  feedback: string | null = null,
): void {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  // an update waiting for its payment goes with the subscription (its invoice voided)
  if (sub.pending_update) discardPending(ctx, sub);
  const now = nowSeconds();
  sub.status = 'canceled';
  sub.canceled_at = sub.canceled_at ?? now;
  sub.ended_at = now;
  sub.cancellation_details = { comment, feedback, reason };
  unschedule(ctx.app, sub.id);
  ctx.app.store.changed();
  emit(ctx, 'customer.subscription.deleted', sub);
  afterCancel(ctx, sub);
}

/** `invoice.upcoming` a few days (a `/_sandbox/billing/settings` value) before the next renewal. */
export function scheduleUpcoming(ctx: Ctx, sub: Subscription, periodEnd: number): void {
  const days = billingSettings(ctx.app).upcoming_days;
  const at = periodEnd - days * DAY;
  if (days <= 0 || at <= nowSeconds()) return;
  schedule(ctx.app, {
    at,
    owner: ctx.account,
    clock: sub.test_clock,
    kind: 'sub_upcoming',
    target: sub.id,
  });
}

onJob('sub_trial_will_end', (app, job) => {
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.status === 'trialing')
    emit(systemCtx(app, job.owner), 'customer.subscription.trial_will_end', sub);
});

onJob('sub_incomplete_expire', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.status !== 'incomplete') return;
  const inv = sub.latest_invoice ? app.store.get(job.owner, sub.latest_invoice, 'invoice') : undefined;
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) voidInvoice(ctx, inv);
  unschedule(app, sub.id);
  setStatus(ctx, sub, 'incomplete_expired', { ended_at: nowSeconds() });
});

onJob('sub_cancel_at', (app, job) => {
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.cancel_at != null && sub.cancel_at <= nowSeconds())
    cancelNow(systemCtx(app, job.owner), sub, 'cancellation_requested');
});
