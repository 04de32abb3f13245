import type * as React from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AnalyticsInterval, AnalyticsPeriod, Ratio } from '@/api/analytics';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  isLoss,
  movementColors,
  movementKinds,
  movementLabels,
  percentText,
  periodText,
  periodTick,
} from '@/lib/analytics';
import { formatMoney, formatMoneyCompact } from '@/lib/money';

const axisTick = { fontSize: 12, fill: 'oklch(0.52 0.02 264)' };
const gridStroke = 'oklch(0.92 0.005 264)';

/** A chart in a card; the figures it draws are in the ledger table, which it points to for screen readers. */
function ChartCard({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description: string;
  children: React.ReactNode;
}) {
  return (
    <Card data-testid={id}>
      <CardHeader>
        <div>
          <CardTitle id={`${id}-title`}>{title}</CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <figure aria-labelledby={`${id}-title`} className="h-72 w-full">
          {children}
        </figure>
      </CardContent>
    </Card>
  );
}

const chartStyle = { width: '100%', height: '100%' };

/** MRR at the end of each period. */
export function MrrChart({
  periods,
  currency,
  interval,
}: {
  periods: AnalyticsPeriod[];
  currency: string;
  interval: AnalyticsInterval;
}) {
  const data = periods.map((p) => ({ label: periodTick(p.period, interval), mrr: p.mrr_end }));
  return (
    <ChartCard
      id="analytics-mrr-chart"
      title="MRR"
      description="At the end of each period (the period in progress: now). The ledger below has the figures."
    >
      <LineChart data={data} style={chartStyle} responsive margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={false} />
        <YAxis
          tick={axisTick}
          tickLine={false}
          axisLine={false}
          width={64}
          tickFormatter={(v: number) => formatMoneyCompact(v, currency)}
        />
        <Tooltip formatter={(v) => [formatMoney(Number(v), currency), 'MRR']} />
        <Line
          type="linear"
          dataKey="mrr"
          name="MRR"
          stroke={movementColors.expansion}
          strokeWidth={2}
          dot={{ r: 3 }}
        />
      </LineChart>
    </ChartCard>
  );
}

/** Each period's movements stacked: what came in above the axis, what went out below it. */
export function MovementsChart({
  periods,
  currency,
  interval,
}: {
  periods: AnalyticsPeriod[];
  currency: string;
  interval: AnalyticsInterval;
}) {
  const data = periods.map((p) => ({
    label: periodTick(p.period, interval),
    ...Object.fromEntries(movementKinds.map((k) => [k, isLoss(k) ? -p.movements[k] : p.movements[k]])),
  }));
  return (
    <ChartCard
      id="analytics-movements-chart"
      title="MRR movements"
      description="New, reactivation and expansion add MRR; contraction and churn take it away."
    >
      <BarChart
        data={data}
        style={chartStyle}
        responsive
        stackOffset="sign"
        margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
      >
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={false} />
        <YAxis
          tick={axisTick}
          tickLine={false}
          axisLine={false}
          width={64}
          tickFormatter={(v: number) => formatMoneyCompact(v, currency)}
        />
        <ReferenceLine y={0} stroke="oklch(0.7 0.01 264)" />
        <Tooltip formatter={(v, name) => [formatMoney(Number(v), currency), name]} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {movementKinds.map((k) => (
          <Bar key={k} dataKey={k} name={movementLabels[k]} stackId="movements" fill={movementColors[k]} />
        ))}
      </BarChart>
    </ChartCard>
  );
}

/** A ratio's percent as a number for a chart; no value (its denominator is 0) leaves a gap in the line. */
const percentOf = (r: Ratio): number | null => (r === null ? null : Number(r.percent));

/**
 * The figures a chart draws, as a table screen readers (and tests) read: the chart's picture has no text
 * of its own beyond its axes.
 */
function FiguresTable({
  id,
  caption,
  columns,
  rows,
}: {
  id: string;
  caption: string;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; cells: Record<string, string> }[];
}) {
  return (
    <table className="sr-only" data-testid={`${id}-table`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Period</th>
          {columns.map((c) => (
            <th key={c.key} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {columns.map((c) => (
              <td key={c.key} data-testid={`${id}-${r.key}-${c.key}`}>
                {r.cells[c.key]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const retentionColors = { nrr: 'oklch(0.51 0.2 277)', grr: 'oklch(0.6 0.11 200)' };

/** NRR and GRR of each period, in percent: what the customers at its start kept paying, with and without growth. */
export function RetentionChart({
  periods,
  interval,
}: {
  periods: AnalyticsPeriod[];
  interval: AnalyticsInterval;
}) {
  const data = periods.map((p) => ({
    label: periodTick(p.period, interval),
    nrr: percentOf(p.nrr),
    grr: percentOf(p.grr),
  }));
  return (
    <ChartCard
      id="analytics-retention-chart"
      title="Net and gross revenue retention"
      description="NRR and GRR of each period; a period with no MRR at its start has neither."
    >
      <LineChart data={data} style={chartStyle} responsive margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={false} />
        <YAxis
          tick={axisTick}
          tickLine={false}
          axisLine={false}
          width={56}
          domain={[0, 'auto']}
          tickFormatter={(v: number) => `${v}%`}
        />
        <ReferenceLine y={100} stroke="oklch(0.7 0.01 264)" strokeDasharray="4 4" />
        <Tooltip formatter={(v, name) => [`${Number(v).toFixed(2)}%`, name]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Line
          type="linear"
          dataKey="nrr"
          name="NRR"
          stroke={retentionColors.nrr}
          strokeWidth={2}
          dot={{ r: 3 }}
        />
        <Line
          type="linear"
          dataKey="grr"
          name="GRR"
          stroke={retentionColors.grr}
          strokeWidth={2}
          dot={{ r: 3 }}
        />
      </LineChart>
      <FiguresTable
        id="analytics-retention-chart"
        caption="NRR and GRR by period"
        columns={[
          { key: 'nrr', label: 'NRR' },
          { key: 'grr', label: 'GRR' },
        ]}
        rows={periods.map((p) => ({
          key: p.period,
          label: periodText(p.period, interval),
          cells: { nrr: percentText(p.nrr), grr: percentText(p.grr) },
        }))}
      />
    </ChartCard>
  );
}

/** One month of the fee chart: two amounts as bars and a rate as the line. */
export interface FeeChartMonth {
  month: string;
  first: number;
  second: number;
  rate: Ratio;
}

/**
 * Fee revenue by month: two amounts as bars (the platform's gross and net fee revenue; a tenant's net volume
 * and the fees it paid) and a rate as a line on its own axis (take rate; fee rate).
 */
export function FeesChart({
  months,
  currency,
  labels,
  title,
  description,
}: {
  months: FeeChartMonth[];
  currency: string;
  /** the two bars' and the line's names */
  labels: { first: string; second: string; rate: string };
  title: string;
  description: string;
}) {
  const data = months.map((m) => ({
    label: periodTick(m.month, 'month'),
    first: m.first,
    second: m.second,
    rate: percentOf(m.rate),
  }));
  return (
    <ChartCard id="analytics-fees-chart" title={title} description={description}>
      <ComposedChart
        data={data}
        style={chartStyle}
        responsive
        margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
      >
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={false} />
        <YAxis
          yAxisId="amount"
          tick={axisTick}
          tickLine={false}
          axisLine={false}
          width={64}
          tickFormatter={(v: number) => formatMoneyCompact(v, currency)}
        />
        <YAxis
          yAxisId="rate"
          orientation="right"
          tick={axisTick}
          tickLine={false}
          axisLine={false}
          width={48}
          domain={[0, 'auto']}
          tickFormatter={(v: number) => `${v}%`}
        />
        <Tooltip
          formatter={(v, name, item) => [
            item.dataKey === 'rate' ? `${Number(v).toFixed(2)}%` : formatMoney(Number(v), currency),
            name,
          ]}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar yAxisId="amount" dataKey="first" name={labels.first} fill={movementColors.reactivation} />
        <Bar yAxisId="amount" dataKey="second" name={labels.second} fill={movementColors.expansion} />
        <Line
          yAxisId="rate"
          type="linear"
          dataKey="rate"
          name={labels.rate}
          stroke={movementColors.contraction}
          strokeWidth={2}
          dot={{ r: 3 }}
        />
      </ComposedChart>
      <FiguresTable
        id="analytics-fees-chart"
        caption={`${title} by month`}
        columns={[
          { key: 'first', label: labels.first },
          { key: 'second', label: labels.second },
          { key: 'rate', label: labels.rate },
        ]}
        rows={months.map((m) => ({
          key: m.month,
          label: periodText(m.month, 'month'),
          cells: {
            first: formatMoney(m.first, currency),
            second: formatMoney(m.second, currency),
            rate: percentText(m.rate),
          },
        }))}
      />
    </ChartCard>
  );
}
