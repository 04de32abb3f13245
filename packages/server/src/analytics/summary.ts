// The headline figures of one month against the month before, per currency: what an overview page shows.
// Pure: the routes pass the MRR engine's months and the fee report's.

import type { FeeFigures } from './fees.ts';
import { formatPercent, ratio } from './ratio.ts';
import { type ApiRatio, apiRatio } from './report.ts';
import type { PeriodMetrics, Ratio } from './types.ts';

/** An amount this month and last, the change and the change as a share of last month's. */
export interface AmountDelta {
  value: number | null;
  previous: number | null;
  change: number | null;
  /** change ÷ |previous|; null when either is missing or previous is 0 */
  change_ratio: ApiRatio | null;
}

/** A ratio this month and last, and the change in percentage points (two decimals, halves away from zero). */
export interface RatioDelta {
  value: ApiRatio | null;
  previous: ApiRatio | null;
  change_points: string | null;
}

export interface ApiSummaryRow {
  currency: string;
  mrr: AmountDelta;
  arr: AmountDelta;
  paying_customers: AmountDelta;
  arpa: AmountDelta;
  ltv: AmountDelta;
  new_mrr: AmountDelta;
  churned_mrr: AmountDelta;
  growth: RatioDelta;
  nrr: RatioDelta;
  grr: RatioDelta;
  net_mrr_churn: RatioDelta;
  customer_churn: RatioDelta;
  /** the platform's: GMV, gross and net fee revenue, take rate */
  gmv?: AmountDelta;
  gross_fee_revenue?: AmountDelta;
  net_fee_revenue?: AmountDelta;
  take_rate?: RatioDelta;
  /** a tenant's: its net volume, the fees it paid the platform, its fee rate */
  net_volume?: AmountDelta;
  fees_paid?: AmountDelta;
  fee_rate?: RatioDelta;
}

export function amountDelta(value: number | null, previous: number | null): AmountDelta {
  const change = value === null || previous === null ? null : value - previous;
  return {
    value,
    previous,
    change,
    // against last month's size: a rise from a negative month (net fee revenue can be) is a positive change
    change_ratio: change === null || previous === null ? null : apiRatio(ratio(change, Math.abs(previous))),
  };
}

export function ratioDelta(value: Ratio | null, previous: Ratio | null): RatioDelta {
  const points =
    value && previous
      ? ratio(
          value.numerator * previous.denominator - previous.numerator * value.denominator,
          value.denominator * previous.denominator,
        )
      : null;
  return { value: apiRatio(value), previous: apiRatio(previous), change_points: formatPercent(points) };
}

export interface SummaryInput {
  audience: 'platform' | 'tenant';
  /** the MRR engine's monthly figures covering at least the month and the one before (every currency) */
  metrics: readonly PeriodMetrics[];
  /** the fee report's rows of the two months */
  fees: readonly FeeFigures[];
  /** the first instants of the month and of the month before */
  month: Date;
  previous: Date;
  /** `YYYY-MM` of both, as the fee rows name them */
  monthLabel: string;
  previousLabel: string;
  currency?: string;
}

/** One row per currency with a figure in either month (MRR or fees), sorted by currency. */
export function summaryRows(x: SummaryInput): ApiSummaryRow[] {
  const metricsOf = (currency: string, start: Date) =>
    x.metrics.find((m) => m.currency === currency && m.start.getTime() === start.getTime()) ?? null;
  const feesOf = (currency: string, label: string) =>
    x.fees.find((f) => f.currency === currency && f.month === label) ?? null;
  const currencies = [
    ...new Set([
      ...x.metrics
        .filter((m) => m.start.getTime() === x.month.getTime() || m.start.getTime() === x.previous.getTime())
        .map((m) => m.currency),
      ...x.fees.map((f) => f.currency),
    ]),
  ]
    .filter((c) => x.currency === undefined || c === x.currency)
    .sort();
  return currencies.map((currency) => {
    const now = metricsOf(currency, x.month);
    const before = metricsOf(currency, x.previous);
    const mrr = (m: PeriodMetrics | null, f: (m: PeriodMetrics) => number | null) => (m ? f(m) : 0);
    const amount = (f: (m: PeriodMetrics) => number | null) => amountDelta(mrr(now, f), mrr(before, f));
    const ratioOf = (f: (m: PeriodMetrics) => Ratio | null) =>
      ratioDelta(now ? f(now) : null, before ? f(before) : null);
    const row: ApiSummaryRow = {
      currency,
      mrr: amount((m) => m.endMrr),
      arr: amount((m) => m.arr),
      paying_customers: amount((m) => m.payingAtEnd),
      arpa: amountDelta(now?.arpa ?? null, before?.arpa ?? null),
      ltv: amountDelta(now?.ltv ?? null, before?.ltv ?? null),
      new_mrr: amount((m) => m.movements.new + m.movements.reactivation),
      churned_mrr: amount((m) => m.movements.churn),
      growth: ratioOf((m) => m.growth),
      nrr: ratioOf((m) => m.nrr),
      grr: ratioOf((m) => m.grr),
      net_mrr_churn: ratioOf((m) => m.netMrrChurn),
      customer_churn: ratioOf((m) => m.customerChurn),
    };
    const fNow = feesOf(currency, x.monthLabel);
    const fBefore = feesOf(currency, x.previousLabel);
    const fee = (f: (r: FeeFigures) => number) => amountDelta(fNow ? f(fNow) : 0, fBefore ? f(fBefore) : 0);
    const feeRatio = (f: (r: FeeFigures) => Ratio | null) =>
      ratioDelta(fNow ? f(fNow) : null, fBefore ? f(fBefore) : null);
    if (x.audience === 'platform')
      return {
        ...row,
        gmv: fee((r) => r.gmv),
        gross_fee_revenue: fee((r) => r.grossFeeRevenue),
        net_fee_revenue: fee((r) => r.netFeeRevenue),
        take_rate: feeRatio((r) => r.takeRate),
      };
    return {
      ...row,
      net_volume: fee((r) => r.gmv),
      fees_paid: fee((r) => r.grossFeeRevenue),
      fee_rate: feeRatio((r) => r.feeRate),
    };
  });
}

/** The columns of the summary CSV: one row per currency and figure. */
export const summaryCsvColumns = [
  'currency',
  'figure',
  'value',
  'previous',
  'change',
  'change_percent',
] as const;

const isRatioDelta = (d: AmountDelta | RatioDelta): d is RatioDelta => 'change_points' in d;

export function summaryCsvRows(rows: readonly ApiSummaryRow[]): (string | number | null)[][] {
  return rows.flatMap(({ currency, ...figures }) =>
    Object.entries(figures)
      .filter((e): e is [string, AmountDelta | RatioDelta] => e[1] !== undefined)
      .map(([figure, d]) =>
        isRatioDelta(d)
          ? [
              currency,
              `${figure}_percent`,
              d.value?.percent ?? null,
              d.previous?.percent ?? null,
              d.change_points,
              null,
            ]
          : [currency, figure, d.value, d.previous, d.change, d.change_ratio?.percent ?? null],
      ),
  );
}

interface RetentionCsvInput {
  currency: string;
  periods: {
    period: string;
    mrr_start: number;
    paying_start: number;
    churned: number;
    nrr: ApiRatio | null;
    grr: ApiRatio | null;
    gross_mrr_churn: ApiRatio | null;
    net_mrr_churn: ApiRatio | null;
    customer_churn: ApiRatio | null;
  }[];
  range: { mrr_start: number; customers_start: number; nrr: ApiRatio | null; grr: ApiRatio | null };
}

/** The columns of the retention CSV: one row per currency and period, and a `range` row per currency. */
export const retentionCsvColumns = [
  'currency',
  'period',
  'mrr_start',
  'paying_customers_start',
  'churned_customers',
  'nrr_percent',
  'grr_percent',
  'gross_mrr_churn_percent',
  'net_mrr_churn_percent',
  'customer_churn_percent',
] as const;

export function retentionCsvRows(data: readonly RetentionCsvInput[]): (string | number | null)[][] {
  const pct = (r: ApiRatio | null) => r?.percent ?? null;
  return data.flatMap(({ currency, periods, range }) => [
    ...periods.map((p) => [
      currency,
      p.period,
      p.mrr_start,
      p.paying_start,
      p.churned,
      pct(p.nrr),
      pct(p.grr),
      pct(p.gross_mrr_churn),
      pct(p.net_mrr_churn),
      pct(p.customer_churn),
    ]),
    [
      currency,
      'range',
      range.mrr_start,
      range.customers_start,
      null,
      pct(range.nrr),
      pct(range.grr),
      null,
      null,
      null,
    ],
  ]);
}
