import { Link } from '@tanstack/react-router';
import type { Payment } from '@/api/payments';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { PaymentStatusBadge } from '../payments/payment-status-badge';

const money = (amount: number, p: Payment) => formatMoney(amount, p.currency);

/** Payments with their fees, each opening its detail page (the Payments page, a customer's page). */
export function PaymentsTable({
  tenantId,
  rows,
  busy,
}: {
  tenantId: string;
  rows: Payment[];
  busy?: boolean;
}) {
  return (
    <Table data-testid="payments-table" aria-busy={busy}>
      <TableHeadings
        columns={[
          'Date',
          { label: 'Amount', right: true },
          'Status',
          'Description',
          'Method',
          { label: 'Stripe fee', right: true },
          { label: 'Platform fee', right: true },
          { label: 'Net', right: true },
        ]}
      />
      <TableBody>
        {rows.map((p) => (
          <TableRow key={p.id} data-testid={`payment-row-${p.id}`} data-status={p.status}>
            <TableCell className="whitespace-nowrap text-muted-foreground">
              <Link
                to="/tenants/$tenantId/payments/$paymentId"
                params={{ tenantId, paymentId: p.id }}
                className="text-primary hover:underline"
                data-testid={`payment-open-${p.id}`}
              >
                {formatTimestamp(p.created)}
              </Link>
            </TableCell>
            <TableCell className="text-right font-medium tabular-nums">{money(p.amount, p)}</TableCell>
            <TableCell>
              <PaymentStatusBadge payment={p} />
            </TableCell>
            <TableCell className="max-w-56 truncate">{p.description ?? '—'}</TableCell>
            <TableCell className="whitespace-nowrap">
              {p.payment_method
                ? `${p.payment_method.brand ?? p.payment_method.type} ·${p.payment_method.last4 ?? ''}`
                : '—'}
            </TableCell>
            <TableCell className="text-right tabular-nums" data-testid="payment-stripe-fee">
              {money(p.fees.stripe_fee, p)}
            </TableCell>
            <TableCell className="text-right tabular-nums" data-testid="payment-platform-fee">
              {money(p.fees.platform_net, p)}
            </TableCell>
            <TableCell className="text-right tabular-nums" data-testid="payment-net">
              {money(p.fees.tenant_net, p)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
