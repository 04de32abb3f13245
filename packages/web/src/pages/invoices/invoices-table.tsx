import type * as React from 'react';
import type { Invoice } from '@/api/invoices';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

/** Each invoice status and its badge; the Invoices page filters by the same list. */
export const invoiceStatusVariant = {
  draft: 'secondary',
  open: 'default',
  paid: 'success',
  void: 'outline',
  uncollectible: 'destructive',
  overdue: 'warning',
} as const;

/** Invoices with their status; `actions` adds a last column of buttons per row (the Invoices page). */
export function InvoicesTable({
  rows,
  actions,
}: {
  rows: Invoice[];
  actions?: (invoice: Invoice) => React.ReactNode;
}) {
  return (
    <Table data-testid="invoices-table">
      <TableHeadings
        columns={[
          'Reference',
          'Customer',
          'Amount',
          'Status',
          'Due',
          'Created',
          actions ? { label: 'Actions', right: true } : null,
        ]}
      />
      <TableBody>
        {rows.map((inv) => (
          <TableRow key={inv.id} data-testid={`invoice-row-${inv.id}`} data-status={inv.status}>
            <TableCell>{inv.external_reference ?? inv.lines[0]?.description ?? '—'}</TableCell>
            <TableCell>{inv.customer_email ?? '—'}</TableCell>
            <TableCell>{formatMoney(inv.amount_total, inv.currency)}</TableCell>
            <TableCell>
              <Badge variant={invoiceStatusVariant[inv.status]} data-testid={`invoice-status-${inv.id}`}>
                {inv.status}
              </Badge>
              {inv.last_payment_failure && inv.editable ? (
                <span
                  className="ml-2 text-xs text-destructive"
                  data-testid={`invoice-failure-${inv.id}`}
                  title={inv.last_payment_failure.message ?? undefined}
                >
                  last attempt failed
                </span>
              ) : null}
            </TableCell>
            <TableCell className="text-muted-foreground">
              {inv.due_date ? formatTimestamp(inv.due_date) : '—'}
            </TableCell>
            <TableCell className="text-muted-foreground">{formatTimestamp(inv.created)}</TableCell>
            {actions ? (
              <TableCell>
                <div className="flex justify-end gap-2">{actions(inv)}</div>
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
