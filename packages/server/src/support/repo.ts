import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import {
  connectAccounts,
  customers,
  disputes,
  invoices,
  paymentMethods,
  payments,
  prices,
  products,
  refunds,
  stripeEvents,
  stripeObjects,
  subscriptionInvoices,
  subscriptions,
  tenants,
} from '../db/schema/index.ts';

// The support queries' SQL: reads only, run in READ ONLY transactions (db/read-only.ts) — in one tenant's
// row-level security, or as the system role for a platform caller who gave a reason.

/** At most this many matches of a search, and rows of each kind in a customer's answer. */
export const MAX_ROWS = 100;

export type CustomerRow = typeof customers.$inferSelect;

/** What a search matches on (already parsed: uuids, Stripe ids, minor units). */
export type Criterion =
  | { kind: 'email'; email: string }
  | { kind: 'customer'; id: string }
  | { kind: 'stripe_customer'; stripeId: string }
  | { kind: 'payment'; id: string }
  | { kind: 'payment_intent'; stripeId: string }
  | { kind: 'charge'; stripeId: string }
  | { kind: 'card'; last4: string; amount: number; currency: string | null };

function customersBy(c: Criterion) {
  switch (c.kind) {
    case 'email':
      return sql`lower(${customers.email}) = lower(${c.email})`;
    case 'customer':
      return eq(customers.id, c.id);
    case 'stripe_customer':
      return eq(customers.stripeCustomerId, c.stripeId);
    default: {
      const paid =
        c.kind === 'payment'
          ? eq(payments.id, c.id)
          : c.kind === 'payment_intent'
            ? eq(payments.stripePaymentIntentId, c.stripeId)
            : c.kind === 'charge'
              ? eq(payments.stripeChargeId, c.stripeId)
              : and(
                  eq(payments.paymentMethodLast4, c.last4),
                  eq(payments.amount, c.amount),
                  c.currency ? eq(payments.currency, c.currency) : undefined,
                );
      return sql`${customers.id} in (select ${payments.customerId} from ${payments} where ${paid})`;
    }
  }
}

/** Every customer matching `c` that the transaction can see (one tenant's, or all for the system role). */
export function findCustomers(tx: Tx, c: Criterion, tenantId: string | null, limit = MAX_ROWS) {
  return tx
    .select({ customer: customers, tenantName: tenants.name })
    .from(customers)
    .innerJoin(tenants, eq(tenants.id, customers.tenantId))
    .where(and(customersBy(c), tenantId ? eq(customers.tenantId, tenantId) : undefined))
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit);
}

export async function tenantName(tx: Tx, tenantId: string): Promise<string | null> {
  const [row] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.name ?? null;
}

/** The tenant's connected accounts (a platform-account object is the tenant's when it pays out to one). */
export async function connectedAccountsOf(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: connectAccounts.stripeAccountId })
    .from(connectAccounts)
    .where(eq(connectAccounts.tenantId, tenantId));
  return rows.map((r) => r.id);
}

/** Everything the answer about one customer shows, read in one (read-only) transaction. */
export async function customerRecords(tx: Tx, customer: CustomerRow, limit = MAX_ROWS) {
  const own = (t: { tenantId: AnyPgColumn }) => eq(t.tenantId, customer.tenantId);
  const pays = await tx
    .select()
    .from(payments)
    .where(and(own(payments), eq(payments.customerId, customer.id)))
    .orderBy(desc(payments.createdAt))
    .limit(limit);
  const payIds = pays.map((p) => p.id);
  const refundRows = payIds.length
    ? await tx
        .select({ refund: refunds, raw: stripeObjects.data })
        .from(refunds)
        .leftJoin(
          stripeObjects,
          and(
            eq(stripeObjects.id, refunds.stripeRefundId),
            eq(stripeObjects.object, 'refund'),
            eq(stripeObjects.tenantId, refunds.tenantId),
          ),
        )
        .where(and(own(refunds), inArray(refunds.paymentId, payIds)))
        .orderBy(desc(refunds.createdAt))
        .limit(limit)
    : [];
  const disputeRows = payIds.length
    ? await tx
        .select()
        .from(disputes)
        .where(and(own(disputes), inArray(disputes.paymentId, payIds)))
        .orderBy(desc(disputes.createdAt))
        .limit(limit)
    : [];
  const subs = await tx
    .select({ sub: subscriptions, price: prices, productName: products.name })
    .from(subscriptions)
    .leftJoin(prices, eq(prices.id, subscriptions.priceId))
    .leftJoin(products, eq(products.id, prices.productId))
    .where(and(own(subscriptions), eq(subscriptions.customerId, customer.id)))
    .orderBy(desc(subscriptions.createdAt))
    .limit(limit);
  const subIds = subs.map((s) => s.sub.id);
  const subInvoices = subIds.length
    ? await tx
        .select()
        .from(subscriptionInvoices)
        .where(and(own(subscriptionInvoices), inArray(subscriptionInvoices.subscriptionId, subIds)))
        .orderBy(desc(subscriptionInvoices.createdAt))
        .limit(limit)
    : [];
  const ownInvoices = await tx
    .select()
    .from(invoices)
    .where(and(own(invoices), eq(invoices.customerId, customer.id)))
    .orderBy(desc(invoices.createdAt))
    .limit(limit);
  const methods = await tx
    .select()
    .from(paymentMethods)
    .where(
      and(
        own(paymentMethods),
        eq(paymentMethods.customerId, customer.id),
        sql`${paymentMethods.detachedAt} is null`,
      ),
    )
    .orderBy(desc(paymentMethods.createdAt))
    .limit(limit);
  return { pays, refundRows, disputeRows, subs, subInvoices, ownInvoices, methods };
}

export type CustomerRecords = Awaited<ReturnType<typeof customerRecords>>;

/** The stored webhook events whose object is one of `stripeIds`, newest first. */
export function eventsOf(tx: Tx, tenantId: string, stripeIds: readonly string[]) {
  if (stripeIds.length === 0) return Promise.resolve([]);
  return tx
    .select({
      id: stripeEvents.id,
      type: stripeEvents.type,
      created: stripeEvents.created,
      objectId: sql<string>`${stripeEvents.payload}->'data'->'object'->>'id'`,
    })
    .from(stripeEvents)
    .where(
      and(
        eq(stripeEvents.tenantId, tenantId),
        inArray(sql`${stripeEvents.payload}->'data'->'object'->>'id'`, [...stripeIds]),
      ),
    )
    .orderBy(desc(stripeEvents.created))
    .limit(MAX_ROWS * 2);
}
