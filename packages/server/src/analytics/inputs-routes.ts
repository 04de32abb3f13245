import { z } from 'zod';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { currencyCode, errorResponses, unixTime } from '../http/schemas.ts';
import { reportQuery } from './fee-schemas.ts';
import { type InputsRow, inputsMonth, listInputs, setInputs } from './inputs.ts';
import { isMonth } from './months.ts';

// The operator's own figures for the unit economics (docs/analytics.md): platform only.

/** minor units, up to 10^15 (a billion dollars' worth of cents, a million times over) */
const cost = z.number().int().min(0).max(1e15).nullable().optional();

export const inputsBody = z
  .strictObject({
    month: z.string().refine(isMonth, 'a calendar month, YYYY-MM'),
    currency: currencyCode,
    marketing_spend: cost,
    fixed_costs: cost,
    cost_of_revenue: cost,
    /** cash at the month's end; may be below 0 */
    cash_balance: z.number().int().min(-1e15).max(1e15).nullable().optional(),
  })
  .refine((b) => ['marketing_spend', 'fixed_costs', 'cost_of_revenue', 'cash_balance'].some((k) => k in b), {
    message: 'at least one of marketing_spend, fixed_costs, cost_of_revenue, cash_balance',
    path: ['marketing_spend'],
  });

const amount = z.object({ amount: z.number().int(), currency: z.string() }).nullable();

export const inputsSchema = z.object({
  object: z.literal('analytics_inputs'),
  month: z.string(),
  currency: z.string(),
  marketing_spend: amount,
  fixed_costs: amount,
  cost_of_revenue: amount,
  cash_balance: amount,
  updated_at: z.number().int(),
});

const inputsList = z.object({
  object: z.literal('list'),
  data: z.array(inputsSchema),
  has_more: z.boolean(),
  url: z.string(),
});

function toApiInputs(row: InputsRow): z.infer<typeof inputsSchema> {
  const m = (v: number | null) => (v === null ? null : { amount: v, currency: row.currency });
  return {
    object: 'analytics_inputs',
    month: inputsMonth(row),
    currency: row.currency,
    marketing_spend: m(row.marketingSpend),
    fixed_costs: m(row.fixedCosts),
    cost_of_revenue: m(row.costOfRevenue),
    cash_balance: m(row.cashBalance),
    updated_at: unixTime(row.updatedAt)!,
  };
}

export const inputsRoutes: RouteModule = (app, deps) => {
  // GET /v1/analytics/inputs — the operator's figures per month and currency (from/to as the reports take them)
  app.get(
    '/v1/analytics/inputs',
    {
      config: { access: { platform: 'analytics:read' } },
      schema: {
        tags: ['analytics'],
        querystring: reportQuery,
        response: { 200: inputsList, ...errorResponses },
      },
    },
    async (req) => {
      const { rows } = await listInputs(ctxOf(req, deps), req.query);
      return {
        object: 'list' as const,
        data: rows.map(toApiInputs),
        has_more: false,
        url: '/v1/analytics/inputs',
      };
    },
  );

  // POST /v1/analytics/inputs — set a month's figures in a currency (a field left out stays; null clears it)
  app.post(
    '/v1/analytics/inputs',
    {
      config: { access: { platform: 'analytics:write' } },
      schema: {
        tags: ['analytics'],
        body: inputsBody,
        response: { 200: inputsSchema, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      return toApiInputs(
        await setInputs(ctxOf(req, deps), {
          month: b.month,
          currency: b.currency,
          marketingSpend: b.marketing_spend,
          fixedCosts: b.fixed_costs,
          costOfRevenue: b.cost_of_revenue,
          cashBalance: b.cash_balance,
        }),
      );
    },
  );
};
