import type { Ctx } from '../../context.ts';
import { withSystem } from '../../db/tenant.ts';
import { toPublicId } from '../../http/ids.ts';
import type { StripeRef } from '../../stripe/client.ts';
import * as repo from './repo.ts';
import { isFreePlan } from './schemas.ts';

// The Stripe objects of the platform's plans, on the platform's own account (no Stripe-Account): a Product
// per paid plan, a Price per plan_prices row, a Billing Meter per metric billed for overage and a metered
// graduated Price per overage row. Our rows come first (with no Stripe id), then each missing object is
// made under a key derived from its row, so a failed save completes on the next one without duplicates.

export type PlanDeps = { stripe: StripeRef };

const KIND = { tributary_kind: 'platform_plan' } as const;

/** The meter of a gauge (`seats`) reads its last value; every other metric adds up. */
const formulaOf = (metric: string) => (metric === 'seats' ? 'last' : 'sum');

function saveIds(ctx: Ctx, fn: (tx: Parameters<Parameters<typeof withSystem>[2]>[0]) => Promise<void>) {
  return withSystem(ctx.db, 'operator.billing', fn);
}

/** Makes every Stripe object the plan's active rows lack; returns nothing new for a free plan. */
export async function completeStripeObjects(ctx: Ctx, deps: PlanDeps, planId: string): Promise<void> {
  const full = await withSystem(ctx.db, 'operator.billing', (tx) => repo.fullPlan(tx, planId));
  if (!full || isFreePlan(full.prices)) return;
  const { plan } = full;
  const planTag = { ...KIND, tributary_plan_id: toPublicId('plan', plan.id) };
  let productId = plan.stripeProductId;
  if (!productId) {
    const product = await deps.stripe.call(
      {
        action: 'create the plan product',
        account: null,
        movesMoney: false,
        purpose: 'platform_product',
        record: plan.id,
        attempt: 1,
      },
      (stripe, opts) =>
        stripe.products.create(
          {
            name: plan.name,
            ...(plan.description ? { description: plan.description } : {}),
            metadata: planTag,
          },
          opts,
        ),
    );
    productId = product.id;
    await saveIds(ctx, (tx) => repo.updatePlan(tx, plan.id, { stripeProductId: product.id }).then(() => {}));
  }
  for (const row of full.prices.filter((p) => p.active && !p.stripePriceId)) {
    const price = await deps.stripe.call(
      {
        action: 'create the plan price',
        account: null,
        movesMoney: false,
        input: { unit_amount: 'prices[][unit_amount]', currency: 'prices[][currency]' },
        purpose: 'platform_price',
        record: row.id,
        attempt: 1,
      },
      (stripe, opts) =>
        stripe.prices.create(
          {
            product: productId,
            currency: row.currency,
            unit_amount: row.unitAmount,
            recurring: { interval: row.interval },
            lookup_key: `tributary_${plan.lookupKey}_${row.currency}_${row.interval}`,
            transfer_lookup_key: true,
            metadata: planTag,
          },
          opts,
        ),
    );
    await saveIds(ctx, (tx) => repo.setPriceStripeId(tx, row.id, price.id));
  }
  const pending = full.overage.filter((o) => o.active && !o.stripePriceId);
  if (pending.length === 0) return;
  const meterIds = await ensureMeters(ctx, deps, [...new Set(pending.map((o) => o.metric))]);
  for (const row of pending) {
    const limit = row.limit;
    const price = await deps.stripe.call(
      {
        action: 'create the overage price',
        account: null,
        movesMoney: false,
        input: { tiers: 'limits[][overage_unit_amount_decimal]' },
        purpose: 'platform_overage_price',
        record: row.id,
        attempt: 1,
      },
      (stripe, opts) => {
        // free up to the limit, then the rate per unit (Stripe takes the rate as a decimal)
        const { Decimal } = stripe;
        const rate = { up_to: 'inf' as const, unit_amount_decimal: Decimal.from(row.unitAmountDecimal) };
        const tiers = limit > 0 ? [{ up_to: limit, unit_amount: 0 }, rate] : [rate];
        return stripe.prices.create(
          {
            product: productId,
            currency: row.currency,
            recurring: { interval: row.interval, usage_type: 'metered', meter: meterIds.get(row.metric)! },
            billing_scheme: 'tiered',
            tiers_mode: 'graduated',
            tiers,
            metadata: { ...planTag, tributary_metric: row.metric },
          },
          opts,
        );
      },
    );
    await saveIds(ctx, (tx) => repo.setOverageStripeId(tx, row.id, price.id));
  }
}

/** The Stripe meter of each metric (event name `tributary_<metric>`), made on first use. */
async function ensureMeters(ctx: Ctx, deps: PlanDeps, metrics: string[]): Promise<Map<string, string>> {
  const rows = await withSystem(ctx.db, 'operator.billing', async (tx) => {
    for (const m of metrics) await repo.ensureMeterRow(tx, m);
    return repo.meters(tx, metrics);
  });
  const ids = new Map<string, string>();
  for (const row of rows) {
    if (row.stripeMeterId) {
      ids.set(row.metric, row.stripeMeterId);
      continue;
    }
    const meter = await deps.stripe.call(
      {
        action: 'create the billing meter',
        account: null,
        movesMoney: false,
        purpose: 'billing_meter',
        record: row.metric,
      },
      (stripe, opts) =>
        stripe.billing.meters.create(
          {
            display_name: row.metric,
            event_name: row.eventName,
            default_aggregation: { formula: formulaOf(row.metric) },
            customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
            value_settings: { event_payload_key: 'value' },
          },
          opts,
        ),
    );
    await saveIds(ctx, (tx) => repo.setMeterStripeId(tx, row.metric, meter.id));
    ids.set(row.metric, meter.id);
  }
  return ids;
}

/** Archives the plan's product on Stripe (no new subscriptions; existing ones go on). */
export async function archiveProduct(deps: PlanDeps, plan: repo.PlanRow): Promise<void> {
  const productId = plan.stripeProductId;
  if (!productId) return;
  await deps.stripe.call(
    {
      action: 'archive the plan product',
      account: null,
      movesMoney: false,
      purpose: 'platform_product_archive',
      record: plan.id,
    },
    (stripe, opts) => stripe.products.update(productId, { active: false }, opts),
  );
}

/** The product's name and description follow the plan's (Stripe shows them on the tenant's invoices). */
export async function renameProduct(deps: PlanDeps, plan: repo.PlanRow): Promise<void> {
  const productId = plan.stripeProductId;
  if (!productId) return;
  await deps.stripe.call(
    {
      action: 'rename the plan product',
      account: null,
      movesMoney: false,
      input: { name: 'name', description: 'description' },
      purpose: 'platform_product_update',
      record: plan.id,
      discriminator: plan.updatedAt.getTime(),
    },
    (stripe, opts) =>
      stripe.products.update(productId, { name: plan.name, description: plan.description ?? '' }, opts),
  );
}
