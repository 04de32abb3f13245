import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { plans } from '../../db/schema/index.ts';
import { type BillingRow, type Limit, limitsFor, type PlanRow } from '../core.ts';

// The plan and limits in force for a tenant's billing row. The plan row is read each time (a primary key
// lookup: its features and state change without a version); its limits are cached by the plan's
// `limits_version`, which every edit of them bumps, so a cached entry is never stale.

export interface Terms {
  plan: PlanRow;
  /** metric → its limit in the row's currency (monetary metrics) */
  limits: ReadonlyMap<string, Limit>;
}

const CACHE_MAX = 2000;
const limitCache = new Map<string, ReadonlyMap<string, Limit>>();

export async function termsOf(tx: Tx, row: BillingRow): Promise<Terms | null> {
  const [plan] = await tx.select().from(plans).where(eq(plans.id, row.planId));
  return plan ? termsWith(tx, row, plan) : null;
}

/** The terms of `row` with its plan already read. */
export async function termsWith(tx: Tx, row: BillingRow, plan: PlanRow): Promise<Terms> {
  const key = `${plan.id}:${plan.limitsVersion}:${row.currency ?? ''}:${row.interval ?? ''}`;
  let limits = limitCache.get(key);
  if (!limits) {
    limits = new Map((await limitsFor(tx, row)).map((l) => [l.metric, l]));
    if (limitCache.size >= CACHE_MAX) limitCache.delete(limitCache.keys().next().value as string);
    limitCache.set(key, limits);
  }
  return { plan, limits };
}

/** The plan's thresholds (percent of a limit), ascending and unique. */
export function thresholdsOf(plan: PlanRow): number[] {
  return [...new Set(plan.thresholds)].filter((t) => Number.isFinite(t) && t > 0).sort((a, b) => a - b);
}

/** The usage at which threshold `percent` of `limit` is reached. */
export const thresholdAt = (limit: number, percent: number) => Math.ceil((limit * percent) / 100);

/**
 * Whether `adding` more fits a limit with `used` taken: a soft limit always does (the overage is billed).
 * What `entitlements/check` answers and what the join path enforces for `seats`, so the two agree.
 */
export const fitsLimit = (limit: Pick<Limit, 'limit' | 'enforcement'>, used: number, adding: number) =>
  limit.enforcement !== 'hard' || used + adding <= limit.limit;
