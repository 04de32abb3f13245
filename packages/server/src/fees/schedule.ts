import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import type { FeeSchedule, StripePricing } from './model.ts';
import * as repo from './repo.ts';

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

/** Stripe's price as the platform pays it (STRIPE_PRICING_*), to estimate the pass-through up front. */
export function stripePricing(config: Config): StripePricing {
  return { percentBps: config.STRIPE_PRICING_BPS, fixed: config.STRIPE_PRICING_FIXED };
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
