import { z } from 'zod';
import { currencyCode } from '../http/schemas.ts';
import { mrrDefinitions } from './definitions.ts';
import { ratioSchema } from './fee-schemas.ts';

// The analytics API's queries and answers (docs/analytics.md, "API").

const interval = z.enum(['month', 'week', 'day']);
// the range's shape only; range.ts checks the dates and names the parameter in its 400
const bound = z.string().max(10);
export const rangeQuery = z.object({
  interval: interval.optional(),
  from: bound.optional(),
  to: bound.optional(),
  currency: currencyCode.optional(),
});

export const movementKind = z.enum(['new', 'reactivation', 'expansion', 'contraction', 'churn']);

export const movementsQuery = z.object({
  interval: interval.optional(),
  /** default: the period in progress */
  period: bound.optional(),
  currency: currencyCode.optional(),
  kind: movementKind.optional(),
  churn_kind: z.enum(['voluntary', 'involuntary']).optional(),
});

const ratio = ratioSchema;
const amount = z.number().int().describe('minor units of the currency');

const period = z.object({
  period: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  mrr_start: amount,
  mrr_end: amount,
  arr: amount,
  movements: z.object({
    new: amount,
    reactivation: amount,
    expansion: amount,
    contraction: amount,
    churn: amount,
    churn_voluntary: amount,
    churn_involuntary: amount,
  }),
  customers: z.object({
    paying_start: z.number().int(),
    paying_end: z.number().int(),
    churned: z.number().int(),
    churned_voluntary: z.number().int(),
    churned_involuntary: z.number().int(),
  }),
  growth: ratio,
  nrr: ratio,
  grr: ratio,
  gross_mrr_churn: ratio,
  net_mrr_churn: ratio,
  customer_churn: ratio,
  customer_churn_voluntary: ratio,
  customer_churn_involuntary: ratio,
  arpa: amount.nullable(),
  ltv: amount.nullable(),
});

const definitions = z.object(
  Object.fromEntries(Object.keys(mrrDefinitions).map((k) => [k, z.string()])) as Record<
    keyof typeof mrrDefinitions,
    z.ZodString
  >,
);

const reportHead = {
  scope: z.enum(['platform', 'tenant']),
  tenant: z.string().nullable(),
  interval,
  from: z.number().int(),
  to: z.number().int(),
  /** when the figures were computed (Unix seconds) */
  as_of: z.number().int(),
};

export const metricsResult = z.object({
  object: z.literal('analytics.mrr'),
  ...reportHead,
  data: z.array(z.object({ currency: z.string(), ledger_ok: z.boolean(), periods: z.array(period) })),
  definitions,
});

export const movementsResult = z.object({
  object: z.literal('analytics.movements'),
  scope: reportHead.scope,
  tenant: reportHead.tenant,
  interval,
  period: z.string(),
  currency: z.string().nullable(),
  kind: movementKind.nullable(),
  churn_kind: z.enum(['voluntary', 'involuntary']).nullable(),
  as_of: reportHead.as_of,
  totals: z.array(z.object({ currency: z.string(), kind: movementKind, amount })),
  data: z.array(
    z.object({
      currency: z.string(),
      kind: movementKind,
      customer: z.string(),
      /** the Tributary object the customer is: the tenant billed (platform), the mirrored customer (tenant) */
      customer_details: z
        .object({ object: z.enum(['tenant', 'customer']), id: z.string(), name: z.string().nullable() })
        .nullable(),
      at: z.number().int(),
      amount,
      mrr_before: amount,
      mrr_after: amount,
      churn_kind: z.enum(['voluntary', 'involuntary']).nullable(),
      subscriptions: z.array(z.object({ subscription: z.string(), mrr_before: amount, mrr_after: amount })),
    }),
  ),
});

export const cohortsResult = z.object({
  object: z.literal('analytics.cohorts'),
  ...reportHead,
  data: z.array(
    z.object({
      currency: z.string(),
      period: z.string(),
      customers: z.number().int(),
      initial_mrr: amount,
      cells: z.array(
        z.object({
          offset: z.number().int(),
          period: z.string(),
          retained_customers: z.number().int(),
          retained_mrr: amount,
          customer_retention: ratio,
          mrr_retention: ratio,
        }),
      ),
    }),
  ),
  definitions,
});

export const ledgerCheckResult = z.object({
  object: z.literal('analytics.ledger_check'),
  /** null before the first run */
  checked_at: z.number().int().nullable(),
  ok: z.boolean().nullable(),
  ledgers: z.number().int(),
  periods: z.number().int(),
  violations: z.array(
    z.object({
      scope: z.enum(['platform', 'tenant']),
      tenant: z.string().nullable(),
      currency: z.string(),
      period: z.string(),
      problem: z.string(),
    }),
  ),
});
