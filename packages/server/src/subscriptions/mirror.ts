import type { Tx } from '../db/client.ts';
import { fromPublicId } from '../http/ids.ts';
import { customerAccountFor } from '../payments/customers.ts';
import { customerByStripeId, tenantForAccount } from '../payments/repo.ts';
import { ownMetadata } from '../payments/sync.ts';
import type { Stripe } from '../stripe/client.ts';
import { idOf } from '../stripe/ids.ts';
import * as repo from './repo.ts';

/**
 * Products, prices and subscriptions made outside Tributary, mirrored from their events (issue 8): a
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

function ourId(meta: unknown, key: string, kind: 'product' | 'price' | 'subscription'): string | null {
  const v = (meta as Record<string, string> | null | undefined)?.[key];
  return v ? fromPublicId(kind, v) : null;
}

/** The tenant whose own account (Standard-like: everything lives there) the event came from. */
async function ownAccountTenant(
  tx: Tx,
  scope: MirrorScope,
): Promise<{ tenantId: string; account: string } | null> {
  if (!scope.tenantId || !scope.account) return null;
  const t = await tenantForAccount(tx, scope.account);
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
  const ours = ourId(p.metadata, 'tributary_product', 'product');
  const row = (ours ? await repo.getProduct(tx, ours) : null) ?? (await repo.productByStripeId(tx, p.id));
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
  const ours = ourId(price.metadata, 'tributary_price', 'price');
  const row = (ours ? await repo.getPrice(tx, ours) : null) ?? (await repo.priceByStripeId(tx, price.id));
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
  const t = destination ? await tenantForAccount(tx, destination) : null;
  if (!t || t.kind === 'standard' || (scope.tenantId && scope.tenantId !== t.tenantId)) return null;
  return { tenantId: t.tenantId, account: destination!, kind: t.kind as 'express' };
}

/** Our row for a subscription: by our id in its metadata, its Stripe id, or a new mirror of one made elsewhere. */
export async function subscriptionRowFor(
  tx: Tx,
  scope: MirrorScope,
  s: Stripe.Subscription,
): Promise<repo.SubscriptionRow | null> {
  const ours = ourId(s.metadata, 'tributary_subscription', 'subscription');
  const row =
    (ours ? await repo.getSubscription(tx, ours) : null) ?? (await repo.subscriptionByStripeId(tx, s.id));
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
