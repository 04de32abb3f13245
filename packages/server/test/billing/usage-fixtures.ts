import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { changedIn, entitlementsCacheOf } from '../../src/billing/entitlements-cache.ts';
import type { Database } from '../../src/db/client.ts';
import { planLimits, plans, tenantBilling } from '../../src/db/schema/index.ts';
import { withSystem, withTenant } from '../../src/db/tenant.ts';
import { bearer, type TestApp, type TestTenant } from '../helpers/app.ts';

// Plans and tenants' billing rows for the usage tests, written as the operator and the tenant-plan code do.

export interface LimitSpec {
  metric: string;
  limit: number;
  enforcement: 'soft' | 'hard';
  currency?: string;
  overage?: string | null;
}

export async function createPlan(
  database: Database,
  opts: { name: string; limits: LimitSpec[]; features?: Record<string, boolean>; thresholds?: number[] },
): Promise<string> {
  return withSystem(database.db, 'operator.billing', async (tx) => {
    const [plan] = await tx
      .insert(plans)
      .values({
        lookupKey: `${opts.name.toLowerCase()}_${randomBytes(4).toString('hex')}`,
        name: opts.name,
        features: opts.features ?? {},
        thresholds: opts.thresholds ?? [80, 100],
      })
      .returning();
    if (opts.limits.length > 0)
      await tx.insert(planLimits).values(
        opts.limits.map((l) => ({
          planId: plan!.id,
          metric: l.metric,
          currency: l.currency ?? '',
          limit: l.limit,
          enforcement: l.enforcement,
          overageUnitAmountDecimal: l.overage ?? null,
        })),
      );
    return plan!.id;
  });
}

/** Puts the tenant on `planId` for a monthly period that started a day ago. */
export async function putOnPlan(
  database: Database,
  tenantId: string,
  planId: string,
  opts: { currency?: string; stripeCustomerId?: string; stripeSubscriptionId?: string } = {},
): Promise<void> {
  const start = new Date(Date.now() - 24 * 3600_000);
  const end = new Date(start.getTime() + 30 * 24 * 3600_000);
  await withTenant(database.db, tenantId, (tx) => {
    changedIn(tx, tenantId);
    return tx
      .insert(tenantBilling)
      .values({
        tenantId,
        planId,
        currency: opts.currency ?? 'usd',
        interval: 'month',
        periodStart: start,
        periodEnd: end,
        stripeCustomerId: opts.stripeCustomerId ?? null,
        stripeSubscriptionId: opts.stripeSubscriptionId ?? null,
      })
      .onConflictDoUpdate({ target: tenantBilling.tenantId, set: { planId } });
  });
}

/** What the tenant-plan code does on a plan change: the new plan, the limits version bumped. */
export async function changePlan(database: Database, tenantId: string, planId: string) {
  const { rebaseAlerts } = await import('../../src/billing/service.ts');
  const { sql } = await import('drizzle-orm');
  await withTenant(database.db, tenantId, async (tx) => {
    changedIn(tx, tenantId);
    await tx
      .update(tenantBilling)
      .set({ planId, limitsVersion: sql`${tenantBilling.limitsVersion} + 1` })
      .where(eq(tenantBilling.tenantId, tenantId));
    await rebaseAlerts(tx, tenantId);
  });
}

/**
 * Resolves once this process heard the database announce a change of the tenant's entitlements (or of
 * every tenant's): after a change made as another server would (SQL), before reading them again.
 */
export function entitlementsAnnounced(database: Database, tenantId: string): Promise<void> {
  const cache = entitlementsCacheOf(database.db);
  if (!cache) throw new Error('no entitlements cache on this database');
  const previous = cache.onAnnouncement;
  return new Promise((resolve) => {
    cache.onAnnouncement = (payload) => {
      previous?.(payload);
      if (payload === '*' || payload.split(' ').includes(tenantId)) {
        cache.onAnnouncement = previous;
        resolve();
      }
    };
  });
}

/** GET …/entitlements as the platform's app calls it (200 expected). */
export async function readEntitlements(t: TestApp, tenant: TestTenant, key = t.platformKey) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/tenants/${tenant.publicId}/entitlements`,
    headers: bearer(key),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
