import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, apiFile } from './client';
import { path } from './path';

// Subscription analytics (docs/analytics.md). Types mirror packages/server/src/analytics/schemas.ts.

export type AnalyticsInterval = 'month' | 'week' | 'day';
export type MovementKind = 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn';
export type ChurnKind = 'voluntary' | 'involuntary';

/** An exact ratio; `percent` is it × 100 with two decimals, halves away from zero. Null: denominator 0. */
export type Ratio = { numerator: string; denominator: string; percent: string } | null;

export interface AnalyticsPeriod {
  /** YYYY-MM for a month, the first day YYYY-MM-DD for a week or a day */
  period: string;
  /** Unix seconds; `end` is the next period's start (the period in progress: figures as of `as_of`) */
  start: number;
  end: number;
  /** minor units of the currency, like every amount below */
  mrr_start: number;
  mrr_end: number;
  arr: number;
  movements: Record<MovementKind | 'churn_voluntary' | 'churn_involuntary', number>;
  customers: {
    paying_start: number;
    paying_end: number;
    churned: number;
    churned_voluntary: number;
    churned_involuntary: number;
  };
  growth: Ratio;
  nrr: Ratio;
  grr: Ratio;
  gross_mrr_churn: Ratio;
  net_mrr_churn: Ratio;
  customer_churn: Ratio;
  customer_churn_voluntary: Ratio;
  customer_churn_involuntary: Ratio;
  arpa: number | null;
  ltv: number | null;
}

/** Each figure's one-line definition, sent with the figures. */
export type AnalyticsDefinitions = Record<
  | 'mrr'
  | 'arr'
  | MovementKind
  | 'ledger'
  | 'growth'
  | 'nrr'
  | 'grr'
  | 'gross_mrr_churn'
  | 'net_mrr_churn'
  | 'customer_churn'
  | 'arpa'
  | 'ltv'
  | 'cohort'
  | 'ratios',
  string
>;

interface ReportHead {
  scope: 'platform' | 'tenant';
  tenant: string | null;
  interval: AnalyticsInterval;
  /** Unix seconds: the range's first instant and its end (now at most) */
  from: number;
  to: number;
  /** when the figures were computed */
  as_of: number;
}

export interface CurrencyMetrics {
  currency: string;
  /** false if start + movements ≠ end in some period (never expected) */
  ledger_ok: boolean;
  periods: AnalyticsPeriod[];
}

export interface MetricsReport extends ReportHead {
  object: 'analytics.mrr';
  data: CurrencyMetrics[];
  definitions: AnalyticsDefinitions;
}

export interface MovementRow {
  currency: string;
  kind: MovementKind;
  customer: string;
  /** the Tributary object the customer is: the tenant billed (platform), the mirrored customer (tenant) */
  customer_details: { object: 'tenant' | 'customer'; id: string; name: string | null } | null;
  at: number;
  amount: number;
  mrr_before: number;
  mrr_after: number;
  churn_kind: ChurnKind | null;
  subscriptions: { subscription: string; mrr_before: number; mrr_after: number }[];
}

export interface MovementsReport {
  object: 'analytics.movements';
  scope: ReportHead['scope'];
  tenant: string | null;
  interval: AnalyticsInterval;
  period: string;
  /** the currency and kind asked for (null: every one) */
  currency: string | null;
  kind: MovementKind | null;
  churn_kind: ChurnKind | null;
  as_of: number;
  /** per currency and kind with rows: the sum of their amounts, the period's figure */
  totals: { currency: string; kind: MovementKind; amount: number }[];
  /** in time order */
  data: MovementRow[];
}

export interface CohortCell {
  offset: number;
  period: string;
  retained_customers: number;
  retained_mrr: number;
  customer_retention: Ratio;
  mrr_retention: Ratio;
}

export interface Cohort {
  currency: string;
  period: string;
  customers: number;
  /** the cohort's MRR at the end of its own period: the base of `mrr_retention` */
  initial_mrr: number;
  cells: CohortCell[];
}

export interface CohortsReport extends ReportHead {
  object: 'analytics.cohorts';
  data: Cohort[];
  definitions: AnalyticsDefinitions;
}

/** Whose figures: the platform's (its tenants' plans) or one tenant's (its customers' subscriptions). */
export type AnalyticsScope = { kind: 'platform' } | { kind: 'tenant'; tenantId: string };

/** Both ends included; empty `from` / `to` leave the server's default (the last 12 periods up to now). */
export interface AnalyticsRange {
  interval: AnalyticsInterval;
  from: string;
  to: string;
}

export interface MovementsQuery {
  interval: AnalyticsInterval;
  period: string;
  currency: string;
  kind: MovementKind;
  churn_kind?: ChurnKind;
}

const base = (scope: AnalyticsScope) =>
  scope.kind === 'platform' ? '/v1/analytics' : path`/v1/tenants/${scope.tenantId}/analytics`;

const scopeKey = (scope: AnalyticsScope) =>
  ['analytics', scope.kind === 'platform' ? 'platform' : scope.tenantId] as const;

const rangeQuery = (range: AnalyticsRange, currency?: string) => ({
  interval: range.interval,
  from: range.from,
  to: range.to,
  currency,
});

/** MRR, movements and ratios per period of the range, for every currency present. */
export function useAnalyticsMetrics(scope: AnalyticsScope, range: AnalyticsRange) {
  return useQuery({
    queryKey: [...scopeKey(scope), 'mrr', range],
    queryFn: () => api<MetricsReport>(`${base(scope)}/mrr`, { query: rangeQuery(range) }),
    placeholderData: keepPreviousData,
  });
}

/** The customers behind one movement figure of one period; null asks for nothing. */
export function useAnalyticsMovements(scope: AnalyticsScope, query: MovementsQuery | null) {
  return useQuery({
    queryKey: [...scopeKey(scope), 'movements', query],
    queryFn: () => api<MovementsReport>(`${base(scope)}/movements`, { query: { ...query! } }),
    enabled: query !== null,
  });
}

export function useAnalyticsCohorts(scope: AnalyticsScope, range: AnalyticsRange) {
  return useQuery({
    queryKey: [...scopeKey(scope), 'cohorts', range],
    queryFn: () => api<CohortsReport>(`${base(scope)}/cohorts`, { query: rangeQuery(range) }),
    placeholderData: keepPreviousData,
  });
}

/** The metrics of the range as CSV (`Accept: text/csv` on the MRR endpoint). */
export function fetchMetricsCsv(scope: AnalyticsScope, range: AnalyticsRange, currency?: string) {
  return apiFile(`${base(scope)}/mrr`, 'text/csv', rangeQuery(range, currency));
}

// Fee revenue (docs/analytics.md, "Fee revenue and unit economics"); types mirror analytics/fee-schemas.ts.

export interface Money {
  /** minor units of `currency` */
  amount: number;
  currency: string;
}

interface FeeRowBase {
  /** YYYY-MM (UTC) */
  month: string;
  currency: string;
  payments: number;
  payment_volume: Money;
  refunds: number;
  refunded_volume: Money;
  disputes: number;
  disputed_amount: Money;
  dispute_net: Money;
  application_fees: Money;
  application_fee_refunds: Money;
}

/** The platform's month: GMV over every tenant, its fee revenue and what Stripe charged it. */
export interface PlatformFeeRow extends FeeRowBase {
  gmv: Money;
  gross_fee_revenue: Money;
  stripe_fees: Money;
  net_fee_revenue: Money;
  take_rate: Ratio;
}

/** A tenant's month: what it sold, gave back and paid the platform. */
export interface TenantFeeRow extends FeeRowBase {
  net_volume: Money;
  fees_paid: Money;
  fee_rate: Ratio;
}

export interface FeeReport<Row> {
  object: 'fee_report';
  tenant: string | null;
  /** the months covered, both included */
  from: string;
  to: string;
  currency: string | null;
  as_of: number;
  /** each figure's one-line definition, by its field name */
  definitions: Record<string, string>;
  data: Row[];
}

/** Months as the fee reports take them; empty leaves the default (the twelve months up to now). */
export interface MonthRange {
  from: string;
  to: string;
}

/** Per month and currency; `Row` is PlatformFeeRow for the platform's scope, TenantFeeRow for a tenant's. */
export function useFeeReport<Row extends PlatformFeeRow | TenantFeeRow>(
  scope: AnalyticsScope,
  months: MonthRange,
) {
  return useQuery({
    queryKey: [...scopeKey(scope), 'fees', months],
    queryFn: () => api<FeeReport<Row>>(`${base(scope)}/fees`, { query: { ...months } }),
    placeholderData: keepPreviousData,
  });
}

/** The fee report's months in the currency as CSV. */
export function fetchFeesCsv(scope: AnalyticsScope, months: MonthRange, currency: string) {
  return apiFile(`${base(scope)}/fees`, 'text/csv', { ...months, currency });
}
