// The analytics API's answers, from the MRR history: the engine's figures in the API's words (snake_case,
// minor units per currency, exact ratios with their display). Pure: the routes load the history and call these.
import { type Cohort, computeCohorts } from './cohorts.ts';
import { type DrillDownRow, drillDown } from './drilldown.ts';
import { toApiRatio } from './fee-schemas.ts';
import { checkLedger } from './movements.ts';
import { computeMetrics } from './ratios.ts';
import type { ChurnKind, MovementKind, MrrChange, PeriodMetrics, PeriodUnit } from './types.ts';

/** The range a report covers: periods of `unit` from the one holding `from` up to `to` (exclusive). */
export interface ReportRange {
  from: Date;
  to: Date;
  unit: PeriodUnit;
  currency?: string;
}

export type ApiRatio = NonNullable<ReturnType<typeof toApiRatio>>;
export const apiRatio = toApiRatio;

export interface ApiMovements {
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  churn_voluntary: number;
  churn_involuntary: number;
}

export interface ApiPeriod {
  /** the period as the API's range names it: YYYY-MM for a month, its first day YYYY-MM-DD for a week or day */
  period: string;
  /** Unix seconds; `end` is the next period's start (for the period in progress, its figures are as of `as_of`) */
  start: number;
  end: number;
  mrr_start: number;
  mrr_end: number;
  arr: number;
  movements: ApiMovements;
  customers: {
    paying_start: number;
    paying_end: number;
    churned: number;
    churned_voluntary: number;
    churned_involuntary: number;
  };
  growth: ApiRatio | null;
  nrr: ApiRatio | null;
  grr: ApiRatio | null;
  gross_mrr_churn: ApiRatio | null;
  net_mrr_churn: ApiRatio | null;
  customer_churn: ApiRatio | null;
  customer_churn_voluntary: ApiRatio | null;
  customer_churn_involuntary: ApiRatio | null;
  arpa: number | null;
  ltv: number | null;
}

export interface ApiCurrencyMetrics {
  currency: string;
  /** false if start + movements ≠ end for a period (never expected: the nightly check alerts on it) */
  ledger_ok: boolean;
  periods: ApiPeriod[];
}

const toApiPeriod = (m: PeriodMetrics, unit: PeriodUnit): ApiPeriod => ({
  period: periodLabel(m.start, unit),
  start: seconds(m.start),
  end: seconds(m.end),
  mrr_start: m.startMrr,
  mrr_end: m.endMrr,
  arr: m.arr,
  movements: {
    new: m.movements.new,
    reactivation: m.movements.reactivation,
    expansion: m.movements.expansion,
    contraction: m.movements.contraction,
    churn: m.movements.churn,
    churn_voluntary: m.movements.churnVoluntary,
    churn_involuntary: m.movements.churnInvoluntary,
  },
  customers: {
    paying_start: m.payingAtStart,
    paying_end: m.payingAtEnd,
    churned: m.churnedCustomers.total,
    churned_voluntary: m.churnedCustomers.voluntary,
    churned_involuntary: m.churnedCustomers.involuntary,
  },
  growth: apiRatio(m.growth),
  nrr: apiRatio(m.nrr),
  grr: apiRatio(m.grr),
  gross_mrr_churn: apiRatio(m.grossMrrChurn),
  net_mrr_churn: apiRatio(m.netMrrChurn),
  customer_churn: apiRatio(m.customerChurn),
  customer_churn_voluntary: apiRatio(m.customerChurnVoluntary),
  customer_churn_involuntary: apiRatio(m.customerChurnInvoluntary),
  arpa: m.arpa,
  ltv: m.ltv,
});

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** YYYY-MM for a month, YYYY-MM-DD (its first day) for a week or a day. */
export const periodLabel = (start: Date, unit: PeriodUnit): string =>
  start.toISOString().slice(0, unit === 'month' ? 7 : 10);

const inCurrency = (changes: readonly MrrChange[], currency: string | undefined) =>
  currency === undefined ? changes : changes.filter((c) => c.currency === currency);

/** MRR, its movements and every ratio per currency and period of the range. */
export function metricsReport(changes: readonly MrrChange[], range: ReportRange): ApiCurrencyMetrics[] {
  return metricsReportOf(computeMetrics(inCurrency(changes, range.currency), range), range.unit);
}

/** The API's answer for metrics already computed (per currency, in time order): the snapshots' path. */
export function metricsReportOf(metrics: readonly PeriodMetrics[], unit: PeriodUnit): ApiCurrencyMetrics[] {
  const byCurrency = new Map<string, PeriodMetrics[]>();
  for (const m of metrics) byCurrency.set(m.currency, [...(byCurrency.get(m.currency) ?? []), m]);
  return [...byCurrency].map(([currency, periods]) => ({
    currency,
    ledger_ok: checkLedger(periods).length === 0,
    periods: periods.map((p) => toApiPeriod(p, unit)),
  }));
}

/** The columns of the metrics CSV, one row per currency and period; ratios as percentages. */
export const metricsCsvColumns = [
  'currency',
  'period',
  'period_start',
  'period_end',
  'mrr_start',
  'new',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
  'churn_voluntary',
  'churn_involuntary',
  'mrr_end',
  'arr',
  'paying_customers_start',
  'paying_customers_end',
  'churned_customers',
  'churned_customers_voluntary',
  'churned_customers_involuntary',
  'mrr_growth_percent',
  'nrr_percent',
  'grr_percent',
  'gross_mrr_churn_percent',
  'net_mrr_churn_percent',
  'customer_churn_percent',
  'arpa',
  'ltv',
] as const;

export function metricsCsvRows(report: readonly ApiCurrencyMetrics[]): (string | number | null)[][] {
  const pct = (r: ApiRatio | null) => r?.percent ?? null;
  return report.flatMap(({ currency, periods }) =>
    periods.map((p) => [
      currency,
      p.period,
      new Date(p.start * 1000).toISOString(),
      new Date(p.end * 1000).toISOString(),
      p.mrr_start,
      p.movements.new,
      p.movements.reactivation,
      p.movements.expansion,
      p.movements.contraction,
      p.movements.churn,
      p.movements.churn_voluntary,
      p.movements.churn_involuntary,
      p.mrr_end,
      p.arr,
      p.customers.paying_start,
      p.customers.paying_end,
      p.customers.churned,
      p.customers.churned_voluntary,
      p.customers.churned_involuntary,
      pct(p.growth),
      pct(p.nrr),
      pct(p.grr),
      pct(p.gross_mrr_churn),
      pct(p.net_mrr_churn),
      pct(p.customer_churn),
      p.arpa,
      p.ltv,
    ]),
  );
}

export interface ApiMovementRow {
  currency: string;
  kind: MovementKind;
  customer: string;
  /** Unix seconds */
  at: number;
  amount: number;
  mrr_before: number;
  mrr_after: number;
  churn_kind: ChurnKind | null;
  subscriptions: { subscription: string; mrr_before: number; mrr_after: number }[];
}

const toApiMovementRow = (r: DrillDownRow, currency: string, kind: MovementKind): ApiMovementRow => ({
  currency,
  kind,
  customer: r.customer,
  at: seconds(r.at),
  amount: r.amount,
  mrr_before: r.before,
  mrr_after: r.after,
  churn_kind: r.churnKind ?? null,
  subscriptions: r.subscriptions.map((s) => ({
    subscription: s.subscription,
    mrr_before: s.before,
    mrr_after: s.after,
  })),
});

const movementKinds: readonly MovementKind[] = ['new', 'reactivation', 'expansion', 'contraction', 'churn'];

export interface ApiMovementTotal {
  currency: string;
  kind: MovementKind;
  /** the period's figure for this movement: the sum of its rows' amounts */
  amount: number;
}

/**
 * The customers behind a period's movements (of one currency and kind when given), in time order, with each
 * figure's total: the rows of a currency and kind sum to that figure of the period's ledger.
 */
export function movementsReport(
  changes: readonly MrrChange[],
  query: { start: Date; end: Date; currency?: string; kind?: MovementKind; churnKind?: ChurnKind },
): { totals: ApiMovementTotal[]; data: ApiMovementRow[] } {
  const totals: ApiMovementTotal[] = [];
  const data: ApiMovementRow[] = [];
  for (const currency of query.currency ? [query.currency] : currenciesOf(changes))
    for (const kind of query.kind ? [query.kind] : movementKinds) {
      const churnKind = kind === 'churn' ? query.churnKind : undefined;
      const rows = drillDown(changes, { ...query, currency, kind, ...(churnKind ? { churnKind } : {}) });
      if (rows.length === 0) continue;
      totals.push({ currency, kind, amount: rows.reduce((sum, r) => sum + r.amount, 0) });
      data.push(...rows.map((r) => toApiMovementRow(r, currency, kind)));
    }
  data.sort((a, b) => a.at - b.at || (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0));
  return { totals, data };
}

export interface ApiCohort {
  currency: string;
  /** the period of the cohort's first payment (YYYY-MM for months) */
  period: string;
  customers: number;
  /** MRR of the cohort at the end of its own period: the base of `mrr_retention` */
  initial_mrr: number;
  cells: {
    offset: number;
    period: string;
    retained_customers: number;
    retained_mrr: number;
    customer_retention: ApiRatio | null;
    mrr_retention: ApiRatio | null;
  }[];
}

const ratioOf = (n: number, d: number): ApiRatio | null =>
  d === 0 ? null : apiRatio({ numerator: BigInt(n), denominator: BigInt(d) });

const toApiCohort = (c: Cohort, unit: PeriodUnit): ApiCohort => {
  const initial = c.cells[0]?.retainedMrr ?? 0;
  return {
    currency: c.currency,
    period: periodLabel(c.period, unit),
    customers: c.customers,
    initial_mrr: initial,
    cells: c.cells.map((cell) => ({
      offset: cell.offset,
      period: periodLabel(cell.start, unit),
      retained_customers: cell.retainedCustomers,
      retained_mrr: cell.retainedMrr,
      customer_retention: ratioOf(cell.retainedCustomers, c.customers),
      mrr_retention: ratioOf(cell.retainedMrr, initial),
    })),
  };
};

/** Cohorts by the period of the first payment within the range, with their retention in each period after. */
export function cohortsReport(changes: readonly MrrChange[], range: ReportRange): ApiCohort[] {
  return computeCohorts(inCurrency(changes, range.currency), range).map((c) => toApiCohort(c, range.unit));
}

/** The columns of the cohorts CSV: one row per cohort and period after its first. */
export const cohortsCsvColumns = [
  'currency',
  'cohort',
  'customers',
  'initial_mrr',
  'offset',
  'period',
  'retained_customers',
  'retained_mrr',
  'customer_retention_percent',
  'mrr_retention_percent',
] as const;

export function cohortsCsvRows(cohorts: readonly ApiCohort[]): (string | number | null)[][] {
  return cohorts.flatMap((c) =>
    c.cells.map((cell) => [
      c.currency,
      c.period,
      c.customers,
      c.initial_mrr,
      cell.offset,
      cell.period,
      cell.retained_customers,
      cell.retained_mrr,
      cell.customer_retention?.percent ?? null,
      cell.mrr_retention?.percent ?? null,
    ]),
  );
}

/** The currencies the history holds, in alphabetical order. */
export function currenciesOf(changes: readonly MrrChange[]): string[] {
  return [...new Set(changes.map((c) => c.currency))].sort();
}
