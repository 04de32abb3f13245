import type * as React from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AnalyticsInterval, AnalyticsPeriod } from '@/api/analytics';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { isLoss, movementColors, movementKinds, movementLabels, periodTick } from '@/lib/analytics';
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
