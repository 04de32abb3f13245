// Invoice status transitions: draft → finalize (number, hosted URLs, PaymentIntent) → open → paid / void /
// uncollectible, with their events, and the hooks subscriptions follow (active on payment, past_due on
// failure).
import { type Ctx, systemCtx } from '../../app.ts';
import { onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Invoice, InvoicePayment } from '../../objects/invoices.ts';
import type { PaymentIntent } from '../../objects/payments.ts';
import { onPaymentSucceeded } from '../../payments/confirm.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { applyBalanceToInvoice, recordBalance, unapplyBalanceFromInvoice } from '../customers/balance.ts';
import { requireCustomer } from '../customers/model.ts';
import { createPaymentIntent, type PaymentIntentParams } from '../payment_intents.ts';
import { recompute } from './lines.ts';
import { paymentIntentOf, payments, piTable } from './model.ts';

const DAY = 86_400;

function invoicePiDescription(inv: Invoice): string | null {
  if (inv.billing_reason === 'subscription_create') return 'Subscription creation';
  if (inv.billing_reason === 'subscription_cycle') return 'Subscription cycle';
  if (inv.billing_reason === 'subscription_update') return 'Subscription update';
  return null;
}

function createInvoicePayment(ctx: Ctx, inv: Invoice): void {
  const amount = inv.amount_due;
  const params: PaymentIntentParams = {
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
  const td = inv.transfer_data;
  if (ctx.platform && td?.destination) {
    params.transfer_data = { destination: String(td.destination), amount: td.amount ?? null };
    if (inv.application_fee_amount != null && td.amount == null)
      params.application_fee_amount = inv.application_fee_amount;
  }
  if (inv.on_behalf_of) params.on_behalf_of = inv.on_behalf_of;
  const pi = createPaymentIntent(ctx, params);
  piTable(ctx.app).set(pi.id, { owner: ctx.account, invoice: inv.id });
  const ip: InvoicePayment = {
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

export function finalizeInvoice(ctx: Ctx, inv: Invoice): void {
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
  applyBalanceToInvoice(ctx, cus, inv);
  const now = nowSeconds();
  const seq = cus.next_invoice_sequence;
  cus.next_invoice_sequence = seq + 1;
  inv.number = `${cus.invoice_prefix}-${String(seq).padStart(4, '0')}`;
  inv.status = 'open';
  inv.effective_at = now;
  inv.status_transitions = { ...inv.status_transitions, finalized_at: now };
  inv.hosted_invoice_url = `${ctx.app.config.publicUrl}/i/${ctx.account}/${inv.id}`;
  inv.invoice_pdf = `${ctx.app.config.publicUrl}/i/${ctx.account}/${inv.id}/pdf`;
  inv.automatically_finalizes_at = null;
  if (inv.collection_method === 'send_invoice' && inv.due_date == null) {
    const days = ctx.app.store.table<number>('invoice_days_until_due').get(inv.id) ?? 30;
    inv.due_date = now + days * DAY;
  }
  for (const id of inv.discounts) ctx.app.store.table<boolean>('discount_used').set(id, true);
  unschedule(ctx.app, inv.id, 'invoice_finalize');
  // Below the minimum charge: nothing is due, the amount is carried to the customer's balance (a debit the
  // next invoice takes), and the invoice is paid.
  const tooSmall = inv.amount_due > 0 && inv.amount_due < 50 ? inv.amount_due : 0;
  if (tooSmall) {
    inv.amount_due = 0;
    inv.amount_remaining = 0;
    inv.ending_balance = Number(inv.ending_balance ?? 0) + tooSmall;
  }
  if (inv.amount_due >= 50) createInvoicePayment(ctx, inv);
  ctx.app.store.changed();
  emit(ctx, 'invoice.finalized', inv, { previous: changes(before, inv) });
  if (inv.amount_due < 50) {
    if (tooSmall) {
      recordBalance(ctx, cus, {
        amount: tooSmall,
        currency: inv.currency,
        type: 'invoice_too_small',
        invoice: inv.id,
      });
    }
    markPaid(ctx, inv, null);
  } else if (
    inv.auto_advance &&
    inv.collection_method === 'charge_automatically' &&
    inv.billing_reason === 'manual'
  ) {
    schedule(ctx.app, {
      at: now + 3600,
      owner: ctx.account,
      clock: inv.test_clock,
      kind: 'invoice_collect',
      target: inv.id,
    });
  }
}

export type InvoiceOutcome = 'paid' | 'failed' | 'action_required' | 'voided';
type InvoiceHook = (ctx: Ctx, inv: Invoice, outcome: InvoiceOutcome) => void;
const invoiceHooks: InvoiceHook[] = [];

/** Subscriptions follow their invoices (active on payment, past_due on failure). */
export function onInvoiceOutcome(fn: InvoiceHook): void {
  invoiceHooks.push(fn);
}

export function notifyOutcome(ctx: Ctx, inv: Invoice, outcome: InvoiceOutcome): void {
  for (const fn of invoiceHooks) fn(ctx, inv, outcome);
}

export function markPaid(ctx: Ctx, inv: Invoice, pi: PaymentIntent | null): void {
  if (inv.status === 'paid') return;
  const before = snapshot(inv);
  const now = nowSeconds();
  inv.status = 'paid';
  inv.amount_paid = pi ? pi.amount_received : inv.amount_due;
  inv.amount_remaining = 0;
  inv.attempted = true;
  if (pi) inv.attempt_count = Math.max(1, inv.attempt_count);
  inv.next_payment_attempt = null;
  inv.status_transitions = { ...inv.status_transitions, paid_at: now };
  for (const ip of payments(ctx.app).get(inv.id) ?? []) {
    if (ip.payment.payment_intent === pi?.id) {
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
  notifyOutcome(ctx, inv, 'paid');
}

onPaymentSucceeded((ctx, pi) => {
  const link = piTable(ctx.app).get(pi.id);
  if (!link || link.owner !== ctx.account) return;
  const inv = ctx.app.store.get(ctx.account, link.invoice, 'invoice');
  if (inv && (inv.status === 'open' || inv.status === 'uncollectible')) markPaid(ctx, inv, pi);
});

export function voidInvoice(ctx: Ctx, inv: Invoice): void {
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
  inv.status_transitions = { ...inv.status_transitions, voided_at: nowSeconds() };
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
  unapplyBalanceFromInvoice(ctx, inv);
  ctx.app.store.changed();
  emit(ctx, 'invoice.voided', inv, { previous: changes(before, inv) });
  notifyOutcome(ctx, inv, 'voided');
}

export function markUncollectible(ctx: Ctx, inv: Invoice): void {
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
  inv.status_transitions = { ...inv.status_transitions, marked_uncollectible_at: nowSeconds() };
  unschedule(ctx.app, inv.id);
  ctx.app.store.changed();
  emit(ctx, 'invoice.marked_uncollectible', inv, { previous: changes(before, inv) });
}

onJob('invoice_finalize', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status === 'draft' && inv.auto_advance) finalizeInvoice(ctx, inv);
});
