import { backfillPlanSubscription, recordPlanSuspension } from '../../analytics/service.ts';
import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import type { StripeGateway } from '../../stripe/gateway.ts';
import { SUBSCRIPTION_LIST_EXPAND, subscriptionNow, withItemCoupons } from '../../stripe/subscriptions.ts';
import { billingOf } from '../core.ts';
import { openCaseOf } from '../dunning/cases.ts';

// `tributary sync mrr` for the platform (docs/analytics.md, "Capture"): every plan subscription of the
// tenant's billing customer at Stripe (the current one and those it replaced) completes the platform's MRR
// history from its current state, and a plan dunning holds suspended now is suspended there too.

export async function backfillPlanMrr(
  deps: { db: Db; stripe: StripeGateway },
  tenantId: string,
): Promise<{ subscriptions: number; completed: number }> {
  const result = { subscriptions: 0, completed: 0 };
  const billing = await withTenant(deps.db, tenantId, (tx) => billingOf(tx, tenantId));
  const customer = billing?.stripeCustomerId;
  if (!customer) return result;
  const read = { action: "read the tenant's plan subscriptions", account: null, movesMoney: false } as const;
  const list = deps.stripe.each(read, (s, opts) =>
    s.subscriptions.list({ customer, status: 'all', limit: 100, expand: SUBSCRIPTION_LIST_EXPAND }, opts),
  );
  for await (const listed of list) {
    const sub = await deps.stripe.call(read, (s, opts) => withItemCoupons(s, listed, opts));
    const now = await deps.stripe.call(read, (s, opts) => subscriptionNow(s, sub, opts));
    const completed = await withTenant(deps.db, tenantId, async (tx) => {
      const added = await backfillPlanSubscription(tx, tenantId, customer, sub, now);
      const open = await openCaseOf(tx, tenantId);
      const row = await billingOf(tx, tenantId);
      if (open?.phase === 'suspended' && row?.stripeSubscriptionId === sub.id)
        await recordPlanSuspension(tx, {
          tenantId,
          caseId: open.id,
          subscription: sub.id,
          customer,
          at: open.suspendAt,
        });
      return added;
    });
    result.subscriptions++;
    if (completed) result.completed++;
  }
  return result;
}
