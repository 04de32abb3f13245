import type { Ctx } from '../../context.ts';
import type { PlanInterval } from '../../db/schema/index.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { toPublicId } from '../../http/ids.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { insertAudit } from '../../scope/audit.ts';
import { contentDigest } from '../../stripe/gateway.ts';
import * as repo from './repo.ts';
import { planByPublicId } from './service.ts';
import type { PlanDeps } from './stripe.ts';
import { type BillingRow, subscribersOf } from './subscribers.ts';

// The operator's explicit migration of a plan's tenants in one currency and interval to the plan as it is
// now: the current price in place of a superseded one, and the current overage prices in place of those a
// limit change replaced (a soft limit added gets its overage price), effective at renewal.

export interface MigrationResult {
  planId: string;
  currency: string;
  interval: PlanInterval;
  unitAmount: number;
  migrated: number;
  failed: { tenant: string; message: string }[];
}

/** What a subscription should bill: the current base price and overage prices, and the ones they replace. */
interface Target {
  current: repo.PlanPriceRow & { stripePriceId: string };
  oldBase: Set<string>;
  /** metric → its current overage Price */
  overage: Map<string, string>;
  /** a replaced overage Price → its metric */
  oldOverage: Map<string, string>;
}

/**
 * Each tenant on the plan in (currency, interval) is brought to the plan as it is now. Its subscription
 * items are changed without proration (the period already paid stays as it was; the next renewal bills the
 * new prices) and its new price recorded, each tenant in its own transaction and audited; the Stripe ids
 * come from our rows only.
 */
export async function migratePlan(
  ctx: Ctx,
  deps: PlanDeps,
  publicId: string,
  input: { currency: string; interval: PlanInterval },
): Promise<MigrationResult> {
  requirePlatformScope(ctx.actor, 'billing:write');
  const { plan, target, old } = await withSystem(ctx.db, 'operator.billing', async (tx) => {
    const plan = await planByPublicId(tx, publicId);
    const full = (await repo.fullPlan(tx, plan.id))!;
    const same = (p: { currency: string; interval: PlanInterval }) =>
      p.currency === input.currency && p.interval === input.interval;
    const current = full.prices.find((p) => p.active && same(p));
    if (!current?.stripePriceId)
      throw new ApiError(
        'parameter_invalid',
        `The plan has no current ${input.interval}ly price in ${input.currency.toUpperCase()} to migrate to.`,
        { param: 'currency' },
      );
    const old = full.prices.filter((p) => !p.active && same(p));
    const overage = full.overage.filter((o) => same(o) && o.stripePriceId);
    const target: Target = {
      current: { ...current, stripePriceId: current.stripePriceId },
      oldBase: new Set(old.flatMap((p) => (p.stripePriceId ? [p.stripePriceId] : []))),
      overage: new Map(overage.filter((o) => o.active).map((o) => [o.metric, o.stripePriceId!])),
      oldOverage: new Map(overage.filter((o) => !o.active).map((o) => [o.stripePriceId!, o.metric])),
    };
    return { plan, target, old };
  });
  const oldIds = new Map(old.map((p) => [p.id, p]));
  const { current } = target;
  const result: MigrationResult = {
    planId: plan.id,
    currency: input.currency,
    interval: input.interval,
    unitAmount: current.unitAmount,
    migrated: 0,
    failed: [],
  };
  for (const row of await subscribersOf(ctx, plan.id)) {
    if (row.currency !== input.currency || row.interval !== input.interval) continue;
    const from = row.planPriceId ? oldIds.get(row.planPriceId) : undefined;
    try {
      const calledAt = new Date();
      const items = row.stripeSubscriptionId ? await swapItems(deps, row, target) : 0;
      if (!from && items === 0) continue;
      const moved = await withTenant(ctx.db, row.tenantId, async (tx) => {
        const priceMoved = from
          ? await repo.setTenantPrice(tx, row.tenantId, from.id, current.id, calledAt)
          : false;
        if (!priceMoved && items === 0) return false;
        await insertAudit(tx, ctx.actor, ctx.requestId, {
          tenantId: row.tenantId,
          action: 'billing.plan_price_migrated',
          target: { kind: 'plan', id: plan.id },
          data: {
            currency: input.currency,
            interval: input.interval,
            from: priceMoved ? from!.unitAmount : current.unitAmount,
            to: current.unitAmount,
            subscription_items_changed: items,
          },
        });
        return true;
      });
      if (moved) result.migrated++;
    } catch (err) {
      ctx.log.warn({ err, tenant: row.tenantId, plan: plan.id }, 'plan migration failed for a tenant');
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

/**
 * The subscription's items on replaced prices now bill the current ones, and a current overage price it
 * lacks is added; returns how many items changed (0: nothing to do, no call made).
 */
async function swapItems(deps: PlanDeps, row: BillingRow, target: Target): Promise<number> {
  const subscriptionId = row.stripeSubscriptionId!;
  const sub = await deps.stripe.call(
    { action: 'read the plan subscription', account: null, movesMoney: false },
    (stripe, opts) => stripe.subscriptions.retrieve(subscriptionId, {}, opts),
  );
  const items: { id?: string; price: string }[] = [];
  const billed = new Set(sub.items.data.map((i) => i.price.id));
  for (const item of sub.items.data) {
    const price = item.price.id;
    if (target.oldBase.has(price)) items.push({ id: item.id, price: target.current.stripePriceId });
    const metric = target.oldOverage.get(price);
    const now = metric ? target.overage.get(metric) : undefined;
    if (now && !billed.has(now)) {
      items.push({ id: item.id, price: now });
      billed.add(now);
    }
  }
  for (const price of target.overage.values()) if (!billed.has(price)) items.push({ price });
  if (items.length === 0) return 0;
  await deps.stripe.call(
    {
      action: 'move the subscription to the current prices',
      account: null,
      movesMoney: false,
      purpose: 'plan_migration',
      record: row.tenantId,
      discriminator: contentDigest(JSON.stringify([subscriptionId, items])),
    },
    (stripe, opts) =>
      stripe.subscriptions.update(subscriptionId, { items, proration_behavior: 'none' }, opts),
  );
  return items.length;
}
