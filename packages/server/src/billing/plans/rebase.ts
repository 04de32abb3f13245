import type { Ctx } from '../../context.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import { limitsChanged } from '../tenant-plan/limits-changed.ts';
import * as repo from './repo.ts';

/**
 * A plan's limits changed: each tenant still on it gets a new limits version and its alerts re-based (the
 * limits-changed hooks), in its own transaction, as a change of plan would.
 */
export async function rebaseSubscribers(ctx: Ctx, planId: string): Promise<void> {
  const ids = await withSystem(ctx.db, 'operator.billing_subscribers', (tx) =>
    repo.tenantIdsOnPlan(tx, planId),
  );
  for (const id of ids) {
    await withTenant(ctx.db, id, async (tx) => {
      if (await repo.bumpLimitsVersion(tx, id, planId)) await limitsChanged(tx, id);
    });
  }
}
