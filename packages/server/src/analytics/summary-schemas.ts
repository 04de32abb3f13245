import { z } from 'zod';
import { currencyCode } from '../http/schemas.ts';
import { mrrDefinitions } from './definitions.ts';
import { ratioSchema } from './fee-schemas.ts';
import { isMonth } from './months.ts';
import { rangeQuery } from './schemas.ts';

// The summary and retention answers (docs/analytics.md, "API").

const amount = z.number().int().describe('minor units of the currency (counts for paying_customers)');

const amountDelta = z.object({
  value: amount.nullable(),
  previous: amount.nullable(),
  change: amount.nullable(),
  change_ratio: ratioSchema,
});

const ratioDelta = z.object({
  value: ratioSchema,
  previous: ratioSchema,
  change_points: z.string().nullable().describe('value − previous in percentage points, 2 decimals'),
});

export const summaryQuery = z.object({
  /** the month (YYYY-MM); default the month in progress */
  month: z.string().refine(isMonth, 'a calendar month, YYYY-MM, from 2000-01 to 2999-12').optional(),
  currency: currencyCode.optional(),
});

/** Each figure's definition in one sentence, by the figure's name. */
const definitions = z.record(z.string(), z.string());

export const summaryDefinitions = {
  ...mrrDefinitions,
  paying_customers: 'Customers paying (MRR above 0) at the end of the month.',
  new_mrr: 'New + reactivation MRR of the month.',
  churned_mrr: 'Churned MRR of the month.',
  change_ratio: "(this month − last month) ÷ last month's value.",
  change_points: 'A ratio this month − last month, in percentage points.',
};

export const summaryResult = z.object({
  object: z.literal('analytics.summary'),
  scope: z.enum(['platform', 'tenant']),
  tenant: z.string().nullable(),
  month: z.string(),
  previous_month: z.string(),
  as_of: z.number().int(),
  data: z.array(
    z.object({
      currency: z.string(),
      mrr: amountDelta,
      arr: amountDelta,
      paying_customers: amountDelta,
      arpa: amountDelta,
      ltv: amountDelta,
      new_mrr: amountDelta,
      churned_mrr: amountDelta,
      growth: ratioDelta,
      nrr: ratioDelta,
      grr: ratioDelta,
      net_mrr_churn: ratioDelta,
      customer_churn: ratioDelta,
      gmv: amountDelta.optional(),
      gross_fee_revenue: amountDelta.optional(),
      net_fee_revenue: amountDelta.optional(),
      take_rate: ratioDelta.optional(),
      net_volume: amountDelta.optional(),
      fees_paid: amountDelta.optional(),
      fee_rate: ratioDelta.optional(),
    }),
  ),
  definitions,
});

export const retentionQuery = rangeQuery;

export const retentionDefinitions = {
  nrr: mrrDefinitions.nrr,
  grr: mrrDefinitions.grr,
  gross_mrr_churn: mrrDefinitions.gross_mrr_churn,
  net_mrr_churn: mrrDefinitions.net_mrr_churn,
  customer_churn: mrrDefinitions.customer_churn,
  range_nrr:
    'Over the whole range: MRR at its end of the customers who paid at its start ÷ their MRR at its start (customers arriving during it do not count, customers who left count 0).',
  range_grr:
    "Over the whole range: the sum of each starting customer's MRR at the end, capped at their MRR at the start, ÷ their MRR at the start (growth never makes up for losses).",
  customer_retention:
    'Customers paying at the start still paying at the end ÷ customers paying at the start.',
};

const retentionPeriod = z.object({
  period: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  mrr_start: amount,
  paying_start: z.number().int(),
  churned: z.number().int(),
  churned_voluntary: z.number().int(),
  churned_involuntary: z.number().int(),
  nrr: ratioSchema,
  grr: ratioSchema,
  gross_mrr_churn: ratioSchema,
  net_mrr_churn: ratioSchema,
  customer_churn: ratioSchema,
  customer_churn_voluntary: ratioSchema,
  customer_churn_involuntary: ratioSchema,
});

export const retentionResult = z.object({
  object: z.literal('analytics.retention'),
  scope: z.enum(['platform', 'tenant']),
  tenant: z.string().nullable(),
  interval: z.enum(['month', 'week', 'day']),
  from: z.number().int(),
  to: z.number().int(),
  as_of: z.number().int(),
  data: z.array(
    z.object({
      currency: z.string(),
      periods: z.array(retentionPeriod),
      range: z.object({
        customers_start: z.number().int(),
        customers_retained: z.number().int(),
        mrr_start: amount,
        mrr_end: amount,
        mrr_kept: amount,
        nrr: ratioSchema,
        grr: ratioSchema,
        customer_retention: ratioSchema,
      }),
    }),
  ),
  definitions,
});
