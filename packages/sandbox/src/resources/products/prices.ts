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

/** A decimal amount as Stripe echoes it (`"0.005"`, `"5"`): the string sent, or the integer's digits. */
function decimalText(v: number | string): string {
  return typeof v === 'number' ? String(v) : String(Number(v));
}

/** Stripe fills the integer field only when the decimal amount is a whole number (decimal-amounts guide). */
function wholeOrNull(decimal: string | null): number | null {
  if (decimal === null) return null;
  const n = Number(decimal);
  return Number.isInteger(n) ? n : null;
}

/** `<field>` or `<field>_decimal` (at most one), as the decimal text; `at` prefixes the params (`tiers[1]`). */
function oneOfAmount(
  int: number | null | undefined,
  dec: number | string | null | undefined,
  field: string,
  at = '',
): string | null {
  const [intParam, decParam] = at
    ? [`${at}[${field}]`, `${at}[${field}_decimal]`]
    : [field, `${field}_decimal`];
  if (int != null && dec != null) {
    throw invalidRequest(`You may only specify one of these parameters: ${intParam}, ${decParam}.`, decParam);
  }
  if (dec != null) {
    if (!Number.isFinite(Number(dec)) || Number(dec) < 0)
      throw invalidRequest(`Invalid decimal: ${dec}.`, decParam);
    return decimalText(dec);
  }
  return int != null ? String(int) : null;
}

function tierList(raw: Out<typeof priceShape.tiers> | undefined): Tier[] | null {
  if (!raw) return null;
  const tiers = raw.map((tier, i) => {
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
    const ua = oneOfAmount(t.unit_amount, t.unit_amount_decimal, 'unit_amount', `tiers[${i}]`);
    const fa = oneOfAmount(t.flat_amount, t.flat_amount_decimal, 'flat_amount', `tiers[${i}]`);
    return {
      flat_amount: wholeOrNull(fa),
      flat_amount_decimal: fa,
      unit_amount: wholeOrNull(ua),
      unit_amount_decimal: ua,
      up_to: upTo,
    };
  });
  const last = tiers.at(-1);
  if (last && last.up_to !== null) {
    throw invalidRequest(
      'The last tier must have `up_to` set to `inf`.',
      `tiers[${tiers.length - 1}][up_to]`,
    );
  }
  for (let i = 1; i < tiers.length - 1; i++) {
    if (Number(tiers[i]!.up_to) <= Number(tiers[i - 1]!.up_to))
      throw invalidRequest(
        "Each tier's `up_to` must be greater than the previous tier's.",
        `tiers[${i}][up_to]`,
      );
  }
  return tiers;
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
  const unitDecimal = oneOfAmount(p.unit_amount, p.unit_amount_decimal, 'unit_amount');
  const unit = unitDecimal === null ? null : Number(unitDecimal);
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
    unit_amount: scheme === 'tiered' ? null : wholeOrNull(unitDecimal),
    unit_amount_decimal: scheme === 'tiered' ? null : unitDecimal,
  };
  if (tiers) ctx.app.store.table<Tier[]>('price_tiers').set(price.id, tiers);
  ctx.app.store.insert(ctx.account, price);
  if (emitEvents) emit(ctx, 'price.created', price);
  return price;
}

/** A tier's per-unit and flat amounts in minor units, fractions kept (`unit_amount_decimal`). */
function tierAmounts(t: Tier): { unit: number; flat: number } {
  return {
    unit: Number(t.unit_amount_decimal ?? t.unit_amount ?? 0),
    flat: Number(t.flat_amount_decimal ?? t.flat_amount ?? 0),
  };
}

/** Round a line's exact amount to whole minor units, half away from zero: Stripe rounds each invoice
 * line once, after multiplying ("0.05 * 30 = 1.5, which is then rounded up to 2 cents",
 * docs.stripe.com/billing/subscriptions/decimal-amounts). `toPrecision` drops binary noise first
 * (0.145 * 100 is 14.499999999999998 in floating point, 14.5 exactly, billed 15). */
export function roundLine(exact: number): number {
  const clean = Number(exact.toPrecision(15));
  return Math.sign(clean) * Math.round(Math.abs(clean));
}

/** The amount for `quantity` units of a price: per unit (after transform_quantity) or by its tiers. A
 * negative quantity (usage corrected below zero) bills nothing. */
export function priceAmount(ctx: { app: Ctx['app'] }, price: Price, quantity: number): number {
  if (price.billing_scheme === 'tiered') {
    const tiers = tiersOf(ctx, price.id) ?? [];
    if (quantity <= 0) return 0;
    if (price.tiers_mode === 'volume') {
      const t = tiers.find((x) => x.up_to === null || quantity <= x.up_to) ?? tiers.at(-1);
      if (!t) return 0;
      const a = tierAmounts(t);
      return roundLine(a.unit * quantity + a.flat);
    }
    let total = 0;
    let prev = 0;
    for (const t of tiers) {
      if (quantity <= prev) break;
      const top = t.up_to === null ? quantity : Math.min(quantity, t.up_to);
      const a = tierAmounts(t);
      total += a.unit * (top - prev) + a.flat;
      prev = top;
    }
    return roundLine(total);
  }
  const tq = price.transform_quantity;
  const q = tq
    ? tq.round === 'up'
      ? Math.ceil(quantity / tq.divide_by)
      : Math.floor(quantity / tq.divide_by)
    : quantity;
  return roundLine(Number(price.unit_amount_decimal ?? price.unit_amount ?? 0) * q);
}
