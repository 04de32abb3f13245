import { requireChargesEnabled } from '../connect/service.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, toPublicId } from '../http/ids.ts';
import type { Page } from '../http/pagination.ts';
import { customerAccountFor } from '../payments/service.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import * as repo from './repo.ts';

// Products and prices, created on the account subscriptions are made on. A plan — a product with its first
// price — is made whole or not at all: the price is checked before any Stripe call, and a product whose
// price Stripe refused is archived there and forgotten here.

type Deps = { stripe: StripeRef };

export interface RecurringPrice {
  currency: string;
  unit_amount: number;
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count?: number;
}

// Stripe bills at most once a year: the interval times its count may not pass one year
const MAX_COUNT = { day: 365, week: 52, month: 12, year: 1 } as const;

/** Stripe's rule for a recurring price's period, checked before anything is made. */
function checkPeriod(p: RecurringPrice, param: string): void {
  const count = p.interval_count ?? 1;
  if (count > MAX_COUNT[p.interval]) {
    throw new ApiError(
      'parameter_invalid',
      `Invalid ${param}: a price recurs at most once a year (at most ${MAX_COUNT[p.interval]} ${p.interval}s).`,
      { param },
    );
  }
}

/** Creates the price on Stripe for its row (key `tributary:price:<row>:1`). */
function stripePrice(deps: Deps, account: string | null, stripeProductId: string, row: repo.PriceRow) {
  return deps.stripe.call(
    {
      action: 'create the price',
      account,
      movesMoney: false,
      input: {
        currency: 'currency',
        unit_amount: 'unit_amount',
        'recurring[interval]': 'interval',
        'recurring[interval_count]': 'interval_count',
      },
      purpose: 'price',
      record: row.id,
      attempt: 1,
    },
    (stripe, opts) =>
      stripe.prices.create(
        {
          product: stripeProductId,
          currency: row.currency,
          unit_amount: row.unitAmount,
          recurring: {
            interval: row.interval as RecurringPrice['interval'],
            interval_count: row.intervalCount,
          },
          metadata: { tributary_price: toPublicId('price', row.id) },
        },
        opts,
      ),
  );
}

export async function createProduct(
  scope: TenantScope,
  deps: Deps,
  input: {
    name: string;
    description?: string | null;
    metadata?: Record<string, string>;
    /** the plan's price, made with the product or neither is kept */
    price?: RecurringPrice;
  },
): Promise<{ product: repo.ProductRow; price: repo.PriceRow | null }> {
  const { tenantId } = scope;
  if (input.price) checkPeriod(input.price, 'price[interval_count]');
  const rows = await inTenant(scope, 'subscriptions:write', async (tx) => {
    const acct = await requireChargesEnabled(tx, tenantId);
    const product = await repo.insertProduct(tx, {
      tenantId,
      stripeAccountId: customerAccountFor(acct.kind, acct.stripeAccountId),
      name: input.name,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
    });
    const price = input.price
      ? await repo.insertPrice(tx, {
          tenantId,
          productId: product.id,
          currency: input.price.currency,
          unitAmount: input.price.unit_amount,
          interval: input.price.interval,
          intervalCount: input.price.interval_count ?? 1,
        })
      : null;
    return { product, price };
  });
  const forget = () =>
    inTenant(scope, 'subscriptions:write', async (tx) => {
      if (rows.price) await repo.deletePrice(tx, rows.price.id);
      await repo.deleteProduct(tx, rows.product.id);
    });
  const account = rows.product.stripeAccountId;
  let product: Stripe.Product;
  try {
    product = await deps.stripe.call(
      {
        action: 'create the product',
        account,
        movesMoney: false,
        input: { name: 'name', description: 'description', metadata: 'metadata' },
        purpose: 'product',
        record: rows.product.id,
        attempt: 1,
      },
      (stripe, opts) =>
        stripe.products.create(
          {
            name: input.name,
            ...(input.description ? { description: input.description } : {}),
            metadata: { ...input.metadata, tributary_product: toPublicId('product', rows.product.id) },
          },
          opts,
        ),
    );
  } catch (err) {
    await forget();
    throw err;
  }
  let price: Stripe.Price | null = null;
  if (rows.price) {
    try {
      price = await stripePrice(deps, account, product.id, rows.price);
    } catch (err) {
      // no product without its price: archived on Stripe (a product cannot be deleted once a price may
      // exist), with a key of its own so a retry archives once
      await deps.stripe
        .call(
          {
            action: 'archive the product',
            account,
            movesMoney: false,
            purpose: 'product_archive',
            record: rows.product.id,
          },
          (stripe, opts) => stripe.products.update(product.id, { active: false }, opts),
        )
        .catch((archiveErr: unknown) =>
          scope.log.warn(
            { err: archiveErr, product: product.id },
            'product left active after its price failed',
          ),
        );
      await forget();
      throw err;
    }
  }
  return inTenant(scope, 'subscriptions:write', async (tx) => {
    const saved = await repo.setProductStripeId(tx, rows.product.id, product.id);
    const savedPrice = rows.price && price ? await repo.setPriceStripeId(tx, rows.price.id, price.id) : null;
    await scope.audit(tx, {
      action: 'product.created',
      target: { kind: 'product', id: rows.product.id },
      data: { name: input.name, ...(savedPrice ? { price: toPublicId('price', savedPrice.id) } : {}) },
    });
    return { product: saved, price: savedPrice };
  });
}

export function listProducts(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null },
): Promise<Page<repo.ProductRow>> {
  return inTenant(scope, 'subscriptions:read', (tx) => repo.listProducts(tx, scope.tenantId, q));
}

export async function createPrice(
  scope: TenantScope,
  deps: Deps,
  input: RecurringPrice & { product: string },
): Promise<repo.PriceRow> {
  const { tenantId } = scope;
  checkPeriod(input, 'interval_count');
  const { row, product } = await inTenant(scope, 'subscriptions:write', async (tx) => {
    const pid = fromPublicId('product', input.product);
    const product = pid ? await repo.getProduct(tx, pid) : null;
    if (!product?.stripeProductId) throw ApiError.notFound('product', input.product, 'product');
    const row = await repo.insertPrice(tx, {
      tenantId,
      productId: product.id,
      currency: input.currency,
      unitAmount: input.unit_amount,
      interval: input.interval,
      intervalCount: input.interval_count ?? 1,
    });
    return { row, product };
  });
  let price: Stripe.Price;
  try {
    price = await stripePrice(deps, product.stripeAccountId, product.stripeProductId!, row);
  } catch (err) {
    await inTenant(scope, 'subscriptions:write', (tx) => repo.deletePrice(tx, row.id));
    throw err;
  }
  return inTenant(scope, 'subscriptions:write', (tx) => repo.setPriceStripeId(tx, row.id, price.id));
}

export function listPrices(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null; productId?: string },
): Promise<Page<repo.PriceRow>> {
  return inTenant(scope, 'subscriptions:read', (tx) => repo.listPrices(tx, scope.tenantId, q));
}
