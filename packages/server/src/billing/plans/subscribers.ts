import type { Ctx } from '../../context.ts';
import type { PlanInterval } from '../../db/schema/index.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { toPublicId } from '../../http/ids.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { insertAudit } from '../../scope/audit.ts';
import { diffPlan } from './changes.ts';
import * as repo from './repo.ts';
import type { ApiPreview, PlanUpdateBody } from './schemas.ts';
import { planByPublicId } from './service.ts';
import type { PlanDeps } from './stripe.ts';

// What a plan change does to the tenants on the plan (the preview the editor shows before saving), and
// the operator's explicit migration of those still on superseded prices to the current one.

type BillingRow = NonNullable<Awaited<ReturnType<typeof repo.billingRow>>>;

/** Each tenant's billing row on the plan, read in that tenant's own transaction. */
async function subscribersOf(ctx: Ctx, planId: string): Promise<BillingRow[]> {
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

export interface MigrationResult {
  planId: string;
  currency: string;
  interval: PlanInterval;
  unitAmount: number;
  migrated: number;
  failed: { tenant: string; message: string }[];
}

/**
 * Moves the tenants still on superseded prices of (currency, interval) to the plan's current price, at
 * their next renewal: the subscription item's price is swapped without proration, so the period already
 * paid stays as it was. Each tenant is changed (and audited) in its own transaction; the Stripe ids come
 * from our rows only.
 */
export async function migratePlan(
  ctx: Ctx,
  deps: PlanDeps,
  publicId: string,
  input: { currency: string; interval: PlanInterval },
): Promise<MigrationResult> {
  requirePlatformScope(ctx.actor, 'billing:write');
  const { plan, current, old } = await withSystem(ctx.db, 'operator.billing', async (tx) => {
    const plan = await planByPublicId(tx, publicId);
    const full = (await repo.fullPlan(tx, plan.id))!;
    const current = full.prices.find(
      (p) => p.active && p.currency === input.currency && p.interval === input.interval,
    );
    if (!current?.stripePriceId)
      throw new ApiError(
        'parameter_invalid',
        `The plan has no current ${input.interval}ly price in ${input.currency.toUpperCase()} to migrate to.`,
        { param: 'currency' },
      );
    const old = full.prices.filter(
      (p) => !p.active && p.currency === input.currency && p.interval === input.interval,
    );
    return { plan, current, old };
  });
  const oldIds = new Map(old.map((p) => [p.id, p]));
  const result: MigrationResult = {
    planId: plan.id,
    currency: input.currency,
    interval: input.interval,
    unitAmount: current.unitAmount,
    migrated: 0,
    failed: [],
  };
  for (const row of await subscribersOf(ctx, plan.id)) {
    const from = row.planPriceId ? oldIds.get(row.planPriceId) : undefined;
    if (!from) continue;
    try {
      if (row.stripeSubscriptionId) await swapPrice(deps, row, from.stripePriceId, current);
      const moved = await withTenant(ctx.db, row.tenantId, async (tx) => {
        const ok = await repo.setTenantPrice(tx, row.tenantId, from.id, current.id);
        if (ok)
          await insertAudit(tx, ctx.actor, ctx.requestId, {
            tenantId: row.tenantId,
            action: 'billing.plan_price_migrated',
            target: { kind: 'plan', id: plan.id },
            data: {
              currency: input.currency,
              interval: input.interval,
              from: from.unitAmount,
              to: current.unitAmount,
            },
          });
        return ok;
      });
      if (moved) result.migrated++;
    } catch (err) {
      ctx.log.warn({ err, tenant: row.tenantId, plan: plan.id }, 'plan price migration failed for a tenant');
      result.failed.push({
        tenant: toPublicId('tenant', row.tenantId),
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
  await withSystem(ctx.db, 'operator.billing', (tx) =>
    insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'plan.migrated',
      target: { kind: 'plan', id: plan.id },
      data: {
        currency: input.currency,
        interval: input.interval,
        to: current.unitAmount,
        migrated: result.migrated,
        failed: result.failed.length,
      },
    }),
  );
  return result;
}

/** The subscription's item on the old price now bills the current one, from the next renewal. */
async function swapPrice(
  deps: PlanDeps,
  row: BillingRow,
  oldStripePrice: string | null,
  current: repo.PlanPriceRow,
): Promise<void> {
  const subscriptionId = row.stripeSubscriptionId!;
  const sub = await deps.stripe.call(
    { action: 'read the plan subscription', account: null, movesMoney: false },
    (stripe, opts) => stripe.subscriptions.retrieve(subscriptionId, {}, opts),
  );
  const item = sub.items.data.find((i) => i.price.id === oldStripePrice);
  if (!item) return; // already on another price (migrated, or changed on Stripe)
  await deps.stripe.call(
    {
      action: 'move the subscription to the current price',
      account: null,
      movesMoney: false,
      purpose: 'plan_migration',
      record: row.tenantId,
      discriminator: current.id,
    },
    (stripe, opts) =>
      stripe.subscriptions.update(
        subscriptionId,
        { items: [{ id: item.id, price: current.stripePriceId! }], proration_behavior: 'none' },
        opts,
      ),
  );
}
