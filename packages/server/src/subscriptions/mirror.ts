import { accountHolder } from '../connect/service.ts';
import type { Tx } from '../db/client.ts';
import { customerAccountFor, customerByStripeId } from '../payments/service.ts';
import type { Stripe } from '../stripe/client.ts';
import { idOf, namedInMetadata, ownMetadata } from '../stripe/ids.ts';
import * as repo from './repo.ts';

/**
 * Products, prices and subscriptions made outside Tributary, mirrored from their events: a
 * Standard-like tenant has its own Stripe dashboard, where it can make all three on its account; an
 * Express-like tenant's subscriptions live on the platform, recognised by their transfer destination. The
 * platform's own products (its plans) are never taken for a tenant's: on the platform account only rows we
 * already hold are updated.
 */
export interface MirrorScope {
  tenantId: string | null;
  /** the connected account the event came from, null for the platform's */
  account: string | null;
}

/** The product row `metadata.tributary_product` names, when it is this product's. */
async function productNamedBy(
  tx: Tx,
  scope: MirrorScope,
  p: Stripe.Product,
): Promise<repo.ProductRow | null> {
  const id = namedInMetadata(p.metadata, 'tributary_product', 'product');
  const row = id && scope.tenantId ? await repo.getProduct(tx, id) : null;
  if (!row) return null;
  if (row.stripeProductId !== null) return row.stripeProductId === p.id ? row : null;
  return row.tenantId === scope.tenantId && row.stripeAccountId === scope.account ? row : null;
}

/** The price row `metadata.tributary_price` names, when it is this price's (of this product's row). */
async function priceNamedBy(tx: Tx, scope: MirrorScope, price: Stripe.Price): Promise<repo.PriceRow | null> {
  const id = namedInMetadata(price.metadata, 'tributary_price', 'price');
  const row = id && scope.tenantId ? await repo.getPrice(tx, id) : null;
  if (!row) return null;
  if (row.stripePriceId !== null) return row.stripePriceId === price.id ? row : null;
  const product = await repo.getProduct(tx, row.productId);
  const matches =
    row.tenantId === scope.tenantId &&
    product?.stripeProductId === idOf(price.product) &&
    product.stripeAccountId === scope.account;
  return matches ? row : null;
}

/**
 * The subscription row `metadata.tributary_subscription` names, when it is this subscription's: on the
 * tenant's own account (direct), or on the platform paying out to the row's account (destination).
 */
async function subscriptionNamedBy(
  tx: Tx,
  scope: MirrorScope,
  s: Stripe.Subscription,
): Promise<repo.SubscriptionRow | null> {
  const id = namedInMetadata(s.metadata, 'tributary_subscription', 'subscription');
  const row = id && scope.tenantId ? await repo.getSubscription(tx, id) : null;
  if (!row) return null;
  if (row.stripeSubscriptionId !== null) return row.stripeSubscriptionId === s.id ? row : null;
  const direct = scope.account !== null;
  const matches =
    row.tenantId === scope.tenantId &&
    row.stripeAccountId === (direct ? scope.account : idOf(s.transfer_data?.destination)) &&
    (row.accountKind === 'standard') === direct;
  return matches ? row : null;
}

/** The tenant whose own account (Standard-like: everything lives there) the event came from. */
async function ownAccountTenant(
  tx: Tx,
  scope: MirrorScope,
): Promise<{ tenantId: string; account: string } | null> {
  if (!scope.tenantId || !scope.account) return null;
  const t = await accountHolder(tx, scope.account);
  if (t?.tenantId !== scope.tenantId) return null;
  return customerAccountFor(t.kind as 'standard' | 'express', scope.account) === scope.account
    ? { tenantId: t.tenantId, account: scope.account }
    : null;
}

export async function syncProduct(
  tx: Tx,
  scope: MirrorScope,
  p: Stripe.Product,
  deleted: boolean,
  syncedAt: Date,
): Promise<repo.ProductRow | null> {
  const row = (await productNamedBy(tx, scope, p)) ?? (await repo.productByStripeId(tx, p.id));
  const state: repo.ProductState = {
    name: p.name,
    description: p.description ?? null,
    active: !deleted && p.active,
    metadata: ownMetadata(p.metadata),
  };
  if (row) return repo.applyProduct(tx, row.id, p.id, state, syncedAt);
  const own = deleted ? null : await ownAccountTenant(tx, scope);
  if (!own) return null;
  return repo.insertProductFromStripe(tx, {
    tenantId: own.tenantId,
    stripeAccountId: own.account,
    stripeProductId: p.id,
    ...state,
    lastSyncedAt: syncedAt,
  });
}

export async function syncPrice(
  tx: Tx,
  scope: MirrorScope,
  price: Stripe.Price,
  deleted: boolean,
  syncedAt: Date,
): Promise<repo.PriceRow | null> {
  const row = (await priceNamedBy(tx, scope, price)) ?? (await repo.priceByStripeId(tx, price.id));
  const active = !deleted && price.active;
  if (row) return repo.applyPrice(tx, row.id, price.id, active, syncedAt);
  // subscriptions here are one recurring price per item; tiered and one-time prices are not mirrored
  if (deleted || !price.recurring || price.unit_amount == null) return null;
  const own = await ownAccountTenant(tx, scope);
  if (!own) return null;
  const productId = idOf(price.product);
  const expanded =
    typeof price.product === 'object' &&
    price.product &&
    !('deleted' in price.product && price.product.deleted);
  const product = expanded
    ? await syncProduct(tx, scope, price.product as Stripe.Product, false, syncedAt).then(
        async (r) => r ?? (productId ? repo.productByStripeId(tx, productId) : null),
      )
    : productId
      ? await repo.productByStripeId(tx, productId)
      : null;
  // (a snapshot, not refetched) its product.created is on its way: the pipeline retries this one
  if (!product) throw new Error(`price ${price.id}: product ${productId} is not mirrored yet`);
  return repo.insertPriceFromStripe(tx, {
    tenantId: own.tenantId,
    productId: product.id,
    stripePriceId: price.id,
    currency: price.currency,
    unitAmount: price.unit_amount,
    interval: price.recurring.interval,
    intervalCount: price.recurring.interval_count,
    active,
    lastSyncedAt: syncedAt,
  });
}

/** Where a subscription we did not make belongs: the tenant's own account, or a destination on the platform. */
async function subscriptionOwner(
  tx: Tx,
  scope: MirrorScope,
  s: Stripe.Subscription,
): Promise<{ tenantId: string; account: string; kind: 'standard' | 'express' } | null> {
  const own = await ownAccountTenant(tx, scope);
  if (own) return { ...own, kind: 'standard' };
  const destination = scope.account ? null : idOf(s.transfer_data?.destination);
  const t = destination ? await accountHolder(tx, destination) : null;
  if (!t || t.kind === 'standard' || (scope.tenantId && scope.tenantId !== t.tenantId)) return null;
  return { tenantId: t.tenantId, account: destination!, kind: t.kind as 'express' };
}

/** Our row for a subscription: the one its metadata names (if its own), by its Stripe id, or a new mirror. */
export async function subscriptionRowFor(
  tx: Tx,
  scope: MirrorScope,
  s: Stripe.Subscription,
): Promise<repo.SubscriptionRow | null> {
  const row = (await subscriptionNamedBy(tx, scope, s)) ?? (await repo.subscriptionByStripeId(tx, s.id));
  if (row) return row;
  const who = await subscriptionOwner(tx, scope, s);
  if (!who) return null;
  const customerStripeId = idOf(s.customer);
  const customer = customerStripeId ? await customerByStripeId(tx, customerStripeId) : null;
  const priceId = idOf(s.items?.data?.[0]?.price);
  const price = priceId ? await repo.priceByStripeId(tx, priceId) : null;
  return repo.insertSubscriptionFromStripe(tx, {
    tenantId: who.tenantId,
    customerId: customer?.tenantId === who.tenantId ? customer.id : null,
    priceId: price?.tenantId === who.tenantId ? price.id : null,
    stripeAccountId: who.account,
    accountKind: who.kind,
    stripeSubscriptionId: s.id,
    status: s.status,
    metadata: ownMetadata(s.metadata),
  });
}
