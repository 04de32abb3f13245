import { changes, emit, snapshot } from '../../events.ts';
import type { Router } from '../../router.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { matchesSent, paginate, search } from '../../wire/list.ts';
import {
  arr,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  str,
  validate,
} from '../../wire/schema.ts';
import { createPrice, decimal, priceShape, recurringShape, requirePrice } from './prices.ts';
import { applyProduct, createProduct, productShape, requireProduct } from './products.ts';

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
    const dp = p.default_price_data;
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
    const ids = p.ids;
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
    if (p.active != null) price.active = p.active;
    if (p.nickname != null) price.nickname = p.nickname;
    if (p.tax_behavior != null) price.tax_behavior = p.tax_behavior;
    if (p.metadata !== undefined) price.metadata = mergeMetadata(price.metadata, p.metadata);
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
    const keys = p.lookup_keys;
    const rec = p.recurring;
    return paginate(
      ctx.app.store.list(ctx.account, 'price'),
      p,
      '/v1/prices',
      (o) =>
        (p.active == null || o.active === p.active) &&
        matchesSent(o, p, ['currency']) &&
        (!keys || keys.includes(String(o.lookup_key))) &&
        matchesSent(o, p, ['product', 'type']) &&
        (!rec?.interval || o.recurring?.interval === rec.interval) &&
        (!rec?.usage_type || o.recurring?.usage_type === rec.usage_type),
    );
  });
}
