import { z } from 'zod';
import { billingStates, planIntervals, quoteKinds } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import { currencyCode, unixTime } from '../../http/schemas.ts';
import type { QuoteRow } from './quotes.ts';
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
  /** a change at the period's end (a downgrade, a shorter interval), until it takes effect */
  pending_change: z
    .object({ plan: planRefSchema, interval: z.enum(planIntervals).nullable(), effective_at: z.number() })
    .nullable(),
});
export type ApiTenantBilling = z.infer<typeof tenantBillingSchema>;

export function toApiTenantBilling(tenant: string, v: TenantBillingView): ApiTenantBilling {
  const { row, plan, pending } = v;
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
    pending_change:
      pending && row?.pendingEffectiveAt
        ? {
            plan: {
              id: toPublicId('plan', pending.plan.id),
              lookup_key: pending.plan.lookupKey,
              name: pending.plan.name,
            },
            interval: pending.interval,
            effective_at: unixTime(row.pendingEffectiveAt)!,
          }
        : null,
  };
}

// POST /v1/tenants/:id/billing/quotes's body: the plan (plan_… or its lookup key) and interval; the currency
// is the tenant's (or the plan's only one), named only for a first plan sold in several.
export const quoteBody = z.strictObject({
  plan: z.string().min(1).max(100),
  interval: z.enum(planIntervals),
  currency: currencyCode.optional(),
});

export const quoteSchema = z.object({
  object: z.literal('quote'),
  id: z.string(),
  plan: planRefSchema,
  interval: z.enum(planIntervals),
  proration_date: z.number(),
  lines: z.array(
    z.object({
      description: z.string().nullable(),
      amount: z.number(),
      currency: z.string(),
      period: z.object({ start: z.number(), end: z.number() }),
      proration: z.boolean(),
    }),
  ),
  amount_due: z.number(),
  /** a `new` quote's trial in days: 0 when the plan has none or the tenant used its one trial */
  trial_days: z.number(),
  currency: z.string(),
  expires_at: z.number(),
  kind: z.enum(quoteKinds),
  effective_at: z.number(),
  /** when it was accepted (spent), or null */
  used_at: z.number().nullable(),
});
export type ApiQuote = z.infer<typeof quoteSchema>;

export function toApiQuote(q: QuoteRow, plan: { id: string; lookupKey: string; name: string }): ApiQuote {
  return {
    object: 'quote',
    id: toPublicId('quote', q.id),
    plan: { id: toPublicId('plan', plan.id), lookup_key: plan.lookupKey, name: plan.name },
    interval: q.interval,
    proration_date: unixTime(q.prorationDate)!,
    lines: q.lines,
    amount_due: q.amountDue,
    trial_days: q.trialDays,
    currency: q.currency,
    expires_at: unixTime(q.expiresAt)!,
    kind: q.kind,
    effective_at: unixTime(q.effectiveAt)!,
    used_at: unixTime(q.usedAt),
  };
}

export const quoteParams = z.strictObject({
  id: z.string().min(1).max(100),
  quote_id: z.string().min(1).max(100),
});

// POST /v1/tenants/:id/billing/subscription's body: the quote to accept.
export const acceptBody = z.strictObject({ quote: z.string().min(1).max(100) });

export const planChangeSchema = z.object({
  object: z.literal('plan_change'),
  quote: z.string(),
  status: z.enum(['applied', 'scheduled', 'requires_action']),
  /** the hosted page of the open proration invoice, where the tenant completes 3-D Secure */
  url: z.string().nullable(),
  invoice: z
    .object({
      id: z.string(),
      amount_due: z.number(),
      amount_paid: z.number(),
      currency: z.string(),
      status: z.string().nullable(),
    })
    .nullable(),
  billing: z.lazy(() => tenantBillingSchema),
  /** the entitlements after an applied change (the plan's limits and features now) */
  entitlements: z.record(z.string(), z.unknown()).nullable(),
});
export type ApiPlanChange = z.infer<typeof planChangeSchema>;
