import { Pencil } from 'lucide-react';
import * as React from 'react';
import { useCustomer } from '@/api/customers';
import { canManage, useTenantRole } from '@/api/session';
import { BackLink, PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { PaymentsDisabledNotice } from '../payments/payments-disabled-notice';
import { AddPaymentMethodButton } from './add-payment-method-button';
import { CustomerActivity } from './customer-activity';
import { CustomerDetailsCard } from './customer-details-card';
import { EditCustomerDialog } from './edit-customer-dialog';
import { PaymentMethodsCard } from './payment-methods-card';
import { PortalButton } from './portal-button';

// One customer of the tenant: details and metadata, saved payment methods (added on Stripe's hosted setup
// page), a portal link, and the customer's payments, invoices and subscriptions. Owners and admins edit;
// members read.

/** How long the methods are read again after a setup page opens or comes back: they arrive by webhook. */
const SETUP_POLL_MS = 10 * 60_000;

export function CustomerDetailPage({
  tenantId,
  customerId,
  setupComplete = false,
}: {
  tenantId: string;
  customerId: string;
  /** back from Stripe's setup page: the new method (and the default) may still be on its way */
  setupComplete?: boolean;
}) {
  const customer = useCustomer(tenantId, customerId);
  const manage = canManage(useTenantRole(tenantId));
  const [editing, setEditing] = React.useState(false);
  const [pollMethodsUntil, setPollMethodsUntil] = React.useState(() =>
    setupComplete ? Date.now() + SETUP_POLL_MS : undefined,
  );
  if (customer.isPending) return <LoadingBlock label="Loading customer" />;
  if (customer.error) return <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />;
  const c = customer.data;
  return (
    <>
      <BackLink tenantId={tenantId} to="/tenants/$tenantId/customers">
        Customers
      </BackLink>
      <PageHeader
        title={c.name ?? c.email ?? c.id}
        description={c.name && c.email ? c.email : undefined}
        actions={
          manage ? (
            <>
              <AddPaymentMethodButton
                tenantId={tenantId}
                customerId={c.id}
                onOpened={() => setPollMethodsUntil(Date.now() + SETUP_POLL_MS)}
              />
              <PortalButton tenantId={tenantId} customerId={c.id} />
              <Button onClick={() => setEditing(true)} data-testid="customer-edit-button">
                <Pencil aria-hidden="true" />
                Edit
              </Button>
            </>
          ) : null
        }
      />
      <PaymentsDisabledNotice tenantId={tenantId} />
      {manage ? null : <ReadOnlyNotice what="edit customers or their payment methods" />}
      <div className="grid gap-4 lg:grid-cols-2">
        <CustomerDetailsCard customer={c} />
        <PaymentMethodsCard
          tenantId={tenantId}
          customerId={c.id}
          manage={manage}
          pollUntil={pollMethodsUntil}
        />
      </div>
      <CustomerActivity tenantId={tenantId} customerId={c.id} manage={manage} />
      {editing ? (
        <EditCustomerDialog tenantId={tenantId} customer={c} onClose={() => setEditing(false)} />
      ) : null}
    </>
  );
}
