// The line items of a session or a payment link: prices (or `price_data`) and quantities, kept as `item`
// objects beside the session (expandable and listed as `line_items`).
import type { App, Ctx } from '../../app.ts';
import type { CheckoutItem } from '../../objects/checkout.ts';
import type { Price } from '../../objects/products.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { registerExpandOnly } from '../../wire/expand.ts';
import { newId } from '../../wire/ids.ts';
import { createPrice, priceAmount, requirePrice } from '../products/prices.ts';
import { productName } from '../products/products.ts';
import type { LineItemParams } from './params.ts';

export interface Item {
  price: Price;
  quantity: number;
}

export function buildItems(
  ctx: Ctx,
  raw: (LineItemParams | null)[] | null | undefined,
  param = 'line_items',
): Item[] {
  return (raw ?? []).map((item, i) => {
    const li = item ?? {};
    let price: Price;
    if (li.price) price = requirePrice(ctx, li.price, `${param}[${i}][price]`);
    else if (li.price_data) price = createPrice(ctx, { ...li.price_data, active: false }, false);
    else
      throw invalidRequest(
        `Missing required param: ${param}[${i}][price].`,
        `${param}[${i}][price]`,
        'parameter_missing',
      );
    return { price, quantity: li.quantity ?? 1 };
  });
}

export function itemObject(ctx: Ctx, it: Item): CheckoutItem {
  const amount = priceAmount(ctx, it.price, it.quantity);
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: it.price.currency,
    description: productName(ctx, it.price),
    metadata: {},
    price: it.price,
    quantity: it.quantity,
  };
}

export function itemsTable(app: App) {
  return app.store.table<CheckoutItem[]>('checkout_items');
}

for (const { type, path } of [
  { type: 'checkout.session', path: '/v1/checkout/sessions' },
  { type: 'payment_link', path: '/v1/payment_links' },
]) {
  registerExpandOnly(type, 'line_items', (o, store) => ({
    object: 'list',
    data: store.table<CheckoutItem[]>('checkout_items').get(String(o.id)) ?? [],
    has_more: false,
    url: `${path}/${o.id}/line_items`,
  }));
}
