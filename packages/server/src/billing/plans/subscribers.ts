import type { Ctx } from '../../context.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import { toPublicId } from '../../http/ids.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { diffPlan } from './changes.ts';
import * as repo from './repo.ts';
import type { ApiPreview, PlanUpdateBody } from './schemas.ts';
import { planByPublicId } from './service.ts';

// What a plan change does to the tenants on the plan: the preview the editor shows before saving.

export type BillingRow = NonNullable<Awaited<ReturnType<typeof repo.billingRow>>>;

/** Each tenant's billing row on the plan, read in that tenant's own transaction. */
export async function subscribersOf(ctx: Ctx, planId: string): Promise<BillingRow[]> {
  const ids = await withSystem(ctx.db, 'operator.billing_subscribers', (tx) =>
    repo.tenantIdsOnPlan(tx, planId),
  );
  const rows: BillingRow[] = [];
  for (const id of ids) {
    const row = await withTenant(ctx.db, id, (tx) => repo.billingRow(tx, id));
    // the tenant may have changed plan since the scan
    if (row && row.planId === planId) rows.push(row);
  }
  return rows;
}

const lim = (
  l: { limit: number; enforcement: 'soft' | 'hard'; overageUnitAmountDecimal: string | null } | null,
) =>
  l
    ? { limit: l.limit, enforcement: l.enforcement, overage_unit_amount_decimal: l.overageUnitAmountDecimal }
    : null;

/** What saving `body` would change for the plan's tenants, without saving it. */
export async function previewPlan(ctx: Ctx, publicId: string, body: PlanUpdateBody): Promise<ApiPreview> {
  requirePlatformScope(ctx.actor, 'billing:read');
  const full = await withSystem(ctx.db, 'operator.billing', async (tx) => {
    const row = await planByPublicId(tx, publicId);
    return (await repo.fullPlan(tx, row.id))!;
  });
  const diff = diffPlan(full, body);
  const subs = await subscribersOf(ctx, full.plan.id);
  const onPrice = (id: string) => subs.filter((s) => s.planPriceId === id).length;
  return {
    object: 'plan_change_preview',
    plan: toPublicId('plan', full.plan.id),
    tenants_on_plan: subs.length,
    prices: diff.prices.map((p) => ({
      currency: p.currency,
      interval: p.interval,
      change: p.change,
      old_unit_amount: p.old?.unitAmount ?? null,
      new_unit_amount: p.newAmount,
      tenants_keeping_price: p.old && p.change !== 'unchanged' ? onPrice(p.old.id) : 0,
    })),
    superseded: full.prices
      .filter((p) => !p.active)
      .map((p) => ({
        currency: p.currency,
        interval: p.interval,
        unit_amount: p.unitAmount,
        tenants: onPrice(p.id),
      }))
      .filter((p) => p.tenants > 0),
    limits: diff.limitRows
      .filter((r) => !r.old || !r.new || JSON.stringify(lim(r.old)) !== JSON.stringify(lim(r.new)))
      .map((r) => ({ metric: r.metric, currency: r.currency || null, old: lim(r.old), new: lim(r.new) })),
    tenants_with_new_limits: diff.limitsChanged ? subs.length : 0,
    features_added: diff.featuresAdded,
    features_removed: diff.featuresRemoved,
    limits_version_bump: diff.limitsChanged,
  };
}
