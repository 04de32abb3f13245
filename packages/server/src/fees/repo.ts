import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { feeSchedules } from '../db/schema/index.ts';

/** A tenant's override of the platform's default fee (null fields inherit the default). */
export type FeeScheduleRow = typeof feeSchedules.$inferSelect;

export async function getFeeOverride(tx: Tx, tenantId: string): Promise<FeeScheduleRow | null> {
  const [row] = await tx.select().from(feeSchedules).where(eq(feeSchedules.tenantId, tenantId));
  return row ?? null;
}

export async function upsertFeeOverride(
  tx: Tx,
  tenantId: string,
  input: Partial<Omit<FeeScheduleRow, 'tenantId' | 'createdAt' | 'updatedAt'>>,
): Promise<void> {
  await tx
    .insert(feeSchedules)
    .values({ tenantId, ...input })
    .onConflictDoUpdate({ target: feeSchedules.tenantId, set: { ...input, updatedAt: sql`now()` } });
}
