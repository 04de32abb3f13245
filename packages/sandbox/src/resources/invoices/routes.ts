// /v1/invoices (create, retrieve, lines, update, delete, finalize, pay, void, mark_uncollectible, send,
// add_lines, list) and /v1/invoice_payments.

import type { Ctx } from '../../app.ts';
import { atCustomerTime, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Router } from '../../router.ts';
import { cardError, invalidRequest, notFound } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { matchesSent, paginate } from '../../wire/list.ts';
import {
  any,
  arr,
  assignSent,
  bool,
  enm,
  hash,
  int,
  isPlain,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  str,
  type Valid,
  validate,
} from '../../wire/schema.ts';
import { discountsFor, discountsParam } from '../coupons.ts';
import { requireCustomer } from '../customers/model.ts';
import { resolvePaymentMethod } from '../payment_methods.ts';
import { requirePrice } from '../products/prices.ts';
import { attemptPayment, autoAdvanceChanged, requirePayable } from './attempts.ts';
import { newInvoiceItem } from './items.ts';
import { finalizeInvoice, markPaid, markUncollectible, voidInvoice } from './lifecycle.ts';
import { pullPendingItems, recompute } from './lines.ts';
import { newInvoice, paymentIntentOf, requireInvoice } from './model.ts';

const invoiceShape = {
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

type InvoiceParams = Valid<typeof invoiceShape>;

function checkFee(ctx: Ctx, p: InvoiceParams): void {
  if (p.application_fee_amount != null && ctx.platform && !p.transfer_data) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the invoice is on a connected account (Stripe-Account) or has transfer_data[destination].',
      'application_fee_amount',
    );
  }
}

function sendInvoiceChecks(p: InvoiceParams): void {
  if (p.collection_method === 'send_invoice' && p.days_until_due == null && p.due_date == null) {
    throw invalidRequest(
      'Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.',
      'days_until_due',
    );
  }
}

export function registerInvoices(r: Router): void {
  r.post('/v1/invoices', (ctx) => {
    const p = validate(invoiceShape, ctx.params, ['customer']);
    checkFee(ctx, p);
    sendInvoiceChecks(p);
    requireCustomer(ctx, p.customer, 'customer');
    const defaultPm = p.default_payment_method
      ? resolvePaymentMethod(ctx, p.default_payment_method, 'default_payment_method', p.customer).id
      : null;
    return atCustomerTime(ctx.app, ctx.account, p.customer, () => {
      const inv = newInvoice(ctx, {
        customer: p.customer,
        collection_method: p.collection_method ?? 'charge_automatically',
        due_date: p.due_date ?? null,
        auto_advance: p.auto_advance ?? false,
        billing_reason: 'manual',
        description: p.description ?? null,
        metadata: mergeMetadata({}, p.metadata),
        default_payment_method: defaultPm,
        application_fee_amount: p.application_fee_amount ?? null,
        currency: p.currency ?? null,
        on_behalf_of: p.on_behalf_of ?? null,
        transfer_data: p.transfer_data ?? null,
        footer: p.footer ?? null,
      });
      if (p.days_until_due != null)
        ctx.app.store.table<number>('invoice_days_until_due').set(inv.id, p.days_until_due);
      inv.discounts = discountsFor(ctx, p.discounts, { customer: p.customer, invoice: inv.id });
      if (p.pending_invoice_items_behavior === 'include') pullPendingItems(ctx, inv, null);
      recompute(ctx, inv);
      if (inv.auto_advance) {
        inv.automatically_finalizes_at = nowSeconds() + 3600;
        schedule(ctx.app, {
          at: nowSeconds() + 3600,
          owner: ctx.account,
          clock: inv.test_clock,
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
    return paginate(inv.lines.data, p, `/v1/invoices/${inv.id}/lines`);
  });
  r.post('/v1/invoices/:id', (ctx) => {
    const p = validate(invoiceShape, ctx.params);
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
    if (p.default_payment_method) {
      const pm = resolvePaymentMethod(ctx, p.default_payment_method, 'default_payment_method', inv.customer);
      p.default_payment_method = pm.id;
    }
    assignSent(inv, p, [
      'auto_advance',
      'collection_method',
      'description',
      'due_date',
      'footer',
      'default_payment_method',
      'application_fee_amount',
      'on_behalf_of',
    ]);
    if (inv.auto_advance !== before.auto_advance) autoAdvanceChanged(ctx, inv);
    // An explicit amount replaces the subscription's percentage for this invoice, as on Stripe.
    if (p.application_fee_amount !== undefined)
      ctx.app.store.table<number>('invoice_fee_pct').set(inv.id, -1);
    if (p.days_until_due != null)
      ctx.app.store.table<number>('invoice_days_until_due').set(inv.id, p.days_until_due);
    if (p.metadata !== undefined) inv.metadata = mergeMetadata(inv.metadata, p.metadata);
    if (p.discounts !== undefined)
      inv.discounts = discountsFor(ctx, p.discounts, { customer: inv.customer, invoice: inv.id });
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
      // A draft with nothing to charge is paid by its finalization; an invoice paid before is an error.
      if (inv.status === 'draft') {
        finalizeInvoice(ctx, inv);
        const status: string = inv.status;
        if (status === 'paid') return inv;
      }
      requirePayable(inv);
      if (p.paid_out_of_band) {
        markPaid(ctx, inv, null);
        return inv;
      }
      const result = attemptPayment(ctx, inv, {
        paymentMethod: p.payment_method ?? null,
        offSession: p.off_session !== false,
      });
      if (result.error) throw result.error;
      // 3-D Secure asked for: Stripe answers with an error, the invoice left open with its intent; a bank
      // debit still processing is no error (the invoice stays open until it settles)
      if (!result.ok && inv.status === 'open' && paymentIntentOf(ctx, inv)?.status === 'requires_action')
        throw cardError(
          'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.',
          'invoice_payment_intent_requires_action',
        );
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
    for (const line of p.lines) {
      const l = line ?? {};
      const pr = isPlain(l.pricing) ? l.pricing : undefined;
      const price = pr?.price ? requirePrice(ctx, String(pr.price)) : null;
      newInvoiceItem(ctx, {
        customer: inv.customer,
        amount: l.amount != null ? Number(l.amount) : null,
        currency: inv.currency,
        price,
        quantity: l.quantity != null ? Number(l.quantity) : 1,
        description: l.description == null ? null : String(l.description),
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
        collection_method: enm('charge_automatically', 'send_invoice'),
        status: enm('draft', 'open', 'paid', 'uncollectible', 'void'),
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
        matchesSent(o, p, ['customer', 'status', 'collection_method']) &&
        (!p.subscription || o.parent?.subscription_details.subscription === p.subscription),
    );
  });
  r.get('/v1/invoice_payments', (ctx) => {
    const p = validate({ ...listParams, invoice: str, payment: hash, status: str }, ctx.params);
    const by = p.payment as { type?: string; payment_intent?: string } | undefined;
    return paginate(
      ctx.app.store.list(ctx.account, 'invoice_payment'),
      p,
      '/v1/invoice_payments',
      (o) =>
        matchesSent(o, p, ['invoice', 'status']) &&
        (!by ||
          (o.payment.type === by.type &&
            (!by.payment_intent || o.payment.payment_intent === by.payment_intent))),
    );
  });
  r.get('/v1/invoice_payments/:id', (ctx) => {
    validate({}, ctx.params);
    const ip = ctx.app.store.get(ctx.account, ctx.path[0]!, 'invoice_payment');
    if (!ip) throw notFound('invoice_payment', ctx.path[0]!, 'id');
    return ip;
  });
}
