import { bigint, date, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';

/**
 * The operator's own figures for a month, per currency, that Stripe cannot know: what the platform spent on
 * marketing, its fixed costs, its cost of revenue (hosting, support…) and its cash at the month's end. The
 * unit economics (CAC, gross margin, payback, break-even, runway) are computed from them. The platform's
 * alone: no tenant_id, forced row-level security with no policy, so only the operator's system context
 * reads or writes it. Amounts in minor units; null when not entered.
 */
export const analyticsInputs = pgTable(
  'analytics_inputs',
  {
    /** the first day of the month (UTC) */
    month: date('month', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    marketingSpend: bigint('marketing_spend', { mode: 'number' }),
    fixedCosts: bigint('fixed_costs', { mode: 'number' }),
    costOfRevenue: bigint('cost_of_revenue', { mode: 'number' }),
    cashBalance: bigint('cash_balance', { mode: 'number' }),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.month, t.currency] })],
);
