import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import {
  billingMeters,
  currencyRates,
  type PlanInterval,
  planLimits,
  planOveragePrices,
  planPrices,
  plans,
  tenantBilling,
} from '../../db/schema/index.ts';
import { syncedNoEarlierThan } from '../../db/sync-guard.ts';
import { type Page, type PageQuery, paginate } from '../../http/pagination.ts';
import { changedIn } from '../entitlements-cache.ts';

// SQL of the plans catalogue. Platform tables: readable in every context, written only inside
// withSystem, reason 'operator.billing'.

export type PlanRow = typeof plans.$inferSelect;
export type PlanPriceRow = typeof planPrices.$inferSelect;
export type PlanLimitRow = typeof planLimits.$inferSelect;
export type OveragePriceRow = typeof planOveragePrices.$inferSelect;
export type MeterRow = typeof billingMeters.$inferSelect;
export type RateRow = typeof currencyRates.$inferSelect;

/** A plan with every price it ever had (the active ones first), its limits and its overage prices. */
export interface PlanFull {
  plan: PlanRow;
  prices: PlanPriceRow[];
  limits: PlanLimitRow[];
  overage: OveragePriceRow[];
}

export async function getPlan(tx: Tx, id: string): Promise<PlanRow | null> {
  const [row] = await tx.select().from(plans).where(eq(plans.id, id));
  return row ?? null;
}

export async function getPlanForUpdate(tx: Tx, id: string): Promise<PlanRow | null> {
  const [row] = await tx.select().from(plans).where(eq(plans.id, id)).for('update');
  return row ?? null;
}

export async function fullPlans(tx: Tx, rows: PlanRow[]): Promise<PlanFull[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [prices, limits, overage] = await Promise.all([
    tx
      .select()
      .from(planPrices)
      .where(inArray(planPrices.planId, ids))
      .orderBy(
        desc(planPrices.active),
        asc(planPrices.currency),
        asc(planPrices.interval),
        desc(planPrices.createdAt),
      ),
    tx
      .select()
      .from(planLimits)
      .where(inArray(planLimits.planId, ids))
      .orderBy(asc(planLimits.metric), asc(planLimits.currency)),
    tx
      .select()
      .from(planOveragePrices)
      .where(inArray(planOveragePrices.planId, ids))
      .orderBy(desc(planOveragePrices.active), asc(planOveragePrices.createdAt)),
  ]);
  return rows.map((plan) => ({
    plan,
    prices: prices.filter((p) => p.planId === plan.id),
    limits: limits.filter((l) => l.planId === plan.id),
    overage: overage.filter((o) => o.planId === plan.id),
  }));
}

export async function fullPlan(tx: Tx, id: string): Promise<PlanFull | null> {
  const plan = await getPlan(tx, id);
  return plan ? ((await fullPlans(tx, [plan]))[0] ?? null) : null;
}

/** A page of plans, newest first; `archived` true/false keeps only archived / live ones. */
export function listPlans(
  tx: Tx,
  q: { archived?: boolean; publicOnly?: boolean } & PageQuery,
): Promise<Page<PlanRow>> {
  const where = and(
    q.archived === undefined
      ? undefined
      : q.archived
        ? isNotNull(plans.archivedAt)
        : isNull(plans.archivedAt),
    q.publicOnly ? eq(plans.public, true) : undefined,
  );
  return paginate<PlanRow>(tx, { table: plans, id: plans.id, created: plans.createdAt }, where, q);
}

export async function defaultPlan(tx: Tx): Promise<PlanRow | null> {
  const [row] = await tx.select().from(plans).where(eq(plans.isDefault, true));
  return row ?? null;
}

export async function lookupKeyTaken(tx: Tx, lookupKey: string, except?: string): Promise<boolean> {
  const [row] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.lookupKey, lookupKey));
  return Boolean(row && row.id !== except);
}

export async function insertPlan(tx: Tx, values: typeof plans.$inferInsert): Promise<PlanRow> {
  changedIn(tx, '*');
  const [row] = await tx.insert(plans).values(values).returning();
  return row!;
}

export async function updatePlan(
  tx: Tx,
  id: string,
  set: Partial<typeof plans.$inferInsert>,
): Promise<PlanRow> {
  changedIn(tx, '*');
  const [row] = await tx
    .update(plans)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(plans.id, id))
    .returning();
  return row!;
}

export async function deletePlan(tx: Tx, id: string): Promise<void> {
  changedIn(tx, '*');
  await tx.delete(plans).where(eq(plans.id, id));
}

export async function insertPrice(
  tx: Tx,
  values: { planId: string; currency: string; interval: PlanInterval; unitAmount: number },
): Promise<PlanPriceRow> {
  const [row] = await tx.insert(planPrices).values(values).returning();
  return row!;
}

/** Marks a price inactive: its subscribers keep it; new ones get the plan's current price. */
export async function supersedePrice(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.update(planPrices).set({ active: false, supersededAt: at }).where(eq(planPrices.id, id));
}

export async function setPriceStripeId(tx: Tx, id: string, stripePriceId: string): Promise<void> {
  await tx.update(planPrices).set({ stripePriceId }).where(eq(planPrices.id, id));
}

export async function currentPrice(
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
        eq(planPrices.currency, currency.toLowerCase()),
        eq(planPrices.interval, interval),
        eq(planPrices.active, true),
      ),
    );
  return row ?? null;
}

export async function replaceLimits(tx: Tx, planId: string, rows: (typeof planLimits.$inferInsert)[]) {
  changedIn(tx, '*');
  await tx.delete(planLimits).where(eq(planLimits.planId, planId));
  if (rows.length) await tx.insert(planLimits).values(rows);
}

export async function insertOverage(
  tx: Tx,
  values: Omit<typeof planOveragePrices.$inferInsert, 'id'>,
): Promise<OveragePriceRow> {
  const [row] = await tx.insert(planOveragePrices).values(values).returning();
  return row!;
}

export async function deactivateOverage(tx: Tx, id: string): Promise<void> {
  await tx.update(planOveragePrices).set({ active: false }).where(eq(planOveragePrices.id, id));
}

export async function setOverageStripeId(tx: Tx, id: string, stripePriceId: string): Promise<void> {
  await tx.update(planOveragePrices).set({ stripePriceId }).where(eq(planOveragePrices.id, id));
}

export function overagePricesFor(
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
        eq(planOveragePrices.currency, currency.toLowerCase()),
        eq(planOveragePrices.interval, interval),
        eq(planOveragePrices.active, true),
      ),
    )
    .orderBy(asc(planOveragePrices.metric));
}

export async function meters(tx: Tx, metrics: string[]): Promise<MeterRow[]> {
  return metrics.length ? tx.select().from(billingMeters).where(inArray(billingMeters.metric, metrics)) : [];
}

export async function ensureMeterRow(tx: Tx, metric: string): Promise<void> {
  await tx
    .insert(billingMeters)
    .values({ metric, eventName: `tributary_${metric}` })
    .onConflictDoNothing();
}

export async function setMeterStripeId(tx: Tx, metric: string, stripeMeterId: string): Promise<void> {
  await tx.update(billingMeters).set({ stripeMeterId }).where(eq(billingMeters.metric, metric));
}

export function listRates(tx: Tx): Promise<RateRow[]> {
  return tx.select().from(currencyRates).orderBy(asc(currencyRates.from), asc(currencyRates.to));
}

export async function replaceRates(tx: Tx, rates: { from: string; to: string; rate: string }[]) {
  await tx.delete(currencyRates);
  if (rates.length)
    await tx.insert(currencyRates).values(rates.map((r) => ({ ...r, updatedAt: new Date() })));
}

/** The tenants on a plan, ids only (the system scan; each tenant's row is then read in its own transaction). */
export async function tenantIdsOnPlan(tx: Tx, planId: string): Promise<string[]> {
  const rows = await tx
    .select({ tenantId: tenantBilling.tenantId })
    .from(tenantBilling)
    .where(eq(tenantBilling.planId, planId))
    .orderBy(asc(tenantBilling.tenantId));
  return rows.map((r) => r.tenantId);
}

export async function billingRow(tx: Tx, tenantId: string) {
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  return row ?? null;
}

/**
 * Moves the tenant from one price of its plan to another. `calledAt` (taken before the Stripe call that
 * moved its subscription) moves the sync guard, so a subscription snapshot fetched before the move cannot
 * put the old price back.
 */
export async function setTenantPrice(
  tx: Tx,
  tenantId: string,
  from: string,
  to: string,
  calledAt: Date,
): Promise<boolean> {
  const rows = await tx
    .update(tenantBilling)
    .set({
      planPriceId: to,
      lastSyncedAt: syncedNoEarlierThan(tenantBilling.lastSyncedAt, calledAt),
      updatedAt: new Date(),
    })
    .where(and(eq(tenantBilling.tenantId, tenantId), eq(tenantBilling.planPriceId, from)))
    .returning({ tenantId: tenantBilling.tenantId });
  return rows.length > 0;
}

/** A new limits version for the tenant, if it is still on the plan (its plan's limits changed). */
export async function bumpLimitsVersion(tx: Tx, tenantId: string, planId: string): Promise<boolean> {
  changedIn(tx, tenantId);
  const rows = await tx
    .update(tenantBilling)
    .set({ limitsVersion: sql`${tenantBilling.limitsVersion} + 1`, updatedAt: new Date() })
    .where(and(eq(tenantBilling.tenantId, tenantId), eq(tenantBilling.planId, planId)))
    .returning({ tenantId: tenantBilling.tenantId });
  return rows.length > 0;
}
