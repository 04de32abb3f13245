import { eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { billingMeters, type PlanInterval, plans } from '../../db/schema/index.ts';
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

/** One Stripe price a plan's subscription bills: the base price (no meter), or an overage price and its meter. */
export interface WantedItem {
  price: string;
  meter: string | null;
}

/**
 * The Stripe prices a subscription to the plan in `currency` per `interval` bills, the base price first, each
 * overage price with the Stripe meter it bills (meters are shared by every plan: one per metric), or null
 * when the plan is not sold so.
 */
export async function wantedItems(
  tx: Tx,
  planId: string,
  currency: string,
  interval: PlanInterval,
): Promise<WantedItem[] | null> {
  const base = await catalogue.currentPrice(tx, planId, currency, interval);
  if (!base?.stripePriceId) return null;
  const overage = (await catalogue.overagePricesFor(tx, planId, currency, interval)).filter(
    (o) => o.stripePriceId,
  );
  const metrics = overage.map((o) => o.metric);
  const meters = metrics.length
    ? await tx.select().from(billingMeters).where(inArray(billingMeters.metric, metrics))
    : [];
  const meterOf = new Map(meters.map((m) => [m.metric, m.stripeMeterId]));
  return [
    { price: base.stripePriceId, meter: null },
    ...overage.map((o) => ({ price: o.stripePriceId!, meter: meterOf.get(o.metric) ?? null })),
  ];
}
