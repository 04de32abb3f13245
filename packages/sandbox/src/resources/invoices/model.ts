// The invoice object and what it keeps beside it: creation (draft), the application-fee percentage, and the
// invoice's payments (`invoice_payment`, expandable `payments` and `confirmation_secret`, as in
// 2026-10-28.endive) leading to its PaymentIntent.
import type { App, Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import type { Invoice, InvoicePayment, InvoiceTransferData } from '../../objects/invoices.ts';
import type { PaymentIntent } from '../../objects/payments.ts';
import type { Subscription } from '../../objects/subscriptions.ts';
import type { Store } from '../../store.ts';
import { registerExpandOnly } from '../../wire/expand.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { requireCustomer } from '../customers/model.ts';

export function requireInvoice(ctx: Ctx, id: string, param = 'invoice'): Invoice {
  return requireOwn(ctx, 'invoice', id, param);
}

export interface InvoiceInput {
  customer: string;
  collection_method?: string;
  days_until_due?: number | null;
  due_date?: number | null;
  auto_advance?: boolean;
  billing_reason: string;
  description?: string | null;
  metadata?: Record<string, string>;
  subscription?: Subscription | null;
  default_payment_method?: string | null;
  application_fee_amount?: number | null;
  application_fee_percent?: number | null;
  currency?: string | null;
  period?: { start: number; end: number };
  on_behalf_of?: string | null;
  transfer_data?: InvoiceTransferData | null;
  footer?: string | null;
  discounts?: string[];
  /** false: a preview (`create_preview`), not stored. */
  persist?: boolean;
}

export function newInvoice(ctx: Ctx, i: InvoiceInput): Invoice {
  const cus = requireCustomer(ctx, i.customer, 'customer');
  const now = nowSeconds();
  const id = i.persist === false ? `upcoming_${newId('in')}` : newId('in');
  const sub = i.subscription ?? null;
  const acct = ctx.app.store.findOf(ctx.account, 'account', 'platform_account')?.obj;
  const inv: Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: acct?.business_profile.name ?? null,
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
    // Without `currency`, the customer's (set by its first invoice, subscription or balance), as on Stripe.
    currency: String(i.currency ?? cus.currency ?? 'usd').toLowerCase(),
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
    test_clock: cus.test_clock ?? null,
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

export function feePct(ctx: Ctx, inv: Invoice): number | null {
  const v = ctx.app.store.table<number>('invoice_fee_pct').get(inv.id);
  return v == null || v < 0 ? null : v;
}

export function piTable(app: App) {
  return app.store.table<{ owner: string; invoice: string }>('invoice_by_pi');
}

/** An invoice's payments (`invoice_payment`), kept by id beside it. */
function paymentsOf(store: Store, invoice: string): InvoicePayment[] {
  return (store.table<string[]>('invoice_payments').get(invoice) ?? [])
    .map((id) => store.findOf(id, 'invoice_payment')?.obj)
    .filter((ip) => ip !== undefined);
}

export function payments(app: App) {
  return {
    get: (invoice: string): InvoicePayment[] => paymentsOf(app.store, invoice),
    set: (invoice: string, list: InvoicePayment[]) =>
      app.store.table<string[]>('invoice_payments').set(
        invoice,
        list.map((o) => o.id),
      ),
  };
}

export function paymentIntentOf(ctx: Ctx, inv: Invoice): PaymentIntent | null {
  const list = payments(ctx.app).get(inv.id);
  const def = list.find((p) => p.is_default) ?? list.at(-1);
  const piId = def?.payment.payment_intent;
  return piId ? (ctx.app.store.get(ctx.account, piId, 'payment_intent') ?? null) : null;
}

registerExpandOnly('invoice', 'payments', (o, store) => ({
  object: 'list',
  data: paymentsOf(store, String(o.id)),
  has_more: false,
  url: `/v1/invoice_payments?invoice=${o.id}`,
}));
registerExpandOnly('invoice', 'confirmation_secret', (o, store) => {
  const piId = paymentsOf(store, String(o.id)).find((p) => p.is_default)?.payment.payment_intent;
  const pi = piId ? store.findOf(piId, 'payment_intent')?.obj : undefined;
  return pi ? { client_secret: pi.client_secret, type: 'payment_intent' } : null;
});
