import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { type PlanInterval, tenantBilling } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import { emitOutbound } from '../../webhooks/service.ts';
import type { BillingRow } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { limitsChanged } from './limits-changed.ts';
import { planById } from './plans-read.ts';

// A tenant moving to another plan (or price) in its own transaction: the billing row, its limits version,
// the limits hooks, the entitlements cache and the outbound `tenant.plan.changed` — one way for a quote
// accepted and paid, a pending update Stripe applied, and a scheduled downgrade whose phase began.

export interface PlanTarget {
  planId: string;
  planPriceId: string | null;
  currency: string | null;
  interval: PlanInterval | null;
}

/** Sends `tenant.plan.changed` for a move already written. */
export async function announcePlanChange(
  tx: Tx,
  jobs: Jobs,
  before: BillingRow,
  after: BillingRow,
  cause: 'quote' | 'stripe' | 'schedule' | 'ended' | 'operator',
): Promise<void> {
  const [from, to] = [await planById(tx, before.planId), await planById(tx, after.planId)];
  const ref = (p: typeof from) =>
    p ? { id: toPublicId('plan', p.id), lookup_key: p.lookupKey, name: p.name } : null;
  await emitOutbound(tx, jobs, {
    tenantId: after.tenantId,
    type: 'tenant.plan.changed',
    data: {
      object: 'tenant_plan_change',
      tenant: toPublicId('tenant', after.tenantId),
      plan: ref(to),
      interval: after.interval,
      currency: after.currency,
      previous_plan: ref(from),
      previous_interval: before.interval,
      limits_version: after.limitsVersion,
      cause,
      changed_at: Math.floor(after.updatedAt.getTime() / 1000),
    },
  });
}

/**
 * Moves the row to `target` with `extra` columns (the subscription's period, a pending change cleared), bumps
 * the limits version when the limits in force change, and runs the limits hooks. Returns the row after.
 */
export async function movePlan(
  tx: Tx,
  row: BillingRow,
  target: PlanTarget,
  extra: Partial<typeof tenantBilling.$inferInsert> = {},
): Promise<BillingRow> {
  const limitsMoved = row.planId !== target.planId || (row.currency ?? null) !== (target.currency ?? null);
  changedIn(tx, row.tenantId);
  const [after] = await tx
    .update(tenantBilling)
    .set({
      ...extra,
      planId: target.planId,
      planPriceId: target.planPriceId,
      currency: target.currency,
      interval: target.interval,
      limitsVersion: limitsMoved ? row.limitsVersion + 1 : row.limitsVersion,
      updatedAt: new Date(),
    })
    .where(eq(tenantBilling.tenantId, row.tenantId))
    .returning();
  if (limitsMoved) await limitsChanged(tx, row.tenantId);
  return after!;
}
