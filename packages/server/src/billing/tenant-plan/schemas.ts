import { z } from 'zod';
import { billingStates, planIntervals } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import { currencyCode, unixTime } from '../../http/schemas.ts';
import type { TenantBillingView } from './service.ts';

// POST /v1/tenants/:id/billing/plan's body; the plan is named by its id (plan_…) or its lookup key.
export const planChangeBody = z.strictObject({
  plan: z.string().min(1).max(100),
  interval: z.enum(planIntervals).optional(),
  currency: currencyCode.optional(),
});

export const planRefSchema = z.object({ id: z.string(), lookup_key: z.string(), name: z.string() });

export const tenantBillingSchema = z.object({
  object: z.literal('tenant_billing'),
  tenant: z.string(),
  plan: planRefSchema.nullable(),
  state: z.enum(billingStates),
  interval: z.enum(planIntervals).nullable(),
  currency: z.string().nullable(),
  current_period_start: z.number().nullable(),
  current_period_end: z.number().nullable(),
  trial_end: z.number().nullable(),
  cancel_at_period_end: z.boolean(),
});
export type ApiTenantBilling = z.infer<typeof tenantBillingSchema>;

export function toApiTenantBilling(tenant: string, v: TenantBillingView): ApiTenantBilling {
  const { row, plan } = v;
  return {
    object: 'tenant_billing',
    tenant,
    plan: plan ? { id: toPublicId('plan', plan.id), lookup_key: plan.lookupKey, name: plan.name } : null,
    state: row?.state ?? 'active',
    interval: row?.interval ?? (row ? 'month' : null),
    currency: row?.currency ?? null,
    current_period_start: unixTime(row?.periodStart),
    current_period_end: unixTime(row?.periodEnd),
    trial_end: unixTime(row?.trialEnd),
    cancel_at_period_end: row?.cancelAtPeriodEnd ?? false,
  };
}
