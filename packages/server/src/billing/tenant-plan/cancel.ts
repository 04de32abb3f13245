import { eq } from 'drizzle-orm';
import { tenantBilling } from '../../db/schema/index.ts';
import { syncedNoEarlierThan } from '../../db/sync-guard.ts';
import { ApiError } from '../../http/errors.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import { billingOf } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { readSubscription, releaseSchedule, setCancelAtPeriodEnd } from './quote-calls.ts';
import { type TenantBillingView, type TenantPlanDeps, viewOf } from './service.ts';
import { ended, NO_PENDING_CHANGE, subscriptionColumns } from './sync.ts';

// Cancel at the period's end (the tenant keeps its plan until then, then the ended subscription puts it on
// the default plan) and resume (the cancellation, or a scheduled change, taken back).

async function liveRow(scope: TenantScope) {
  return inTenant(scope, 'billing:write', async (tx) => {
    const row = await billingOf(tx, scope.tenantId);
    if (!row?.stripeSubscriptionId || !row.stripeStatus || ended(row.stripeStatus))
      throw new ApiError('plan_change_invalid', 'The tenant has no paid plan subscription.', {
        param: 'subscription',
      });
    return row;
  });
}

export async function cancelAtPeriodEnd(
  scope: TenantScope,
  deps: TenantPlanDeps,
  cancel: boolean,
): Promise<TenantBillingView> {
  const row = await liveRow(scope);
  const rowVersion = row.updatedAt.getTime();
  // our answers are at least as new as this: a snapshot an event fetched before it must not undo them
  const calledAt = new Date();
  // a schedule owns the subscription's cancellation (Stripe refuses cancel_at_period_end on a subscription a
  // schedule manages, also in the schedule's last phase, after the row forgot it): it is released either way
  const current = await readSubscription(deps.stripe, row.stripeSubscriptionId!);
  const schedule =
    (typeof current.schedule === 'string' ? current.schedule : current.schedule?.id) ?? row.stripeScheduleId;
  if (schedule)
    await releaseSchedule(deps.stripe, {
      tenantId: scope.tenantId,
      schedule,
      rowVersion,
    });
  const sub =
    row.cancelAtPeriodEnd !== cancel
      ? await setCancelAtPeriodEnd(deps.stripe, {
          tenantId: scope.tenantId,
          subscription: row.stripeSubscriptionId!,
          rowVersion,
          cancel,
        })
      : null;
  return inTenant(scope, 'billing:write', async (tx) => {
    changedIn(tx, scope.tenantId);
    const [after] = await tx
      .update(tenantBilling)
      .set({
        cancelAtPeriodEnd: sub ? subscriptionColumns(sub).cancelAtPeriodEnd : cancel,
        ...NO_PENDING_CHANGE,
        ...(sub || schedule
          ? {
              lastSyncedAt: syncedNoEarlierThan(tenantBilling.lastSyncedAt, calledAt),
            }
          : {}),
        updatedAt: new Date(),
      })
      .where(eq(tenantBilling.tenantId, scope.tenantId))
      .returning();
    await scope.audit(tx, {
      action: cancel ? 'billing.plan_cancel_scheduled' : 'billing.plan_resumed',
      target: { kind: 'plan', id: row.planId },
      data: { subscription: row.stripeSubscriptionId, dropped_schedule: schedule ?? null },
    });
    return viewOf(tx, after ?? row);
  });
}
