// Credit notes: on an open invoice they lower what is due (pre_payment); on a paid invoice they refund the
// payment (refund_amount, the default), credit the customer balance (credit_amount) or record an
// out-of-band amount (post_payment).
import type { Ctx } from '../app.ts';
import { changes, emit, snapshot } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type { CreditNote, CreditNoteLine, Invoice } from '../objects/invoices.ts';
import type { Router } from '../router.ts';
import { invalidRequest } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import {
  any,
  arr,
  enm,
  int,
  listParams,
  mergeMetadata,
  metadata,
  type Out,
  obj,
  oneOf,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';
import { recordBalance } from './customers/balance.ts';
import { markPaid } from './invoices/lifecycle.ts';
import { paymentIntentOf, requireInvoice } from './invoices/model.ts';
import { createRefund } from './refunds.ts';

const lineShape = obj({
  type: enm('invoice_line_item', 'custom_line_item'),
  invoice_line_item: str,
  amount: int,
  quantity: int,
  unit_amount: int,
  unit_amount_decimal: oneOf(int, str),
  description: str,
  metadata,
  tax_rates: any,
  tax_amounts: any,
});

const shape = {
  invoice: str,
  amount: int,
  credit_amount: int,
  effective_at: int,
  email_type: str,
  lines: arr(lineShape),
  memo: str,
  metadata,
  out_of_band_amount: int,
  reason: enm('duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'),
  refund_amount: int,
  refunds: any,
  shipping_cost: any,
};

function requireCreditNote(ctx: Ctx, id: string): CreditNote {
  return requireOwn(ctx, 'credit_note', id, 'id');
}

/** A credit note line: what it credits, from an invoice line or custom (`unit_amount` × quantity). */
function creditLine(l: {
  amount: number;
  description: string | null;
  invoiceLine?: string;
  metadata: Record<string, string>;
  quantity: number;
  unitAmount: number | null;
}): CreditNoteLine {
  return {
    id: newId('cnli'),
    object: 'credit_note_line_item',
    amount: l.amount,
    description: l.description,
    discount_amount: 0,
    discount_amounts: [],
    ...(l.invoiceLine ? { invoice_line_item: l.invoiceLine } : {}),
    livemode: false,
    metadata: l.metadata,
    pretax_credit_amounts: [],
    quantity: l.quantity,
    tax_rates: [],
    taxes: [],
    type: l.invoiceLine ? 'invoice_line_item' : 'custom_line_item',
    unit_amount: l.unitAmount,
    unit_amount_decimal: l.unitAmount === null ? null : String(l.unitAmount),
  };
}

function buildLines(inv: Invoice, raw: Out<typeof shape.lines>, amount: number | null): CreditNoteLine[] {
  const invLines = inv.lines.data;
  if (!raw?.length) {
    if (amount == null)
      throw invalidRequest('You must pass either `lines` or `amount`.', 'lines', 'parameter_missing');
    return [creditLine({ amount, description: 'Credit', metadata: {}, quantity: 1, unitAmount: amount })];
  }
  return raw.map((item, i) => {
    const l = item ?? {};
    if (l.type === 'invoice_line_item') {
      const il = invLines.find((x) => x.id === l.invoice_line_item);
      if (!il)
        throw invalidRequest(
          `No such invoice line item: '${l.invoice_line_item}'`,
          `lines[${i}][invoice_line_item]`,
          'resource_missing',
        );
      const qty = l.quantity ?? il.quantity;
      return creditLine({
        amount: l.amount ?? Math.round((il.amount * qty) / Math.max(1, il.quantity)),
        description: il.description,
        invoiceLine: il.id,
        metadata: mergeMetadata({}, l.metadata),
        quantity: qty,
        unitAmount: null,
      });
    }
    const qty = l.quantity ?? 1;
    const unit = l.unit_amount ?? Number(l.unit_amount_decimal ?? 0);
    return creditLine({
      amount: Math.round(unit * qty),
      description: l.description ?? null,
      metadata: mergeMetadata({}, l.metadata),
      quantity: qty,
      unitAmount: unit,
    });
  });
}

type Params = Valid<typeof shape, 'invoice'>;

/** The credit note the parameters describe, checked but not yet issued (also `preview`). */
function draft(ctx: Ctx, p: Params): { cn: CreditNote; inv: Invoice; refund: number; credit: number } {
  const inv = requireInvoice(ctx, String(p.invoice));
  if (inv.status !== 'open' && inv.status !== 'paid') {
    throw invalidRequest(
      `Credit notes can only be created on open or paid invoices; this invoice is ${inv.status}.`,
      'invoice',
      'invoice_not_editable',
    );
  }
  const lines = buildLines(inv, p.lines ?? null, p.amount ?? null);
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const post = inv.status === 'paid';
  const limit = post ? inv.amount_paid - inv.post_payment_credit_notes_amount : inv.amount_remaining;
  if (total <= 0 || total > limit) {
    throw invalidRequest(
      `The credit note total (${total}) must be positive and at most ${limit}.`,
      'lines',
      'credit_note_amount_too_large',
    );
  }
  const id = newId('cn');
  const count = ctx.app.store.list(ctx.account, 'credit_note').filter((c) => c.invoice === inv.id).length;
  const now = nowSeconds();
  const cn: CreditNote = {
    id,
    object: 'credit_note',
    amount: total,
    amount_shipping: 0,
    created: now,
    currency: inv.currency,
    customer: inv.customer,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: p.effective_at ?? now,
    invoice: inv.id,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: p.memo ?? null,
    metadata: mergeMetadata({}, p.metadata),
    number: `${inv.number}-CN-${String(count + 1).padStart(2, '0')}`,
    out_of_band_amount: p.out_of_band_amount ?? null,
    pdf: `${inv.invoice_pdf}?credit_note=${id}`,
    post_payment_amount: post ? total : 0,
    pre_payment_amount: post ? 0 : total,
    pretax_credit_amounts: [],
    reason: p.reason ?? null,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    total_taxes: [],
    type: post ? 'post_payment' : 'pre_payment',
    voided_at: null,
  };
  if (!post) return { cn, inv, refund: 0, credit: 0 };
  const credit = p.credit_amount ?? 0;
  const oob = p.out_of_band_amount ?? 0;
  const refund = p.refund_amount ?? total - credit - oob;
  if (refund + credit + oob !== total || refund < 0) {
    throw invalidRequest(
      'The sum of refund_amount, credit_amount and out_of_band_amount must equal the credit note total.',
      'refund_amount',
    );
  }
  if (refund > 0 && !paymentIntentOf(ctx, inv))
    throw invalidRequest(
      'This invoice has no payment to refund; use credit_amount or out_of_band_amount.',
      'refund_amount',
    );
  return { cn, inv, refund, credit };
}

function create(ctx: Ctx): CreditNote {
  const p = validate(shape, ctx.params, ['invoice']);
  const { cn, inv, refund: refundAmount, credit } = draft(ctx, p);
  const total = cn.total;
  const post = cn.type === 'post_payment';
  const before = snapshot(inv);
  if (post) {
    const pi = paymentIntentOf(ctx, inv);
    if (refundAmount > 0 && pi) {
      const refund = createRefund(ctx, { payment_intent: pi.id, amount: refundAmount, metadata: {} });
      cn.refunds.push({
        amount_refunded: refundAmount,
        payment_record_refund: null,
        refund: refund.id,
        type: 'refund',
      });
    }
    if (credit > 0) {
      const cus = ctx.app.store.get(ctx.account, inv.customer, 'customer');
      if (cus) {
        const txn = recordBalance(ctx, cus, {
          amount: -credit,
          currency: inv.currency,
          type: 'credit_note',
          invoice: inv.id,
          creditNote: cn.id,
        });
        cn.customer_balance_transaction = txn.id;
      }
    }
    inv.post_payment_credit_notes_amount = inv.post_payment_credit_notes_amount + total;
  } else {
    inv.pre_payment_credit_notes_amount = inv.pre_payment_credit_notes_amount + total;
    inv.amount_due = inv.amount_due - total;
    inv.amount_remaining = inv.amount_remaining - total;
    const pi = paymentIntentOf(ctx, inv);
    if (pi && inv.amount_remaining > 0) pi.amount = inv.amount_remaining;
  }
  ctx.app.store.insert(ctx.account, cn);
  emit(ctx, 'credit_note.created', cn);
  ctx.app.store.changed();
  emit(ctx, 'invoice.updated', inv, { previous: changes(before, inv) });
  if (!post && inv.amount_remaining === 0) markPaid(ctx, inv, null);
  return cn;
}

/** A voided credit note's credit to the customer's balance is taken back (a reversing ledger entry). */
function takeBackCredit(ctx: Ctx, cn: CreditNote): void {
  const id = cn.customer_balance_transaction;
  const txn = id ? ctx.app.store.get(ctx.account, id, 'customer_balance_transaction') : undefined;
  const cus = ctx.app.store.get(ctx.account, cn.customer, 'customer');
  if (!txn || !cus) return;
  recordBalance(ctx, cus, {
    amount: -txn.amount,
    currency: txn.currency,
    type: 'credit_note',
    invoice: cn.invoice,
    creditNote: cn.id,
  });
}

export function registerCreditNotes(r: Router): void {
  r.post('/v1/credit_notes', create);
  // A preview: the credit note `create` would issue with these parameters, nothing stored.
  r.get('/v1/credit_notes/preview', (ctx) => draft(ctx, validate(shape, ctx.params, ['invoice'])).cn);
  r.get('/v1/credit_notes/preview/lines', (ctx) => {
    const paging = ['limit', 'starting_after', 'ending_before'];
    const pick = (page: boolean) =>
      Object.fromEntries(Object.entries(ctx.params).filter(([k]) => paging.includes(k) === page));
    const p = validate(listParams, pick(true));
    const cn = draft(ctx, validate(shape, pick(false), ['invoice'])).cn;
    return paginate(cn.lines.data, p, '/v1/credit_notes/preview/lines');
  });
  r.get('/v1/credit_notes/:id', (ctx) => {
    validate({}, ctx.params);
    return requireCreditNote(ctx, ctx.path[0]!);
  });
  r.get('/v1/credit_notes/:id/lines', (ctx) => {
    const p = validate(listParams, ctx.params);
    const cn = requireCreditNote(ctx, ctx.path[0]!);
    return paginate(cn.lines.data, p, `/v1/credit_notes/${cn.id}/lines`);
  });
  r.post('/v1/credit_notes/:id', (ctx) => {
    const p = validate({ memo: str, metadata }, ctx.params);
    const cn = requireCreditNote(ctx, ctx.path[0]!);
    const before = snapshot(cn);
    if (p.memo !== undefined) cn.memo = p.memo;
    if (p.metadata !== undefined) cn.metadata = mergeMetadata(cn.metadata, p.metadata);
    ctx.app.store.changed();
    emit(ctx, 'credit_note.updated', cn, { previous: changes(before, cn) });
    return cn;
  });
  r.post('/v1/credit_notes/:id/void', (ctx) => {
    validate({}, ctx.params);
    const cn = requireCreditNote(ctx, ctx.path[0]!);
    if (cn.status === 'void')
      throw invalidRequest('This credit note is already void.', undefined, 'credit_note_already_voided');
    if (cn.type === 'post_payment' && cn.refunds.length) {
      throw invalidRequest('A credit note that refunded a payment cannot be voided.');
    }
    const inv = requireInvoice(ctx, cn.invoice);
    const before = snapshot(cn);
    cn.status = 'void';
    cn.voided_at = nowSeconds();
    if (cn.type === 'pre_payment' && inv.status === 'open') {
      inv.pre_payment_credit_notes_amount = inv.pre_payment_credit_notes_amount - cn.total;
      inv.amount_due = inv.amount_due + cn.total;
      inv.amount_remaining = inv.amount_remaining + cn.total;
      const pi = paymentIntentOf(ctx, inv);
      if (pi) pi.amount = inv.amount_remaining;
    }
    if (cn.type === 'post_payment') {
      inv.post_payment_credit_notes_amount = inv.post_payment_credit_notes_amount - cn.total;
      takeBackCredit(ctx, cn);
    }
    ctx.app.store.changed();
    emit(ctx, 'credit_note.voided', cn, { previous: changes(before, cn) });
    return cn;
  });
  r.get('/v1/credit_notes', (ctx) => {
    const p = validate({ ...listParams, customer: str, invoice: str, customer_account: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'credit_note'), p, '/v1/credit_notes', (o) =>
      matchesSent(o, p, ['customer', 'invoice']),
    );
  });
}
