import { and, desc, eq, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { customers, paymentMethods } from '../../db/schema/index.ts';
import { olderThan, syncedNoEarlierThan } from '../../db/sync-guard.ts';
import { type Page, paginate } from '../../http/pagination.ts';

export type CustomerRow = typeof customers.$inferSelect;

export type PaymentMethodRow = typeof paymentMethods.$inferSelect;

export async function insertCustomer(
  tx: Tx,
  values: Pick<
    CustomerRow,
    'tenantId' | 'stripeAccountId' | 'email' | 'name' | 'phone' | 'address' | 'metadata'
  >,
): Promise<CustomerRow> {
  const [row] = await tx.insert(customers).values(values).returning();
  return row!;
}

export async function getCustomer(tx: Tx, id: string): Promise<CustomerRow | null> {
  const [row] = await tx.select().from(customers).where(eq(customers.id, id));
  return row ?? null;
}

/** By Stripe id; in the system scope (platform events) it finds the owning tenant's row. */
export async function customerByStripeId(tx: Tx, stripeId: string): Promise<CustomerRow | null> {
  const [row] = await tx.select().from(customers).where(eq(customers.stripeCustomerId, stripeId));
  return row ?? null;
}

export interface CustomerState {
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Record<string, string | null> | null;
  metadata: Record<string, string>;
  defaultPaymentMethod: string | null;
  /** Stripe's `preferred_locales[0]`: the language of the tenant's e-mails to the customer */
  preferredLocale: string | null;
  deleted: boolean;
}

/** Applies Stripe's state to our row behind the guard; links the Stripe id on first sight. */
export async function applyCustomer(
  tx: Tx,
  id: string,
  stripeId: string,
  state: CustomerState,
  syncedAt: Date,
): Promise<CustomerRow | null> {
  const [row] = await tx
    .update(customers)
    .set({ ...state, stripeCustomerId: stripeId, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), olderThan(customers.lastSyncedAt as never, syncedAt)))
    .returning();
  return row ?? null;
}

/** A customer first seen through a webhook (created on Stripe's side): one row per Stripe id. */
export async function insertCustomerFromStripe(
  tx: Tx,
  tenantId: string,
  stripeAccountId: string | null,
  stripeId: string,
  state: CustomerState,
  syncedAt: Date,
): Promise<void> {
  await tx
    .insert(customers)
    .values({ tenantId, stripeAccountId, stripeCustomerId: stripeId, ...state, lastSyncedAt: syncedAt })
    .onConflictDoNothing();
}

export function listCustomers(
  tx: Tx,
  tenantId: string,
  q: {
    limit: number;
    startingAfter?: string | null;
    endingBefore?: string | null;
    email?: string;
    q?: string;
  },
): Promise<Page<CustomerRow>> {
  const search = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return paginate<CustomerRow>(
    tx,
    { table: customers, id: customers.id, created: customers.createdAt },
    and(
      eq(customers.tenantId, tenantId),
      eq(customers.deleted, false),
      q.email ? sql`lower(${customers.email}) = lower(${q.email})` : undefined,
      search ? or(ilike(customers.email, search), ilike(customers.name, search)) : undefined,
    ),
    q,
  );
}

/** The tenant's newest live customer with this e-mail (case-insensitive), known to Stripe. */
export async function customerByEmail(tx: Tx, tenantId: string, email: string): Promise<CustomerRow | null> {
  const [row] = await tx
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.tenantId, tenantId),
        eq(customers.deleted, false),
        sql`${customers.stripeCustomerId} is not null`,
        sql`lower(${customers.email}) = lower(${email})`,
      ),
    )
    .orderBy(desc(customers.createdAt))
    .limit(1);
  return row ?? null;
}

/** A customer row whose Stripe create failed (never linked). */
export async function deleteCustomer(tx: Tx, id: string): Promise<void> {
  await tx.delete(customers).where(and(eq(customers.id, id), isNull(customers.stripeCustomerId)));
}

/**
 * The customer's default, when it is still `paymentMethod`, cleared (detached). `syncedAt`: when Stripe
 * answered the detach, so a customer snapshot read before it cannot put it back.
 */
export async function clearDefault(tx: Tx, id: string, paymentMethod: string, syncedAt: Date): Promise<void> {
  await tx
    .update(customers)
    .set({
      defaultPaymentMethod: null,
      lastSyncedAt: syncedNoEarlierThan(customers.lastSyncedAt, syncedAt),
      updatedAt: sql`now()`,
    })
    .where(and(eq(customers.id, id), eq(customers.defaultPaymentMethod, paymentMethod)));
}

export interface PaymentMethodState {
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  bankName: string | null;
}

export async function upsertPaymentMethod(
  tx: Tx,
  tenantId: string,
  customerId: string,
  stripeId: string,
  state: PaymentMethodState,
  syncedAt: Date,
): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .insert(paymentMethods)
    .values({ tenantId, customerId, stripePaymentMethodId: stripeId, ...state, lastSyncedAt: syncedAt })
    .onConflictDoUpdate({
      target: [paymentMethods.tenantId, paymentMethods.stripePaymentMethodId],
      set: { ...state, customerId, detachedAt: null, lastSyncedAt: syncedAt },
      setWhere: olderThan(sql`payment_methods.last_synced_at`, syncedAt),
    })
    .returning();
  return row ?? null;
}

export async function markDetached(
  tx: Tx,
  stripeId: string,
  syncedAt: Date,
): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .update(paymentMethods)
    .set({ detachedAt: sql`coalesce(${paymentMethods.detachedAt}, now())`, lastSyncedAt: syncedAt })
    .where(and(eq(paymentMethods.stripePaymentMethodId, stripeId), olderThan(sql`last_synced_at`, syncedAt)))
    .returning();
  return row ?? null;
}

export async function getPaymentMethod(tx: Tx, id: string): Promise<PaymentMethodRow | null> {
  const [row] = await tx.select().from(paymentMethods).where(eq(paymentMethods.id, id));
  return row ?? null;
}

export async function paymentMethodByStripeId(tx: Tx, stripeId: string): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .select()
    .from(paymentMethods)
    .where(eq(paymentMethods.stripePaymentMethodId, stripeId));
  return row ?? null;
}

export function listPaymentMethods(tx: Tx, customerId: string): Promise<PaymentMethodRow[]> {
  return tx
    .select()
    .from(paymentMethods)
    .where(and(eq(paymentMethods.customerId, customerId), isNull(paymentMethods.detachedAt)))
    .orderBy(desc(paymentMethods.createdAt), desc(paymentMethods.id));
}

/** Name and e-mail of each customer in `ids` (the rows another list names by id). */
export async function customerNames(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx
    .select({ id: customers.id, name: customers.name, email: customers.email })
    .from(customers)
    .where(inArray(customers.id, ids));
}
