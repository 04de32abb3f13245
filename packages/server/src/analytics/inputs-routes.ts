import { z } from 'zod';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { currencyCode, errorResponses, unixTime } from '../http/schemas.ts';
import { ratioSchema, reportQuery, toApiRatio } from './fee-schemas.ts';
import { type InputsRow, inputsMonth, listInputs, setInputs } from './inputs.ts';
import { isMonth } from './months.ts';
import { formatDecimal } from './ratio.ts';
import type { Ratio } from './types.ts';
import { platformUnitEconomics, type UnitEconomicsRow } from './unit-economics-report.ts';

// The operator's own figures for the unit economics (docs/analytics.md): platform only.

/** minor units, up to 10^15 (a billion dollars' worth of cents, a million times over) */
const cost = z.number().int().min(0).max(1e15).nullable().optional();

export const inputsBody = z
  .strictObject({
    month: z.string().refine(isMonth, 'a calendar month, YYYY-MM, from 2000-01 to 2999-12'),
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

/** An exact quotient that is not a percentage (months, customers, minor units per customer). */
const quotient = z
  .object({ numerator: z.string(), denominator: z.string(), value: z.string().describe('2 decimals') })
  .nullable();
const toQuotient = (r: Ratio | null) =>
  r === null
    ? null
    : { numerator: r.numerator.toString(), denominator: r.denominator.toString(), value: formatDecimal(r) };

const minor = z.number().int();
const unitEconomicsRow = z.object({
  month: z.string(),
  currency: z.string(),
  marketing_spend: minor.nullable(),
  fixed_costs: minor.nullable(),
  cost_of_revenue: minor.nullable(),
  cash_balance: minor.nullable(),
  subscription_revenue: minor,
  fee_revenue: minor,
  revenue: minor,
  stripe_fees: minor,
  new_customers: z.number().int(),
  paying_customers: z.number().int(),
  arpa: quotient,
  cac: quotient,
  gross_profit: minor,
  gross_margin: ratioSchema,
  payback_months: quotient,
  break_even_customers: quotient,
  burn: minor,
  runway_months: quotient,
});

export const unitEconomicsDefinitions = {
  subscription_revenue:
    "The platform's plan invoices paid, tax left out, in the month of the invoice's date.",
  fee_revenue: 'Gross fee revenue: application fees − application fee refunds.',
  revenue: 'Subscription revenue + fee revenue.',
  stripe_fees: "Stripe's fees the platform pays on pass-through payments.",
  new_customers:
    'Customers who paid the platform for the first time in the month (the MRR engine’s new movements).',
  arpa: 'MRR at the month’s end ÷ customers paying then.',
  cac: 'Marketing spend ÷ new customers (minor units per customer).',
  gross_profit: "Revenue − Stripe's fees − cost of revenue (not entered: 0).",
  gross_margin: 'Gross profit ÷ revenue.',
  payback_months: 'CAC ÷ (ARPA × gross margin); none when the margin is 0 or less.',
  break_even_customers: 'Fixed costs ÷ (ARPA × gross margin): the paying customers whose margin covers them.',
  burn: "Fixed costs + marketing spend + cost of revenue + Stripe's fees − revenue (below 0: a profit).",
  runway_months: 'Cash balance ÷ burn; none while nothing is burnt.',
};

const unitEconomicsResult = z.object({
  object: z.literal('analytics.unit_economics'),
  from: z.string(),
  to: z.string(),
  currency: z.string().nullable(),
  as_of: z.number().int(),
  data: z.array(unitEconomicsRow),
  definitions: z.record(z.string(), z.string()),
});

function toApiUnitEconomics(r: UnitEconomicsRow): z.infer<typeof unitEconomicsRow> {
  return {
    month: r.month,
    currency: r.currency,
    marketing_spend: r.marketingSpend,
    fixed_costs: r.fixedCosts,
    cost_of_revenue: r.costOfRevenue,
    cash_balance: r.cashBalance,
    subscription_revenue: r.subscriptionRevenue,
    fee_revenue: r.feeRevenue,
    revenue: r.revenue,
    stripe_fees: r.stripeFees,
    new_customers: r.newCustomers,
    paying_customers: r.payingCustomers,
    arpa: toQuotient(r.arpa),
    cac: toQuotient(r.cac),
    gross_profit: r.grossProfit,
    gross_margin: toApiRatio(r.grossMargin),
    payback_months: toQuotient(r.paybackMonths),
    break_even_customers: toQuotient(r.breakEvenCustomers),
    burn: r.burn,
    runway_months: toQuotient(r.runwayMonths),
  };
}

export const inputsRoutes: RouteModule = (app, deps) => {
  // GET /v1/analytics/unit_economics — CAC, gross margin, payback, break-even and runway per month and currency
  app.get(
    '/v1/analytics/unit_economics',
    {
      config: { access: { platform: 'analytics:read' } },
      schema: {
        tags: ['analytics'],
        querystring: reportQuery,
        response: { 200: unitEconomicsResult, ...errorResponses },
      },
    },
    async (req, reply) => {
      const report = await platformUnitEconomics(ctxOf(req, deps), req.query);
      reply.header('cache-control', 'no-store');
      return {
        object: 'analytics.unit_economics' as const,
        from: report.from,
        to: report.to,
        currency: report.currency,
        as_of: unixTime(report.asOf)!,
        data: report.rows.map(toApiUnitEconomics),
        definitions: unitEconomicsDefinitions,
      };
    },
  );

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
