import { ChartLine } from 'lucide-react';
import * as React from 'react';
import {
  type AnalyticsRange,
  type AnalyticsScope,
  fetchMetricsCsv,
  type PlatformFeeRow,
  type TenantFeeRow,
  useAnalyticsCohorts,
  useAnalyticsMetrics,
  useFeeReport,
} from '@/api/analytics';
import { isApiError } from '@/api/client';
import { PageHeader } from '@/components/page-header';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { inProgress, periodText } from '@/lib/analytics';
import { cn, formatTimestamp } from '@/lib/utils';
import { MovementsChart, MrrChart, RetentionChart } from './charts';
import { CohortsCard } from './cohorts-card';
import { CsvButton } from './csv-button';
import { DrilldownDialog } from './drilldown-dialog';
import { FeesSection } from './fees-section';
import { KpiCards } from './kpi-cards';
import { LedgerTable, type MovementPick } from './ledger-table';
import { RangePicker } from './range-picker';
import { RatiosTable } from './ratios-table';

/** The analytics of one scope (docs/analytics.md, "Dashboard"): figures per currency over a range. */
function AnalyticsPage({
  scope,
  title,
  description,
  empty,
}: {
  scope: AnalyticsScope;
  title: string;
  description: string;
  /** what brings the first figures */
  empty: string;
}) {
  const [range, setRange] = React.useState<AnalyticsRange>({ interval: 'month', from: '', to: '' });
  const [currency, setCurrency] = React.useState('');
  const [pick, setPick] = React.useState<MovementPick | null>(null);
  const metrics = useAnalyticsMetrics(scope, range);
  const cohorts = useAnalyticsCohorts(scope, range);
  // the fee report counts calendar months: those holding the range's ends
  const months = { from: range.from.slice(0, 7), to: range.to.slice(0, 7) };
  const fees = useFeeReport<PlatformFeeRow | TenantFeeRow>(scope, months);

  const report = metrics.data;
  const currencies = [
    ...new Set([
      ...(report?.data.map((c) => c.currency) ?? []),
      ...(fees.data?.data.map((r) => r.currency) ?? []),
    ]),
  ].sort();
  const selected = currencies.includes(currency) ? currency : (currencies[0] ?? '');
  const series = report?.data.find((c) => c.currency === selected);
  const periods = series?.periods ?? [];
  const first = periods[0];
  const last = periods[periods.length - 1];
  const picked = pick ? periods.find((p) => p.period === pick.period) : undefined;
  const interval = report?.interval ?? range.interval;
  const scopeName = scope.kind === 'platform' ? 'platform' : scope.tenantId;

  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          first && last ? (
            <CsvButton
              fetchFile={() => fetchMetricsCsv(scope, range, selected)}
              name={`mrr-${scopeName}-${selected}-${first.period}-to-${last.period}.csv`}
              data-testid="analytics-csv"
            />
          ) : null
        }
      />
      <RangePicker
        range={range}
        onChange={(next) => {
          setPick(null);
          setRange(next);
        }}
        currencies={currencies}
        currency={selected}
        onCurrency={setCurrency}
      />
      {metrics.isPending ? (
        <Card>
          <LoadingBlock label="Loading analytics" />
        </Card>
      ) : metrics.error ? (
        <Card data-testid="analytics-error">
          <ErrorState
            error={metrics.error}
            // a refused range stays refused: the fields above change it
            onRetry={
              isApiError(metrics.error) && metrics.error.status === 400
                ? undefined
                : () => void metrics.refetch()
            }
          />
        </Card>
      ) : !series || !last || !report ? (
        <Card data-testid="analytics-empty">
          <EmptyState
            icon={<ChartLine />}
            title={
              report?.data.length
                ? `No subscription revenue in ${selected.toUpperCase()} in this range`
                : 'No subscription revenue yet'
            }
            description={empty}
          />
        </Card>
      ) : (
        <div
          className={cn('space-y-6 transition-opacity', metrics.isPlaceholderData && 'opacity-60')}
          aria-busy={metrics.isPlaceholderData || undefined}
          data-testid="analytics-report"
        >
          <p className="text-sm text-muted-foreground" data-testid="analytics-as-of">
            {periodText(last.period, interval)}
            {inProgress(last, report.as_of) ? ' so far' : ''}, in {selected.toUpperCase()}. Figures as of{' '}
            {formatTimestamp(report.as_of)}.
          </p>
          <KpiCards period={last} currency={selected} interval={interval} definitions={report.definitions} />
          <div className="grid gap-6 xl:grid-cols-2">
            <MrrChart periods={periods} currency={selected} interval={interval} />
            <MovementsChart periods={periods} currency={selected} interval={interval} />
            <RetentionChart periods={periods} interval={interval} />
          </div>
          <LedgerTable
            periods={periods}
            currency={selected}
            interval={interval}
            ledgerOk={series.ledger_ok}
            asOf={report.as_of}
            definitions={report.definitions}
            onPick={setPick}
          />
          <RatiosTable
            periods={periods}
            currency={selected}
            interval={interval}
            definitions={report.definitions}
          />
          <CohortsCard
            query={cohorts}
            currency={selected}
            interval={interval}
            definition={report.definitions.cohort}
          />
        </div>
      )}
      <div className="mt-6">
        <FeesSection scope={scope} query={fees} months={months} currency={selected} />
      </div>
      {pick && picked ? (
        <DrilldownDialog
          key={`${pick.period}-${pick.kind}`}
          scope={scope}
          interval={interval}
          currency={selected}
          period={picked}
          pick={pick}
          onClose={() => setPick(null)}
        />
      ) : null}
    </>
  );
}

export function TenantAnalyticsPage({ tenantId }: { tenantId: string }) {
  const scope = React.useMemo<AnalyticsScope>(() => ({ kind: 'tenant', tenantId }), [tenantId]);
  return (
    <AnalyticsPage
      scope={scope}
      title="Analytics"
      description="MRR from your customers' subscriptions, how it moves, and who stays."
      empty="The figures start with your first customer's paid subscription."
    />
  );
}

const platformScope: AnalyticsScope = { kind: 'platform' };

export function PlatformAnalyticsPage() {
  return (
    <AnalyticsPage
      scope={platformScope}
      title="Platform analytics"
      description="MRR from the tenants' plans, how it moves, and which tenants stay."
      empty="The figures start with the first tenant paying for a plan."
    />
  );
}
