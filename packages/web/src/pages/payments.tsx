import { Link } from '@tanstack/react-router';
import { Download, Receipt } from 'lucide-react';
import * as React from 'react';
import { useConnectStatus } from '@/api/connect';
import { useCursorPagination } from '@/api/pagination';
import {
  exportUrl,
  formatMoney,
  type Payment,
  type PaymentFilters,
  useDisputes,
  usePayments,
} from '@/api/payments';
import { ListCard } from '@/components/list-card';
import { PageHeader } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';

const statusVariant: Record<string, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  succeeded: 'success',
  processing: 'warning',
  requires_action: 'warning',
  failed: 'destructive',
  canceled: 'secondary',
};

export function PaymentStatusBadge({ payment }: { payment: Payment }) {
  const refunded = payment.amount_refunded > 0;
  const label =
    refunded && payment.amount_refunded >= payment.amount
      ? 'refunded'
      : refunded
        ? 'partially refunded'
        : payment.status.replaceAll('_', ' ');
  return (
    <span className="inline-flex gap-1">
      <Badge variant={refunded ? 'secondary' : (statusVariant[payment.status] ?? 'secondary')}>{label}</Badge>
      {payment.dispute_status ? <Badge variant="destructive">disputed</Badge> : null}
    </span>
  );
}

/** Until the account can take charges, the payment pages say why and link to the setup page. */
export function PaymentsDisabledNotice({ tenantId }: { tenantId: string }) {
  const status = useConnectStatus(tenantId);
  if (!status.data || status.data.charges_enabled) return null;
  return (
    <Alert
      variant="warning"
      className="mb-4"
      data-testid="payments-disabled"
      title="Payments are not enabled yet"
    >
      <p>
        {status.data.summary}{' '}
        <Link
          to="/tenants/$tenantId/payments-setup"
          params={{ tenantId }}
          className="font-medium text-primary hover:underline"
          data-testid="payments-setup-link"
        >
          Go to Payments setup
        </Link>
      </p>
    </Alert>
  );
}

/** Open disputes need evidence before their deadline: shown on top of the payments. */
function DisputeBanner({ tenantId }: { tenantId: string }) {
  const disputes = useDisputes(tenantId);
  const open = (disputes.data?.data ?? []).filter((d) => d.status.includes('needs_response'));
  if (!open.length) return null;
  const next = Math.min(...open.map((d) => d.evidence_due_by ?? Number.POSITIVE_INFINITY));
  return (
    <Alert
      variant="destructive"
      className="mb-4"
      data-testid="dispute-banner"
      title="Disputed payments need evidence"
    >
      <p>
        {open.length} dispute{open.length === 1 ? '' : 's'} open; the next evidence is due{' '}
        {formatTimestamp(Number.isFinite(next) ? next : null)}.{' '}
        <Link
          to="/tenants/$tenantId/payments/$paymentId"
          params={{ tenantId, paymentId: open[0]!.payment }}
          className="font-medium underline"
        >
          Open the payment
        </Link>
      </p>
    </Alert>
  );
}

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
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Date</TableHead>
          <TableHead className="text-right">Amount</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Description</TableHead>
          <TableHead>Method</TableHead>
          <TableHead className="text-right">Stripe fee</TableHead>
          <TableHead className="text-right">Platform fee</TableHead>
          <TableHead className="text-right">Net</TableHead>
        </TableRow>
      </TableHeader>
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

export function PaymentsPage({ tenantId }: { tenantId: string }) {
  const pagination = useCursorPagination(25);
  const [status, setStatus] = React.useState('');
  const [draft, setDraft] = React.useState('');
  const [q, setQ] = React.useState('');
  const filters: PaymentFilters = { status: status || undefined, q: q || undefined };
  const payments = usePayments(tenantId, { ...pagination.params, ...filters });
  const applySearch = () => {
    if (draft.trim() !== q) {
      setQ(draft.trim());
      pagination.reset();
    }
  };

  return (
    <>
      <PageHeader
        title="Payments"
        description="Every payment of your customers, with the fees Stripe and the platform took."
        actions={
          <a
            href={exportUrl(tenantId, filters)}
            data-testid="payments-export"
            download
            className={buttonVariants({ variant: 'outline' })}
          >
            <Download aria-hidden="true" />
            Export CSV
          </a>
        }
      />
      <PaymentsDisabledNotice tenantId={tenantId} />
      <DisputeBanner tenantId={tenantId} />
      <div className="mb-4 flex flex-wrap gap-2">
        <Input
          className="max-w-xs"
          placeholder="Search description, email, last 4, pi_…"
          aria-label="Search payments"
          data-testid="payments-search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={applySearch}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applySearch();
          }}
        />
        <Select
          className="w-48"
          aria-label="Status"
          data-testid="payments-filter-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
            pagination.reset();
          }}
        >
          <option value="">All statuses</option>
          {[
            'succeeded',
            'processing',
            'requires_action',
            'requires_payment_method',
            'failed',
            'canceled',
          ].map((s) => (
            <option key={s} value={s}>
              {s.replaceAll('_', ' ')}
            </option>
          ))}
        </Select>
      </div>
      <ListCard
        query={payments}
        loadingLabel="Loading payments"
        pagination={pagination}
        empty={
          <EmptyState
            icon={<Receipt />}
            title={q || status ? 'No payments match' : 'No payments yet'}
            description="Payments appear here as your customers pay."
          />
        }
      >
        {(rows) => <PaymentsTable tenantId={tenantId} rows={rows} busy={payments.isFetching} />}
      </ListCard>
    </>
  );
}
