import * as React from 'react';
import type { AnalyticsInterval, Cohort, CohortCell, CohortsReport } from '@/api/analytics';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { intervalLabels, percentText, periodText } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';

type Measure = 'customers' | 'mrr';

const measures: { id: Measure; label: string }[] = [
  { id: 'customers', label: 'Customer retention' },
  { id: 'mrr', label: 'MRR retention' },
];

/** A cell shaded by its percentage (capped at 100: MRR retention can pass it), light enough to read. */
function HeatCell({ cell, measure, currency }: { cell: CohortCell; measure: Measure; currency: string }) {
  const ratio = measure === 'customers' ? cell.customer_retention : cell.mrr_retention;
  const pct = ratio === null ? 0 : Math.min(100, Math.max(0, Number(ratio.percent)));
  const detail =
    measure === 'customers'
      ? `${cell.retained_customers} ${cell.retained_customers === 1 ? 'customer' : 'customers'}`
      : formatMoney(cell.retained_mrr, currency);
  return (
    <TableCell
      className="text-center text-xs tabular-nums"
      style={{
        backgroundColor: `color-mix(in oklch, var(--primary) ${Math.round(pct * 0.45)}%, transparent)`,
      }}
      title={detail}
      data-testid={`cohort-cell-${cell.offset}`}
    >
      {percentText(ratio)}
      <span className="sr-only"> ({detail})</span>
    </TableCell>
  );
}

/** Customers by the period they first paid in, and how many of them (or how much of their MRR) stay. */
export function CohortsCard({
  query,
  currency,
  interval,
  definition,
}: {
  query: { isPending: boolean; error: unknown; data?: CohortsReport; refetch: () => unknown };
  currency: string;
  interval: AnalyticsInterval;
  definition: string;
}) {
  const [measure, setMeasure] = React.useState<Measure>('customers');
  const cohorts: Cohort[] = query.data?.data.filter((c) => c.currency === currency) ?? [];
  const offsets = Array.from({ length: Math.max(0, ...cohorts.map((c) => c.cells.length)) }, (_, i) => i);
  const unit = intervalLabels[interval];
  return (
    <Card data-testid="analytics-cohorts">
      <CardHeader>
        <div>
          <CardTitle id="analytics-cohorts-title">Cohorts</CardTitle>
          <CardDescription>{definition}</CardDescription>
        </div>
        <fieldset className="inline-flex rounded-md border p-0.5">
          <legend className="sr-only">Show</legend>
          {measures.map((m) => (
            <Button
              key={m.id}
              size="sm"
              variant={measure === m.id ? 'secondary' : 'ghost'}
              aria-pressed={measure === m.id}
              data-testid={`cohorts-${m.id}`}
              onClick={() => setMeasure(m.id)}
            >
              {m.label}
            </Button>
          ))}
        </fieldset>
      </CardHeader>
      {query.isPending ? (
        <LoadingBlock label="Loading cohorts" />
      ) : query.error ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : cohorts.length === 0 ? (
        <EmptyState
          title="No cohorts in this range"
          description="A cohort is the customers who first paid in a period of the range."
        />
      ) : (
        <CardContent className="p-0">
          <Table aria-labelledby="analytics-cohorts-title" data-testid="analytics-cohorts-table">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead scope="col">Cohort</TableHead>
                <TableHead scope="col" className="text-right">
                  Customers
                </TableHead>
                <TableHead scope="col" className="text-right">
                  Initial MRR
                </TableHead>
                {offsets.map((offset) => (
                  <TableHead key={offset} scope="col" className="text-center">
                    {unit} {offset}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {cohorts.map((c) => (
                <TableRow key={c.period} data-testid={`cohort-${c.period}`}>
                  <TableHead
                    scope="row"
                    className="text-sm font-medium tracking-normal normal-case text-foreground"
                  >
                    {periodText(c.period, interval)}
                  </TableHead>
                  <TableCell className="text-right tabular-nums">{c.customers}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatMoney(c.initial_mrr, currency)}
                  </TableCell>
                  {offsets.map((offset) => {
                    const cell = c.cells.find((x) => x.offset === offset);
                    return cell ? (
                      <HeatCell key={offset} cell={cell} measure={measure} currency={currency} />
                    ) : (
                      <TableCell key={offset} />
                    );
                  })}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      )}
    </Card>
  );
}
