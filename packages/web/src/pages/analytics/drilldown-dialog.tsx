import { Link } from '@tanstack/react-router';
import * as React from 'react';
import {
  type AnalyticsInterval,
  type AnalyticsPeriod,
  type AnalyticsScope,
  type ChurnKind,
  type MovementRow,
  useAnalyticsMovements,
} from '@/api/analytics';
import { SelectField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Dialog, DialogCloseFooter } from '@/components/ui/dialog';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { movementLabels, periodText, signed } from '@/lib/analytics';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import type { MovementPick } from './ledger-table';

/** The figure the ledger shows for the pick (churn of one kind when the user narrows it). */
function figureOf(p: AnalyticsPeriod, pick: MovementPick, churnKind: ChurnKind | '') {
  if (pick.kind !== 'churn' || churnKind === '') return p.movements[pick.kind];
  return churnKind === 'voluntary' ? p.movements.churn_voluntary : p.movements.churn_involuntary;
}

/**
 * Who moved: the tenant the platform bills (linked to its pages) or the tenant's customer as Tributary mirrors
 * it (linked to its page), with the Stripe customer id; the bare Stripe id when Tributary knows no more.
 */
function CustomerCell({ scope, row }: { scope: AnalyticsScope; row: MovementRow }) {
  const d = row.customer_details;
  const stripeId = <code className="font-mono text-xs">{row.customer}</code>;
  if (!d) return stripeId;
  const name = d.name ?? d.id;
  const link =
    d.object === 'tenant' ? (
      <Link
        to="/tenants/$tenantId"
        params={{ tenantId: d.id }}
        className="font-medium text-primary hover:underline"
        data-testid={`drilldown-${row.customer}-name`}
      >
        {name}
      </Link>
    ) : scope.kind === 'tenant' ? (
      <Link
        to="/tenants/$tenantId/customers/$customerId"
        params={{ tenantId: scope.tenantId, customerId: d.id }}
        className="font-medium text-primary hover:underline"
        data-testid={`drilldown-${row.customer}-name`}
      >
        {name}
      </Link>
    ) : (
      <span className="font-medium">{name}</span>
    );
  return (
    <span className="inline-flex flex-col">
      {link}
      <span className="text-xs text-muted-foreground">
        {d.object === 'tenant' ? <code className="font-mono">{d.id}</code> : null}
        {d.object === 'tenant' ? ' · ' : null}
        {stripeId}
      </span>
    </span>
  );
}

/** The customers behind one movement figure: their amounts, which sum to it. */
export function DrilldownDialog({
  scope,
  interval,
  currency,
  period,
  pick,
  onClose,
}: {
  scope: AnalyticsScope;
  interval: AnalyticsInterval;
  currency: string;
  period: AnalyticsPeriod;
  pick: MovementPick;
  onClose: () => void;
}) {
  const [churnKind, setChurnKind] = React.useState<ChurnKind | ''>('');
  const rows = useAnalyticsMovements(scope, {
    interval,
    period: pick.period,
    currency,
    kind: pick.kind,
    ...(pick.kind === 'churn' && churnKind !== '' ? { churn_kind: churnKind } : {}),
  });
  const money = (amount: number) => formatMoney(amount, currency);
  const label = movementLabels[pick.kind];
  const figure = figureOf(period, pick, churnKind);
  const sign = (amount: number) => signed(pick.kind, amount, currency);
  const total = rows.data?.totals.find((t) => t.currency === currency && t.kind === pick.kind)?.amount ?? 0;
  return (
    <Dialog
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={`${label} — ${periodText(pick.period, interval)}`}
      description={`${sign(figure)} in ${currency.toUpperCase()}: the customers behind it.`}
      className="max-w-4xl"
      data-testid="analytics-drilldown"
    >
      {pick.kind === 'churn' ? (
        <SelectField
          id="analytics-drilldown-churn-kind"
          label="Churn"
          filter
          fieldClassName="mb-3 w-48"
          value={churnKind}
          onChange={(e) => setChurnKind(e.target.value as ChurnKind | '')}
        >
          <option value="">All churn</option>
          <option value="voluntary">Voluntary</option>
          <option value="involuntary">Involuntary</option>
        </SelectField>
      ) : null}
      {rows.isPending ? (
        <LoadingBlock label="Loading the customers" />
      ) : rows.error ? (
        <ErrorState error={rows.error} onRetry={() => void rows.refetch()} />
      ) : rows.data.data.length === 0 ? (
        <EmptyState title="No customers" description="Nothing moved here in this period." />
      ) : (
        <>
          <Table data-testid="analytics-drilldown-table">
            <caption className="sr-only">
              The customers behind {label.toLowerCase()} in {periodText(pick.period, interval)}
            </caption>
            <TableHeadings
              columns={[
                'Customer',
                'When',
                { label: 'MRR before', right: true },
                { label: 'MRR after', right: true },
                { label: 'Amount', right: true },
              ]}
            />
            <TableBody>
              {rows.data.data.map((r) => (
                <TableRow key={`${r.customer}-${r.at}`} data-testid={`drilldown-row-${r.customer}`}>
                  <TableCell>
                    <CustomerCell scope={scope} row={r} />
                    {r.churn_kind ? (
                      <Badge
                        variant={r.churn_kind === 'involuntary' ? 'warning' : 'secondary'}
                        className="ml-2"
                      >
                        {r.churn_kind}
                      </Badge>
                    ) : null}
                    <ul className="mt-1 space-y-0.5 text-xs text-muted-foreground">
                      {r.subscriptions.map((s) => (
                        <li key={s.subscription} data-testid={`drilldown-${r.customer}-${s.subscription}`}>
                          <code className="font-mono break-all">{s.subscription}</code>: {money(s.mrr_before)}{' '}
                          → {money(s.mrr_after)}
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell className="min-w-28">{formatTimestamp(r.at)}</TableCell>
                  <TableCell className="text-right whitespace-nowrap tabular-nums">
                    {money(r.mrr_before)}
                  </TableCell>
                  <TableCell className="text-right whitespace-nowrap tabular-nums">
                    {money(r.mrr_after)}
                  </TableCell>
                  <TableCell className="text-right font-medium whitespace-nowrap tabular-nums">
                    {sign(r.amount)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
            <tfoot className="border-t bg-muted/40 font-medium">
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={4}>
                  Total of {rows.data.data.length} {rows.data.data.length === 1 ? 'customer' : 'customers'}
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="analytics-drilldown-total">
                  {sign(total)}
                </TableCell>
              </TableRow>
            </tfoot>
          </Table>
          {total === figure ? null : (
            <Alert variant="warning" className="mt-3" title="The figures have moved">
              These customers sum to {sign(total)}, the ledger showed {sign(figure)}: a change arrived since
              it was loaded. Reload the page to see both as they are now.
            </Alert>
          )}
        </>
      )}
      <DialogCloseFooter onClose={onClose} />
    </Dialog>
  );
}
