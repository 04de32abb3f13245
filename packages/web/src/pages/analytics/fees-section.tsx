import {
  type AnalyticsScope,
  type FeeReport,
  fetchFeesCsv,
  type Money,
  type MonthRange,
  type PlatformFeeRow,
  type Ratio,
  type TenantFeeRow,
} from '@/api/analytics';
import { isApiError } from '@/api/client';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { percentText, periodText } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';
import { cn, formatTimestamp } from '@/lib/utils';
import { FeesChart } from './charts';
import { CsvButton } from './csv-button';
import { Kpi } from './kpi-cards';
import { DefinedHead } from './ledger-table';

type Row = PlatformFeeRow | TenantFeeRow;
type Figure = Money | Ratio | number;
/** A figure of the month: its field (its definition's key too) and its heading. */
type Column = { key: string; label: string };
type ColumnsOf<R> = readonly { key: keyof R & string; label: string }[];

const platformColumns = [
  { key: 'payments', label: 'Payments' },
  { key: 'gmv', label: 'GMV' },
  { key: 'application_fees', label: 'Application fees' },
  { key: 'application_fee_refunds', label: 'Fees refunded' },
  { key: 'gross_fee_revenue', label: 'Gross fee revenue' },
  { key: 'stripe_fees', label: 'Stripe fees' },
  { key: 'net_fee_revenue', label: 'Net fee revenue' },
  { key: 'take_rate', label: 'Take rate' },
  { key: 'disputes', label: 'Disputes' },
  { key: 'dispute_net', label: 'Dispute net' },
] as const satisfies ColumnsOf<PlatformFeeRow>;

const tenantColumns = [
  { key: 'payments', label: 'Payments' },
  { key: 'payment_volume', label: 'Payment volume' },
  { key: 'refunded_volume', label: 'Refunded' },
  { key: 'net_volume', label: 'Net volume' },
  { key: 'fees_paid', label: 'Fees paid' },
  { key: 'fee_rate', label: 'Fee rate' },
  { key: 'disputes', label: 'Disputes' },
  { key: 'dispute_net', label: 'Dispute net' },
] as const satisfies ColumnsOf<TenantFeeRow>;

/** The headline figures of the month: the platform's revenue and take rate, a tenant's volume and fees. */
const platformKpis = [
  { key: 'gmv', label: 'GMV' },
  { key: 'net_fee_revenue', label: 'Net fee revenue' },
  { key: 'take_rate', label: 'Take rate' },
] as const satisfies ColumnsOf<PlatformFeeRow>;
const tenantKpis = [
  { key: 'net_volume', label: 'Net volume' },
  { key: 'fees_paid', label: 'Fees paid' },
  { key: 'fee_rate', label: 'Fee rate' },
] as const satisfies ColumnsOf<TenantFeeRow>;

function figureText(value: Figure): string {
  if (typeof value === 'number') return new Intl.NumberFormat().format(value);
  if (value !== null && 'amount' in value) return formatMoney(value.amount, value.currency);
  return percentText(value);
}

const currentMonth = () => new Date().toISOString().slice(0, 7);

/**
 * Fee revenue per month in the currency (the platform's: GMV, fees, Stripe's fees, take rate; a tenant's:
 * volume, refunds, the fees it paid), from the fee report, which has its own months and currencies.
 */
export function FeesSection({
  scope,
  query,
  months,
  currency,
}: {
  scope: AnalyticsScope;
  query: {
    isPending: boolean;
    isPlaceholderData: boolean;
    error: unknown;
    data?: FeeReport<Row>;
    refetch: () => unknown;
  };
  months: MonthRange;
  currency: string;
}) {
  const platform = scope.kind === 'platform';
  const columns: readonly Column[] = platform ? platformColumns : tenantColumns;
  const kpis: readonly Column[] = platform ? platformKpis : tenantKpis;
  const report = query.data;
  const rows = report?.data.filter((r) => r.currency === currency) ?? [];
  const last = rows[rows.length - 1];
  const d = report?.definitions ?? {};
  const figure = (r: Row, key: string) => (r as unknown as Record<string, Figure>)[key] ?? null;
  const title = platform ? 'Fee revenue' : 'Payments and fees';
  return (
    <section aria-labelledby="analytics-fees-title" className="space-y-4" data-testid="analytics-fees">
      <div className="flex flex-wrap items-end justify-between gap-3 border-t pt-6">
        <div>
          <h2 id="analytics-fees-title" className="text-lg font-semibold">
            {title}
          </h2>
          <p className="text-sm text-muted-foreground">
            {platform
              ? "Application fees on the tenants' payments, as Stripe booked them, less what the platform pays Stripe."
              : 'What your customers paid, what was refunded or disputed, and the fees the platform took.'}{' '}
            Per calendar month (UTC).
          </p>
        </div>
        {report && currency ? (
          <CsvButton
            fetchFile={() => fetchFeesCsv(scope, months, currency)}
            name={`fees-${currency}-${report.from}-${report.to}.csv`}
            label="Download fees CSV"
            data-testid="analytics-fees-csv"
          />
        ) : null}
      </div>
      {query.isPending ? (
        <Card>
          <LoadingBlock label="Loading fee revenue" />
        </Card>
      ) : query.error ? (
        <Card data-testid="analytics-fees-error">
          <ErrorState
            error={query.error}
            onRetry={
              isApiError(query.error) && query.error.status === 400 ? undefined : () => void query.refetch()
            }
          />
        </Card>
      ) : !last || !report ? (
        <Card data-testid="analytics-fees-empty">
          <EmptyState
            title={currency ? `No payments in ${currency.toUpperCase()} in these months` : 'No payments yet'}
            description={
              platform
                ? "The figures start with the tenants' first payments."
                : 'The figures start with your first payment.'
            }
          />
        </Card>
      ) : (
        <div
          className={cn('space-y-4 transition-opacity', query.isPlaceholderData && 'opacity-60')}
          aria-busy={query.isPlaceholderData || undefined}
        >
          <p className="text-sm text-muted-foreground">
            {periodText(last.month, 'month')}
            {last.month === currentMonth() ? ' so far' : ''}, in {currency.toUpperCase()}.
          </p>
          <div className="grid gap-4 sm:grid-cols-3">
            {kpis.map((k) => (
              <Kpi
                key={k.key}
                id={`fees-${k.key.replaceAll('_', '-')}`}
                label={k.label}
                value={figureText(figure(last, k.key))}
                definition={d[k.key] ?? ''}
              />
            ))}
          </div>
          <FeesChart
            currency={currency}
            title={platform ? 'Fee revenue and take rate' : 'Net volume and fees'}
            description={
              platform
                ? 'Gross and net fee revenue each month, and the take rate (net fee revenue of GMV).'
                : 'Net volume and the fees paid each month, and the fee rate (fees paid of net volume).'
            }
            labels={
              platform
                ? { first: 'Gross fee revenue', second: 'Net fee revenue', rate: 'Take rate' }
                : { first: 'Net volume', second: 'Fees paid', rate: 'Fee rate' }
            }
            months={rows.map((r) => {
              const amount = (key: string) => (figure(r, key) as Money | null)?.amount ?? 0;
              return platform
                ? {
                    month: r.month,
                    first: amount('gross_fee_revenue'),
                    second: amount('net_fee_revenue'),
                    rate: figure(r, 'take_rate') as Ratio,
                  }
                : {
                    month: r.month,
                    first: amount('net_volume'),
                    second: amount('fees_paid'),
                    rate: figure(r, 'fee_rate') as Ratio,
                  };
            })}
          />
          <Card>
            <CardHeader>
              <div>
                <CardTitle id="analytics-fees-table-title">{title} by month</CardTitle>
                <CardDescription>
                  {periodText(report.from, 'month')} to {periodText(report.to, 'month')}. Figures as of{' '}
                  {formatTimestamp(report.as_of)}.
                </CardDescription>
              </div>
            </CardHeader>
            <Table aria-labelledby="analytics-fees-table-title" data-testid="analytics-fees-table">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead scope="col">Month</TableHead>
                  {columns.map((c) => (
                    <DefinedHead key={c.key} label={c.label} definition={d[c.key]} />
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.month} data-testid={`fees-row-${r.month}`}>
                    <TableHead
                      scope="row"
                      className="text-sm font-medium tracking-normal normal-case text-foreground"
                    >
                      {periodText(r.month, 'month')}
                    </TableHead>
                    {columns.map((c) => (
                      <TableCell
                        key={c.key}
                        className="text-right whitespace-nowrap tabular-nums"
                        data-testid={`fees-${r.month}-${c.key}`}
                      >
                        {figureText(figure(r, c.key))}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Card>
        </div>
      )}
    </section>
  );
}
