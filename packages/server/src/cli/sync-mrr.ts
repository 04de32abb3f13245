import * as billing from '../billing/service.ts';
import type { Ctx } from '../context.ts';
import { tenantExists } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { StripeFailure, type StripeGateway } from '../stripe/gateway.ts';
import * as subscriptions from '../subscriptions/service.ts';
import * as tenants from '../tenants/service.ts';

/**
 * `tributary sync mrr [--tenant <id>]` (docs/analytics.md, "Capture"): each tenant's (or the one named)
 * customers' subscriptions and its plan subscriptions with the platform, from Stripe into the MRR history.
 * Safe to run again: what the history already holds is left as it is. A tenant Stripe refuses (its account
 * disconnected, Stripe failing) is reported in `failed` and the others go on; run it again for those.
 */
export async function syncMrr(ctx: Ctx, stripe: StripeGateway, tenantId?: string) {
  const ids: string[] = [];
  if (tenantId) {
    if (!(await tenantExists(ctx.db, tenantId)))
      throw ApiError.notFound('tenant', toPublicId('tenant', tenantId));
    ids.push(tenantId);
  } else {
    for (let after: string | null = null; ; ) {
      const page = await tenants.listTenants(ctx, { limit: 100, startingAfter: after });
      ids.push(...page.data.map((t) => t.id));
      if (!page.hasMore || page.data.length === 0) break;
      after = page.data.at(-1)!.id;
    }
  }
  const deps = { db: ctx.db, stripe };
  const platform = subscriptions.platformSubscriptions(deps);
  const total = { tenants: ids.length, subscriptions: 0, plan_subscriptions: 0, completed: 0 };
  const failed: { tenant: string; error: string }[] = [];
  for (const id of ids) {
    try {
      const own = await subscriptions.backfillTenantMrr(deps, id, platform);
      const plan = await billing.backfillPlanMrr(deps, id);
      total.subscriptions += own.subscriptions;
      total.plan_subscriptions += plan.subscriptions;
      total.completed += own.completed + plan.completed;
    } catch (err) {
      if (!(err instanceof StripeFailure) || tenantId) throw err;
      failed.push({ tenant: toPublicId('tenant', id), error: `${err.kind}: ${err.message}` });
    }
  }
  return { ...total, failed };
}
