import type * as React from 'react';
import type { AnalyticsDefinitions, AnalyticsInterval, AnalyticsPeriod } from '@/api/analytics';
import { Card, CardContent } from '@/components/ui/card';
import { InfoTip } from '@/components/ui/info-tip';
import { percentText } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';

export function Kpi({
  id,
  label,
  value,
  definition,
  children,
}: {
  id: string;
  label: string;
  value: string;
  definition: string;
  children?: React.ReactNode;
}) {
  return (
    <Card data-testid={`kpi-${id}`}>
      <CardContent>
        <dl className="space-y-1">
          <dt className="flex items-center gap-1 text-sm text-muted-foreground">
            {label}
            <InfoTip label={`About ${label}`} data-testid={`kpi-${id}-info`}>
              {definition}
            </InfoTip>
          </dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid={`kpi-${id}-value`}>
            {value}
          </dd>
          {children ? <dd className="text-xs text-muted-foreground">{children}</dd> : null}
        </dl>
      </CardContent>
    </Card>
  );
}

const money = (amount: number | null, currency: string) =>
  amount === null ? '—' : formatMoney(amount, currency);

/** The headline figures of one period (the range's last), each with its definition one hover away. */
export function KpiCards({
  period: p,
  currency,
  interval,
  definitions: d,
}: {
  period: AnalyticsPeriod;
  currency: string;
  interval: AnalyticsInterval;
  definitions: AnalyticsDefinitions;
}) {
  const c = p.customers;
  return (
    <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Kpi id="mrr" label="MRR" value={formatMoney(p.mrr_end, currency)} definition={d.mrr}>
        {p.growth === null ? 'No MRR at the start' : `${percentText(p.growth)} growth in the period`}
      </Kpi>
      <Kpi id="arr" label="ARR" value={formatMoney(p.arr, currency)} definition={d.arr} />
      <Kpi id="nrr" label="NRR" value={percentText(p.nrr)} definition={d.nrr}>
        Net revenue retention
      </Kpi>
      <Kpi id="grr" label="GRR" value={percentText(p.grr)} definition={d.grr}>
        Gross revenue retention
      </Kpi>
      <Kpi
        id="customer-churn"
        label="Customer churn"
        value={percentText(p.customer_churn)}
        definition={d.customer_churn}
      >
        {c.churned} of {c.paying_start} paying at the start
        {c.churned > 0 ? ` (${c.churned_voluntary} voluntary, ${c.churned_involuntary} involuntary)` : ''}
      </Kpi>
      <Kpi id="arpa" label="ARPA" value={money(p.arpa, currency)} definition={d.arpa}>
        {c.paying_end} paying {c.paying_end === 1 ? 'customer' : 'customers'}
      </Kpi>
      <Kpi id="ltv" label="LTV" value={money(p.ltv, currency)} definition={d.ltv}>
        {interval === 'month' ? 'Lifetime value' : 'Computed for months only'}
      </Kpi>
    </section>
  );
}
