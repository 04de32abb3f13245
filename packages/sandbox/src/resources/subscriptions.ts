// Subscriptions and subscription items: trials, default payment method, quantity and price changes with
// prorations computed as Stripe documents them (amount × unused fraction of the period, to the second),
// cancel now / at period end, pause_collection, application_fee_percent; statuses incomplete →
// incomplete_expired (23 h), trialing / active → past_due on a failed renewal → the configured final state
// after the last retry (`/_sandbox/billing/settings`). Billing periods live on the items.
import { type App, type Ctx, systemCtx } from '../app.ts';
import { atCustomerTime, billingSettings, onJob, schedule, unschedule } from '../billing/scheduler.ts';
import { changes, emit, snapshot } from '../events.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { invalidRequest, notFound, type StripeError } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate, search } from '../wire/list.ts';
import {
  any,
  arr,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  type Params,
  str,
  validate,
} from '../wire/schema.ts';
import { addMonths, discountActive, discountsFor, discountsParam } from './coupons.ts';
import { requireCustomer } from './customers.ts';
import {
  attemptPayment,
  buildLine,
  finalizeInvoice,
  type ItemInput,
  markUncollectible,
  newInvoice,
  newInvoiceItem,
  onInvoiceOutcome,
  pullPendingItems,
  recompute,
  setRetryPlanner,
  voidInvoice,
} from './invoices.ts';
import { usageFor } from './meters.ts';
import { resolvePaymentMethod } from './payment_methods.ts';
import { createPrice, priceAmount, priceDataShape, requirePrice } from './products.ts';

const DAY = 86_400;

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

function itemsOf(sub: Obj): Obj[] {
  return (sub.items as { data: Obj[] }).data;
}

function cycleTable(app: App) {
  return app.store.table<number>('subscription_cycle');
}

function newItem(
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

function recurringPrice(ctx: Ctx, li: Params, i: number, param = 'items'): Obj {
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

function productName(ctx: Ctx, price: Obj): string {
  return String(ctx.app.store.get(ctx.account, String(price.product), 'product')?.name ?? price.id);
}

function lineDescription(ctx: Ctx, price: Obj, quantity: number): string {
  return `${quantity} × ${productName(ctx, price)} (at $${(Number(price.unit_amount ?? 0) / 100).toFixed(2)} / ${(price.recurring as Params).interval})`;
}

/** Active discounts of a subscription for an invoice whose period starts at `at`. */
function subscriptionDiscounts(ctx: Ctx, sub: Obj, at: number): string[] {
  return (sub.discounts as string[]).filter((id) => {
    const di = ctx.app.store.get(ctx.account, id, 'discount');
    return di ? discountActive(ctx, di, at) : false;
  });
}

function subscriptionInvoice(
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

function daysUntilDue(ctx: Ctx, inv: Obj, sub: Obj): void {
  if (sub.collection_method === 'send_invoice') {
    ctx.app.store
      .table<number>('invoice_days_until_due')
      .set(inv.id, (sub.days_until_due as number | null) ?? 30);
  }
}

function setStatus(ctx: Ctx, sub: Obj, status: string, extra: Params = {}): void {
  const before = snapshot(sub);
  sub.status = status;
  Object.assign(sub, extra);
  ctx.app.store.changed();
  const prev = changes(before, sub);
  if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
}

/** Pay an invoice a subscription just produced (unless collection is paused or by email). */
function collect(ctx: Ctx, sub: Obj, inv: Obj, offSession: boolean): StripeError | null {
  const pause = sub.pause_collection as { behavior: string } | null;
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

export interface SubscriptionInput {
  customer: string;
  items: { price: string; quantity: number; metadata?: Record<string, string> }[];
  default_payment_method: string | null;
  application_fee_percent: number | null;
  trial_period_days: number | null;
  trial_end?: number | null;
  metadata: Record<string, string>;
  description: string | null;
  payment_behavior: string;
  off_session: boolean;
  collection_method?: string;
  days_until_due?: number | null;
  cancel_at_period_end?: boolean;
  cancel_at?: number | null;
  discounts?: unknown;
  transfer_data?: Params | null;
  on_behalf_of?: string | null;
  missing_payment_method?: string | null;
}

export function createSubscriptionFor(ctx: Ctx, s: SubscriptionInput): Obj {
  const cus = requireCustomer(ctx, s.customer, 'customer');
  const prices = s.items.map((i, n) => recurringPrice(ctx, { price: i.price }, n));
  if (!prices.length) throw invalidRequest('Missing required param: items.', 'items', 'parameter_missing');
  const rec0 = prices[0]!.recurring as Params;
  for (const [n, p] of prices.entries()) {
    const r = p.recurring as Params;
    if (r.interval !== rec0.interval || r.interval_count !== rec0.interval_count) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
        `items[${n}][price]`,
      );
    }
    if (p.currency !== prices[0]!.currency)
      throw invalidRequest('All prices on a subscription must have the same currency.', `items[${n}][price]`);
  }
  const now = nowSeconds();
  let trialEnd = s.trial_end ?? null;
  if (trialEnd === null && s.trial_period_days) trialEnd = now + s.trial_period_days * DAY;
  if (trialEnd !== null && trialEnd <= now) trialEnd = null;
  const anchor = trialEnd ?? now;
  const periodEnd = trialEnd ?? addInterval(anchor, String(rec0.interval), Number(rec0.interval_count), 1);
  const id = newId('sub');
  const pm = s.default_payment_method
    ? resolvePaymentMethod(ctx, s.default_payment_method, 'default_payment_method')
    : null;
  if (pm && pm.customer !== cus.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`,
      'default_payment_method',
      'resource_missing',
    );
  }
  const sub: Obj = {
    id,
    object: 'subscription',
    application: ctx.platform ? null : ctx.app.config.connectClientId,
    application_fee_percent: s.application_fee_percent,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
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
    schedule: null,
    start_date: now,
    status: trialEnd ? 'trialing' : 'incomplete',
    test_clock: (cus.test_clock as string | null) ?? null,
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
  (sub.items as Params).total_count = items.length;
  cycleTable(ctx.app).set(id, trialEnd ? -1 : 0);
  emit(ctx, 'customer.subscription.created', sub);

  const inv = subscriptionInvoice(ctx, sub, 'subscription_create', { start: now, end: now });
  daysUntilDue(ctx, inv, sub);
  for (const it of items) {
    const price = it.price as Obj;
    const metered = (price.recurring as Params).usage_type === 'metered';
    const qty = metered ? 0 : (it.quantity as number);
    const amount = trialEnd || metered ? 0 : priceAmount(ctx, price, qty);
    const line = buildLine(inv, {
      amount,
      description: trialEnd
        ? `Trial period for ${productName(ctx, price)}`
        : lineDescription(ctx, price, qty),
      price,
      quantity: qty,
      period: { start: now, end: periodEnd },
      proration: false,
      subscription: id,
      subscriptionItem: it.id,
      invoiceItem: null,
      discountable: true,
      metadata: {},
    });
    (inv.lines as { data: Params[] }).data.push(line);
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
      clock: sub.test_clock as string | null,
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
      clock: sub.test_clock as string | null,
      kind: 'sub_trial_will_end',
      target: id,
    });
  }
  schedule(ctx.app, {
    at: periodEnd,
    owner: ctx.account,
    clock: sub.test_clock as string | null,
    kind: 'sub_cycle',
    target: id,
  });
  scheduleUpcoming(ctx, sub, periodEnd);
  ctx.app.store.changed();
  return sub;
}

/** End a subscription now (`customer.subscription.deleted`). */
export function cancelNow(
  ctx: Ctx,
  sub: Obj,
  reason: string,
  comment: string | null = null,
  feedback: string | null = null,
): void {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  const now = nowSeconds();
  sub.status = 'canceled';
  sub.canceled_at = sub.canceled_at ?? now;
  sub.ended_at = now;
  sub.cancellation_details = { comment, feedback, reason };
  unschedule(ctx.app, sub.id);
  ctx.app.store.changed();
  emit(ctx, 'customer.subscription.deleted', sub);
}

/** `invoice.upcoming` a few days (a `/_sandbox/billing/settings` value) before the next renewal. */
function scheduleUpcoming(ctx: Ctx, sub: Obj, periodEnd: number): void {
  const days = billingSettings(ctx.app).upcoming_days;
  const at = periodEnd - days * DAY;
  if (days <= 0 || at <= nowSeconds()) return;
  schedule(ctx.app, {
    at,
    owner: ctx.account,
    clock: sub.test_clock as string | null,
    kind: 'sub_upcoming',
    target: sub.id,
  });
}

onJob('sub_upcoming', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (!sub || !['active', 'trialing', 'past_due'].includes(String(sub.status)) || sub.cancel_at_period_end)
    return;
  const { id: _preview, ...upcoming } = preview({ ...ctx, params: { subscription: sub.id } });
  emit(ctx, 'invoice.upcoming', upcoming as unknown as Obj);
});

onJob('sub_trial_will_end', (app, job) => {
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.status === 'trialing')
    emit(systemCtx(app, job.owner), 'customer.subscription.trial_will_end', sub);
});

onJob('sub_incomplete_expire', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.status !== 'incomplete') return;
  const inv = sub.latest_invoice
    ? app.store.get(job.owner, String(sub.latest_invoice), 'invoice')
    : undefined;
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) voidInvoice(ctx, inv);
  unschedule(app, sub.id);
  setStatus(ctx, sub, 'incomplete_expired', { ended_at: nowSeconds() });
});

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

function renew(ctx: Ctx, subId: string, resuming = false, immediate = resuming): void {
  const sub = ctx.app.store.get(ctx.account, subId, 'subscription');
  if (!sub || ['canceled', 'incomplete_expired', 'incomplete'].includes(String(sub.status))) return;
  const now = nowSeconds();
  if (sub.cancel_at_period_end || (sub.cancel_at != null && Number(sub.cancel_at) <= now)) {
    cancelNow(ctx, sub, 'cancellation_requested');
    return;
  }
  if (sub.status === 'paused' && !resuming) return;
  const before = snapshot(sub);
  const items = itemsOf(sub);
  const rec = (items[0]!.price as Obj).recurring as Params;
  const n = (cycleTable(ctx.app).get(sub.id) ?? 0) + 1;
  const trialEnding = sub.status === 'trialing' || resuming;
  if (trialEnding && !hasPaymentMethod(ctx, sub)) {
    const behavior = ((sub.trial_settings as Params).end_behavior as Params).missing_payment_method;
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
  const anchor = Number(sub.billing_cycle_anchor);
  const start = addInterval(anchor, String(rec.interval), Number(rec.interval_count), n);
  const end = addInterval(anchor, String(rec.interval), Number(rec.interval_count), n + 1);
  cycleTable(ctx.app).set(sub.id, n);
  const prevPeriods = items.map((it) => ({
    start: it.current_period_start as number,
    end: it.current_period_end as number,
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
    const price = it.price as Obj;
    const metered = (price.recurring as Params).usage_type === 'metered';
    if (metered) {
      const usage = usageFor(ctx, price, String(sub.customer), prevPeriods[i]!.start, prevPeriods[i]!.end);
      (inv.lines as { data: Params[] }).data.push(
        buildLine(inv, {
          amount: priceAmount(ctx, price, usage),
          description: `${usage} × ${productName(ctx, price)} (usage)`,
          price,
          quantity: usage,
          period: prevPeriods[i]!,
          proration: false,
          subscription: sub.id,
          subscriptionItem: it.id,
          invoiceItem: null,
          discountable: true,
          metadata: {},
        }),
      );
      return;
    }
    const qty = it.quantity as number;
    (inv.lines as { data: Params[] }).data.push(
      buildLine(inv, {
        amount: priceAmount(ctx, price, qty),
        description: lineDescription(ctx, price, qty),
        price,
        quantity: qty,
        period: { start, end },
        proration: false,
        subscription: sub.id,
        subscriptionItem: it.id,
        invoiceItem: null,
        discountable: true,
        metadata: {},
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
    clock: sub.test_clock as string | null,
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
    clock: sub.test_clock as string | null,
    kind: 'sub_collect',
    target: inv.id,
  });
}

function hasPaymentMethod(ctx: Ctx, sub: Obj): boolean {
  if (sub.default_payment_method) return true;
  const cus = ctx.app.store.get(ctx.account, String(sub.customer), 'customer');
  return Boolean((cus?.invoice_settings as Params | undefined)?.default_payment_method);
}

function subscriptionOfInvoice(ctx: Ctx, inv: Obj): Obj | undefined {
  const id = ((inv.parent as Params | null)?.subscription_details as Params | undefined)?.subscription;
  return id ? ctx.app.store.get(ctx.account, String(id), 'subscription') : undefined;
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
    sub.collection_method !== 'charge_automatically'
  )
    return null;
  const first = firstFailures(ctx.app).get(inv.id) ?? nowSeconds();
  firstFailures(ctx.app).set(inv.id, first);
  const days = billingSettings(ctx.app).retry_days;
  const n = (inv.attempt_count as number) - 1;
  return n < days.length ? first + days[n]! * DAY : null;
});

onInvoiceOutcome((ctx, inv, outcome) => {
  const sub = subscriptionOfInvoice(ctx, inv);
  if (!sub) return;
  if (outcome === 'paid') {
    if (['incomplete', 'past_due', 'unpaid'].includes(String(sub.status))) {
      unschedule(ctx.app, sub.id, 'sub_incomplete_expire');
      setStatus(ctx, sub, 'active');
    }
    return;
  }
  if (outcome === 'voided' || inv.billing_reason === 'subscription_create') return;
  if (sub.status === 'active' || sub.status === 'trialing') setStatus(ctx, sub, 'past_due');
  if (inv.next_payment_attempt != null) {
    unschedule(ctx.app, inv.id, 'invoice_retry');
    schedule(ctx.app, {
      at: Number(inv.next_payment_attempt),
      owner: ctx.account,
      clock: (inv.test_clock as string | null) ?? null,
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
  if (inv?.status !== 'open') return;
  const sub = subscriptionOfInvoice(ctx, inv);
  if (sub && (sub.status === 'canceled' || sub.pause_collection)) return;
  attemptPayment(ctx, inv, { offSession: true });
});

// ---- updates and prorations -------------------------------------------------------------------------

function fmtDate(ts: number): string {
  const d = new Date(ts * 1000);
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  return `${String(d.getUTCDate()).padStart(2, '0')} ${m} ${d.getUTCFullYear()}`;
}

/** Proration items for moving an item from (oldPrice, oldQty) to (newPrice, newQty) at time `t`. */
function prorate(
  ctx: Ctx,
  sub: Obj,
  it: Obj,
  from: { price: Obj; qty: number } | null,
  to: { price: Obj; qty: number } | null,
  t: number,
  sink: (i: ItemInput) => void = (i) => {
    newInvoiceItem(ctx, i);
  },
): void {
  const ps = it.current_period_start as number;
  const pe = it.current_period_end as number;
  if (t >= pe || pe <= ps) return;
  const frac = (pe - Math.max(t, ps)) / (pe - ps);
  const period = { start: Math.max(t, ps), end: pe };
  if (from && (from.price.recurring as Params).usage_type !== 'metered') {
    const full = priceAmount(ctx, from.price, from.qty);
    sink({
      customer: String(sub.customer),
      amount: -Math.round(full * frac),
      currency: String(sub.currency),
      price: from.price,
      quantity: from.qty,
      description: `Unused time on ${from.qty > 1 ? `${from.qty} × ` : ''}${productName(ctx, from.price)} after ${fmtDate(t)}`,
      period,
      proration: true,
      subscription: sub.id,
      discountable: false,
    });
  }
  if (to && (to.price.recurring as Params).usage_type !== 'metered') {
    const full = priceAmount(ctx, to.price, to.qty);
    sink({
      customer: String(sub.customer),
      amount: Math.round(full * frac),
      currency: String(sub.currency),
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

const itemUpdateShape = obj({
  id: str,
  price: str,
  price_data: obj({ ...priceDataShape, product: str }),
  plan: str,
  quantity: int,
  deleted: bool,
  metadata,
  clear_usage: bool,
  discounts: any,
  tax_rates: any,
  billing_thresholds: any,
});

const updateShape = {
  add_invoice_items: any,
  application_fee_percent: oneOf(int, str),
  automatic_tax: hash,
  billing_cycle_anchor: enm('now', 'unchanged'),
  billing_thresholds: any,
  cancel_at: any,
  cancel_at_period_end: bool,
  cancellation_details: obj({ comment: str, feedback: str }),
  collection_method: enm('charge_automatically', 'send_invoice'),
  days_until_due: int,
  default_payment_method: str,
  default_source: str,
  default_tax_rates: any,
  description: str,
  discounts: discountsParam,
  invoice_settings: hash,
  items: arr(itemUpdateShape),
  metadata,
  off_session: bool,
  on_behalf_of: str,
  pause_collection: obj({ behavior: enm('keep_as_draft', 'mark_uncollectible', 'void'), resumes_at: int }, [
    'behavior',
  ]),
  payment_behavior: enm(
    'allow_incomplete',
    'default_incomplete',
    'error_if_incomplete',
    'pending_if_incomplete',
  ),
  payment_settings: hash,
  pending_invoice_item_interval: any,
  proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
  proration_date: int,
  transfer_data: any,
  trial_end: oneOf(enm('now'), int),
  trial_from_plan: bool,
  trial_settings: hash,
};

export function changeItems(ctx: Ctx, sub: Obj, raw: Params[], behavior: string, t: number): boolean {
  const items = itemsOf(sub);
  const prorating = behavior !== 'none' && (sub.status === 'active' || sub.status === 'past_due');
  let changed = false;
  const period = {
    start: items[0]?.current_period_start as number,
    end: items[0]?.current_period_end as number,
  };
  raw.forEach((li, n) => {
    const existing = li.id ? items.find((x) => x.id === li.id) : undefined;
    if (li.id && !existing) throw notFound('subscription_item', String(li.id), `items[${n}][id]`);
    if (existing && li.deleted) {
      if (prorating)
        prorate(
          ctx,
          sub,
          existing,
          { price: existing.price as Obj, qty: (existing.quantity as number) ?? 0 },
          null,
          t,
        );
      items.splice(items.indexOf(existing), 1);
      ctx.app.store.remove(existing.id);
      changed = true;
      return;
    }
    const newPrice = li.price || li.price_data || li.plan ? recurringPrice(ctx, li, n) : null;
    if (existing) {
      const from = { price: existing.price as Obj, qty: (existing.quantity as number) ?? 0 };
      const to = { price: newPrice ?? from.price, qty: (li.quantity as number | null) ?? from.qty };
      if (li.metadata !== undefined)
        existing.metadata = mergeMetadata(existing.metadata as Record<string, string>, li.metadata);
      if (to.price.id === from.price.id && to.qty === from.qty) return;
      if (prorating) prorate(ctx, sub, existing, from, to, t);
      existing.price = to.price;
      existing.plan = planOf(to.price);
      existing.quantity = (to.price.recurring as Params).usage_type === 'metered' ? null : to.qty;
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
      (li.quantity as number | null) ?? 1,
      mergeMetadata({}, li.metadata),
      period.start,
      period.end,
    );
    items.push(it);
    if (prorating)
      prorate(ctx, sub, it, null, { price: newPrice, qty: (li.quantity as number | null) ?? 1 }, t);
    changed = true;
  });
  (sub.items as Params).total_count = items.length;
  return changed;
}

function invoiceNow(ctx: Ctx, sub: Obj): void {
  const it = itemsOf(sub)[0];
  const inv = subscriptionInvoice(ctx, sub, 'subscription_update', {
    start: (it?.current_period_start as number) ?? nowSeconds(),
    end: (it?.current_period_end as number) ?? nowSeconds(),
  });
  daysUntilDue(ctx, inv, sub);
  pullPendingItems(ctx, inv, sub.id);
  recompute(ctx, inv);
  if (!(inv.lines as { data: unknown[] }).data.length) {
    ctx.app.store.remove(inv.id);
    return;
  }
  sub.latest_invoice = inv.id;
  emit(ctx, 'invoice.created', inv);
  collect(ctx, sub, inv, true);
}

function update(ctx: Ctx): Obj {
  const p = validate(updateShape, ctx.params);
  const sub = requireSubscription(ctx, ctx.path[0]!);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(
      `A canceled subscription can only update its cancellation_details and metadata.`,
      undefined,
      'subscription_canceled',
    );
  }
  return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
    const before = snapshot(sub);
    const now = nowSeconds();
    const behavior = (p.proration_behavior as string | null) ?? 'create_prorations';
    const t = (p.proration_date as number | null) ?? now;
    if (p.default_payment_method !== undefined) {
      if (p.default_payment_method) {
        const pm = resolvePaymentMethod(ctx, String(p.default_payment_method), 'default_payment_method');
        if (pm.customer !== sub.customer) {
          throw invalidRequest(
            `The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`,
            'default_payment_method',
            'resource_missing',
          );
        }
        sub.default_payment_method = pm.id;
      } else sub.default_payment_method = null;
    }
    const itemsChanged = p.items ? changeItems(ctx, sub, p.items as Params[], behavior, t) : false;
    for (const k of ['description', 'collection_method', 'days_until_due', 'on_behalf_of'])
      if (p[k] !== undefined) sub[k] = p[k];
    if (p.application_fee_percent !== undefined)
      sub.application_fee_percent =
        p.application_fee_percent == null ? null : Number(p.application_fee_percent);
    if (p.metadata !== undefined)
      sub.metadata = mergeMetadata(sub.metadata as Record<string, string>, p.metadata);
    if (p.discounts !== undefined)
      sub.discounts = discountsFor(ctx, p.discounts, {
        customer: String(sub.customer),
        subscription: sub.id,
      });
    const periodEnd = itemsOf(sub)[0]?.current_period_end as number;
    if (p.cancel_at_period_end != null) {
      sub.cancel_at_period_end = p.cancel_at_period_end;
      sub.cancel_at = p.cancel_at_period_end ? periodEnd : null;
      sub.canceled_at = p.cancel_at_period_end ? now : null;
      sub.cancellation_details = {
        comment: ((p.cancellation_details as Params | null)?.comment as string | undefined) ?? null,
        feedback: ((p.cancellation_details as Params | null)?.feedback as string | undefined) ?? null,
        reason: p.cancel_at_period_end ? 'cancellation_requested' : null,
      };
    }
    if (p.cancel_at !== undefined && p.cancel_at_period_end == null) {
      sub.cancel_at = p.cancel_at === '' || p.cancel_at == null ? null : Number(p.cancel_at);
      if (sub.cancel_at != null) {
        schedule(ctx.app, {
          at: Number(sub.cancel_at),
          owner: ctx.account,
          clock: sub.test_clock as string | null,
          kind: 'sub_cancel_at',
          target: sub.id,
        });
      }
    }
    if (p.pause_collection !== undefined) {
      const pc = p.pause_collection as Params | null;
      sub.pause_collection = pc ? { behavior: pc.behavior, resumes_at: pc.resumes_at ?? null } : null;
    }
    if (p.trial_end === 'now' && sub.status === 'trialing') {
      unschedule(ctx.app, sub.id, 'sub_cycle');
      unschedule(ctx.app, sub.id, 'sub_trial_will_end');
      sub.trial_end = now;
      sub.billing_cycle_anchor = now;
      cycleTable(ctx.app).set(sub.id, -1);
      for (const it of itemsOf(sub)) it.current_period_end = now;
      ctx.app.store.changed();
      emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
      renew(ctx, sub.id, false, true);
      return sub;
    }
    ctx.app.store.changed();
    const prev = changes(before, sub);
    if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
    if (itemsChanged && behavior === 'always_invoice') invoiceNow(ctx, sub);
    return sub;
  });
}

onJob('sub_cancel_at', (app, job) => {
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (sub?.cancel_at != null && Number(sub.cancel_at) <= nowSeconds())
    cancelNow(systemCtx(app, job.owner), sub, 'cancellation_requested');
});

function create(ctx: Ctx): Obj {
  const p = validate(
    {
      ...updateShape,
      customer: str,
      customer_account: str,
      currency: str,
      backdate_start_date: int,
      billing_cycle_anchor: int,
      billing_cycle_anchor_config: hash,
      billing_mode: hash,
      trial_period_days: int,
      items: arr(itemUpdateShape),
      expand: any,
    },
    ctx.params,
    ['customer'],
  );
  const raw = (p.items as Params[] | null) ?? [];
  if (!raw.length) throw invalidRequest('Missing required param: items.', 'items', 'parameter_missing');
  requireCustomer(ctx, String(p.customer), 'customer');
  if (p.collection_method === 'send_invoice' && p.days_until_due == null) {
    throw invalidRequest(
      '`days_until_due` is required when `collection_method` is `send_invoice`.',
      'days_until_due',
      'parameter_missing',
    );
  }
  return atCustomerTime(ctx.app, ctx.account, p.customer, () => {
    const items = raw.map((li, n) => ({
      price: recurringPrice(ctx, li, n).id,
      quantity: (li.quantity as number | null) ?? 1,
      metadata: mergeMetadata({}, li.metadata),
    }));
    const trialFromPlan = p.trial_from_plan
      ? (((requirePrice(ctx, items[0]!.price).recurring as Params).trial_period_days as number | null) ??
        null)
      : null;
    return createSubscriptionFor(ctx, {
      customer: String(p.customer),
      items,
      default_payment_method: (p.default_payment_method as string | null) ?? null,
      application_fee_percent: p.application_fee_percent == null ? null : Number(p.application_fee_percent),
      trial_period_days: (p.trial_period_days as number | null) ?? trialFromPlan,
      trial_end: typeof p.trial_end === 'number' ? p.trial_end : null,
      metadata: mergeMetadata({}, p.metadata),
      description: (p.description as string | null) ?? null,
      payment_behavior: (p.payment_behavior as string | null) ?? 'allow_incomplete',
      off_session: p.off_session !== false,
      collection_method: (p.collection_method as string | null) ?? 'charge_automatically',
      days_until_due: (p.days_until_due as number | null) ?? null,
      cancel_at_period_end: (p.cancel_at_period_end as boolean | null) ?? false,
      cancel_at: typeof p.cancel_at === 'number' ? p.cancel_at : p.cancel_at ? Number(p.cancel_at) : null,
      discounts: p.discounts,
      transfer_data: (p.transfer_data as Params | null) ?? null,
      on_behalf_of: (p.on_behalf_of as string | null) ?? null,
      missing_payment_method:
        (((p.trial_settings as Params | null)?.end_behavior as Params | undefined)?.missing_payment_method as
          | string
          | undefined) ?? null,
    });
  });
}

export function registerSubscriptions(r: Router): void {
  r.post('/v1/subscriptions', create);
  r.get('/v1/subscriptions/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'subscription'), p, '/v1/subscriptions/search');
  });
  r.get('/v1/subscriptions/:id', (ctx) => {
    validate({}, ctx.params);
    return requireSubscription(ctx, ctx.path[0]!);
  });
  r.post('/v1/subscriptions/:id', update);
  r.delete('/v1/subscriptions/:id', (ctx) => {
    const p = validate(
      { cancellation_details: obj({ comment: str, feedback: str }), invoice_now: bool, prorate: bool },
      ctx.params,
    );
    const sub = requireSubscription(ctx, ctx.path[0]!);
    if (sub.status === 'canceled') {
      throw invalidRequest(`This subscription is already canceled.`, undefined, 'resource_missing', 404);
    }
    return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      if (p.prorate) {
        for (const it of itemsOf(sub)) {
          prorate(
            ctx,
            sub,
            it,
            { price: it.price as Obj, qty: (it.quantity as number) ?? 0 },
            null,
            nowSeconds(),
          );
        }
      }
      const cd = p.cancellation_details as Params | null;
      cancelNow(
        ctx,
        sub,
        'cancellation_requested',
        (cd?.comment as string | null) ?? null,
        (cd?.feedback as string | null) ?? null,
      );
      if (p.invoice_now) invoiceNow(ctx, sub);
      return sub;
    });
  });
  r.post('/v1/subscriptions/:id/resume', (ctx) => {
    validate({ billing_cycle_anchor: str, proration_behavior: str, proration_date: int }, ctx.params);
    const sub = requireSubscription(ctx, ctx.path[0]!);
    if (sub.status !== 'paused')
      throw invalidRequest('Only paused subscriptions can be resumed.', undefined, 'subscription_not_paused');
    return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      // Resuming starts a new billing cycle now and invoices it.
      const now = nowSeconds();
      unschedule(ctx.app, sub.id, 'sub_cycle');
      sub.billing_cycle_anchor = now;
      cycleTable(ctx.app).set(sub.id, -1);
      for (const it of itemsOf(sub)) it.current_period_end = now;
      renew(ctx, sub.id, true);
      if (sub.status === 'active') emit(ctx, 'customer.subscription.resumed', sub);
      return sub;
    });
  });
  r.get('/v1/subscriptions', (ctx) => {
    const p = validate(
      {
        ...listParams,
        customer: str,
        customer_account: str,
        price: str,
        status: str,
        test_clock: str,
        collection_method: str,
        current_period_end: any,
        current_period_start: any,
        automatic_tax: hash,
      },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'subscription'),
      p,
      '/v1/subscriptions',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.test_clock || o.test_clock === p.test_clock) &&
        (!p.price || itemsOf(o).some((i) => (i.price as Obj).id === p.price)) &&
        (p.status === 'all' ||
          (p.status
            ? o.status === p.status
            : !['canceled', 'incomplete_expired'].includes(String(o.status)))),
    );
  });

  const requireItem = (ctx: Ctx, id: string): Obj => {
    const it = ctx.app.store.get(ctx.account, id, 'subscription_item');
    if (!it) throw notFound('subscription_item', id, 'item');
    return it;
  };
  const itemShape = {
    price: str,
    price_data: obj({ ...priceDataShape, product: str }),
    plan: str,
    quantity: int,
    metadata,
    proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
    proration_date: int,
    payment_behavior: str,
    off_session: bool,
    discounts: any,
    tax_rates: any,
    billing_thresholds: any,
  };
  const mutate = (ctx: Ctx, sub: Obj, change: Params, p: Params) =>
    atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      const before = snapshot(sub);
      const behavior = (p.proration_behavior as string | null) ?? 'create_prorations';
      const changed = changeItems(
        ctx,
        sub,
        [change],
        behavior,
        (p.proration_date as number | null) ?? nowSeconds(),
      );
      ctx.app.store.changed();
      if (changed) emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
      if (changed && behavior === 'always_invoice') invoiceNow(ctx, sub);
    });
  r.post('/v1/subscription_items', (ctx) => {
    const p = validate({ ...itemShape, subscription: str }, ctx.params, ['subscription']);
    const sub = requireSubscription(ctx, String(p.subscription), 'subscription');
    const ids = new Set(itemsOf(sub).map((i) => i.id));
    mutate(
      ctx,
      sub,
      { price: p.price, price_data: p.price_data, plan: p.plan, quantity: p.quantity, metadata: p.metadata },
      p,
    );
    return itemsOf(sub).find((i) => !ids.has(i.id));
  });
  r.get('/v1/subscription_items/:id', (ctx) => {
    validate({}, ctx.params);
    return requireItem(ctx, ctx.path[0]!);
  });
  r.post('/v1/subscription_items/:id', (ctx) => {
    const p = validate(itemShape, ctx.params);
    const it = requireItem(ctx, ctx.path[0]!);
    const sub = requireSubscription(ctx, String(it.subscription));
    mutate(
      ctx,
      sub,
      {
        id: it.id,
        price: p.price,
        price_data: p.price_data,
        plan: p.plan,
        quantity: p.quantity,
        metadata: p.metadata,
      },
      p,
    );
    return it;
  });
  r.delete('/v1/subscription_items/:id', (ctx) => {
    const p = validate({ clear_usage: bool, proration_behavior: str, proration_date: int }, ctx.params);
    const it = requireItem(ctx, ctx.path[0]!);
    const sub = requireSubscription(ctx, String(it.subscription));
    if (itemsOf(sub).length === 1) {
      throw invalidRequest(
        'A subscription must have at least one active plan. To cancel a subscription, send a DELETE request to the subscription endpoint instead.',
      );
    }
    mutate(ctx, sub, { id: it.id, deleted: true }, p);
    return { id: it.id, object: 'subscription_item', deleted: true };
  });
  r.get('/v1/subscription_items', (ctx) => {
    const p = validate({ ...listParams, subscription: str }, ctx.params, ['subscription']);
    const sub = requireSubscription(ctx, String(p.subscription), 'subscription');
    return paginate(itemsOf(sub), p, '/v1/subscription_items');
  });
}

// ---- invoice previews --------------------------------------------------------------------------------

interface Virtual {
  id: string | null;
  price: Obj;
  qty: number;
  start: number;
  end: number;
}

/** `POST /v1/invoices/create_preview`: the next invoice of a subscription (or of a new one), with the
 * prorations a proposed `subscription_details` change would create — computed, nothing stored. */
function preview(ctx: Ctx): Obj {
  const p = validate(
    {
      automatic_tax: hash,
      currency: str,
      customer: str,
      customer_account: str,
      customer_details: hash,
      discounts: any,
      invoice_items: any,
      issuer: hash,
      on_behalf_of: str,
      preview_mode: str,
      schedule: str,
      schedule_details: hash,
      subscription: str,
      subscription_details: obj({
        billing_cycle_anchor: any,
        cancel_at: any,
        cancel_at_period_end: bool,
        cancel_now: bool,
        default_tax_rates: any,
        items: arr(itemUpdateShape),
        proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
        proration_date: int,
        resume_at: str,
        start_date: int,
        trial_end: any,
        billing_mode: hash,
      }),
    },
    ctx.params,
  );
  const sd = (p.subscription_details as Params | null) ?? {};
  const sub = p.subscription ? requireSubscription(ctx, String(p.subscription), 'subscription') : null;
  const customer = String(p.customer ?? sub?.customer ?? '');
  if (!customer) throw invalidRequest('Missing required param: customer.', 'customer', 'parameter_missing');
  return atCustomerTime(ctx.app, ctx.account, customer, () => {
    const now = nowSeconds();
    const raw = (sd.items as Params[] | null) ?? [];
    if (!sub) {
      if (!raw.length)
        throw invalidRequest(
          'Provide `subscription` or `subscription_details[items]`.',
          'subscription_details[items]',
          'parameter_missing',
        );
      const prices = raw.map((li, n) => recurringPrice(ctx, li, n, 'subscription_details[items]'));
      const rec = prices[0]!.recurring as Params;
      const end = addInterval(now, String(rec.interval), Number(rec.interval_count), 1);
      const inv = newInvoice(ctx, {
        customer,
        billing_reason: 'subscription_create',
        currency: String(prices[0]!.currency),
        period: { start: now, end: now },
        persist: false,
      });
      prices.forEach((price, n) => {
        const qty = (raw[n]!.quantity as number | null) ?? 1;
        (inv.lines as { data: Params[] }).data.push(
          buildLine(inv, {
            amount: priceAmount(ctx, price, qty),
            description: lineDescription(ctx, price, qty),
            price,
            quantity: qty,
            period: { start: now, end },
            proration: false,
            subscription: null,
            subscriptionItem: null,
            invoiceItem: null,
            discountable: true,
            metadata: {},
          }),
        );
      });
      recompute(ctx, inv);
      return inv;
    }
    const behavior = (sd.proration_behavior as string | null) ?? 'create_prorations';
    const t = (sd.proration_date as number | null) ?? now;
    const items = itemsOf(sub);
    const ps = (items[0]?.current_period_start as number) ?? now;
    const pe = (items[0]?.current_period_end as number) ?? now;
    const virtual: Virtual[] = items.map((it) => ({
      id: it.id,
      price: it.price as Obj,
      qty: (it.quantity as number | null) ?? 0,
      start: ps,
      end: pe,
    }));
    const prorations: ItemInput[] = [];
    const sink = (i: ItemInput) => prorations.push(i);
    const prorating = behavior !== 'none' && (sub.status === 'active' || sub.status === 'past_due');
    const span = (v: Virtual) =>
      ({ current_period_start: v.start, current_period_end: v.end }) as unknown as Obj;
    raw.forEach((li, n) => {
      const v = li.id ? virtual.find((x) => x.id === li.id) : undefined;
      if (li.id && !v)
        throw notFound('subscription_item', String(li.id), `subscription_details[items][${n}][id]`);
      if (v && li.deleted) {
        if (prorating) prorate(ctx, sub, span(v), { price: v.price, qty: v.qty }, null, t, sink);
        virtual.splice(virtual.indexOf(v), 1);
        return;
      }
      const price =
        li.price || li.price_data || li.plan
          ? recurringPrice(ctx, li, n, 'subscription_details[items]')
          : null;
      if (v) {
        const to = { price: price ?? v.price, qty: (li.quantity as number | null) ?? v.qty };
        if (prorating && (to.price.id !== v.price.id || to.qty !== v.qty))
          prorate(ctx, sub, span(v), { price: v.price, qty: v.qty }, to, t, sink);
        v.price = to.price;
        v.qty = to.qty;
        return;
      }
      if (!price)
        throw invalidRequest(
          `Missing required param: subscription_details[items][${n}][price].`,
          `subscription_details[items][${n}][price]`,
          'parameter_missing',
        );
      const nv: Virtual = { id: null, price, qty: (li.quantity as number | null) ?? 1, start: ps, end: pe };
      virtual.push(nv);
      if (prorating) prorate(ctx, sub, span(nv), null, { price, qty: nv.qty }, t, sink);
    });
    const rec = ((virtual[0]?.price ?? (items[0]?.price as Obj)).recurring as Params) ?? {};
    const cycle = cycleTable(ctx.app).get(sub.id) ?? 0;
    const anchor = Number(sub.billing_cycle_anchor);
    const nextStart = addInterval(anchor, String(rec.interval), Number(rec.interval_count), cycle + 1);
    const nextEnd = addInterval(anchor, String(rec.interval), Number(rec.interval_count), cycle + 2);
    const immediate = behavior === 'always_invoice';
    const inv = newInvoice(ctx, {
      customer,
      collection_method: String(sub.collection_method),
      billing_reason: immediate ? 'subscription_update' : 'upcoming',
      subscription: sub,
      currency: String(sub.currency),
      period: immediate ? { start: ps, end: pe } : { start: ps, end: pe },
      discounts: subscriptionDiscounts(ctx, sub, immediate ? now : nextStart),
      persist: false,
    });
    const lines = (inv.lines as { data: Params[] }).data;
    const line = (i: ItemInput) =>
      lines.push(
        buildLine(inv, {
          amount: i.amount as number,
          description: i.description ?? null,
          price: i.price ?? null,
          quantity: i.quantity ?? 1,
          period: i.period ?? { start: now, end: now },
          proration: i.proration ?? false,
          subscription: sub.id,
          subscriptionItem: null,
          invoiceItem: null,
          discountable: i.discountable ?? true,
          metadata: {},
        }),
      );
    for (const ii of ctx.app.store.list(ctx.account, 'invoiceitem')) {
      const owner = ((ii.parent as Params | null)?.subscription_details as Params | undefined)?.subscription;
      if (ii.invoice || ii.customer !== customer || (owner && owner !== sub.id)) continue;
      const pd = (ii.pricing as Params).price_details as Params | null;
      line({
        customer,
        amount: ii.amount as number,
        description: ii.description as string | null,
        price: pd ? (ctx.app.store.get(ctx.account, String(pd.price), 'price') ?? null) : null,
        quantity: ii.quantity as number,
        period: ii.period as { start: number; end: number },
        proration: ii.proration as boolean,
        discountable: ii.discountable as boolean,
      });
    }
    for (const i of prorations) line(i);
    if (!immediate && !sd.cancel_at_period_end && !sub.cancel_at_period_end) {
      for (const v of virtual) {
        const metered = (v.price.recurring as Params).usage_type === 'metered';
        const qty = metered ? usageFor(ctx, v.price, customer, ps, pe) : v.qty;
        line({
          customer,
          amount: priceAmount(ctx, v.price, qty),
          description: lineDescription(ctx, v.price, qty),
          price: v.price,
          quantity: qty,
          period: metered ? { start: ps, end: pe } : { start: nextStart, end: nextEnd },
          proration: false,
        });
      }
      inv.period_start = ps;
      inv.period_end = pe;
      inv.created = nextStart;
      inv.next_payment_attempt = nextStart;
    }
    recompute(ctx, inv);
    if (sub.application_fee_percent != null) {
      inv.application_fee_amount = Math.round(
        ((inv.amount_due as number) * Number(sub.application_fee_percent)) / 100,
      );
    }
    return inv;
  });
}

/** Registered before `/v1/invoices/:id` so `create_preview` is not taken for an id. */
export function registerInvoicePreview(r: Router): void {
  r.post('/v1/invoices/create_preview', preview);
}
