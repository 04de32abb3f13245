import { Link } from '@tanstack/react-router';
import { ArrowDownRight, ArrowRight, ArrowUpRight, Minus } from 'lucide-react';
import * as React from 'react';
import {
  type AnalyticsScope,
  type PlatformFeeRow,
  type Ratio,
  type TenantFeeRow,
  useAnalyticsMetrics,
  useFeeReport,
} from '@/api/analytics';
import { isApiError } from '@/api/client';
import { SelectField } from '@/components/form-field';
import { Card, CardContent } from '@/components/ui/card';
import { InfoTip } from '@/components/ui/info-tip';
import { Skeleton } from '@/components/ui/states';
import { amountDelta, type Delta, monthOf, percentText, periodText, pointsDelta } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';
import { cn } from '@/lib/utils';

// The home pages' headline figures (docs/analytics.md, "Dashboard"): this month so far against last month,
// from the same answers as the Analytics pages (`/mrr` by month over the two months, `/fees` over them).

/** Whether a rise is good news (MRR) or bad (churn): the delta's colour. */
type Better = 'up' | 'down';

interface Headline {
  id: string;
  label: string;
  value: string;
  delta: Delta | null;
  better: Better;
  definition: string;
}

const trendIcon = { up: ArrowUpRight, down: ArrowDownRight, flat: Minus } as const;
const trendWord = { up: 'Up', down: 'Down', flat: 'No change' } as const;

function DeltaLine({ id, delta, better }: { id: string; delta: Delta | null; better: Better }) {
  if (!delta)
    return (
      <p className="text-xs text-muted-foreground" data-testid={`overview-kpi-${id}-delta`}>
        Nothing to compare with last month
      </p>
    );
  const Icon = trendIcon[delta.trend];
  const tone =
    delta.trend === 'flat'
      ? 'text-muted-foreground'
      : delta.trend === better
        ? 'text-success'
        : 'text-destructive';
  return (
    <p
      className={cn('flex flex-wrap items-center gap-x-1 text-xs font-medium tabular-nums', tone)}
      data-testid={`overview-kpi-${id}-delta`}
      data-trend={delta.trend}
    >
      <Icon className="size-3.5 shrink-0" aria-hidden="true" />
      <span className="sr-only">{trendWord[delta.trend]}: </span>
      <span className="whitespace-nowrap">{delta.text}</span>
      <span className="font-normal whitespace-nowrap text-muted-foreground">vs last month</span>
    </p>
  );
}

function HeadlineCard({ h }: { h: Headline }) {
  return (
    <Card data-testid={`overview-kpi-${h.id}`}>
      <CardContent>
        <dl className="space-y-1">
          <dt className="flex items-center gap-1 text-sm text-muted-foreground">
            {h.label}
            <InfoTip label={`About ${h.label}`} data-testid={`overview-kpi-${h.id}-info`}>
              {h.definition}
            </InfoTip>
          </dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid={`overview-kpi-${h.id}-value`}>
            {h.value}
          </dd>
          <dd>
            <DeltaLine id={h.id} delta={h.delta} better={h.better} />
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}

const money = (amount: number | null, currency: string) =>
  amount === null ? '—' : formatMoney(amount, currency);

type FeeRow = PlatformFeeRow | TenantFeeRow;

/** A fee figure of a month: a month without payments has none of them, which is zero. */
function feeAmount(row: FeeRow | undefined, key: string): number {
  const v = row ? (row as unknown as Record<string, { amount: number } | undefined>)[key] : undefined;
  return v?.amount ?? 0;
}

function feeRatio(row: FeeRow | undefined, key: string): Ratio {
  return row ? ((row as unknown as Record<string, Ratio | undefined>)[key] ?? null) : null;
}

/**
 * The headline cards of a scope, one set per currency (a picker when there are several), each with its
 * month-over-month change and its definition one hover away. Renders nothing for a caller the answers refuse
 * (a role without `analytics:read`): the rest of the home page stays as it is.
 */
export function HeadlineCards({ scope }: { scope: AnalyticsScope }) {
  const platform = scope.kind === 'platform';
  const [currency, setCurrency] = React.useState('');
  // the months as of the first render: a page left open over midnight keeps comparing the same two
  const [months] = React.useState(() => ({ from: monthOf(new Date(), 1), to: monthOf(new Date()) }));
  // LTV divides by the mean churn of up to 6 months before its own within the range: 6 more months make
  // both months' LTV what the Analytics page (12 months by default) shows
  const [mrrRange] = React.useState(() => ({
    interval: 'month' as const,
    from: monthOf(new Date(), 7),
    to: months.to,
  }));
  const metrics = useAnalyticsMetrics(scope, mrrRange);
  const fees = useFeeReport<FeeRow>(scope, months);

  const refused = [metrics.error, fees.error].some((e) => isApiError(e) && e.status === 403);
  if (refused) return null;

  const analyticsLink = platform ? (
    <Link
      to="/operator/analytics"
      className="inline-flex items-center gap-1 text-sm text-primary hover:underline"
      data-testid="overview-analytics-link"
    >
      Platform analytics <ArrowRight className="size-3.5" aria-hidden="true" />
    </Link>
  ) : (
    <Link
      to="/tenants/$tenantId/analytics"
      params={{ tenantId: scope.tenantId }}
      className="inline-flex items-center gap-1 text-sm text-primary hover:underline"
      data-testid="overview-analytics-link"
    >
      Analytics <ArrowRight className="size-3.5" aria-hidden="true" />
    </Link>
  );

  const header = (picker: React.ReactNode) => (
    <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h2 id="overview-kpis-title" className="text-lg font-semibold">
          {periodText(months.to, 'month')} so far
        </h2>
        <p className="text-sm text-muted-foreground">
          Against {periodText(months.from, 'month')}.{' '}
          {platform
            ? "From the tenants' plans and payments."
            : "From your customers' subscriptions and payments."}
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-4">
        {picker}
        {analyticsLink}
      </div>
    </div>
  );

  if (metrics.isPending || fees.isPending)
    return (
      <section aria-labelledby="overview-kpis-title" className="mb-6" data-testid="overview-kpis-loading">
        {header(null)}
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <Card key={i}>
              <CardContent>
                <Skeleton className="h-4 w-16" />
                <Skeleton className="mt-2 h-7 w-28" />
              </CardContent>
            </Card>
          ))}
        </div>
      </section>
    );

  if (metrics.error || fees.error)
    return (
      <section aria-labelledby="overview-kpis-title" className="mb-6" data-testid="overview-kpis-error">
        {header(null)}
        <Card>
          <CardContent className="text-sm text-muted-foreground">
            The figures are unavailable right now.{' '}
            <button
              type="button"
              className="text-primary hover:underline"
              onClick={() => {
                void metrics.refetch();
                void fees.refetch();
              }}
            >
              Try again
            </button>
          </CardContent>
        </Card>
      </section>
    );

  const report = metrics.data;
  const feeReport = fees.data;
  const currencies = [
    ...new Set([...report.data.map((c) => c.currency), ...feeReport.data.map((r) => r.currency)]),
  ].sort();
  const selected = currencies.includes(currency) ? currency : (currencies[0] ?? '');

  if (!selected)
    return (
      <section aria-labelledby="overview-kpis-title" className="mb-6" data-testid="overview-kpis-empty">
        {header(null)}
        <Card>
          <CardContent className="text-sm text-muted-foreground">
            {platform
              ? 'No revenue yet: the figures start with the first tenant paying for a plan or taking a payment.'
              : 'No revenue yet: the figures start with your first paid subscription or payment.'}
          </CardContent>
        </Card>
      </section>
    );

  const periods = report.data.find((c) => c.currency === selected)?.periods ?? [];
  const now = periods.find((p) => p.period === months.to);
  const before = periods.find((p) => p.period === months.from);
  const rowNow = feeReport.data.find((r) => r.currency === selected && r.month === months.to);
  const rowBefore = feeReport.data.find((r) => r.currency === selected && r.month === months.from);
  const d = report.definitions;
  const fd = feeReport.definitions;
  // a currency with fees but no subscriptions: no MRR in it, which is zero
  const mrrNow = now?.mrr_end ?? 0;
  const mrrBefore = before?.mrr_end ?? 0;
  const arrNow = now?.arr ?? 0;
  const arrBefore = before?.arr ?? 0;
  const ratio = (r: Ratio | undefined) => r ?? null;
  const cards: Headline[] = [
    {
      id: 'mrr',
      label: 'MRR',
      value: formatMoney(mrrNow, selected),
      delta: amountDelta(mrrNow, mrrBefore, selected),
      better: 'up',
      definition: d.mrr,
    },
    {
      id: 'arr',
      label: 'ARR',
      value: formatMoney(arrNow, selected),
      delta: amountDelta(arrNow, arrBefore, selected),
      better: 'up',
      definition: d.arr,
    },
    {
      id: 'nrr',
      label: 'NRR',
      value: percentText(ratio(now?.nrr)),
      delta: pointsDelta(ratio(now?.nrr), ratio(before?.nrr)),
      better: 'up',
      definition: d.nrr,
    },
    {
      id: 'customer-churn',
      label: 'Customer churn',
      value: percentText(ratio(now?.customer_churn)),
      delta: pointsDelta(ratio(now?.customer_churn), ratio(before?.customer_churn)),
      better: 'down',
      definition: d.customer_churn,
    },
    {
      id: 'arpa',
      label: 'ARPA',
      value: money(now?.arpa ?? null, selected),
      delta: amountDelta(now?.arpa ?? null, before?.arpa ?? null, selected),
      better: 'up',
      definition: d.arpa,
    },
    {
      id: 'ltv',
      label: 'LTV',
      value: money(now?.ltv ?? null, selected),
      delta: amountDelta(now?.ltv ?? null, before?.ltv ?? null, selected),
      better: 'up',
      definition: d.ltv,
    },
    ...(platform
      ? ([
          ['gmv', 'GMV', 'gmv'],
          ['fee-revenue', 'Net fee revenue', 'net_fee_revenue'],
        ] as const)
      : ([
          ['net-volume', 'Net volume', 'net_volume'],
          ['fees-paid', 'Fees paid', 'fees_paid'],
        ] as const)
    ).map(([id, label, key]) => {
      const a = feeAmount(rowNow, key);
      const b = feeAmount(rowBefore, key);
      return {
        id,
        label,
        value: formatMoney(a, selected),
        delta: amountDelta(a, b, selected),
        // fees paid are a tenant's cost
        better: (key === 'fees_paid' ? 'down' : 'up') as Better,
        definition: fd[key] ?? '',
      };
    }),
    ...(() => {
      const key = platform ? 'take_rate' : 'fee_rate';
      return [
        {
          id: platform ? 'take-rate' : 'fee-rate',
          label: platform ? 'Take rate' : 'Fee rate',
          value: percentText(feeRatio(rowNow, key)),
          delta: pointsDelta(feeRatio(rowNow, key), feeRatio(rowBefore, key)),
          better: (platform ? 'up' : 'down') as Better,
          definition: fd[key] ?? '',
        },
      ];
    })(),
  ];

  return (
    <section
      aria-labelledby="overview-kpis-title"
      className="mb-6"
      data-testid="overview-kpis"
      data-currency={selected}
    >
      {header(
        currencies.length > 1 ? (
          <SelectField
            id="overview-currency"
            label="Currency"
            filter
            fieldClassName="w-28"
            value={selected}
            onChange={(e) => setCurrency(e.target.value)}
          >
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </SelectField>
        ) : (
          <p className="text-sm text-muted-foreground">In {selected.toUpperCase()}</p>
        ),
      )}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map((h) => (
          <HeadlineCard key={h.id} h={h} />
        ))}
      </div>
    </section>
  );
}
