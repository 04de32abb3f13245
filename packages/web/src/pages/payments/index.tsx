import { Download, Receipt } from 'lucide-react';
import { useCursorPagination } from '@/api/pagination';
import { exportUrl, type PaymentFilters, usePayments } from '@/api/payments';
import { ListCard } from '@/components/list-card';
import { SearchInput, StatusFilter, usePagedFilter } from '@/components/list-filters';
import { PageHeader } from '@/components/page-header';
import { buttonVariants } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { PaymentsDisabledNotice } from '../payments/payments-disabled-notice';
import { PaymentsTable } from '../payments/payments-table';
import { DisputeBanner } from './dispute-banner';

const paymentStatuses = [
  'succeeded',
  'processing',
  'requires_action',
  'requires_payment_method',
  'failed',
  'canceled',
];

export function PaymentsPage({ tenantId }: { tenantId: string }) {
  const pagination = useCursorPagination(25);
  const [status, setStatus] = usePagedFilter(pagination);
  const [q, setQ] = usePagedFilter(pagination);
  const filters: PaymentFilters = { status: status || undefined, q: q || undefined };
  const payments = usePayments(tenantId, { ...pagination.params, ...filters });

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
        <SearchInput
          className="max-w-xs"
          placeholder="Search description, email, last 4, pi_…"
          aria-label="Search payments"
          data-testid="payments-search"
          value={q}
          onApply={setQ}
        />
        <StatusFilter
          className="w-48"
          data-testid="payments-filter-status"
          statuses={paymentStatuses}
          value={status}
          onChange={setStatus}
        />
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
