// Invoice items and invoices: draft → finalize → open → paid / void / uncollectible; lines, totals,
// discounts, `application_fee_amount` on connected accounts, charge_automatically / send_invoice with
// days_until_due, hosted invoice page and PDF, `pay`, and the invoice's PaymentIntent (reached through
// `payments` and `confirmation_secret`, as in 2026-10-28.endive). Payment goes through payments/confirm.ts.
import { type App, type Ctx, systemCtx } from '../app.ts';
import { atCustomerTime, clockOfCustomer, onJob, schedule, unschedule } from '../billing/scheduler.ts';
import { changes, emit, snapshot } from '../events.ts';
import { confirmPaymentIntent, onPaymentSucceeded } from '../payments/confirm.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { invalidRequest, notFound, StripeError } from '../wire/errors.ts';
import { registerExpandOnly } from '../wire/expand.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
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
import { discountAmount, discountsFor, discountsParam } from './coupons.ts';
import { requireCustomer } from './customers.ts';
import { createPaymentIntent } from './payment_intents.ts';
import { resolvePaymentMethod } from './payment_methods.ts';
import { createPrice, priceAmount, requirePrice } from './products.ts';

const DAY = 86_400;

export function requireInvoice(ctx: Ctx, id: string, param = 'invoice'): Obj {
  const inv = ctx.app.store.get(ctx.account, id, 'invoice');
  if (!inv) throw notFound('invoice', id, param);
  return inv;
}

// ---- invoice items -------------------------------------------------------------------------------

export interface ItemInput {
  customer: string;
  amount?: number | null;
  currency?: string | null;
  price?: Obj | null;
  quantity?: number;
  description?: string | null;
  period?: { start: number; end: number } | null;
  proration?: boolean;
  subscription?: string | null;
  metadata?: Record<string, string>;
  discountable?: boolean;
  invoice?: string | null;
}

function productName(ctx: Ctx, price: Obj | null | undefined): string {
  if (!price) return '';
  const prod = ctx.app.store.get(ctx.account, String(price.product), 'product');
  return String(prod?.name ?? '');
}

export function newInvoiceItem(ctx: Ctx, i: ItemInput): Obj {
  const now = nowSeconds();
  const quantity = i.quantity ?? 1;
  const amount = i.amount ?? (i.price ? priceAmount(ctx, i.price, quantity) : 0);
  const currency = String(i.currency ?? i.price?.currency ?? 'usd').toLowerCase();
  const ii: Obj = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency,
    customer: i.customer,
    customer_account: null,
    date: now,
    description: i.description ?? (i.price ? productName(ctx, i.price) : null),
    discountable: i.discountable ?? !i.proration,
    discounts: [],
    invoice: i.invoice ?? null,
    livemode: false,
    metadata: i.metadata ?? {},
    net_amount: amount,
    parent: i.subscription
      ? { type: 'subscription_details', subscription_details: { subscription: i.subscription } }
      : null,
    period: i.period ?? { start: now, end: now },
    pricing: {
      type: 'price_details',
      price_details: i.price ? { price: i.price.id, product: i.price.product } : null,
      unit_amount_decimal: String(
        i.price ? (i.price.unit_amount_decimal ?? amount) : Math.round(amount / quantity),
      ),
    },
    proration: i.proration ?? false,
    quantity,
    quantity_decimal: String(quantity),
    tax_rates: [],
    test_clock: clockOfCustomer(ctx.app, ctx.account, i.customer),
  };
  ctx.app.store.insert(ctx.account, ii);
  emit(ctx, 'invoiceitem.created', ii);
  if (ii.invoice) {
    const inv = requireInvoice(ctx, String(ii.invoice));
    addLine(ctx, inv, lineFromItem(ctx, inv, ii));
    recompute(ctx, inv);
  }
  return ii;
}

const itemShape = {
  amount: int,
  currency: str,
  customer: str,
  customer_account: str,
  description: str,
  discountable: bool,
  discounts: discountsParam,
  invoice: str,
  metadata,
  period: obj({ start: int, end: int }, ['start', 'end']),
  price: str,
  price_data: obj({
    currency: str,
    product: str,
    unit_amount: int,
    unit_amount_decimal: oneOf(int, str),
    tax_behavior: str,
  }),
  pricing: obj({ price: str }),
  quantity: int,
  subscription: str,
  tax_behavior: str,
  tax_code: str,
  tax_rates: arr(str),
  unit_amount_decimal: oneOf(int, str),
};

// ---- lines and totals ----------------------------------------------------------------------------

export interface LineInput {
  amount: number;
  description: string | null;
  price: Obj | null;
  quantity: number;
  period: { start: number; end: number };
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  invoiceItem: string | null;
  discountable: boolean;
  metadata: Record<string, string>;
}

function lineFromItem(ctx: Ctx, inv: Obj, ii: Obj): Params {
  const pd = (ii.pricing as Params).price_details as Params | null;
  return buildLine(inv, {
    amount: ii.amount as number,
    description: ii.description as string | null,
    price: pd ? (ctx.app.store.get(ctx.account, String(pd.price), 'price') ?? null) : null,
    quantity: ii.quantity as number,
    period: ii.period as { start: number; end: number },
    proration: ii.proration as boolean,
    subscription:
      (((ii.parent as Params | null)?.subscription_details as Params | undefined)?.subscription as
        | string
        | null) ?? null,
    subscriptionItem: null,
    invoiceItem: ii.id,
    discountable: ii.discountable as boolean,
    metadata: ii.metadata as Record<string, string>,
  });
}

export function buildLine(inv: Obj, l: LineInput): Params {
  const fromItem = l.invoiceItem !== null;
  const details = {
    invoice_item: l.invoiceItem,
    proration: l.proration,
    proration_details: { credited_items: null },
    subscription: l.subscription,
  };
  return {
    id: newId('il'),
    object: 'line_item',
    amount: l.amount,
    currency: inv.currency,
    description: l.description,
    discount_amounts: [],
    discountable: l.discountable,
    discounts: [],
    invoice: inv.id,
    livemode: false,
    metadata: l.metadata,
    parent: fromItem
      ? { type: 'invoice_item_details', invoice_item_details: details, subscription_item_details: null }
      : {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: { ...details, subscription_item: l.subscriptionItem },
        },
    period: l.period,
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: l.price ? { price: l.price.id, product: l.price.product } : null,
      unit_amount_decimal:
        l.price?.unit_amount_decimal ?? String(l.quantity ? Math.round(l.amount / l.quantity) : l.amount),
    },
    quantity: l.quantity,
    quantity_decimal: String(l.quantity),
    subscription: null,
    subtotal: l.amount,
    taxes: [],
  };
}

export function addLine(ctx: Ctx, inv: Obj, line: Params): void {
  if (inv.status !== 'draft') {
    throw invalidRequest(
      'You can only add invoice items to draft invoices.',
      'invoice',
      'invoice_not_editable',
    );
  }
  (inv.lines as { data: Params[] }).data.push(line);
  ctx.app.store.changed();
}

/** Subtotal, discounts, total, amount due/remaining from the lines. */
export function recompute(ctx: Ctx, inv: Obj): void {
  const lines = (inv.lines as { data: Params[] }).data;
  const subtotal = lines.reduce((s, l) => s + (l.amount as number), 0);
  const discountable = lines.filter((l) => l.discountable).reduce((s, l) => s + (l.amount as number), 0);
  const totals: { amount: number; discount: string }[] = [];
  let left = discountable;
  for (const id of inv.discounts as string[]) {
    const di = ctx.app.store.get(ctx.account, id, 'discount');
    if (!di) continue;
    const amount = Math.min(left, discountAmount(ctx, di, left));
    left -= amount;
    totals.push({ amount, discount: id });
  }
  const discount = totals.reduce((s, t) => s + t.amount, 0);
  for (const l of lines) {
    l.discount_amounts =
      l.discountable && discountable > 0
        ? totals.map((t) => ({
            amount: Math.round((t.amount * (l.amount as number)) / discountable),
            discount: t.discount,
          }))
        : [];
  }
  inv.subtotal = subtotal;
  inv.subtotal_excluding_tax = subtotal;
  inv.total_discount_amounts = totals;
  inv.total = subtotal - discount;
  inv.total_excluding_tax = inv.total;
  inv.amount_due = Math.max(0, (inv.total as number) + (inv.starting_balance as number));
  inv.amount_remaining = Math.max(0, (inv.amount_due as number) - (inv.amount_paid as number));
  const pct = feePct(ctx, inv);
  if (pct !== null) inv.application_fee_amount = Math.round(((inv.amount_due as number) * pct) / 100);
}

// ---- invoices ------------------------------------------------------------------------------------

export interface InvoiceInput {
  customer: string;
  collection_method?: string;
  days_until_due?: number | null;
  due_date?: number | null;
  auto_advance?: boolean;
  billing_reason: string;
  description?: string | null;
  metadata?: Record<string, string>;
  subscription?: Obj | null;
  default_payment_method?: string | null;
  application_fee_amount?: number | null;
  application_fee_percent?: number | null;
  currency?: string | null;
  period?: { start: number; end: number };
  on_behalf_of?: string | null;
  transfer_data?: Params | null;
  footer?: string | null;
  discounts?: string[];
  /** false: a preview (`create_preview`), not stored. */
  persist?: boolean;
}

export function newInvoice(ctx: Ctx, i: InvoiceInput): Obj {
  const cus = requireCustomer(ctx, i.customer, 'customer');
  const now = nowSeconds();
  const id = i.persist === false ? `upcoming_${newId('in')}` : newId('in');
  const sub = i.subscription ?? null;
  const acct = ctx.app.store.find(ctx.account)?.obj;
  const inv: Obj = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: (acct?.business_profile as Params | undefined)?.name ?? null,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: ctx.platform ? null : ctx.app.config.connectClientId,
    application_fee_amount: i.application_fee_amount ?? null,
    attempt_count: 0,
    attempted: false,
    auto_advance: i.auto_advance ?? false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: i.billing_reason,
    collection_method: i.collection_method ?? 'charge_automatically',
    created: now,
    currency: String(i.currency ?? 'usd').toLowerCase(),
    custom_fields: null,
    customer: cus.id,
    customer_account: null,
    customer_address: cus.address ?? null,
    customer_email: cus.email ?? null,
    customer_name: cus.name ?? null,
    customer_phone: cus.phone ?? null,
    customer_shipping: cus.shipping ?? null,
    customer_tax_exempt: cus.tax_exempt ?? 'none',
    customer_tax_ids: [],
    default_payment_method: i.default_payment_method ?? null,
    default_source: null,
    default_tax_rates: [],
    description: i.description ?? null,
    discounts: i.discounts ?? [],
    due_date: i.due_date ?? null,
    effective_at: null,
    ending_balance: null,
    footer: i.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: i.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: i.on_behalf_of ?? null,
    parent: sub
      ? {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: { metadata: sub.metadata, subscription: sub.id },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: i.period?.end ?? now,
    period_start: i.period?.start ?? now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: null,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: (cus.test_clock as string | null) ?? null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    transfer_data: i.transfer_data ?? null,
    webhooks_delivered_at: null,
  };
  ctx.app.store.table<number>('invoice_fee_pct').set(inv.id, i.application_fee_percent ?? -1);
  if (i.persist === false) {
    ctx.app.store.table<number>('invoice_fee_pct').delete(inv.id);
    return inv;
  }
  ctx.app.store.insert(ctx.account, inv);
  return inv;
}

/** Move the customer's pending invoice items (optionally only a subscription's) onto a draft invoice. */
export function pullPendingItems(ctx: Ctx, inv: Obj, subscription: string | null): void {
  for (const ii of ctx.app.store.list(ctx.account, 'invoiceitem')) {
    if (ii.invoice || ii.customer !== inv.customer) continue;
    const sub =
      ((ii.parent as Params | null)?.subscription_details as Params | undefined)?.subscription ?? null;
    if (subscription !== null && sub !== subscription) continue;
    if (ii.currency !== inv.currency) continue;
    ii.invoice = inv.id;
    addLine(ctx, inv, lineFromItem(ctx, inv, ii));
  }
}

function feePct(ctx: Ctx, inv: Obj): number | null {
  const v = ctx.app.store.table<number>('invoice_fee_pct').get(inv.id);
  return v == null || v < 0 ? null : v;
}

function piTable(app: App) {
  return app.store.table<{ owner: string; invoice: string }>('invoice_by_pi');
}

function payments(app: App) {
  const ids = app.store.table<string[]>('invoice_payments');
  return {
    get: (invoice: string): Obj[] =>
      (ids.get(invoice) ?? []).map((id) => app.store.find(id)?.obj).filter((o): o is Obj => Boolean(o)),
    set: (invoice: string, list: Obj[]) =>
      ids.set(
        invoice,
        list.map((o) => o.id),
      ),
  };
}

export function paymentIntentOf(ctx: Ctx, inv: Obj): Obj | null {
  const list = payments(ctx.app).get(inv.id) ?? [];
  const def = list.find((p) => p.is_default) ?? list.at(-1);
  const piId = (def?.payment as Params | undefined)?.payment_intent;
  return piId ? (ctx.app.store.get(ctx.account, String(piId), 'payment_intent') ?? null) : null;
}

registerExpandOnly('invoice', 'payments', (o, store) => {
  const data = (store.table<string[]>('invoice_payments').get(String(o.id)) ?? []).map(
    (id) => store.find(id)?.obj,
  );
  return { object: 'list', data, has_more: false, url: `/v1/invoice_payments?invoice=${o.id}` };
});
registerExpandOnly('invoice', 'confirmation_secret', (o, store) => {
  const def = (store.table<string[]>('invoice_payments').get(String(o.id)) ?? [])
    .map((id) => store.find(id)?.obj)
    .find((p) => p?.is_default);
  const piId = (def?.payment as Params | undefined)?.payment_intent;
  const pi = piId ? store.find(String(piId))?.obj : undefined;
  return pi ? { client_secret: pi.client_secret, type: 'payment_intent' } : null;
});

function invoicePiDescription(inv: Obj): string | null {
  if (inv.billing_reason === 'subscription_create') return 'Subscription creation';
  if (inv.billing_reason === 'subscription_cycle') return 'Subscription cycle';
  if (inv.billing_reason === 'subscription_update') return 'Subscription update';
  return null;
}

function createInvoicePayment(ctx: Ctx, inv: Obj): void {
  const amount = inv.amount_due as number;
  const params: Params = {
    amount,
    currency: inv.currency,
    customer: inv.customer,
    description: invoicePiDescription(inv),
    allowed_payment_method_types: ['card', 'us_bank_account'],
    capture_method: 'automatic',
    metadata: {},
  };
  if (!ctx.platform && inv.application_fee_amount != null)
    params.application_fee_amount = inv.application_fee_amount;
  const td = inv.transfer_data as Params | null;
  if (ctx.platform && td?.destination) {
    params.transfer_data = { destination: td.destination, amount: td.amount ?? null };
    if (inv.application_fee_amount != null && td.amount == null)
      params.application_fee_amount = inv.application_fee_amount;
  }
  if (inv.on_behalf_of) params.on_behalf_of = inv.on_behalf_of;
  const pi = createPaymentIntent(ctx, params);
  piTable(ctx.app).set(pi.id, { owner: ctx.account, invoice: inv.id });
  const ip: Obj = {
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: amount,
    created: nowSeconds(),
    currency: inv.currency,
    invoice: inv.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: pi.id, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
  ctx.app.store.insert(ctx.account, ip);
  payments(ctx.app).set(inv.id, [ip]);
}

export function finalizeInvoice(ctx: Ctx, inv: Obj): void {
  if (inv.status !== 'draft') {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      undefined,
      'invoice_not_editable',
    );
  }
  const before = snapshot(inv);
  const cus = requireCustomer(ctx, String(inv.customer), 'customer');
  recompute(ctx, inv);
  const now = nowSeconds();
  const seq = cus.next_invoice_sequence as number;
  cus.next_invoice_sequence = seq + 1;
  inv.number = `${cus.invoice_prefix}-${String(seq).padStart(4, '0')}`;
  inv.status = 'open';
  inv.effective_at = now;
  inv.status_transitions = { ...(inv.status_transitions as Params), finalized_at: now };
  inv.hosted_invoice_url = `${ctx.app.config.publicUrl}/i/${ctx.account}/${inv.id}`;
  inv.invoice_pdf = `${ctx.app.config.publicUrl}/i/${ctx.account}/${inv.id}/pdf`;
  inv.ending_balance = 0;
  inv.automatically_finalizes_at = null;
  if (inv.collection_method === 'send_invoice' && inv.due_date == null) {
    const days = ctx.app.store.table<number>('invoice_days_until_due').get(inv.id) ?? 30;
    inv.due_date = now + days * DAY;
  }
  for (const id of inv.discounts as string[]) ctx.app.store.table<boolean>('discount_used').set(id, true);
  unschedule(ctx.app, inv.id, 'invoice_finalize');
  if ((inv.amount_due as number) >= 50) createInvoicePayment(ctx, inv);
  ctx.app.store.changed();
  emit(ctx, 'invoice.finalized', inv, { previous: changes(before, inv) });
  if ((inv.amount_due as number) < 50) {
    // Nothing to charge (or below the minimum charge: Stripe credits it to the customer's balance).
    if ((inv.amount_due as number) > 0) cus.balance = (cus.balance as number) + (inv.amount_due as number);
    markPaid(ctx, inv, null);
  } else if (
    inv.auto_advance &&
    inv.collection_method === 'charge_automatically' &&
    inv.billing_reason === 'manual'
  ) {
    schedule(ctx.app, {
      at: now + 3600,
      owner: ctx.account,
      clock: inv.test_clock as string | null,
      kind: 'invoice_collect',
      target: inv.id,
    });
  }
}

type InvoiceHook = (ctx: Ctx, inv: Obj, outcome: 'paid' | 'failed' | 'action_required' | 'voided') => void;
const invoiceHooks: InvoiceHook[] = [];

/** Subscriptions follow their invoices (active on payment, past_due on failure). */
export function onInvoiceOutcome(fn: InvoiceHook): void {
  invoiceHooks.push(fn);
}

export function markPaid(ctx: Ctx, inv: Obj, pi: Obj | null): void {
  if (inv.status === 'paid') return;
  const before = snapshot(inv);
  const now = nowSeconds();
  inv.status = 'paid';
  inv.amount_paid = pi ? pi.amount_received : inv.amount_due;
  inv.amount_remaining = 0;
  inv.attempted = true;
  if (pi) inv.attempt_count = Math.max(1, inv.attempt_count as number);
  inv.next_payment_attempt = null;
  inv.status_transitions = { ...(inv.status_transitions as Params), paid_at: now };
  for (const ip of payments(ctx.app).get(inv.id) ?? []) {
    if ((ip.payment as Params).payment_intent === pi?.id) {
      ip.status = 'paid';
      ip.amount_paid = pi?.amount_received ?? 0;
      ip.status_transitions = { canceled_at: null, paid_at: now };
      emit(ctx, 'invoice_payment.paid', ip);
    }
  }
  unschedule(ctx.app, inv.id);
  ctx.app.store.changed();
  const prev = changes(before, inv);
  emit(ctx, 'invoice.paid', inv, { previous: prev });
  emit(ctx, 'invoice.payment_succeeded', inv, { previous: prev });
  for (const fn of invoiceHooks) fn(ctx, inv, 'paid');
}

onPaymentSucceeded((ctx, pi) => {
  const link = piTable(ctx.app).get(pi.id);
  if (!link || link.owner !== ctx.account) return;
  const inv = ctx.app.store.get(ctx.account, link.invoice, 'invoice');
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) markPaid(ctx, inv, pi);
});

function defaultPaymentMethod(ctx: Ctx, inv: Obj): string | null {
  if (inv.default_payment_method) return String(inv.default_payment_method);
  const subId = ((inv.parent as Params | null)?.subscription_details as Params | undefined)?.subscription;
  if (subId) {
    const sub = ctx.app.store.get(ctx.account, String(subId), 'subscription');
    if (sub?.default_payment_method) return String(sub.default_payment_method);
  }
  const cus = ctx.app.store.get(ctx.account, String(inv.customer), 'customer');
  return ((cus?.invoice_settings as Params | undefined)?.default_payment_method as string | null) ?? null;
}

type RetryPlanner = (ctx: Ctx, inv: Obj) => number | null;
let retryPlanner: RetryPlanner = () => null;

/** Subscriptions decide when a failed invoice is retried (`next_payment_attempt`). */
export function setRetryPlanner(fn: RetryPlanner): void {
  retryPlanner = fn;
}

export interface PayResult {
  ok: boolean;
  error: StripeError | null;
}

/** One payment attempt (API `pay`, automatic collection, a retry, or the hosted invoice page). */
export function attemptPayment(
  ctx: Ctx,
  inv: Obj,
  opts: { paymentMethod?: string | null; offSession: boolean; returnUrl?: string | null },
): PayResult {
  if (inv.status !== 'open' && inv.status !== 'uncollectible') {
    throw invalidRequest(
      `Invoice is already ${inv.status}`,
      undefined,
      inv.status === 'paid' ? 'invoice_already_paid' : 'invoice_not_open',
    );
  }
  const pi = paymentIntentOf(ctx, inv);
  if (!pi) {
    markPaid(ctx, inv, null);
    return { ok: true, error: null };
  }
  const pmId = opts.paymentMethod ?? defaultPaymentMethod(ctx, inv);
  const before = snapshot(inv);
  inv.attempted = true;
  inv.attempt_count = (inv.attempt_count as number) + 1;
  if (!pmId) {
    inv.next_payment_attempt = retryPlanner(ctx, inv);
    ctx.app.store.changed();
    emit(ctx, 'invoice.payment_failed', inv, { previous: changes(before, inv) });
    for (const fn of invoiceHooks) fn(ctx, inv, 'failed');
    return {
      ok: false,
      error: invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      ),
    };
  }
  try {
    const pm = resolvePaymentMethod(ctx, pmId);
    pi.payment_method = pm.id;
    if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
    confirmPaymentIntent(ctx, pi, {
      offSession: opts.offSession,
      returnUrl: opts.returnUrl ?? null,
      errorOnRequiresAction: false,
    });
  } catch (e) {
    if (!(e instanceof StripeError)) throw e;
    if (e.status !== 402) {
      inv.attempt_count = before.attempt_count;
      inv.attempted = before.attempted;
      throw e;
    }
    inv.next_payment_attempt = retryPlanner(ctx, inv);
    ctx.app.store.changed();
    const prev = changes(before, inv);
    emit(ctx, 'invoice.payment_failed', inv, { previous: prev });
    const action = e.body.code === 'authentication_required';
    if (action) emit(ctx, 'invoice.payment_action_required', inv, { previous: prev });
    for (const fn of invoiceHooks) fn(ctx, inv, action ? 'action_required' : 'failed');
    return { ok: false, error: e };
  }
  if (pi.status === 'requires_action') {
    ctx.app.store.changed();
    emit(ctx, 'invoice.payment_action_required', inv, { previous: changes(before, inv) });
    for (const fn of invoiceHooks) fn(ctx, inv, 'action_required');
    return { ok: false, error: null };
  }
  return { ok: (inv.status as string) === 'paid', error: null };
}

export function voidInvoice(ctx: Ctx, inv: Obj): void {
  if (inv.status !== 'open' && inv.status !== 'uncollectible') {
    throw invalidRequest(
      `You can only pass in open or uncollectible invoices, this invoice is ${inv.status}.`,
      undefined,
      'invoice_not_open',
    );
  }
  const before = snapshot(inv);
  inv.status = 'void';
  inv.amount_remaining = 0;
  inv.next_payment_attempt = null;
  inv.status_transitions = { ...(inv.status_transitions as Params), voided_at: nowSeconds() };
  const pi = paymentIntentOf(ctx, inv);
  if (
    pi &&
    ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(String(pi.status))
  ) {
    const prevPi = { status: pi.status, canceled_at: null, cancellation_reason: null };
    pi.status = 'canceled';
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = 'void_invoice';
    emit(ctx, 'payment_intent.canceled', pi, { previous: prevPi });
  }
  for (const ip of payments(ctx.app).get(inv.id) ?? []) {
    if (ip.status === 'open') {
      ip.status = 'canceled';
      ip.status_transitions = { canceled_at: nowSeconds(), paid_at: null };
    }
  }
  unschedule(ctx.app, inv.id);
  ctx.app.store.changed();
  emit(ctx, 'invoice.voided', inv, { previous: changes(before, inv) });
  for (const fn of invoiceHooks) fn(ctx, inv, 'voided');
}

export function markUncollectible(ctx: Ctx, inv: Obj): void {
  if (inv.status !== 'open') {
    throw invalidRequest(
      `You can only mark open invoices as uncollectible, this invoice is ${inv.status}.`,
      undefined,
      'invoice_not_open',
    );
  }
  const before = snapshot(inv);
  inv.status = 'uncollectible';
  inv.next_payment_attempt = null;
  inv.status_transitions = { ...(inv.status_transitions as Params), marked_uncollectible_at: nowSeconds() };
  unschedule(ctx.app, inv.id);
  ctx.app.store.changed();
  emit(ctx, 'invoice.marked_uncollectible', inv, { previous: changes(before, inv) });
}

function createShape() {
  return {
    account_tax_ids: any,
    application_fee_amount: int,
    auto_advance: bool,
    automatic_tax: hash,
    automatically_finalizes_at: int,
    collection_method: enm('charge_automatically', 'send_invoice'),
    currency: str,
    custom_fields: any,
    customer: str,
    customer_account: str,
    days_until_due: int,
    default_payment_method: str,
    default_source: str,
    default_tax_rates: arr(str),
    description: str,
    discounts: discountsParam,
    due_date: int,
    effective_at: int,
    footer: str,
    from_invoice: hash,
    issuer: hash,
    metadata,
    number: str,
    on_behalf_of: str,
    payment_settings: hash,
    pending_invoice_items_behavior: enm('exclude', 'include'),
    rendering: hash,
    shipping_cost: hash,
    shipping_details: hash,
    statement_descriptor: str,
    subscription: str,
    transfer_data: obj({ destination: str, amount: int }, ['destination']),
  };
}

function checkFee(ctx: Ctx, p: Params): void {
  if (p.application_fee_amount != null && ctx.platform && !p.transfer_data) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the invoice is on a connected account (Stripe-Account) or has transfer_data[destination].',
      'application_fee_amount',
    );
  }
}

function sendInvoiceChecks(p: Params): void {
  if (p.collection_method === 'send_invoice' && p.days_until_due == null && p.due_date == null) {
    throw invalidRequest(
      'Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.',
      'days_until_due',
    );
  }
}

onJob('invoice_finalize', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status === 'draft' && inv.auto_advance) finalizeInvoice(ctx, inv);
});
onJob('invoice_collect', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status === 'open' && inv.auto_advance) attemptPayment(ctx, inv, { offSession: true });
});

export function registerInvoices(r: Router): void {
  r.post('/v1/invoiceitems', (ctx) => {
    const p = validate(itemShape, ctx.params, ['customer']);
    requireCustomer(ctx, String(p.customer), 'customer');
    return atCustomerTime(ctx.app, ctx.account, p.customer, () => {
      let price: Obj | null = null;
      const priceId = (p.pricing as Params | null)?.price ?? p.price;
      if (priceId) price = requirePrice(ctx, String(priceId), p.pricing ? 'pricing[price]' : 'price');
      else if (p.price_data) price = createPrice(ctx, { ...(p.price_data as Params), active: false }, false);
      let amount = p.amount as number | null;
      if (amount == null && !price) {
        const unit = p.unit_amount_decimal != null ? Number(p.unit_amount_decimal) : null;
        if (unit === null)
          throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
        amount = Math.round(unit * ((p.quantity as number | null) ?? 1));
      }
      if (amount != null && !price && !p.currency)
        throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
      if (p.invoice) {
        const inv = requireInvoice(ctx, String(p.invoice));
        if (inv.status !== 'draft')
          throw invalidRequest(
            'You can only add invoice items to draft invoices.',
            'invoice',
            'invoice_not_editable',
          );
      }
      const per = p.period as { start: number; end: number } | null;
      const ii = newInvoiceItem(ctx, {
        customer: String(p.customer),
        amount,
        currency: (p.currency as string | null) ?? null,
        price,
        quantity: (p.quantity as number | null) ?? 1,
        description: (p.description as string | null) ?? null,
        period: per,
        subscription: (p.subscription as string | null) ?? null,
        metadata: mergeMetadata({}, p.metadata),
        discountable: (p.discountable as boolean | null) ?? true,
        invoice: (p.invoice as string | null) ?? null,
      });
      if (p.discounts) ii.discounts = discountsFor(ctx, p.discounts, { customer: String(p.customer) });
      return ii;
    });
  });
  r.get('/v1/invoiceitems/:id', (ctx) => {
    validate({}, ctx.params);
    const ii = ctx.app.store.get(ctx.account, ctx.path[0]!, 'invoiceitem');
    if (!ii) throw notFound('invoiceitem', ctx.path[0]!, 'id');
    return ii;
  });
  r.post('/v1/invoiceitems/:id', (ctx) => {
    const p = validate(
      {
        amount: int,
        description: str,
        metadata,
        quantity: int,
        discountable: bool,
        period: hash,
        price: str,
        unit_amount_decimal: oneOf(int, str),
        pricing: hash,
        tax_rates: arr(str),
        discounts: discountsParam,
      },
      ctx.params,
    );
    const ii = ctx.app.store.get(ctx.account, ctx.path[0]!, 'invoiceitem');
    if (!ii) throw notFound('invoiceitem', ctx.path[0]!, 'id');
    const before = snapshot(ii);
    if (p.description !== undefined) ii.description = p.description;
    if (p.amount != null) ii.amount = ii.net_amount = p.amount;
    if (p.quantity != null) ii.quantity = p.quantity;
    if (p.discountable != null) ii.discountable = p.discountable;
    if (p.metadata !== undefined)
      ii.metadata = mergeMetadata(ii.metadata as Record<string, string>, p.metadata);
    ctx.app.store.changed();
    emit(ctx, 'invoiceitem.updated', ii, { previous: changes(before, ii) });
    return ii;
  });
  r.delete('/v1/invoiceitems/:id', (ctx) => {
    validate({}, ctx.params);
    const ii = ctx.app.store.get(ctx.account, ctx.path[0]!, 'invoiceitem');
    if (!ii) throw notFound('invoiceitem', ctx.path[0]!, 'id');
    if (ii.invoice) {
      const inv = requireInvoice(ctx, String(ii.invoice));
      if (inv.status !== 'draft')
        throw invalidRequest(
          'This invoice item is on a finalized invoice and cannot be deleted.',
          undefined,
          'invoice_not_editable',
        );
      const lines = inv.lines as { data: Params[] };
      lines.data = lines.data.filter(
        (l) =>
          (l.parent as Params).invoice_item_details === null ||
          ((l.parent as Params).invoice_item_details as Params).invoice_item !== ii.id,
      );
      recompute(ctx, inv);
    }
    ctx.app.store.remove(ii.id);
    emit(ctx, 'invoiceitem.deleted', ii);
    return { id: ii.id, object: 'invoiceitem', deleted: true };
  });
  r.get('/v1/invoiceitems', (ctx) => {
    const p = validate(
      { ...listParams, customer: str, invoice: str, pending: bool, customer_account: str },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'invoiceitem'),
      p,
      '/v1/invoiceitems',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.invoice || o.invoice === p.invoice) &&
        (p.pending == null || (o.invoice === null) === p.pending),
    );
  });

  r.post('/v1/invoices', (ctx) => {
    const p = validate(createShape(), ctx.params, ['customer']);
    checkFee(ctx, p);
    sendInvoiceChecks(p);
    requireCustomer(ctx, String(p.customer), 'customer');
    return atCustomerTime(ctx.app, ctx.account, p.customer, () => {
      const inv = newInvoice(ctx, {
        customer: String(p.customer),
        collection_method: (p.collection_method as string | null) ?? 'charge_automatically',
        due_date: (p.due_date as number | null) ?? null,
        auto_advance: (p.auto_advance as boolean | null) ?? false,
        billing_reason: 'manual',
        description: (p.description as string | null) ?? null,
        metadata: mergeMetadata({}, p.metadata),
        default_payment_method: (p.default_payment_method as string | null) ?? null,
        application_fee_amount: (p.application_fee_amount as number | null) ?? null,
        currency: (p.currency as string | null) ?? null,
        on_behalf_of: (p.on_behalf_of as string | null) ?? null,
        transfer_data: (p.transfer_data as Params | null) ?? null,
        footer: (p.footer as string | null) ?? null,
      });
      if (p.days_until_due != null)
        ctx.app.store.table<number>('invoice_days_until_due').set(inv.id, p.days_until_due as number);
      inv.discounts = discountsFor(ctx, p.discounts, { customer: String(p.customer), invoice: inv.id });
      if (p.pending_invoice_items_behavior === 'include') pullPendingItems(ctx, inv, null);
      recompute(ctx, inv);
      if (inv.auto_advance) {
        inv.automatically_finalizes_at = nowSeconds() + 3600;
        schedule(ctx.app, {
          at: nowSeconds() + 3600,
          owner: ctx.account,
          clock: inv.test_clock as string | null,
          kind: 'invoice_finalize',
          target: inv.id,
        });
      }
      emit(ctx, 'invoice.created', inv);
      return inv;
    });
  });
  r.get('/v1/invoices/:id', (ctx) => {
    validate({}, ctx.params);
    return requireInvoice(ctx, ctx.path[0]!, 'id');
  });
  r.get('/v1/invoices/:id/lines', (ctx) => {
    const p = validate(listParams, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    const data = (inv.lines as { data: Obj[] }).data;
    return paginate(data, p, `/v1/invoices/${inv.id}/lines`);
  });
  r.post('/v1/invoices/:id', (ctx) => {
    const p = validate(createShape(), ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    const onlyMeta = Object.keys(p).every((k) =>
      ['metadata', 'description', 'footer', 'auto_advance'].includes(k),
    );
    if (inv.status !== 'draft' && !onlyMeta) {
      throw invalidRequest(
        'Finalized invoices can only have their metadata, description, footer and auto_advance updated.',
        undefined,
        'invoice_not_editable',
      );
    }
    const before = snapshot(inv);
    for (const k of [
      'auto_advance',
      'collection_method',
      'description',
      'due_date',
      'footer',
      'default_payment_method',
      'application_fee_amount',
      'on_behalf_of',
    ]) {
      if (p[k] !== undefined) inv[k] = p[k];
    }
    // An explicit amount replaces the subscription's percentage for this invoice, as on Stripe.
    if (p.application_fee_amount !== undefined)
      ctx.app.store.table<number>('invoice_fee_pct').set(inv.id, -1);
    if (p.days_until_due != null)
      ctx.app.store.table<number>('invoice_days_until_due').set(inv.id, p.days_until_due as number);
    if (p.metadata !== undefined)
      inv.metadata = mergeMetadata(inv.metadata as Record<string, string>, p.metadata);
    if (p.discounts !== undefined)
      inv.discounts = discountsFor(ctx, p.discounts, { customer: String(inv.customer), invoice: inv.id });
    if (inv.status === 'draft') recompute(ctx, inv);
    ctx.app.store.changed();
    emit(ctx, 'invoice.updated', inv, { previous: changes(before, inv) });
    return inv;
  });
  r.delete('/v1/invoices/:id', (ctx) => {
    validate({}, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    if (inv.status !== 'draft') {
      throw invalidRequest('You can only delete draft invoices.', undefined, 'invoice_not_editable');
    }
    for (const ii of ctx.app.store.list(ctx.account, 'invoiceitem'))
      if (ii.invoice === inv.id) ii.invoice = null;
    ctx.app.store.remove(inv.id);
    unschedule(ctx.app, inv.id);
    emit(ctx, 'invoice.deleted', inv);
    return { id: inv.id, object: 'invoice', deleted: true };
  });
  r.post('/v1/invoices/:id/finalize', (ctx) => {
    const p = validate({ auto_advance: bool }, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    return atCustomerTime(ctx.app, ctx.account, inv.customer, () => {
      if (p.auto_advance != null) inv.auto_advance = p.auto_advance;
      finalizeInvoice(ctx, inv);
      return inv;
    });
  });
  r.post('/v1/invoices/:id/pay', (ctx) => {
    const p = validate(
      {
        forgive: bool,
        mandate: str,
        off_session: bool,
        paid_out_of_band: bool,
        payment_method: str,
        source: str,
      },
      ctx.params,
    );
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    return atCustomerTime(ctx.app, ctx.account, inv.customer, () => {
      if (inv.status === 'draft') finalizeInvoice(ctx, inv);
      if (inv.status === 'paid') return inv;
      if (p.paid_out_of_band) {
        markPaid(ctx, inv, null);
        return inv;
      }
      const result = attemptPayment(ctx, inv, {
        paymentMethod: (p.payment_method as string | null) ?? null,
        offSession: p.off_session !== false,
      });
      if (result.error) throw result.error;
      return inv;
    });
  });
  r.post('/v1/invoices/:id/void', (ctx) => {
    validate({}, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    atCustomerTime(ctx.app, ctx.account, inv.customer, () => voidInvoice(ctx, inv));
    return inv;
  });
  r.post('/v1/invoices/:id/mark_uncollectible', (ctx) => {
    validate({}, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    atCustomerTime(ctx.app, ctx.account, inv.customer, () => markUncollectible(ctx, inv));
    return inv;
  });
  r.post('/v1/invoices/:id/send', (ctx) => {
    validate({}, ctx.params);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    if (inv.status !== 'open')
      throw invalidRequest('You can only send open invoices.', undefined, 'invoice_not_open');
    emit(ctx, 'invoice.sent', inv);
    return inv;
  });
  r.post('/v1/invoices/:id/add_lines', (ctx) => {
    const p = validate({ lines: arr(hash), invoice_metadata: metadata }, ctx.params, ['lines']);
    const inv = requireInvoice(ctx, ctx.path[0]!, 'id');
    for (const l of p.lines as Params[]) {
      const pr = l.pricing as Params | undefined;
      const price = pr?.price ? requirePrice(ctx, String(pr.price)) : null;
      newInvoiceItem(ctx, {
        customer: String(inv.customer),
        amount: l.amount != null ? Number(l.amount) : null,
        currency: String(inv.currency),
        price,
        quantity: l.quantity != null ? Number(l.quantity) : 1,
        description: (l.description as string | undefined) ?? null,
        invoice: inv.id,
      });
    }
    return inv;
  });
  r.get('/v1/invoices', (ctx) => {
    const p = validate(
      {
        ...listParams,
        customer: str,
        customer_account: str,
        collection_method: str,
        status: str,
        subscription: str,
        due_date: any,
      },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'invoice'),
      p,
      '/v1/invoices',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.status || o.status === p.status) &&
        (!p.collection_method || o.collection_method === p.collection_method) &&
        (!p.subscription ||
          ((o.parent as Params | null)?.subscription_details as Params | undefined)?.subscription ===
            p.subscription),
    );
  });
  r.get('/v1/invoice_payments', (ctx) => {
    const p = validate({ ...listParams, invoice: str, payment: hash, status: str }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'invoice_payment'),
      p,
      '/v1/invoice_payments',
      (o) => (!p.invoice || o.invoice === p.invoice) && (!p.status || o.status === p.status),
    );
  });
  r.get('/v1/invoice_payments/:id', (ctx) => {
    validate({}, ctx.params);
    const ip = ctx.app.store.get(ctx.account, ctx.path[0]!, 'invoice_payment');
    if (!ip) throw notFound('invoice_payment', ctx.path[0]!, 'id');
    return ip;
  });
}
