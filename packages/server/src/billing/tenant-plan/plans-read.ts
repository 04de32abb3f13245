import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { plans } from '../../db/schema/index.ts';
import { fromPublicId } from '../../http/ids.ts';
import * as catalogue from '../plans/repo.ts';
import { isFreePlan as freeByPrices } from '../plans/schemas.ts';

// The plans catalogue as a tenant's plan needs it (platform tables: readable in the tenant's transaction).

export type { OveragePriceRow, PlanPriceRow, PlanRow } from '../plans/repo.ts';
export {
  currentPrice as activePrice,
  defaultPlan,
  getPlan as planById,
  overagePricesFor as overagePrices,
} from '../plans/repo.ts';

/** A plan named by its public id (`plan_…`) or its lookup key; archived plans are not offered. */
export async function planByRef(tx: Tx, ref: string): Promise<catalogue.PlanRow | null> {
  const id = fromPublicId('plan', ref);
  const [row] = await tx
    .select()
    .from(plans)
    .where(id ? eq(plans.id, id) : eq(plans.lookupKey, ref));
  return row && !row.archivedAt ? row : null;
}

/** Whether the plan charges anything: a plan with no price, or only zero prices, is free. */
export async function isFreePlan(tx: Tx, planId: string): Promise<boolean> {
  const full = await catalogue.fullPlan(tx, planId);
  return freeByPrices(full?.prices ?? []);
}
