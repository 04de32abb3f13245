// Products and prices: one-time and recurring prices (interval, interval_count), per-unit or tiered
// (graduated / volume), transform_quantity, metered prices tied to a billing meter, lookup keys, archiving.
import type { Ctx } from '../app.ts';
import { changes, emit, snapshot } from '../events.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { registerExpandOnly } from '../wire/expand.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate, search } from '../wire/list.ts';
import {
  any,
  arr,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  type Params,
  str,
  validate,
} from '../wire/schema.ts';

export interface Tier {
  flat_amount: number | null;
  flat_amount_decimal: string | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  up_to: number | null;
}

const decimal = oneOf(int, str);

const productShape = {
  active: bool,
  description: str,
  id: str,
  images: arr(str),
  marketing_features: any,
  metadata,
  name: str,
  package_dimensions: hash,
  shippable: bool,
  statement_descriptor: str,
  tax_code: str,
  unit_label: str,
  url: str,
  type: enm('good', 'service'),
  tax_details: hash,
};

const recurringShape = obj(
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

const priceShape = {
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

export function tiersOf(ctx: { app: Ctx['app'] }, priceId: string): Tier[] | null {
  return ctx.app.store.table<Tier[]>('price_tiers').get(priceId) ?? null;
}

registerExpandOnly(
  'price',
  'tiers',
  (o, store) => store.table<Tier[]>('price_tiers').get(String(o.id)) ?? [],
);

export function requireProduct(ctx: Ctx, id: string, param = 'id'): Obj {
  const p = ctx.app.store.get(ctx.account, id, 'product');
  if (!p) throw notFound('product', id, param);
  return p;
}

export function requirePrice(ctx: Ctx, id: string, param = 'price'): Obj {
  const p = ctx.app.store.get(ctx.account, id, 'price');
  if (!p) throw notFound('price', id, param);
  return p;
}

function applyProduct(prod: Obj, p: Params): void {
  for (const k of ['description', 'statement_descriptor', 'tax_code', 'unit_label', 'url', 'shippable']) {
    if (p[k] !== undefined) prod[k] = p[k];
  }
  if (p.name != null) prod.name = p.name;
  if (p.active != null) prod.active = p.active;
  if (p.images !== undefined) prod.images = p.images ?? [];
  if (p.package_dimensions !== undefined) prod.package_dimensions = p.package_dimensions;
  if (p.metadata !== undefined)
    prod.metadata = mergeMetadata(prod.metadata as Record<string, string>, p.metadata);
}

export function createProduct(ctx: Ctx, p: Params): Obj {
  if (!p.name) throw invalidRequest('Missing required param: name.', 'name', 'parameter_missing');
  const now = nowSeconds();
  const prod: Obj = {
    id: (p.id as string | null) ?? newId('prod'),
    object: 'product',
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: '',
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: (p.type as string | null) ?? 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  if (ctx.app.store.find(prod.id)) {
    throw invalidRequest(`Product already exists.`, 'id', 'resource_already_exists');
  }
  applyProduct(prod, p);
  ctx.app.store.insert(ctx.account, prod);
  emit(ctx, 'product.created', prod);
  return prod;
}

function tierList(raw: Params[] | null): Tier[] | null {
  if (!raw) return null;
  return raw.map((t, i) => {
    const upTo = t.up_to === 'inf' ? null : ((t.up_to as number | null) ?? null);
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
export function createPrice(ctx: Ctx, p: Params, emitEvents = true): Obj {
  const currency = String(p.currency ?? '').toLowerCase();
  if (!currency) throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
  let productId = p.product as string | null;
  if (p.product_data) {
    productId = createProduct(ctx, p.product_data as Params).id;
  } else if (productId) requireProduct(ctx, productId, 'product');
  else throw invalidRequest('Missing required param: product.', 'product', 'parameter_missing');
  const scheme = (p.billing_scheme as string | null) ?? 'per_unit';
  const tiers = tierList((p.tiers as Params[] | null) ?? null);
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
  const rec = p.recurring as Params | null;
  if (rec) checkIntervalCount(String(rec.interval), (rec.interval_count as number | null) ?? 1);
  if (rec?.usage_type === 'metered' && !rec.meter) {
    throw invalidRequest(
      'Metered prices must be backed by a billing meter: set recurring[meter].',
      'recurring[meter]',
      'parameter_missing',
    );
  }
  if (rec?.meter && !ctx.app.store.get(ctx.account, String(rec.meter), 'billing.meter')) {
    throw notFound('billing.meter', String(rec.meter), 'recurring[meter]');
  }
  const lookup = (p.lookup_key as string | null) ?? null;
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
  const tq = p.transform_quantity as Params | null;
  const price: Obj = {
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
    nickname: (p.nickname as string | null) ?? null,
    product: productId,
    recurring: rec
      ? {
          interval: rec.interval,
          interval_count: (rec.interval_count as number | null) ?? 1,
          meter: (rec.meter as string | null) ?? null,
          trial_period_days: (rec.trial_period_days as number | null) ?? null,
          usage_type: (rec.usage_type as string | null) ?? 'licensed',
        }
      : null,
    tax_behavior: (p.tax_behavior as string | null) ?? 'unspecified',
    tiers_mode: (p.tiers_mode as string | null) ?? null,
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
export function priceAmount(ctx: { app: Ctx['app'] }, price: Obj, quantity: number): number {
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
  const tq = price.transform_quantity as { divide_by: number; round: string } | null;
  const q = tq
    ? tq.round === 'up'
      ? Math.ceil(quantity / tq.divide_by)
      : Math.floor(quantity / tq.divide_by)
    : quantity;
  return Math.round(Number(price.unit_amount_decimal ?? price.unit_amount ?? 0) * q);
}

export function registerProducts(r: Router): void {
  r.post('/v1/products', (ctx) => {
    const p = validate(
      {
        ...productShape,
        default_price_data: obj({
          currency: str,
          recurring: recurringShape,
          unit_amount: int,
          unit_amount_decimal: decimal,
          tax_behavior: enm('exclusive', 'inclusive', 'unspecified'),
          currency_options: hash,
          metadata,
        }),
      },
      ctx.params,
      ['name'],
    );
    const prod = createProduct(ctx, p);
    const dp = p.default_price_data as Params | null;
    if (dp) {
      const price = createPrice(ctx, { ...dp, product: prod.id });
      const before = snapshot(prod);
      prod.default_price = price.id;
      emit(ctx, 'product.updated', prod, { previous: changes(before, prod) });
    }
    return prod;
  });
  r.get('/v1/products/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'product'), p, '/v1/products/search');
  });
  r.get('/v1/products/:id', (ctx) => {
    validate({}, ctx.params);
    return requireProduct(ctx, ctx.path[0]!);
  });
  r.post('/v1/products/:id', (ctx) => {
    const p = validate({ ...productShape, default_price: str }, ctx.params);
    const prod = requireProduct(ctx, ctx.path[0]!);
    const before = snapshot(prod);
    if (p.default_price !== undefined) {
      if (p.default_price) {
        const price = requirePrice(ctx, String(p.default_price), 'default_price');
        if (price.product !== prod.id)
          throw invalidRequest('The default price must belong to this product.', 'default_price');
      }
      prod.default_price = p.default_price;
    }
    applyProduct(prod, p);
    prod.updated = nowSeconds();
    ctx.app.store.changed();
    emit(ctx, 'product.updated', prod, { previous: changes(before, prod) });
    return prod;
  });
  r.delete('/v1/products/:id', (ctx) => {
    validate({}, ctx.params);
    const prod = requireProduct(ctx, ctx.path[0]!);
    if (ctx.app.store.list(ctx.account, 'price').some((x) => x.product === prod.id)) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
    }
    ctx.app.store.remove(prod.id);
    emit(ctx, 'product.deleted', prod);
    return { id: prod.id, object: 'product', deleted: true };
  });
  r.get('/v1/products', (ctx) => {
    const p = validate({ ...listParams, active: bool, ids: arr(str), shippable: bool, url: str }, ctx.params);
    const ids = p.ids as string[] | null;
    return paginate(
      ctx.app.store.list(ctx.account, 'product'),
      p,
      '/v1/products',
      (o) => (p.active == null || o.active === p.active) && (!ids || ids.includes(o.id)),
    );
  });

  r.post('/v1/prices', (ctx) => createPrice(ctx, validate(priceShape, ctx.params, ['currency'])));
  r.get('/v1/prices/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'price'), p, '/v1/prices/search');
  });
  r.get('/v1/prices/:id', (ctx) => {
    validate({}, ctx.params);
    return requirePrice(ctx, ctx.path[0]!, 'id');
  });
  r.post('/v1/prices/:id', (ctx) => {
    const p = validate(
      {
        active: bool,
        lookup_key: str,
        metadata,
        nickname: str,
        tax_behavior: enm('exclusive', 'inclusive', 'unspecified'),
        transfer_lookup_key: bool,
        currency_options: hash,
      },
      ctx.params,
    );
    const price = requirePrice(ctx, ctx.path[0]!, 'id');
    const before = snapshot(price);
    if (p.lookup_key !== undefined) {
      const holder = p.lookup_key
        ? ctx.app.store
            .list(ctx.account, 'price')
            .find((x) => x.lookup_key === p.lookup_key && x.id !== price.id)
        : undefined;
      if (holder && !p.transfer_lookup_key) {
        throw invalidRequest(
          `A price (\`${holder.id}\`) already uses that lookup key.`,
          'lookup_key',
          'lookup_key_already_exists',
        );
      }
      if (holder) {
        const hb = snapshot(holder);
        holder.lookup_key = null;
        emit(ctx, 'price.updated', holder, { previous: changes(hb, holder) });
      }
      price.lookup_key = p.lookup_key;
    }
    for (const k of ['active', 'nickname', 'tax_behavior']) if (p[k] != null) price[k] = p[k];
    if (p.metadata !== undefined)
      price.metadata = mergeMetadata(price.metadata as Record<string, string>, p.metadata);
    ctx.app.store.changed();
    const prev = changes(before, price);
    if (Object.keys(prev).length) emit(ctx, 'price.updated', price, { previous: prev });
    return price;
  });
  r.get('/v1/prices', (ctx) => {
    const p = validate(
      {
        ...listParams,
        active: bool,
        currency: str,
        lookup_keys: arr(str),
        product: str,
        recurring: obj({ interval: str, meter: str, usage_type: str }),
        type: enm('one_time', 'recurring'),
      },
      ctx.params,
    );
    const keys = p.lookup_keys as string[] | null;
    const rec = p.recurring as Params | null;
    return paginate(
      ctx.app.store.list(ctx.account, 'price'),
      p,
      '/v1/prices',
      (o) =>
        (p.active == null || o.active === p.active) &&
        (!p.currency || o.currency === p.currency) &&
        (!keys || keys.includes(String(o.lookup_key))) &&
        (!p.product || o.product === p.product) &&
        (!p.type || o.type === p.type) &&
        (!rec?.interval || (o.recurring as Params | null)?.interval === rec.interval) &&
        (!rec?.usage_type || (o.recurring as Params | null)?.usage_type === rec.usage_type),
    );
  });
}
