// Products: the product object, its lookup and name, and creation (also from `product_data`).
import type { Ctx } from '../../app.ts';
import { emit } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import type { Price, Product } from '../../objects/products.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import {
  any,
  arr,
  assignSent,
  bool,
  enm,
  hash,
  mergeMetadata,
  metadata,
  str,
  type Valid,
} from '../../wire/schema.ts';

export const productShape = {
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

/** Product params (`POST /v1/products`, `product_data`). */
export type ProductParams = Valid<typeof productShape>;

export function requireProduct(ctx: Ctx, id: string, param = 'id'): Product {
  return requireOwn(ctx, 'product', id, param);
}

/** The name of a price's product (null when the product is gone). */
export function productName(ctx: Ctx, price: Price): string | null {
  return ctx.app.store.get(ctx.account, price.product, 'product')?.name ?? null;
}

export function applyProduct(prod: Product, p: ProductParams): void {
  assignSent(prod, p, ['description', 'statement_descriptor', 'tax_code', 'unit_label', 'url', 'shippable']);
  if (p.name != null) prod.name = p.name;
  if (p.active != null) prod.active = p.active;
  if (p.images !== undefined) prod.images = p.images ?? [];
  if (p.package_dimensions !== undefined) prod.package_dimensions = p.package_dimensions;
  if (p.metadata !== undefined) prod.metadata = mergeMetadata(prod.metadata, p.metadata);
}

export function createProduct(ctx: Ctx, p: ProductParams): Product {
  if (!p.name) throw invalidRequest('Missing required param: name.', 'name', 'parameter_missing');
  const now = nowSeconds();
  const prod: Product = {
    id: p.id ?? newId('prod'),
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
    type: p.type ?? 'service',
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
