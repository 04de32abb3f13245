import { CircleCheck, TriangleAlert } from 'lucide-react';
import type * as React from 'react';
import type { AnalyticsDefinitions, AnalyticsInterval, AnalyticsPeriod, MovementKind } from '@/api/analytics';
import { Alert } from '@/components/ui/alert';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { InfoTip } from '@/components/ui/info-tip';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import {
  inProgress,
  isLoss,
  ledgerEnd,
  movementKinds,
  movementLabels,
  periodText,
  signed,
} from '@/lib/analytics';
import { formatMoney } from '@/lib/money';
import { cn } from '@/lib/utils';

/** One movement figure the user asked to see the customers of. */
export interface MovementPick {
  period: string;
  kind: MovementKind;
}

/** A column heading with its definition. */
export function DefinedHead({
  label,
  definition,
  className,
}: {
  label: string;
  definition?: string;
  className?: string;
}) {
  return (
    <TableHead scope="col" className={cn('text-right', className)}>
      <span className="inline-flex items-center gap-1">
        {label}
        {definition ? <InfoTip label={`About ${label}`}>{definition}</InfoTip> : null}
      </span>
    </TableHead>
  );
}

function AddsUp({ ok }: { ok: boolean }) {
  return ok ? (
    <CircleCheck className="ml-auto size-4 text-success" role="img" aria-label="Adds up" />
  ) : (
    <TriangleAlert className="ml-auto size-4 text-destructive" role="img" aria-label="Does not add up" />
  );
}

/** Each period's MRR at start, its movements and its MRR at end; a movement opens the customers behind it. */
export function LedgerTable({
  periods,
  currency,
  interval,
  ledgerOk,
  asOf,
  definitions: d,
  onPick,
}: {
  periods: AnalyticsPeriod[];
  currency: string;
  interval: AnalyticsInterval;
  ledgerOk: boolean;
  /** when the figures were computed */
  asOf: number;
  definitions: AnalyticsDefinitions;
  onPick: (pick: MovementPick) => void;
}) {
  const money = (amount: number) => formatMoney(amount, currency);
  const total = (kind: MovementKind) => periods.reduce((sum, p) => sum + p.movements[kind], 0);
  const first = periods[0];
  const last = periods[periods.length - 1];
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle id="analytics-ledger-title">MRR ledger</CardTitle>
          <CardDescription>{d.ledger} Select a movement to see the customers behind it.</CardDescription>
        </div>
      </CardHeader>
      {ledgerOk ? null : (
        <div className="px-5 pt-4">
          <Alert variant="destructive" title="The ledger does not add up">
            Some period's movements do not lead from its MRR at start to its MRR at end. Please report it: the
            figures are being checked.
          </Alert>
        </div>
      )}
      <Table aria-labelledby="analytics-ledger-title" data-testid="analytics-ledger">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead scope="col">Period</TableHead>
            <DefinedHead label="MRR at start" definition={d.mrr} />
            {movementKinds.map((k) => (
              <DefinedHead key={k} label={movementLabels[k]} definition={d[k]} />
            ))}
            <DefinedHead label="MRR at end" />
            <TableHead scope="col" className="text-right">
              <span className="sr-only">Check</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {periods.map((p) => (
            <TableRow key={p.period} data-testid={`ledger-row-${p.period}`}>
              <TableHead
                scope="row"
                className="text-sm font-medium tracking-normal normal-case text-foreground"
              >
                {periodText(p.period, interval)}
                {inProgress(p, asOf) ? (
                  <span className="ml-1.5 text-xs font-normal text-muted-foreground">(so far)</span>
                ) : null}
              </TableHead>
              <Amount testId={`ledger-${p.period}-start`}>{money(p.mrr_start)}</Amount>
              {movementKinds.map((k) => (
                <TableCell key={k} className="text-right whitespace-nowrap tabular-nums">
                  {p.movements[k] === 0 ? (
                    <span className="text-muted-foreground" data-testid={`ledger-${p.period}-${k}`}>
                      {money(0)}
                    </span>
                  ) : (
                    <button
                      type="button"
                      data-testid={`ledger-${p.period}-${k}`}
                      aria-label={`${movementLabels[k]} in ${periodText(p.period, interval)}: ${signed(k, p.movements[k], currency)}. Show the customers`}
                      className={cn(
                        'rounded-sm font-medium underline decoration-dotted underline-offset-4 outline-none hover:decoration-solid focus-visible:ring-2 focus-visible:ring-ring',
                        isLoss(k) ? 'text-destructive' : 'text-primary',
                      )}
                      onClick={() => onPick({ period: p.period, kind: k })}
                    >
                      {signed(k, p.movements[k], currency)}
                    </button>
                  )}
                </TableCell>
              ))}
              <Amount testId={`ledger-${p.period}-end`} strong>
                {money(p.mrr_end)}
              </Amount>
              <TableCell>
                <AddsUp ok={ledgerEnd(p) === p.mrr_end} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
        {first && last ? (
          <tfoot className="border-t bg-muted/40 font-medium" data-testid="ledger-range">
            <TableRow className="hover:bg-transparent">
              <TableHead scope="row" className="text-sm tracking-normal normal-case text-foreground">
                Whole range
              </TableHead>
              <Amount>{money(first.mrr_start)}</Amount>
              {movementKinds.map((k) => (
                <Amount key={k}>{signed(k, total(k), currency)}</Amount>
              ))}
              <Amount strong>{money(last.mrr_end)}</Amount>
              <TableCell>
                <AddsUp
                  ok={
                    first.mrr_start +
                      total('new') +
                      total('reactivation') +
                      total('expansion') -
                      total('contraction') -
                      total('churn') ===
                    last.mrr_end
                  }
                />
              </TableCell>
            </TableRow>
          </tfoot>
        ) : null}
      </Table>
    </Card>
  );
}

function Amount({
  children,
  strong,
  testId,
}: {
  children: React.ReactNode;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <TableCell
      className={cn('text-right whitespace-nowrap tabular-nums', strong && 'font-semibold')}
      data-testid={testId}
    >
      {children}
    </TableCell>
  );
}
