import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import type { FeeScheduleSnapshot } from '../db/schema/index.ts';
import { type FeeSchedule, type StripePricing, stripeRateFor } from './model.ts';
import * as repo from './repo.ts';
import { defaultStripeRates } from './stripe-rates.ts';

/** The platform's default fee, from the config (PLATFORM_FEE_*). */
export function platformSchedule(config: Config): FeeSchedule {
  return {
    percentBps: config.PLATFORM_FEE_BPS,
    fixed: config.PLATFORM_FEE_FIXED,
    min: config.PLATFORM_FEE_MIN,
    max: config.PLATFORM_FEE_MAX,
    passThroughStripeFee: config.PLATFORM_FEE_PASS_THROUGH,
  };
}

/**
 * Stripe's price as the platform pays it, to estimate the pass-through up front: STRIPE_PRICING over the
 * built-in table (unless STRIPE_PRICING_BPS/_FIXED are set), the rest at STRIPE_PRICING_BPS/_FIXED. Charges
 * are priced for CONNECT_COUNTRY, where the accounts the platform opens settle.
 */
export function stripePricing(config: Config): StripePricing {
  return {
    country: config.CONNECT_COUNTRY,
    rates: { ...(config.stripePricingDefaults ? defaultStripeRates : {}), ...config.STRIPE_PRICING },
    percentBps: config.STRIPE_PRICING_BPS,
    fixed: config.STRIPE_PRICING_FIXED,
  };
}

export type FeeOverride = Omit<repo.FeeScheduleRow, 'tenantId' | 'createdAt' | 'updatedAt'>;

/** The tenant's override over the platform default: each field the tenant's when set, else the default's. */
export function mergeSchedule(base: FeeSchedule, o: FeeOverride | null): FeeSchedule {
  return {
    percentBps: o?.percentBps ?? base.percentBps,
    fixed: o?.fixed ?? base.fixed,
    min: o?.min ?? base.min ?? {},
    max: o?.max ?? base.max ?? {},
    passThroughStripeFee: o?.passThroughStripeFee ?? base.passThroughStripeFee,
  };
}

/** The schedule in force for a tenant, read in its transaction. */
export async function effectiveSchedule(tx: Tx, config: Config, tenantId: string): Promise<FeeSchedule> {
  return mergeSchedule(platformSchedule(config), await repo.getFeeOverride(tx, tenantId));
}

/** The schedule and Stripe's price for `currency` as a payment keeps them (its `fee_schedule`). */
export function scheduleSnapshot(
  schedule: FeeSchedule,
  pricing: StripePricing,
  currency: string,
): FeeScheduleSnapshot {
  const rate = stripeRateFor(pricing, currency);
  return {
    percent_bps: schedule.percentBps,
    fixed: schedule.fixed,
    min: schedule.min ?? {},
    max: schedule.max ?? {},
    pass_through_stripe_fee: schedule.passThroughStripeFee,
    stripe_rate: { country: pricing.country, percent_bps: rate.percentBps, fixed: rate.fixed },
  };
}

/** The schedule a payment was charged under, back from its snapshot. */
export function scheduleOfSnapshot(s: FeeScheduleSnapshot): FeeSchedule {
  return {
    percentBps: s.percent_bps,
    fixed: s.fixed,
    min: s.min,
    max: s.max,
    passThroughStripeFee: s.pass_through_stripe_fee,
  };
}
