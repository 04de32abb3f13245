import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { type PlanInterval, planOveragePrices, planPrices, plans } from '../../db/schema/index.ts';
import { fromPublicId } from '../../http/ids.ts';

// The plans catalogue as a tenant's plan needs it: a plan by id or lookup key, its active price and the
// metered overage prices for one currency and interval. Every read of the plan tables made by this module
// is here, so that they can be taken from the plans part's front door instead, unchanged for the callers.
// (Platform tables: readable in every context, the tenant's transaction included.)

export type PlanRow = typeof plans.$inferSelect;
export type PlanPriceRow = typeof planPrices.$inferSelect;
export type OveragePriceRow = typeof planOveragePrices.$inferSelect;

/** A plan named by its public id (`plan_…`) or its lookup key; archived plans are not offered. */
export async function planByRef(tx: Tx, ref: string): Promise<PlanRow | null> {
  const id = fromPublicId('plan', ref);
  const [row] = await tx
    .select()
    .from(plans)
    .where(id ? eq(plans.id, id) : eq(plans.lookupKey, ref));
  return row && !row.archivedAt ? row : null;
}

export async function planById(tx: Tx, id: string): Promise<PlanRow | null> {
  const [row] = await tx.select().from(plans).where(eq(plans.id, id));
  return row ?? null;
}

/** The plan's active price in a currency and interval, if it is sold so. */
export async function activePrice(
  tx: Tx,
  planId: string,
  currency: string,
  interval: PlanInterval,
): Promise<PlanPriceRow | null> {
  const [row] = await tx
    .select()
    .from(planPrices)
    .where(
      and(
        eq(planPrices.planId, planId),
        eq(planPrices.currency, currency),
        eq(planPrices.interval, interval),
        eq(planPrices.active, true),
      ),
    );
  return row ?? null;
}

/** Whether the plan charges anything: a plan with no price, or only zero prices, is free. */
export async function isFreePlan(tx: Tx, planId: string): Promise<boolean> {
  const rows = await tx
    .select({ amount: planPrices.unitAmount })
    .from(planPrices)
    .where(and(eq(planPrices.planId, planId), eq(planPrices.active, true)));
  return rows.every((r) => r.amount === 0);
}

/** The metered Prices billing the plan's soft limits' overage, in a currency and interval. */
export function overagePrices(
  tx: Tx,
  planId: string,
  currency: string,
  interval: PlanInterval,
): Promise<OveragePriceRow[]> {
  return tx
    .select()
    .from(planOveragePrices)
    .where(
      and(
        eq(planOveragePrices.planId, planId),
        eq(planOveragePrices.currency, currency),
        eq(planOveragePrices.interval, interval),
        eq(planOveragePrices.active, true),
      ),
    )
    .orderBy(planOveragePrices.metric);
}

/** The platform's default plan (where a tenant goes back to when its subscription ends). */
export async function defaultPlan(tx: Tx): Promise<PlanRow | null> {
  const [row] = await tx.select().from(plans).where(eq(plans.isDefault, true));
  return row ?? null;
}
