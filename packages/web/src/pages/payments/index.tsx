import { Download, Receipt } from 'lucide-react';
import * as React from 'react';
import { useCursorPagination } from '@/api/pagination';
import { exportUrl, type PaymentFilters, usePayments } from '@/api/payments';
import { ListCard } from '@/components/list-card';
import { PageHeader } from '@/components/page-header';
import { buttonVariants } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { PaymentsDisabledNotice } from '../payments/payments-disabled-notice';
import { PaymentsTable } from '../payments/payments-table';
import { DisputeBanner } from './dispute-banner';

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
