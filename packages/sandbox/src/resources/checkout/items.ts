// The line items of a session or a payment link: prices (or `price_data`) and quantities, kept as `item`
// objects beside the session (expandable and listed as `line_items`).
import type { App, Ctx } from '../../app.ts';
import type { Obj } from '../../store.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { registerExpandOnly } from '../../wire/expand.ts';
import { newId } from '../../wire/ids.ts';
import type { Params } from '../../wire/schema.ts';
import { createPrice, priceAmount, requirePrice } from '../products.ts';

export interface Item {
  price: Obj;
  quantity: number;
}

export function buildItems(ctx: Ctx, raw: Params[] | null, param = 'line_items'): Item[] {
  return (raw ?? []).map((li, i) => {
    let price: Obj;
    if (li.price) price = requirePrice(ctx, String(li.price), `${param}[${i}][price]`);
    else if (li.price_data) price = createPrice(ctx, { ...(li.price_data as Params), active: false }, false);
    else
      throw invalidRequest(
        `Missing required param: ${param}[${i}][price].`,
        `${param}[${i}][price]`,
        'parameter_missing',
      );
    return { price, quantity: (li.quantity as number | null) ?? 1 };
  });
}

export function itemObject(ctx: Ctx, it: Item): Obj {
  const amount = priceAmount(ctx, it.price, it.quantity);
  const prod = ctx.app.store.get(ctx.account, String(it.price.product), 'product');
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: it.price.currency,
    description: (prod?.name as string | undefined) ?? null,
    metadata: {},
    price: it.price,
    quantity: it.quantity,
  };
}

export function itemsTable(app: App) {
  return app.store.table<Obj[]>('checkout_items');
}

registerExpandOnly('checkout.session', 'line_items', (o, store) => ({
  object: 'list',
  data: store.table<Obj[]>('checkout_items').get(String(o.id)) ?? [],
  has_more: false,
  url: `/v1/checkout/sessions/${o.id}/line_items`,
}));
registerExpandOnly('payment_link', 'line_items', (o, store) => ({
  object: 'list',
  data: store.table<Obj[]>('checkout_items').get(String(o.id)) ?? [],
  has_more: false,
  url: `/v1/payment_links/${o.id}/line_items`,
}));
