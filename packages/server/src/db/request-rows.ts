import { eq } from 'drizzle-orm';
import type { Tx } from './client.ts';
import type { payments, refunds, subscriptions } from './schema/index.ts';

/** The money-moving tables whose rows a retried request reuses (`request_key`, see Ctx.requestKey). */
type RequestTable = typeof payments | typeof refunds | typeof subscriptions;

/**
 * The row a retry of this request may reuse: made under the same (caller-scoped) Idempotency-Key within the
 * idempotency window. An older one gives the key up — the key now names a new request, as with Stripe.
 */
export async function rowForRequestKey<T extends RequestTable>(
  tx: Tx,
  table: T,
  requestKey: string,
  ttlHours: number,
): Promise<T['$inferSelect'] | null> {
  const [row] = (await tx
    .select()
    .from(table as RequestTable)
    .where(eq(table.requestKey, requestKey))) as T['$inferSelect'][];
  if (!row) return null;
  if (row.createdAt.getTime() > Date.now() - ttlHours * 3_600_000) return row;
  await tx
    .update(table as RequestTable)
    .set({ requestKey: null })
    .where(eq(table.id, row.id));
  return null;
}
