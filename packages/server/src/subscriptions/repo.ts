import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { rowForRequestKey } from '../db/request-rows.ts';
import { prices, products, subscriptionInvoices, subscriptions } from '../db/schema/index.ts';
import { olderThan } from '../db/sync-guard.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type ProductRow = typeof products.$inferSelect;
export type PriceRow = typeof prices.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionInvoiceRow = typeof subscriptionInvoices.$inferSelect;

type PageQuery = { limit: number; startingAfter?: string | null; endingBefore?: string | null };

export async function insertProduct(tx: Tx, v: typeof products.$inferInsert): Promise<ProductRow> {
  const [row] = await tx.insert(products).values(v).returning();
  return row!;
}

export async function setProductStripeId(tx: Tx, id: string, stripeProductId: string): Promise<ProductRow> {
  const [row] = await tx
    .update(products)
    .set({ stripeProductId, updatedAt: sql`now()` })
    .where(eq(products.id, id))
    .returning();
  return row!;
}

export async function productByStripeId(tx: Tx, stripeProductId: string): Promise<ProductRow | null> {
  const [row] = await tx.select().from(products).where(eq(products.stripeProductId, stripeProductId));
  return row ?? null;
}

export type ProductState = Pick<ProductRow, 'name' | 'description' | 'active' | 'metadata'>;

/** Stripe's product on our row behind the guard; links the Stripe id (a webhook may beat our own call). */
export async function applyProduct(
  tx: Tx,
  id: string,
  stripeProductId: string,
  state: ProductState,
  syncedAt: Date,
): Promise<ProductRow | null> {
  const [row] = await tx
    .update(products)
    .set({ ...state, stripeProductId, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(products.id, id), olderThan(products.lastSyncedAt, syncedAt)))
    .returning();
  return row ?? null;
}

/** A product made on the account's own Stripe dashboard: one row per Stripe id. */
export async function insertProductFromStripe(
  tx: Tx,
  v: typeof products.$inferInsert & { stripeProductId: string },
): Promise<ProductRow | null> {
  await tx.insert(products).values(v).onConflictDoNothing();
  return productByStripeId(tx, v.stripeProductId);
}

export async function deleteProduct(tx: Tx, id: string): Promise<void> {
  await tx.delete(products).where(eq(products.id, id));
}

export async function getProduct(tx: Tx, id: string): Promise<ProductRow | null> {
  const [row] = await tx.select().from(products).where(eq(products.id, id));
  return row ?? null;
}

export function listProducts(tx: Tx, tenantId: string, q: PageQuery): Promise<Page<ProductRow>> {
  return paginate<ProductRow>(
    tx,
    { table: products, id: products.id, created: products.createdAt },
    eq(products.tenantId, tenantId),
    q,
  );
}

export async function insertPrice(tx: Tx, v: typeof prices.$inferInsert): Promise<PriceRow> {
  const [row] = await tx.insert(prices).values(v).returning();
  return row!;
}

export async function setPriceStripeId(tx: Tx, id: string, stripePriceId: string): Promise<PriceRow> {
  const [row] = await tx.update(prices).set({ stripePriceId }).where(eq(prices.id, id)).returning();
  return row!;
}

/** Stripe's price state that can change (a price's amount and interval never do). */
export async function applyPrice(
  tx: Tx,
  id: string,
  stripePriceId: string,
  active: boolean,
  syncedAt: Date,
): Promise<PriceRow | null> {
  const [row] = await tx
    .update(prices)
    .set({ stripePriceId, active, lastSyncedAt: syncedAt })
    .where(and(eq(prices.id, id), olderThan(prices.lastSyncedAt, syncedAt)))
    .returning();
  return row ?? null;
}

export async function insertPriceFromStripe(
  tx: Tx,
  v: typeof prices.$inferInsert & { stripePriceId: string },
): Promise<PriceRow | null> {
  await tx.insert(prices).values(v).onConflictDoNothing();
  return priceByStripeId(tx, v.stripePriceId);
}

export async function deletePrice(tx: Tx, id: string): Promise<void> {
  await tx.delete(prices).where(eq(prices.id, id));
}

export async function getPrice(tx: Tx, id: string): Promise<PriceRow | null> {
  const [row] = await tx.select().from(prices).where(eq(prices.id, id));
  return row ?? null;
}

export async function priceByStripeId(tx: Tx, stripePriceId: string): Promise<PriceRow | null> {
  const [row] = await tx.select().from(prices).where(eq(prices.stripePriceId, stripePriceId));
  return row ?? null;
}

export function listPrices(
  tx: Tx,
  tenantId: string,
  q: PageQuery & { productId?: string },
): Promise<Page<PriceRow>> {
  return paginate<PriceRow>(
    tx,
    { table: prices, id: prices.id, created: prices.createdAt },
    and(eq(prices.tenantId, tenantId), q.productId ? eq(prices.productId, q.productId) : undefined),
    q,
  );
}

export async function insertSubscription(
  tx: Tx,
  v: typeof subscriptions.$inferInsert,
): Promise<SubscriptionRow> {
  const [row] = await tx.insert(subscriptions).values(v).returning();
  return row!;
}

/** A subscription made outside Tributary, first seen through its events: one row per Stripe id. */
export async function insertSubscriptionFromStripe(
  tx: Tx,
  v: typeof subscriptions.$inferInsert & { stripeSubscriptionId: string },
): Promise<SubscriptionRow | null> {
  await tx.insert(subscriptions).values(v).onConflictDoNothing();
  return subscriptionByStripeId(tx, v.stripeSubscriptionId);
}

/** The subscription a retry of this request may reuse (same key, within the idempotency window). */
export const subscriptionByRequestKey = (tx: Tx, requestKey: string, ttlHours: number) =>
  rowForRequestKey(tx, subscriptions, requestKey, ttlHours);

export async function deleteSubscription(tx: Tx, id: string): Promise<void> {
  await tx.delete(subscriptions).where(eq(subscriptions.id, id));
}

export async function getSubscription(
  tx: Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<SubscriptionRow | null> {
  const q = tx.select().from(subscriptions).where(eq(subscriptions.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function subscriptionByStripeId(tx: Tx, stripeId: string): Promise<SubscriptionRow | null> {
  const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, stripeId));
  return row ?? null;
}

export function listSubscriptions(
  tx: Tx,
  tenantId: string,
  q: PageQuery & { status?: string; customerId?: string },
): Promise<Page<SubscriptionRow>> {
  return paginate<SubscriptionRow>(
    tx,
    { table: subscriptions, id: subscriptions.id, created: subscriptions.createdAt },
    and(
      eq(subscriptions.tenantId, tenantId),
      q.status ? eq(subscriptions.status, q.status) : undefined,
      q.customerId ? eq(subscriptions.customerId, q.customerId) : undefined,
    ),
    q,
  );
}

export type SubscriptionState = Pick<
  typeof subscriptions.$inferInsert,
  | 'stripeSubscriptionId'
  | 'stripeItemId'
  | 'status'
  | 'quantity'
  | 'applicationFeePercent'
  | 'trialEnd'
  | 'currentPeriodStart'
  | 'currentPeriodEnd'
  | 'cancelAtPeriodEnd'
  | 'canceledAt'
  | 'latestInvoice'
>;

/** Applies Stripe's state behind the guard: an older fetch never overwrites a newer one. */
export async function applySubscription(
  tx: Tx,
  id: string,
  state: SubscriptionState,
  syncedAt: Date,
): Promise<SubscriptionRow | null> {
  const [row] = await tx
    .update(subscriptions)
    .set({ ...state, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(subscriptions.id, id), olderThan(subscriptions.lastSyncedAt, syncedAt)))
    .returning();
  return row ?? null;
}

export type SubscriptionInvoiceState = Omit<
  typeof subscriptionInvoices.$inferInsert,
  'id' | 'tenantId' | 'subscriptionId' | 'createdAt' | 'lastSyncedAt'
>;

export async function upsertSubscriptionInvoice(
  tx: Tx,
  tenantId: string,
  subscriptionId: string,
  state: SubscriptionInvoiceState,
  syncedAt: Date,
): Promise<void> {
  await tx
    .insert(subscriptionInvoices)
    .values({ tenantId, subscriptionId, ...state, lastSyncedAt: syncedAt })
    .onConflictDoUpdate({
      target: [subscriptionInvoices.tenantId, subscriptionInvoices.stripeInvoiceId],
      set: { ...state, lastSyncedAt: syncedAt },
      setWhere: olderThan(subscriptionInvoices.lastSyncedAt, syncedAt),
    });
}

export async function subscriptionInvoiceByStripeId(
  tx: Tx,
  tenantId: string,
  stripeInvoiceId: string,
): Promise<SubscriptionInvoiceRow | null> {
  const [row] = await tx
    .select()
    .from(subscriptionInvoices)
    .where(
      and(
        eq(subscriptionInvoices.tenantId, tenantId),
        eq(subscriptionInvoices.stripeInvoiceId, stripeInvoiceId),
      ),
    );
  return row ?? null;
}

export function invoicesOf(tx: Tx, subscriptionId: string): Promise<SubscriptionInvoiceRow[]> {
  return tx
    .select()
    .from(subscriptionInvoices)
    .where(eq(subscriptionInvoices.subscriptionId, subscriptionId))
    .orderBy(subscriptionInvoices.createdAt);
}

/** What a list adds to each subscription: who pays, and for which plan. */
export interface SubscriptionSummary {
  customer: { name: string | null; email: string | null } | null;
  plan: Awaited<ReturnType<typeof plansOf>>[number] | null;
}

/** Plans (price with its product's name) by price id, for the subscriptions a list shows. */
export async function plansOf(tx: Tx, priceIds: string[]) {
  if (priceIds.length === 0) return [];
  return tx
    .select({
      id: prices.id,
      name: products.name,
      unitAmount: prices.unitAmount,
      currency: prices.currency,
      interval: prices.interval,
      intervalCount: prices.intervalCount,
    })
    .from(prices)
    .innerJoin(products, eq(products.id, prices.productId))
    .where(inArray(prices.id, priceIds));
}
