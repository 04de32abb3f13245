// Invoice lines and totals: lines built from prices, subscription items and invoice items; subtotal,
// discounts (spread over discountable lines), total, amount due and remaining, the application fee.
import type { Ctx } from '../../app.ts';
import type { Period } from '../../objects/common.ts';
import type { Invoice, InvoiceItem, InvoiceLine } from '../../objects/invoices.ts';
import type { Price } from '../../objects/products.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId } from '../../wire/ids.ts';
import { discountAmount } from '../coupons.ts';
import { balanceFor } from '../customers/balance.ts';
import { feePct } from './model.ts';

export interface LineInput {
  amount: number;
  description: string | null;
  price: Price | null;
  quantity: number;
  period: Period;
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  invoiceItem: string | null;
  discountable: boolean;
  metadata: Record<string, string>;
}

/** The price of an invoice item (by the id in its `pricing`), if any. */
export function priceOfItem(ctx: Ctx, ii: InvoiceItem): Price | null {
  const pd = ii.pricing.price_details;
  return pd ? (ctx.app.store.get(ctx.account, pd.price, 'price') ?? null) : null;
}

export function lineFromItem(ctx: Ctx, inv: Invoice, ii: InvoiceItem): InvoiceLine {
  return buildLine(inv, {
    amount: ii.amount,
    description: ii.description,
    price: priceOfItem(ctx, ii),
    quantity: ii.quantity,
    period: ii.period,
    proration: ii.proration,
    subscription: ii.parent?.subscription_details.subscription ?? null,
    subscriptionItem: null,
    invoiceItem: ii.id,
    discountable: ii.discountable,
    metadata: ii.metadata,
  });
}

export function buildLine(inv: Pick<Invoice, 'id' | 'currency'>, l: LineInput): InvoiceLine {
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

/** A line for a subscription item's price (not a proration, not from an invoice item). */
export function itemLine(
  inv: Pick<Invoice, 'id' | 'currency'>,
  l: Pick<
    LineInput,
    'amount' | 'description' | 'price' | 'quantity' | 'period' | 'subscription' | 'subscriptionItem'
  >,
): InvoiceLine {
  return buildLine(inv, { ...l, proration: false, invoiceItem: null, discountable: true, metadata: {} });
}

export function addLine(ctx: Ctx, inv: Invoice, line: InvoiceLine): void {
  if (inv.status !== 'draft') {
    throw invalidRequest(
      'You can only add invoice items to draft invoices.',
      'invoice',
      'invoice_not_editable',
    );
  }
  inv.lines.data.push(line);
  ctx.app.store.changed();
}

/** Subtotal, discounts, total, amount due/remaining from the lines. */
export function recompute(ctx: Ctx, inv: Invoice): void {
  const lines = inv.lines.data;
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const discountable = lines.filter((l) => l.discountable).reduce((s, l) => s + l.amount, 0);
  const totals: { amount: number; discount: string }[] = [];
  let left = discountable;
  for (const id of inv.discounts) {
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
            amount: Math.round((t.amount * l.amount) / discountable),
            discount: t.discount,
          }))
        : [];
  }
  // Until finalized, an invoice shows the customer's current balance.
  if (inv.status === 'draft') inv.starting_balance = balanceFor(ctx, inv.customer, inv.currency);
  inv.subtotal = subtotal;
  inv.subtotal_excluding_tax = subtotal;
  inv.total_discount_amounts = totals;
  inv.total = subtotal - discount;
  inv.total_excluding_tax = inv.total;
  inv.amount_due = Math.max(0, inv.total + inv.starting_balance);
  inv.amount_remaining = Math.max(0, inv.amount_due - inv.amount_paid);
  const pct = feePct(ctx, inv);
  if (pct !== null) inv.application_fee_amount = Math.round((inv.amount_due * pct) / 100);
}

/** Move the customer's pending invoice items (optionally only a subscription's) onto a draft invoice. */
export function pullPendingItems(ctx: Ctx, inv: Invoice, subscription: string | null): void {
  for (const ii of ctx.app.store.list(ctx.account, 'invoiceitem')) {
    if (ii.invoice || ii.customer !== inv.customer) continue;
    const sub = ii.parent?.subscription_details.subscription ?? null;
    if (subscription !== null && sub !== subscription) continue;
    if (ii.currency !== inv.currency) continue;
    ii.invoice = inv.id;
    addLine(ctx, inv, lineFromItem(ctx, inv, ii));
  }
}
