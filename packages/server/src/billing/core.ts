import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { type Enforcement, type PlanInterval, planLimits, plans, tenantBilling } from '../db/schema/index.ts';
import { changedIn } from './entitlements-cache.ts';
import { gaugeMetrics } from './usage/metrics.ts';

// What every part of platform billing reads: a tenant's billing row (made on first use, on the default
// plan) with its billing period, and the limits in force for it. Run inside the tenant's transaction.

export type BillingRow = typeof tenantBilling.$inferSelect;
export type PlanRow = typeof plans.$inferSelect;

export interface Limit {
  metric: string;
  /** in the metric's unit; minor units of `currency` for a monetary metric */
  limit: number;
  enforcement: Enforcement;
  /** '' for a metric that is not money */
  currency: string;
  overageUnitAmountDecimal: string | null;
}

/** `anchor` plus `n` intervals, the day of month clamped as Stripe does (Jan 31 + 1 month = Feb 28/29). */
export function addIntervals(anchor: Date, interval: PlanInterval, n: number): Date {
  const months = interval === 'year' ? 12 * n : n;
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(anchor);
  d.setUTCFullYear(y, m, Math.min(anchor.getUTCDate(), lastDay));
  return d;
}

/**
 * The tenant's billing row, made on first use on the default plan (a monthly period from now), or null when
 * the platform has no default plan and the tenant was never given one. A period of a plan with no Stripe
 * subscription (a free plan) that has ended is rolled forward here; a subscription's periods come from
 * Stripe (`customer.subscription.*`).
 */
export async function billingOf(tx: Tx, tenantId: string, now = new Date()): Promise<BillingRow | null> {
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (row) return row.stripeSubscriptionId || row.periodEnd > now ? row : rollFreePeriod(tx, row, now);
  const [plan] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.isDefault, true));
  if (!plan) return null;
  changedIn(tx, tenantId);
  const [made] = await tx
    .insert(tenantBilling)
    .values({ tenantId, planId: plan.id, periodStart: now, periodEnd: addIntervals(now, 'month', 1) })
    .onConflictDoNothing()
    .returning();
  if (made) return made;
  const [other] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  return other ?? null;
}

async function rollFreePeriod(tx: Tx, row: BillingRow, now: Date): Promise<BillingRow> {
  const anchor = row.periodStart;
  let n = 1;
  while (addIntervals(anchor, 'month', n) <= now) n++;
  const periodStart = addIntervals(anchor, 'month', n - 1);
  changedIn(tx, row.tenantId);
  const [rolled] = await tx
    .update(tenantBilling)
    .set({
      previousPeriodStart: addIntervals(anchor, 'month', n - 2 < 0 ? 0 : n - 2),
      periodStart,
      periodEnd: addIntervals(anchor, 'month', n),
      updatedAt: now,
    })
    .where(and(eq(tenantBilling.tenantId, row.tenantId), eq(tenantBilling.periodStart, row.periodStart)))
    .returning();
  if (rolled) return rolled;
  const [current] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, row.tenantId));
  return current ?? row;
}

/**
 * The start of the billing period `at` falls in: the current one, the one before it, or (a subscription
 * whose renewal Stripe has not told us of yet) the one that follows; null for anything older.
 */
export function periodFor(row: BillingRow, at: Date): Date | null {
  if (at >= row.periodEnd) {
    const interval = row.interval ?? 'month';
    let start = row.periodEnd;
    for (let n = 1; addIntervals(row.periodEnd, interval, n) <= at; n++) {
      start = addIntervals(row.periodEnd, interval, n);
    }
    return start;
  }
  if (at >= row.periodStart) return row.periodStart;
  if (row.previousPeriodStart && at >= row.previousPeriodStart) return row.previousPeriodStart;
  return null;
}

/**
 * The limits in force for a billing row: its plan's, in its subscription's currency for monetary metrics
 * (a free plan has no currency: its monetary limits are those of the plan's only currency, if it has one).
 * A plan's limit is per month: a yearly subscription's period holds twelve of a counted metric (as its
 * overage price is free up to twelve times the limit); a gauge (seats) is a count at any time, not a sum.
 */
export async function limitsFor(tx: Tx, row: BillingRow): Promise<Limit[]> {
  const rows = await tx.select().from(planLimits).where(eq(planLimits.planId, row.planId));
  const moneyCurrencies = [...new Set(rows.filter((r) => r.currency !== '').map((r) => r.currency))];
  const currency = row.currency ?? (moneyCurrencies.length === 1 ? moneyCurrencies[0] : undefined);
  const months = row.interval === 'year' ? 12 : 1;
  return rows
    .filter((r) => r.currency === '' || r.currency === currency)
    .map((r) => ({
      metric: r.metric,
      limit: gaugeMetrics.has(r.metric) ? r.limit : r.limit * months,
      enforcement: r.enforcement,
      currency: r.currency,
      overageUnitAmountDecimal: r.overageUnitAmountDecimal,
    }));
}

/** Plans by id (for lists that show each tenant's plan). */
export function plansByIds(tx: Tx, ids: string[]): Promise<PlanRow[]> {
  return ids.length === 0 ? Promise.resolve([]) : tx.select().from(plans).where(inArray(plans.id, ids));
}
