import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import {
  type AccountKind,
  computeFees,
  type FeeBreakdown,
  type FeeSchedule,
  type StripePricing,
} from './model.ts';
import * as repo from './repo.ts';
import {
  effectiveSchedule,
  type FeeOverride,
  mergeSchedule,
  platformSchedule,
  stripePricing,
} from './schedule.ts';

export { feeBreakdownSchema } from './breakdown-schema.ts';
export { requireCoversFees } from './covers.ts';
// The fees domain: the application fee model (model.ts), the platform's default schedule and each tenant's
// override of it (schedule.ts, repo.ts), and what a payment would cost (previewFees). Payments, invoices and
// subscriptions take their fees from here; this file is the only one of fees/ they import.
export * from './model.ts';
export * from './schedule.ts';

export interface FeeScheduleView {
  tenantId: string;
  effective: FeeSchedule;
  override: FeeOverride | null;
  pricing: StripePricing;
  updatedAt: Date | null;
}

async function view(tx: Tx, config: Config, tenantId: string): Promise<FeeScheduleView> {
  const row = await repo.getFeeOverride(tx, tenantId);
  return {
    tenantId,
    effective: mergeSchedule(platformSchedule(config), row),
    override: row,
    pricing: stripePricing(config),
    updatedAt: row?.updatedAt ?? null,
  };
}

export function getFeeSchedule(scope: TenantScope) {
  return inTenant(scope, 'payments:read', (tx) => view(tx, scope.config, scope.tenantId));
}

/**
 * Sets the tenant's override; a field given as null goes back to the platform default. The platform's own
 * fee is the platform's to set (a platform key or the operator): a tenant may read it, never lower it.
 */
export function setFeeSchedule(scope: TenantScope, input: Partial<FeeOverride>) {
  return inTenant(scope, 'fees:write', async (tx) => {
    requirePlatformScope(scope.actor, 'fees:write');
    await repo.upsertFeeOverride(tx, scope.tenantId, input);
    await scope.audit(tx, {
      action: 'payments.fee_schedule_updated',
      target: { kind: 'tenant', id: scope.tenantId },
      data: input as Record<string, unknown>,
    });
    return view(tx, scope.config, scope.tenantId);
  });
}

/** The platform's default fee and Stripe's price, as configured: the platform's to read (the operator page). */
export function getPlatformSchedule(ctx: Ctx): { schedule: FeeSchedule; pricing: StripePricing } {
  requirePlatformScope(ctx.actor, 'fees:read');
  return { schedule: platformSchedule(ctx.config), pricing: stripePricing(ctx.config) };
}

export interface FeePreview {
  tenantId: string;
  amount: number;
  currency: string;
  schedule: FeeSchedule;
  breakdowns: Record<AccountKind, FeeBreakdown>;
}

/**
 * What a payment of `amount` would cost under the tenant's schedule in force, for both account kinds, by the
 * same computeFees the charges use (so the dashboard's worked example cannot drift from the real fee).
 * Stripe's fee is the estimate from STRIPE_PRICING_*; a settled payment carries the real one. The tenant may
 * read it (`payments:read`) as it reads its schedule: it is what its own payments cost.
 */
export function previewFees(scope: TenantScope, input: { amount: number; currency: string }) {
  const { amount, currency } = input;
  return inTenant(scope, 'payments:read', async (tx): Promise<FeePreview> => {
    const schedule = await effectiveSchedule(tx, scope.config, scope.tenantId);
    const pricing = stripePricing(scope.config);
    const of = (kind: AccountKind) => computeFees({ amount, currency, kind, schedule, pricing });
    return {
      tenantId: scope.tenantId,
      amount,
      currency,
      schedule,
      breakdowns: { standard: of('standard'), express: of('express') },
    };
  });
}
