// The platform's unit economics per month and currency (docs/analytics.md, "Unit economics"): the
// operator's inputs, the month's revenue (paid plan invoices and gross fee revenue), Stripe's fees, and the
// MRR engine's new customers and ARPA, put through analytics/unit-economics.ts.
import type { Ctx } from '../context.ts';
import { withSystem } from '../db/tenant.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { drillDown } from './drilldown.ts';
import { monthRange, platformFeeReport, type ReportQuery } from './fee-report.ts';
import { planRevenue } from './fees-repo.ts';
import { inputsMonth, listInputs } from './inputs.ts';
import { addMonths, monthOf, monthStart, monthsBetween } from './months.ts';
import { ratio } from './ratio.ts';
import { computeMetrics } from './ratios.ts';
import { platformMrrHistory } from './service.ts';
import type { Ratio } from './types.ts';
import { type UnitEconomics, unitEconomics } from './unit-economics.ts';

export interface UnitEconomicsRow extends UnitEconomics {
  month: string;
  currency: string;
  marketingSpend: number | null;
  fixedCosts: number | null;
  costOfRevenue: number | null;
  cashBalance: number | null;
  subscriptionRevenue: number;
  feeRevenue: number;
  revenue: number;
  stripeFees: number;
  newCustomers: number;
  payingCustomers: number;
  /** MRR at the month's end ÷ paying customers then, exactly; null with nobody paying */
  arpa: Ratio | null;
}

export interface UnitEconomicsReport {
  from: string;
  to: string;
  currency: string | null;
  asOf: Date;
  rows: UnitEconomicsRow[];
}

export async function platformUnitEconomics(ctx: Ctx, q: ReportQuery): Promise<UnitEconomicsReport> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  const asOf = new Date();
  const range = monthRange(q, asOf);
  const start = monthStart(range.from);
  const end = monthStart(addMonths(range.to, 1));
  const only = range.currency ? { currency: range.currency } : {};
  const [inputs, fees, revenue, history] = await Promise.all([
    listInputs(ctx, q),
    platformFeeReport(ctx, q),
    withSystem(ctx.db, 'operator.analytics', (tx) => planRevenue(tx, { from: start, to: end, ...only })),
    platformMrrHistory(ctx, end),
  ]);
  const metrics = computeMetrics(
    range.currency ? history.filter((c) => c.currency === range.currency) : history,
    { from: start, to: end, unit: 'month' },
  );
  const currencies = range.currency
    ? [range.currency]
    : [
        ...new Set([
          ...inputs.rows.map((r) => r.currency),
          ...fees.figures.map((f) => f.currency),
          ...revenue.map((r) => r.currency),
          ...metrics.map((m) => m.currency),
        ]),
      ].sort();
  const rows = monthsBetween(range.from, range.to).flatMap((month) =>
    currencies.map((currency): UnitEconomicsRow => {
      const input = inputs.rows.find((r) => r.currency === currency && inputsMonth(r) === month);
      const fee = fees.figures.find((f) => f.currency === currency && f.month === month);
      const plans = revenue.find((r) => r.currency === currency && r.month === month)?.amount ?? 0;
      const m = metrics.find((x) => x.currency === currency && monthOf(x.start) === month);
      const newCustomers = m
        ? drillDown(history, { currency, start: m.start, end: m.end, kind: 'new' }).length
        : 0;
      const arpa = m ? ratio(m.endMrr, m.payingAtEnd) : null;
      const feeRevenue = fee?.grossFeeRevenue ?? 0;
      const stripeFees = fee?.stripeFees ?? 0;
      const figures = {
        marketingSpend: input?.marketingSpend ?? null,
        fixedCosts: input?.fixedCosts ?? null,
        costOfRevenue: input?.costOfRevenue ?? null,
        cashBalance: input?.cashBalance ?? null,
        revenue: plans + feeRevenue,
        stripeFees,
        newCustomers,
        arpa,
      };
      return {
        month,
        currency,
        ...figures,
        subscriptionRevenue: plans,
        feeRevenue,
        payingCustomers: m?.payingAtEnd ?? 0,
        ...unitEconomics(figures),
      };
    }),
  );
  return { from: range.from, to: range.to, currency: range.currency ?? null, asOf, rows };
}
