import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { currencyCode, perCurrencyAmounts, unixTime } from '../http/schemas.ts';
import { feeBreakdownSchema } from './breakdown-schema.ts';
import type { FeeBreakdown, FeeSchedule, StripePricing } from './model.ts';
import type { FeePreview, FeeScheduleView } from './service.ts';

/** minor units, 0 to 99999999 (bounds checked with each currency, said in its major units) */
const minor = z.number().int();

const perCurrency = perCurrencyAmounts(minor).refine(
  (m) => Object.keys(m).length <= 50,
  'at most 50 currencies',
);

export const feeScheduleBody = z.strictObject({
  percent_bps: z.number().int().min(0).max(10_000).nullable().optional(),
  fixed: perCurrency.nullable().optional(),
  min: perCurrency.nullable().optional(),
  max: perCurrency.nullable().optional(),
  pass_through_stripe_fee: z.boolean().nullable().optional(),
});

const scheduleShape = {
  percent_bps: z.number().int(),
  fixed: z.record(z.string(), z.number().int()),
  min: z.record(z.string(), z.number().int()),
  max: z.record(z.string(), z.number().int()),
  pass_through_stripe_fee: z.boolean(),
};

const rateSchema = z.object({ percent_bps: z.number().int(), fixed: z.number().int() });

/** Stripe's price as configured: `rates` by "COUNTRY/currency" (`*` any country), else percent_bps + fixed. */
export const pricingSchema = z.object({
  /** the settlement country charges are priced for */
  country: z.string(),
  rates: z.record(z.string(), rateSchema),
  percent_bps: z.number().int(),
  fixed: z.record(z.string(), z.number().int()),
});

export const feeScheduleSchema = z.object({
  object: z.literal('fee_schedule'),
  tenant: z.string(),
  ...scheduleShape,
  /** what the tenant overrides (null fields inherit the platform default) */
  override: z
    .object({
      percent_bps: z.number().int().nullable(),
      fixed: z.record(z.string(), z.number().int()).nullable(),
      min: z.record(z.string(), z.number().int()).nullable(),
      max: z.record(z.string(), z.number().int()).nullable(),
      pass_through_stripe_fee: z.boolean().nullable(),
    })
    .nullable(),
  stripe_pricing: pricingSchema,
  updated_at: z.number().int().nullable(),
});

const scheduleFields = (e: FeeSchedule) => ({
  percent_bps: e.percentBps,
  fixed: e.fixed,
  min: e.min ?? {},
  max: e.max ?? {},
  pass_through_stripe_fee: e.passThroughStripeFee,
});

export const pricingFields = (p: StripePricing): z.infer<typeof pricingSchema> => ({
  country: p.country,
  rates: Object.fromEntries(
    Object.entries(p.rates).map(([k, r]) => [k, { percent_bps: r.percentBps, fixed: r.fixed }]),
  ),
  percent_bps: p.percentBps,
  fixed: p.fixed,
});

export function toApiFeeSchedule(v: FeeScheduleView): z.infer<typeof feeScheduleSchema> {
  const o = v.override;
  return {
    object: 'fee_schedule',
    tenant: toPublicId('tenant', v.tenantId),
    ...scheduleFields(v.effective),
    override: o
      ? {
          percent_bps: o.percentBps,
          fixed: o.fixed,
          min: o.min,
          max: o.max,
          pass_through_stripe_fee: o.passThroughStripeFee,
        }
      : null,
    stripe_pricing: pricingFields(v.pricing),
    updated_at: unixTime(v.updatedAt),
  };
}

/** GET /v1/fee_schedule: the platform's default (PLATFORM_FEE_*) and Stripe's price (STRIPE_PRICING_*). */
export const platformFeeScheduleSchema = z.object({
  object: z.literal('platform_fee_schedule'),
  ...scheduleShape,
  stripe_pricing: pricingSchema,
});

export function toApiPlatformFeeSchedule(v: {
  schedule: FeeSchedule;
  pricing: StripePricing;
}): z.infer<typeof platformFeeScheduleSchema> {
  return {
    object: 'platform_fee_schedule',
    ...scheduleFields(v.schedule),
    stripe_pricing: pricingFields(v.pricing),
  };
}

/** Unknown parameters are ignored, as on the other GETs that take no list parameters. */
export const feePreviewQuery = z.object({
  /** minor units; default $100.00 */
  amount: z.coerce.number().int().min(0).max(99_999_999).default(10_000),
  currency: currencyCode.default('usd'),
});

export const feePreviewSchema = z.object({
  object: z.literal('fee_preview'),
  tenant: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  /** the schedule in force that the numbers come from */
  schedule: z.object(scheduleShape),
  /** Standard-like accounts (direct charges, the account pays Stripe) and Express-like (destination charges) */
  standard: feeBreakdownSchema,
  express: feeBreakdownSchema,
});

const toApiBreakdown = (b: FeeBreakdown): z.infer<typeof feeBreakdownSchema> => ({
  platform_fee: b.platformFee,
  application_fee: b.applicationFeeAmount,
  stripe_fee: b.stripeFee,
  stripe_fee_payer: b.stripeFeePayer,
  tenant_net: b.tenantNet,
  platform_net: b.platformNet,
});

export function toApiFeePreview(v: FeePreview): z.infer<typeof feePreviewSchema> {
  return {
    object: 'fee_preview',
    tenant: toPublicId('tenant', v.tenantId),
    amount: v.amount,
    currency: v.currency,
    schedule: scheduleFields(v.schedule),
    standard: toApiBreakdown(v.breakdowns.standard),
    express: toApiBreakdown(v.breakdowns.express),
  };
}
