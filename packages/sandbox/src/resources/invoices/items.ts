// Invoice items (`ii_`): pending until an invoice pulls them in, or added to a draft invoice at once.
import type { Ctx } from '../../app.ts';
import { clockOfCustomer } from '../../billing/scheduler.ts';
import { emit } from '../../events.ts';
import type { Period } from '../../objects/common.ts';
import type { InvoiceItem } from '../../objects/invoices.ts';
import type { Price } from '../../objects/products.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { priceAmount } from '../products/prices.ts';
import { productName } from '../products/products.ts';
import { addLine, lineFromItem, recompute } from './lines.ts';
import { requireInvoice } from './model.ts';

export interface ItemInput {
  customer: string;
  amount?: number | null;
  currency?: string | null;
  price?: Price | null;
  quantity?: number;
  description?: string | null;
  period?: Period | null;
  proration?: boolean;
  subscription?: string | null;
  metadata?: Record<string, string>;
  discountable?: boolean;
  invoice?: string | null;
}

export function newInvoiceItem(ctx: Ctx, i: ItemInput): InvoiceItem {
  const now = nowSeconds();
  const quantity = i.quantity ?? 1;
  const amount = i.amount ?? (i.price ? priceAmount(ctx, i.price, quantity) : 0);
  const currency = String(i.currency ?? i.price?.currency ?? 'usd').toLowerCase();
  const ii: InvoiceItem = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency,
    customer: i.customer,
    customer_account: null,
    date: now,
    description: i.description ?? (i.price ? (productName(ctx, i.price) ?? '') : null),
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
    const inv = requireInvoice(ctx, ii.invoice);
    addLine(ctx, inv, lineFromItem(ctx, inv, ii));
    recompute(ctx, inv);
  }
  return ii;
}
