import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { rowForRequestKey } from '../../db/request-rows.ts';
import { refunds } from '../../db/schema/index.ts';
import { olderThan } from '../../db/sync-guard.ts';
import { type Page, paginate } from '../../http/pagination.ts';

export type RefundRow = typeof refunds.$inferSelect;

export const refundByRequestKey = (tx: Tx, requestKey: string, ttlHours: number) =>
  rowForRequestKey(tx, refunds, requestKey, ttlHours);

/** What is refunded or being refunded (failed and canceled refunds give their amount back). */
export async function reservedRefunds(tx: Tx, paymentId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)::int` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), sql`${refunds.status} not in ('failed', 'canceled')`));
  return row?.n ?? 0;
}

export async function insertRefund(tx: Tx, values: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [row] = await tx.insert(refunds).values(values).returning();
  return row!;
}

/** A refund Stripe refused, tried again: a new attempt number, so a new Stripe key. */
export async function retryRefund(tx: Tx, id: string): Promise<RefundRow> {
  const [row] = await tx
    .update(refunds)
    .set({
      status: 'pending',
      failureReason: null,
      attempt: sql`${refunds.attempt} + 1`,
      updatedAt: sql`now()`,
    })
    .where(eq(refunds.id, id))
    .returning();
  return row!;
}

export async function getRefund(tx: Tx, id: string): Promise<RefundRow | null> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.id, id));
  return row ?? null;
}

export async function refundByStripeId(tx: Tx, stripeId: string): Promise<RefundRow | null> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.stripeRefundId, stripeId));
  return row ?? null;
}

/** Applies a Stripe refund's state behind the guard (also links the Stripe id on first sight). */
export async function applyRefund(
  tx: Tx,
  id: string,
  fields: Pick<RefundRow, 'stripeRefundId' | 'status' | 'failureReason'> &
    Partial<Pick<RefundRow, 'amount' | 'reason' | 'stripeCreated'>>,
  syncedAt: Date,
): Promise<RefundRow | null> {
  const [row] = await tx
    .update(refunds)
    .set({ ...fields, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(refunds.id, id), olderThan(sql`${refunds.lastSyncedAt}`, syncedAt)))
    .returning();
  return row ?? null;
}

/** Stripe refused the refund: it never happened, so its amount is free again. */
export async function failRefund(tx: Tx, id: string, reason: string): Promise<RefundRow | null> {
  const [row] = await tx
    .update(refunds)
    .set({ status: 'failed', failureReason: reason, updatedAt: sql`now()` })
    .where(and(eq(refunds.id, id), isNull(refunds.stripeRefundId)))
    .returning();
  return row ?? null;
}

export function listRefunds(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null; paymentId?: string },
): Promise<Page<RefundRow>> {
  return paginate<RefundRow>(
    tx,
    { table: refunds, id: refunds.id, created: refunds.createdAt },
    and(eq(refunds.tenantId, tenantId), q.paymentId ? eq(refunds.paymentId, q.paymentId) : undefined),
    q,
  );
}

export function refundsOf(tx: Tx, paymentIds: string[]): Promise<RefundRow[]> {
  if (!paymentIds.length) return Promise.resolve([]);
  return tx.select().from(refunds).where(inArray(refunds.paymentId, paymentIds)).orderBy(refunds.createdAt);
}
