import { z } from 'zod';
import { amountRangeRule, amountStepOf, isStripeCurrency, stepRule } from '../../currency.ts';
import { planIntervals } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import { currencyCode, unixTime } from '../../http/schemas.ts';
import type { PlanFull } from './repo.ts';

// The plans catalogue's request and response shapes (docs/platform-billing.md, "Plans").

/** A metric's name: built-in (`payment_volume`, `seats`) or the platform's own. */
export const METRIC = /^[a-z][a-z0-9_]{0,39}$/;
/** The metric counted in money: one limit per currency the plan is sold in. */
export const MONEY_METRIC = 'payment_volume';
/** Minor units per unit of the metric, as Stripe's `unit_amount_decimal` takes it (at most 12 decimals). */
const DECIMAL = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/;
/** The largest limit: Stripe's tiers take integers up to this; a year's limit is twelve months'. */
const MAX_LIMIT = 999_999_999_999;

const priceInput = z.strictObject({
  currency: currencyCode,
  interval: z.enum(planIntervals),
  unit_amount: z.number().int().min(0),
});

const limitInput = z.strictObject({
  metric: z.string().regex(METRIC, 'a metric name: lowercase letters, digits and _, starting with a letter'),
  limit: z.number().int().min(0).max(MAX_LIMIT),
  enforcement: z.enum(['soft', 'hard']),
  currency: currencyCode.optional(),
  overage_unit_amount_decimal: z
    .string()
    .regex(DECIMAL, 'a decimal number of minor units per unit, e.g. "0.5"')
    .optional(),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  lookup_key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -, at most 64 characters'),
  description: z.string().max(1000).nullable(),
  trial_days: z.number().int().min(0).max(730),
  prices: z.array(priceInput).max(50),
  limits: z.array(limitInput).max(100),
  features: z
    .record(z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a feature key'), z.boolean())
    .refine((f) => Object.keys(f).length <= 100, 'at most 100 features'),
  thresholds: z.array(z.number().int().min(1).max(1000)).min(1).max(10),
  public: z.boolean(),
  is_default: z.boolean(),
};

type Body = Partial<{ [K in keyof typeof fields]: z.infer<(typeof fields)[K]> }>;

/** The rules between fields of a plan body (each field's own shape is zod's). */
function planRules(b: Body, ctx: z.core.$RefinementCtx<Body>): void {
  const issue = (path: (string | number)[], message: string, apiCode?: string) =>
    ctx.addIssue({ code: 'custom', path, message, ...(apiCode ? { params: { apiCode } } : {}) });
  const seen = new Set<string>();
  for (const [i, p] of (b.prices ?? []).entries()) {
    if (!isStripeCurrency(p.currency)) continue;
    const key = `${p.currency}/${p.interval}`;
    if (seen.has(key)) issue(['prices', i], `a second ${p.interval}ly price in ${p.currency.toUpperCase()}`);
    seen.add(key);
    const range = amountRangeRule(p.unit_amount, p.currency);
    if (range) issue(['prices', i, 'unit_amount'], range);
    else if (p.unit_amount % amountStepOf(p.currency) !== 0)
      issue(['prices', i, 'unit_amount'], stepRule(p.currency));
  }
  const limitKeys = new Set<string>();
  for (const [i, l] of (b.limits ?? []).entries()) {
    const money = l.metric === MONEY_METRIC;
    if (money && !l.currency) issue(['limits', i, 'currency'], `a ${MONEY_METRIC} limit needs its currency`);
    if (!money && l.currency) issue(['limits', i, 'currency'], `only a ${MONEY_METRIC} limit has a currency`);
    if (l.overage_unit_amount_decimal !== undefined && l.enforcement !== 'soft')
      issue(['limits', i, 'overage_unit_amount_decimal'], 'only a soft limit bills overage');
    const key = `${l.metric}/${l.currency ?? ''}`;
    if (limitKeys.has(key))
      issue(['limits', i], `a second limit on ${l.metric}${l.currency ? ` in ${l.currency}` : ''}`);
    limitKeys.add(key);
  }
  if (b.prices && b.limits) {
    const currencies = new Set(b.prices.map((p) => p.currency));
    for (const c of currencies)
      if (b.limits.some((l) => l.metric === MONEY_METRIC) && !limitKeys.has(`${MONEY_METRIC}/${c}`))
        issue(['limits'], `a ${MONEY_METRIC} limit in ${c.toUpperCase()} is missing: one per price currency`);
    for (const [i, l] of b.limits.entries())
      if (l.currency && currencies.size > 0 && !currencies.has(l.currency))
        issue(['limits', i, 'currency'], `the plan has no price in ${l.currency.toUpperCase()}`);
  }
  const t = b.thresholds ?? [];
  for (let i = 1; i < t.length; i++)
    if (t[i]! <= t[i - 1]!) issue(['thresholds', i], 'thresholds go up: each above the one before');
}

const planBody = z.strictObject(fields).partial();

export const planCreateBody = planBody.required({ name: true, lookup_key: true }).superRefine(planRules);
export type PlanCreateBody = z.infer<typeof planCreateBody>;

export const planUpdateBody = planBody.superRefine(planRules);
export type PlanUpdateBody = z.infer<typeof planUpdateBody>;

export const planMigrateBody = z.strictObject({ currency: currencyCode, interval: z.enum(planIntervals) });

export const planListQuery = listQuerySchema.extend({ archived: z.enum(['true', 'false']).optional() });

const RATE = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/;
export const ratesBody = z
  .strictObject({
    rates: z
      .array(
        z.strictObject({
          from: currencyCode,
          to: currencyCode,
          rate: z.string().regex(RATE, 'a decimal number, e.g. "0.92"'),
        }),
      )
      .max(500),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    for (const [i, r] of b.rates.entries()) {
      if (r.from === r.to)
        ctx.addIssue({
          code: 'custom',
          path: ['rates', i, 'to'],
          message: 'a rate converts between two currencies',
        });
      if (!/[1-9]/.test(r.rate))
        ctx.addIssue({ code: 'custom', path: ['rates', i, 'rate'], message: 'a rate is above zero' });
      if (seen.has(`${r.from}/${r.to}`))
        ctx.addIssue({
          code: 'custom',
          path: ['rates', i],
          message: `a second rate from ${r.from} to ${r.to}`,
        });
      seen.add(`${r.from}/${r.to}`);
    }
  });

// ---------------------------------------------------------------------------------------------------------
// Responses

const priceSchema = z.object({
  currency: z.string(),
  interval: z.enum(planIntervals),
  unit_amount: z.number(),
  active: z.boolean(),
  stripe_price_id: z.string().nullable(),
  created: z.number(),
  superseded_at: z.number().nullable(),
});
const limitSchema = z.object({
  metric: z.string(),
  currency: z.string().nullable(),
  limit: z.number(),
  enforcement: z.enum(['soft', 'hard']),
  overage_unit_amount_decimal: z.string().nullable(),
});
const overageSchema = z.object({
  metric: z.string(),
  currency: z.string(),
  interval: z.enum(planIntervals),
  limit: z.number(),
  unit_amount_decimal: z.string(),
  stripe_price_id: z.string().nullable(),
});

export const planSchema = z
  .object({
    id: z.string(),
    object: z.literal('plan'),
    name: z.string(),
    lookup_key: z.string(),
    description: z.string().nullable(),
    trial_days: z.number(),
    free: z.boolean(),
    public: z.boolean(),
    is_default: z.boolean(),
    archived: z.boolean(),
    archived_at: z.number().nullable(),
    features: z.record(z.string(), z.boolean()),
    thresholds: z.array(z.number()),
    limits_version: z.number(),
    prices: z.array(priceSchema),
    limits: z.array(limitSchema),
    overage_prices: z.array(overageSchema),
    stripe_product_id: z.string().nullable(),
    created: z.number(),
    updated: z.number(),
  })
  .meta({ id: 'Plan' });
export type ApiPlan = z.infer<typeof planSchema>;

/** No price, or only zero prices: no card, no Stripe subscription. */
export function isFreePlan(prices: { unitAmount: number; active: boolean }[]): boolean {
  return prices.filter((p) => p.active).every((p) => p.unitAmount === 0);
}

/** The API shape of a plan; `current` keeps only what a tenant choosing a plan sees (active prices). */
export function toApiPlan(f: PlanFull, opts: { current?: boolean } = {}): ApiPlan {
  const { plan } = f;
  const prices = opts.current ? f.prices.filter((p) => p.active) : f.prices;
  const overage = f.overage.filter((o) => o.active);
  return {
    id: toPublicId('plan', plan.id),
    object: 'plan',
    name: plan.name,
    lookup_key: plan.lookupKey,
    description: plan.description,
    trial_days: plan.trialDays,
    free: isFreePlan(f.prices),
    public: plan.public,
    is_default: plan.isDefault,
    archived: plan.archivedAt !== null,
    archived_at: unixTime(plan.archivedAt),
    features: plan.features,
    thresholds: plan.thresholds,
    limits_version: plan.limitsVersion,
    prices: prices.map((p) => ({
      currency: p.currency,
      interval: p.interval,
      unit_amount: p.unitAmount,
      active: p.active,
      stripe_price_id: p.stripePriceId,
      created: unixTime(p.createdAt)!,
      superseded_at: unixTime(p.supersededAt),
    })),
    limits: f.limits.map((l) => ({
      metric: l.metric,
      currency: l.currency || null,
      limit: l.limit,
      enforcement: l.enforcement,
      overage_unit_amount_decimal: l.overageUnitAmountDecimal,
    })),
    overage_prices: overage.map((o) => ({
      metric: o.metric,
      currency: o.currency,
      interval: o.interval,
      limit: o.limit,
      unit_amount_decimal: o.unitAmountDecimal,
      stripe_price_id: o.stripePriceId,
    })),
    stripe_product_id: plan.stripeProductId,
    created: unixTime(plan.createdAt)!,
    updated: unixTime(plan.updatedAt)!,
  };
}

export const rateSchema = z.object({
  from: z.string(),
  to: z.string(),
  rate: z.string(),
  updated: z.number(),
});

const countSchema = z.object({
  currency: z.string(),
  interval: z.enum(planIntervals),
  unit_amount: z.number(),
  tenants: z.number(),
});
const limitSide = limitSchema.omit({ metric: true, currency: true }).nullable();

export const previewSchema = z.object({
  object: z.literal('plan_change_preview'),
  plan: z.string(),
  tenants_on_plan: z.number(),
  prices: z.array(
    z.object({
      currency: z.string(),
      interval: z.enum(planIntervals),
      change: z.enum(['added', 'changed', 'removed', 'unchanged']),
      old_unit_amount: z.number().nullable(),
      new_unit_amount: z.number().nullable(),
      /** tenants on the current price: they keep it until the operator migrates them */
      tenants_keeping_price: z.number(),
    }),
  ),
  /** tenants already on older prices (superseded before this change) */
  superseded: z.array(countSchema),
  limits: z.array(
    z.object({ metric: z.string(), currency: z.string().nullable(), old: limitSide, new: limitSide }),
  ),
  /** tenants whose limits change at once (limits apply to every tenant on the plan) */
  tenants_with_new_limits: z.number(),
  features_added: z.array(z.string()),
  features_removed: z.array(z.string()),
  limits_version_bump: z.boolean(),
});
export type ApiPreview = z.infer<typeof previewSchema>;

export const migrationSchema = z.object({
  object: z.literal('plan_migration'),
  plan: z.string(),
  currency: z.string(),
  interval: z.enum(planIntervals),
  unit_amount: z.number(),
  migrated: z.number(),
  failed: z.array(z.object({ tenant: z.string(), message: z.string() })),
});
