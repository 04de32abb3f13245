import { FileText, Receipt, Repeat } from 'lucide-react';
import * as React from 'react';
import { useInvoices } from '@/api/invoices';
import { useCursorPagination } from '@/api/pagination';
import { usePayments } from '@/api/payments';
import { useSubscriptions } from '@/api/subscriptions';
import { ListCard } from '@/components/list-card';
import { EmptyState } from '@/components/ui/states';
import { InvoicesTable } from '../invoices/invoices-table';
import { PaymentsTable } from '../payments/payments-table';
import { SubscriptionDialog } from '../subscriptions/subscription-dialog';
import { SubscriptionsTable } from '../subscriptions/subscriptions-table';

/** The customer's payments, invoices and subscriptions: the tenant's lists filtered by `customer`. */
export function CustomerActivity({
  tenantId,
  customerId,
  manage,
}: {
  tenantId: string;
  customerId: string;
  manage: boolean;
}) {
  const paymentPages = useCursorPagination(10);
  const invoicePages = useCursorPagination(10);
  const subscriptionPages = useCursorPagination(10);
  const payments = usePayments(tenantId, { ...paymentPages.params, customer: customerId });
  const invoices = useInvoices(tenantId, { ...invoicePages.params, customer: customerId });
  const subscriptions = useSubscriptions(tenantId, { ...subscriptionPages.params, customer: customerId });
  const [openSubscription, setOpenSubscription] = React.useState<string | null>(null);
  return (
    <div className="mt-4 space-y-4">
      <ListCard
        query={payments}
        title="Payments"
        loadingLabel="Loading payments"
        pagination={paymentPages}
        empty={<EmptyState icon={<Receipt />} title="No payments from this customer yet" />}
      >
        {(rows) => <PaymentsTable tenantId={tenantId} rows={rows} busy={payments.isFetching} />}
      </ListCard>
      <ListCard
        query={invoices}
        title="Invoices"
        loadingLabel="Loading invoices"
        pagination={invoicePages}
        empty={<EmptyState icon={<FileText />} title="No invoices for this customer" />}
      >
        {(rows) => <InvoicesTable rows={rows} />}
      </ListCard>
      <ListCard
        query={subscriptions}
        title="Subscriptions"
        loadingLabel="Loading subscriptions"
        pagination={subscriptionPages}
        empty={<EmptyState icon={<Repeat />} title="No subscriptions for this customer" />}
      >
        {(rows) => <SubscriptionsTable rows={rows} onOpen={setOpenSubscription} />}
      </ListCard>
      {openSubscription ? (
        <SubscriptionDialog
          tenantId={tenantId}
          id={openSubscription}
          manage={manage}
          onClose={() => setOpenSubscription(null)}
        />
      ) : null}
    </div>
  );
}
