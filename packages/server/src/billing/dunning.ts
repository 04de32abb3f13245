import { eq } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { type BillingState, tenantBilling } from '../db/schema/index.ts';
import { withTenant } from '../db/tenant.ts';
import { entitlementsCacheOf } from './entitlements-cache.ts';

// What dunning's phases change in the answers of billing, and the state http/dunning.ts decides the
// tenant credentials' restrictions by.

/** The phases in which the platform's restrictions apply (the grace period, `past_due`, has none). */
export const RESTRICTED_STATES: readonly BillingState[] = ['warning', 'suspended'];

export const isRestricted = (state: string): boolean =>
  (RESTRICTED_STATES as readonly string[]).includes(state);

/**
 * The tenant's `tenant_billing.state` (`active` with no row yet): from this process's entitlements answer
 * when it holds one (kept true by `changedIn` and the table's announcements), else one primary-key read.
 */
export async function billingStateOf(db: Db, tenantId: string): Promise<BillingState> {
  const cached = entitlementsCacheOf(db)?.get(tenantId) as { state: BillingState } | undefined;
  if (cached) return cached.state;
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx.select({ state: tenantBilling.state }).from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId)),
  );
  return row?.state ?? 'active';
}

/**
 * The entitlements as the platform's app reads them: in `warning` and `suspended`, the features named by
 * DUNNING_RESTRICTED_FEATURES report false and `restricted` lists them; otherwise `restricted` is empty.
 * Applied to the cached answer on the way out, so the cache holds the plan's own features.
 */
export function withRestrictions<T extends { state: string; features: Record<string, boolean> }>(
  answer: T,
  config: Pick<Config, 'dunningRestrictedFeatures'>,
): T & { restricted: string[] } {
  if (!isRestricted(answer.state)) return { ...answer, restricted: [] };
  const restricted = [...config.dunningRestrictedFeatures];
  const features = { ...answer.features };
  for (const f of restricted) features[f] = false;
  return { ...answer, features, restricted };
}
