import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { disputes } from '../../db/schema/index.ts';
import { olderThan } from '../../db/sync-guard.ts';
import { type Page, paginate } from '../../http/pagination.ts';

export type DisputeRow = typeof disputes.$inferSelect;

export type DisputeFields = Pick<
  DisputeRow,
  'amount' | 'currency' | 'reason' | 'status' | 'evidenceDueBy' | 'balanceTransactions' | 'stripeCreated'
>;

/** Inserts or updates a dispute behind the guard; returns the row when it changed, with `inserted`. */
export async function upsertDispute(
  tx: Tx,
  tenantId: string,
  paymentId: string,
  stripeId: string,
  fields: DisputeFields,
  syncedAt: Date,
): Promise<(DisputeRow & { inserted: boolean }) | null> {
  const [row] = await tx
    .insert(disputes)
    .values({ tenantId, paymentId, stripeDisputeId: stripeId, ...fields, lastSyncedAt: syncedAt })
    .onConflictDoUpdate({
      target: [disputes.tenantId, disputes.stripeDisputeId],
      set: { ...fields, lastSyncedAt: syncedAt, updatedAt: sql`now()` },
      setWhere: olderThan(sql`disputes.last_synced_at`, syncedAt),
    })
    .returning({ ...getTableColumns(disputes), inserted: sql<boolean>`(xmax = 0)` });
  return row ?? null;
}

export async function getDispute(
  tx: Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<DisputeRow | null> {
  const q = tx.select().from(disputes).where(eq(disputes.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export function disputesOf(tx: Tx, paymentId: string): Promise<DisputeRow[]> {
  return tx.select().from(disputes).where(eq(disputes.paymentId, paymentId)).orderBy(disputes.createdAt);
}

export async function recordEvidence(
  tx: Tx,
  id: string,
  values: Pick<DisputeRow, 'evidence' | 'files'> & { submitted: boolean },
): Promise<DisputeRow> {
  const [row] = await tx
    .update(disputes)
    .set({
      evidence: values.evidence,
      files: values.files,
      evidenceSubmittedAt: values.submitted ? sql`now()` : undefined,
      updatedAt: sql`now()`,
    })
    .where(eq(disputes.id, id))
    .returning();
  return row!;
}

export function listDisputes(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null; status?: string },
): Promise<Page<DisputeRow>> {
  return paginate<DisputeRow>(
    tx,
    { table: disputes, id: disputes.id, created: disputes.createdAt },
    and(eq(disputes.tenantId, tenantId), q.status ? eq(disputes.status, q.status) : undefined),
    q,
  );
}
