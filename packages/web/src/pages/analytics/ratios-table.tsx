import type { AnalyticsDefinitions, AnalyticsInterval, AnalyticsPeriod, Ratio } from '@/api/analytics';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { percentText, periodText } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';
import { DefinedHead } from './ledger-table';

const ratioColumns = [
  ['growth', 'MRR growth'],
  ['nrr', 'NRR'],
  ['grr', 'GRR'],
  ['gross_mrr_churn', 'Gross MRR churn'],
  ['net_mrr_churn', 'Net MRR churn'],
  ['customer_churn', 'Customer churn'],
] as const satisfies readonly (readonly [keyof AnalyticsPeriod & keyof AnalyticsDefinitions, string])[];

/** Every ratio of every period, with the paying customers, ARPA and LTV. */
export function RatiosTable({
  periods,
  currency,
  interval,
  definitions: d,
}: {
  periods: AnalyticsPeriod[];
  currency: string;
  interval: AnalyticsInterval;
  definitions: AnalyticsDefinitions;
}) {
  const money = (amount: number | null) => (amount === null ? '—' : formatMoney(amount, currency));
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle id="analytics-ratios-title">Retention and churn</CardTitle>
          <CardDescription>{d.ratios}</CardDescription>
        </div>
      </CardHeader>
      <Table aria-labelledby="analytics-ratios-title" data-testid="analytics-ratios">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead scope="col">Period</TableHead>
            {ratioColumns.map(([key, label]) => (
              <DefinedHead key={key} label={label} definition={d[key]} />
            ))}
            <DefinedHead label="Paying (start → end)" />
            <DefinedHead label="ARPA" definition={d.arpa} />
            <DefinedHead label="LTV" definition={d.ltv} />
          </TableRow>
        </TableHeader>
        <TableBody>
          {periods.map((p) => (
            <TableRow key={p.period} data-testid={`ratios-row-${p.period}`}>
              <TableHead
                scope="row"
                className="text-sm font-medium tracking-normal normal-case text-foreground"
              >
                {periodText(p.period, interval)}
              </TableHead>
              {ratioColumns.map(([key]) => (
                <TableCell
                  key={key}
                  className="text-right tabular-nums"
                  data-testid={`ratios-${p.period}-${key}`}
                >
                  {percentText(p[key] as Ratio)}
                </TableCell>
              ))}
              <TableCell className="text-right tabular-nums">
                {p.customers.paying_start} → {p.customers.paying_end}
              </TableCell>
              <TableCell className="text-right tabular-nums">{money(p.arpa)}</TableCell>
              <TableCell className="text-right tabular-nums">{money(p.ltv)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
