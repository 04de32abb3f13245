// Invoice lines and totals: lines built from prices, subscription items and invoice items; subtotal,
// discounts (spread over discountable lines), total, amount due and remaining, the application fee.
import type { Ctx } from '../../app.ts';
import type { Obj } from '../../store.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId } from '../../wire/ids.ts';
import type { Params } from '../../wire/schema.ts';
import { discountAmount } from '../coupons.ts';
import { feePct } from './model.ts';

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

export function lineFromItem(ctx: Ctx, inv: Obj, ii: Obj): Params {
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
