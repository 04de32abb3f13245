import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import {
  billingMeters,
  planLimits,
  planOveragePrices,
  planPrices,
  plans,
} from '../../src/db/schema/index.ts';
import { withSystem } from '../../src/db/tenant.ts';
import type { TestApp } from '../helpers/app.ts';

/**
 * Plans as the operator makes them: rows written in the operator's system context, their Stripe product,
 * prices and meter made straight on the sandbox (the platform account) with the SDK.
 */
export interface PlanFixture {
  id: string;
  lookupKey: string;
  priceId: string | null;
  stripePriceId: string | null;
  overageStripePriceId: string | null;
}

/** The platform's default (free) plan: the one already there, or a new one. */
export async function defaultFreePlan(t: Pick<TestApp, 'database'>): Promise<PlanFixture> {
  return withSystem(t.database.db, 'operator.billing', async (tx) => {
    const [found] = await tx.select().from(plans).where(eq(plans.isDefault, true));
    const row =
      found ??
      (
        await tx
          .insert(plans)
          .values({ lookupKey: `free_${randomBytes(3).toString('hex')}`, name: 'Free', isDefault: true })
          .returning()
      )[0]!;
    return {
      id: row.id,
      lookupKey: row.lookupKey,
      priceId: null,
      stripePriceId: null,
      overageStripePriceId: null,
    };
  });
}

/**
 * A paid plan sold monthly in `currency`, with a soft `api_calls` limit billed through a metered price and a
 * hard `payment_volume` limit.
 */
export async function paidPlan(
  t: Pick<TestApp, 'database'>,
  stripe: Stripe,
  opts: { name: string; amount: number; currency?: string; trialDays?: number },
): Promise<PlanFixture> {
  const currency = opts.currency ?? 'usd';
  const lookupKey = `${opts.name.toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const product = await stripe.products.create({
    name: opts.name,
    metadata: { tributary_kind: 'platform_plan' },
  });
  const base = await stripe.prices.create({
    product: product.id,
    currency,
    unit_amount: opts.amount,
    recurring: { interval: 'month' },
  });
  const eventName = `tributary_api_calls_${randomBytes(3).toString('hex')}`;
  const meter = await stripe.billing.meters.create({
    display_name: 'API calls',
    event_name: eventName,
    default_aggregation: { formula: 'sum' },
  });
  const overage = await stripe.prices.create({
    product: product.id,
    currency,
    unit_amount: 1,
    recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
  });
  return withSystem(t.database.db, 'operator.billing', async (tx) => {
    const [plan] = await tx
      .insert(plans)
      .values({
        lookupKey,
        name: opts.name,
        trialDays: opts.trialDays ?? 0,
        features: { sso: opts.amount > 5000 },
        stripeProductId: product.id,
      })
      .returning();
    const [price] = await tx
      .insert(planPrices)
      .values({
        planId: plan!.id,
        currency,
        interval: 'month',
        unitAmount: opts.amount,
        stripePriceId: base.id,
      })
      .returning();
    await tx.insert(planLimits).values([
      {
        planId: plan!.id,
        metric: 'api_calls',
        limit: 1000,
        enforcement: 'soft',
        overageUnitAmountDecimal: '1',
      },
      // a monetary limit, in the plan's currency (minor units): 5,000.00
      { planId: plan!.id, metric: 'payment_volume', currency, limit: 500_000, enforcement: 'hard' },
    ]);
    await tx
      .insert(billingMeters)
      .values({ metric: `api_calls_${lookupKey}`, eventName, stripeMeterId: meter.id });
    await tx.insert(planOveragePrices).values({
      planId: plan!.id,
      metric: 'api_calls',
      currency,
      interval: 'month',
      limit: 1000,
      unitAmountDecimal: '1',
      stripePriceId: overage.id,
    });
    return {
      id: plan!.id,
      lookupKey,
      priceId: price!.id,
      stripePriceId: base.id,
      overageStripePriceId: overage.id,
    };
  });
}
