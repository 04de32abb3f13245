// /v1/invoiceitems: create (pending, or on a draft invoice), retrieve, update, delete, list.
import { atCustomerTime } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import type { Price } from '../../objects/products.ts';
import type { Router } from '../../router.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { matchesSent, paginate } from '../../wire/list.ts';
import {
  arr,
  bool,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  str,
  validate,
} from '../../wire/schema.ts';
import { discountsFor, discountsParam } from '../coupons.ts';
import { requireCustomer } from '../customers/model.ts';
import { createPrice, requirePrice } from '../products/prices.ts';
import { newInvoiceItem } from './items.ts';
import { recompute } from './lines.ts';
import { requireInvoice } from './model.ts';

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

export function registerInvoiceItems(r: Router): void {
  r.post('/v1/invoiceitems', (ctx) => {
    const p = validate(itemShape, ctx.params, ['customer']);
    requireCustomer(ctx, p.customer, 'customer');
    return atCustomerTime(ctx.app, ctx.account, p.customer, () => {
      let price: Price | null = null;
      const priceId = p.pricing?.price ?? p.price;
      if (priceId) price = requirePrice(ctx, priceId, p.pricing ? 'pricing[price]' : 'price');
      else if (p.price_data) price = createPrice(ctx, { ...p.price_data, active: false }, false);
      let amount = p.amount ?? null;
      if (amount == null && !price) {
        const unit = p.unit_amount_decimal != null ? Number(p.unit_amount_decimal) : null;
        if (unit === null)
          throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
        amount = Math.round(unit * (p.quantity ?? 1));
      }
      if (amount != null && !price && !p.currency)
        throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
      if (p.invoice) {
        const inv = requireInvoice(ctx, p.invoice);
        if (inv.status !== 'draft')
          throw invalidRequest(
            'You can only add invoice items to draft invoices.',
            'invoice',
            'invoice_not_editable',
          );
      }
      const ii = newInvoiceItem(ctx, {
        customer: p.customer,
        amount,
        currency: p.currency ?? null,
        price,
        quantity: p.quantity ?? 1,
        description: p.description ?? null,
        period: p.period,
        subscription: p.subscription ?? null,
        metadata: mergeMetadata({}, p.metadata),
        discountable: p.discountable ?? true,
        invoice: p.invoice ?? null,
      });
      if (p.discounts) ii.discounts = discountsFor(ctx, p.discounts, { customer: p.customer });
      return ii;
    });
  });
  r.get('/v1/invoiceitems/:id', (ctx) => {
    validate({}, ctx.params);
    const ii = requireOwn(ctx, 'invoiceitem', ctx.path[0]!, 'id');
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
    const ii = requireOwn(ctx, 'invoiceitem', ctx.path[0]!, 'id');
    const before = snapshot(ii);
    if (p.description !== undefined) ii.description = p.description;
    if (p.amount != null) ii.amount = ii.net_amount = p.amount;
    if (p.quantity != null) ii.quantity = p.quantity;
    if (p.discountable != null) ii.discountable = p.discountable;
    if (p.metadata !== undefined) ii.metadata = mergeMetadata(ii.metadata, p.metadata);
    ctx.app.store.changed();
    emit(ctx, 'invoiceitem.updated', ii, { previous: changes(before, ii) });
    return ii;
  });
  r.delete('/v1/invoiceitems/:id', (ctx) => {
    validate({}, ctx.params);
    const ii = requireOwn(ctx, 'invoiceitem', ctx.path[0]!, 'id');
    if (ii.invoice) {
      const inv = requireInvoice(ctx, ii.invoice);
      if (inv.status !== 'draft')
        throw invalidRequest(
          'This invoice item is on a finalized invoice and cannot be deleted.',
          undefined,
          'invoice_not_editable',
        );
      const lines = inv.lines;
      lines.data = lines.data.filter((l) => l.parent.invoice_item_details?.invoice_item !== ii.id);
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
        matchesSent(o, p, ['customer', 'invoice']) &&
        (p.pending == null || (o.invoice === null) === p.pending),
    );
  });
}
