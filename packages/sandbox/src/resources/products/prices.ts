// Prices: one-time and recurring (interval, interval_count), per-unit or tiered (graduated / volume),
// transform_quantity, metered prices tied to a billing meter, lookup keys; the amount for a quantity.

import type { Ctx } from '../../app.ts';
import { changes, emit, snapshot } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import { requireCurrency } from '../../money/currencies.ts';
import type { Price, Tier } from '../../objects/products.ts';
import { invalidRequest, notFound } from '../../wire/errors.ts';
import { registerExpandOnly } from '../../wire/expand.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import {
  arr,
  bool,
  enm,
  hash,
  int,
  mergeMetadata,
  metadata,
  type Out,
  obj,
  oneOf,
  str,
  type Valid,
} from '../../wire/schema.ts';
import { createProduct, requireProduct } from './products.ts';

export type { Tier };

export const decimal = oneOf(int, str);

export const recurringShape = obj(
  {
    interval: enm('day', 'week', 'month', 'year'),
    interval_count: int,
    meter: str,
    usage_type: enm('licensed', 'metered'),
    trial_period_days: int,
  },
  ['interval'],
);

/** Stripe bills at most every three years: 3 years, 36 months, 156 weeks or 1095 days. */
const MAX_INTERVAL_COUNT: Record<string, number> = { year: 3, month: 36, week: 156, day: 1095 };

function checkIntervalCount(interval: string, count: number): void {
  if (count < 1 || count > (MAX_INTERVAL_COUNT[interval] ?? 1)) {
    throw invalidRequest(
      `Invalid recurring[interval_count]: the interval must be between one ${interval} and three years.`,
      'recurring[interval_count]',
    );
  }
}

const tierShape = obj({
  flat_amount: int,
  flat_amount_decimal: decimal,
  unit_amount: int,
  unit_amount_decimal: decimal,
  up_to: oneOf(enm('inf'), int),
});

export const priceDataShape = {
  currency: str,
  product: str,
  product_data: obj({
    name: str,
    active: bool,
    metadata,
    statement_descriptor: str,
    tax_code: str,
    unit_label: str,
    id: str,
  }),
  recurring: recurringShape,
  tax_behavior: enm('exclusive', 'inclusive', 'unspecified'),
  unit_amount: int,
  unit_amount_decimal: decimal,
};

export const priceShape = {
  ...priceDataShape,
  active: bool,
  billing_scheme: enm('per_unit', 'tiered'),
  currency_options: hash,
  custom_unit_amount: hash,
  lookup_key: str,
  metadata,
  nickname: str,
  tiers: arr(tierShape),
  tiers_mode: enm('graduated', 'volume'),
  transfer_lookup_key: bool,
  transform_quantity: obj({ divide_by: int, round: enm('up', 'down') }, ['divide_by', 'round']),
};

/** Price params (`POST /v1/prices`, `default_price_data`, and the `price_data` of items, which may carry
 * any `tax_behavior` string). */
export type PriceParams = Omit<Valid<typeof priceShape>, 'tax_behavior'> & { tax_behavior?: string | null };

export function tiersOf(ctx: { app: Ctx['app'] }, priceId: string): Tier[] | null {
  return ctx.app.store.table<Tier[]>('price_tiers').get(priceId) ?? null;
}

registerExpandOnly(
  'price',
  'tiers',
  (o, store) => store.table<Tier[]>('price_tiers').get(String(o.id)) ?? [],
);

export function requirePrice(ctx: Ctx, id: string, param = 'price'): Price {
  return requireOwn(ctx, 'price', id, param);
}

function tierList(raw: Out<typeof priceShape.tiers> | undefined): Tier[] | null {
  if (!raw) return null;
  return raw.map((tier, i) => {
    const t = tier ?? {};
    const upTo = t.up_to === 'inf' ? null : (t.up_to ?? null);
    if (upTo === null && i !== raw.length - 1) {
      throw invalidRequest('Only the last tier can have `up_to` set to `inf`.', `tiers[${i}][up_to]`);
    }
    if (upTo === null && t.up_to !== 'inf')
      throw invalidRequest(
        'Missing required param: tiers[][up_to].',
        `tiers[${i}][up_to]`,
        'parameter_missing',
      );
    const ua =
      t.unit_amount != null
        ? Number(t.unit_amount)
        : t.unit_amount_decimal != null
          ? Number(t.unit_amount_decimal)
          : null;
    const fa =
      t.flat_amount != null
        ? Number(t.flat_amount)
        : t.flat_amount_decimal != null
          ? Number(t.flat_amount_decimal)
          : null;
    return {
      flat_amount: fa,
      flat_amount_decimal: fa === null ? null : String(fa),
      unit_amount: ua,
      unit_amount_decimal: ua === null ? null : String(ua),
      up_to: upTo,
    };
  });
}

/** Build and store a price from validated params (also used for `price_data` on items and links). */
export function createPrice(ctx: Ctx, p: PriceParams, emitEvents = true): Price {
  if (!p.currency) throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
  const currency = requireCurrency(p.currency);
  let productId = p.product ?? null;
  if (p.product_data) {
    productId = createProduct(ctx, p.product_data).id;
  } else if (productId) requireProduct(ctx, productId, 'product');
  else throw invalidRequest('Missing required param: product.', 'product', 'parameter_missing');
  const scheme = p.billing_scheme ?? 'per_unit';
  const tiers = tierList(p.tiers);
  if (scheme === 'tiered' && (!tiers || !p.tiers_mode)) {
    throw invalidRequest(
      'Tiered prices need `tiers` and `tiers_mode`.',
      tiers ? 'tiers_mode' : 'tiers',
      'parameter_missing',
    );
  }
  const unit =
    p.unit_amount != null
      ? Number(p.unit_amount)
      : p.unit_amount_decimal != null
        ? Number(p.unit_amount_decimal)
        : null;
  if (scheme === 'per_unit' && unit === null && !p.custom_unit_amount) {
    throw invalidRequest('Missing required param: unit_amount.', 'unit_amount', 'parameter_missing');
  }
  const rec = p.recurring;
  if (rec) checkIntervalCount(rec.interval, rec.interval_count ?? 1);
  if (rec?.usage_type === 'metered' && !rec.meter) {
    throw invalidRequest(
      'Metered prices must be backed by a billing meter: set recurring[meter].',
      'recurring[meter]',
      'parameter_missing',
    );
  }
  if (rec?.meter && !ctx.app.store.get(ctx.account, rec.meter, 'billing.meter')) {
    throw notFound('billing.meter', rec.meter, 'recurring[meter]');
  }
  const lookup = p.lookup_key ?? null;
  if (lookup) {
    const holder = ctx.app.store.list(ctx.account, 'price').find((x) => x.lookup_key === lookup);
    if (holder) {
      if (!p.transfer_lookup_key) {
        throw invalidRequest(
          `A price (\`${holder.id}\`) already uses that lookup key.`,
          'lookup_key',
          'lookup_key_already_exists',
        );
      }
      const before = snapshot(holder);
      holder.lookup_key = null;
      emit(ctx, 'price.updated', holder, { previous: changes(before, holder) });
    }
  }
  const tq = p.transform_quantity;
  const price: Price = {
    id: newId('price'),
    object: 'price',
    active: p.active ?? true,
    billing_scheme: scheme,
    created: nowSeconds(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookup,
    metadata: mergeMetadata({}, p.metadata),
    nickname: p.nickname ?? null,
    product: productId,
    recurring: rec
      ? {
          interval: rec.interval,
          interval_count: rec.interval_count ?? 1,
          meter: rec.meter ?? null,
          trial_period_days: rec.trial_period_days ?? null,
          usage_type: rec.usage_type ?? 'licensed',
        }
      : null,
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tiers_mode: p.tiers_mode ?? null,
    transform_quantity: tq ? { divide_by: tq.divide_by, round: tq.round } : null,
    type: rec ? 'recurring' : 'one_time',
    unit_amount: scheme === 'tiered' ? null : unit,
    unit_amount_decimal: scheme === 'tiered' || unit === null ? null : String(unit),
  };
  if (tiers) ctx.app.store.table<Tier[]>('price_tiers').set(price.id, tiers);
  ctx.app.store.insert(ctx.account, price);
  if (emitEvents) emit(ctx, 'price.created', price);
  return price;
}

/** The amount for `quantity` units of a price: per unit (after transform_quantity) or by its tiers. */
export function priceAmount(ctx: { app: Ctx['app'] }, price: Price, quantity: number): number {
  if (price.billing_scheme === 'tiered') {
    const tiers = tiersOf(ctx, price.id) ?? [];
    if (price.tiers_mode === 'volume') {
      const t = tiers.find((x) => x.up_to === null || quantity <= x.up_to) ?? tiers.at(-1);
      if (!t || quantity === 0) return 0;
      return Math.round((t.unit_amount ?? 0) * quantity + (t.flat_amount ?? 0));
    }
    let total = 0;
    let prev = 0;
    for (const t of tiers) {
      if (quantity <= prev) break;
      const top = t.up_to === null ? quantity : Math.min(quantity, t.up_to);
      total += (t.unit_amount ?? 0) * (top - prev) + (t.flat_amount ?? 0);
      prev = top;
    }
    return Math.round(total);
  }
  const tq = price.transform_quantity;
  const q = tq
    ? tq.round === 'up'
      ? Math.ceil(quantity / tq.divide_by)
      : Math.floor(quantity / tq.divide_by)
    : quantity;
  return Math.round(Number(price.unit_amount_decimal ?? price.unit_amount ?? 0) * q);
}
