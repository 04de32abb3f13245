import { Repeat } from 'lucide-react';
import * as React from 'react';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { useSubscriptions } from '@/api/subscriptions';
import { ListCard } from '@/components/list-card';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { SubscriptionDialog } from '../subscriptions/subscription-dialog';
import { SubscriptionsTable } from '../subscriptions/subscriptions-table';
import { PlanDialog } from './plan-dialog';
import { SubscribeDialog } from './subscribe-dialog';

// Subscriptions on the tenant's connected account: plans (a product with a recurring price),
// subscribe a customer (optional trial), change the quantity, cancel; each subscription's invoices.

export function SubscriptionsPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const manage = canManage(role);
  const pagination = useCursorPagination(25);
  const [dialog, setDialog] = React.useState<'plan' | 'subscribe' | null>(null);
  const [open, setOpen] = React.useState<string | null>(null);
  const subs = useSubscriptions(tenantId, pagination.params);
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Recurring plans billed on your Stripe account; the platform's fee is taken from each invoice."
        actions={
          manage ? (
            <div className="flex gap-2">
              <Button variant="outline" onClick={() => setDialog('plan')} data-testid="new-plan-button">
                New plan
              </Button>
              <Button onClick={() => setDialog('subscribe')} data-testid="new-subscription-button">
                New subscription
              </Button>
            </div>
          ) : null
        }
      />
      {manage ? null : <ReadOnlyNotice what="create or change subscriptions" />}
      <ListCard
        query={subs}
        loadingLabel="Loading subscriptions"
        pagination={pagination}
        empty={<EmptyState icon={<Repeat />} title="No subscriptions yet" />}
      >
        {(rows) => <SubscriptionsTable rows={rows} onOpen={setOpen} />}
      </ListCard>
      {dialog === 'plan' ? <PlanDialog tenantId={tenantId} onClose={() => setDialog(null)} /> : null}
      {dialog === 'subscribe' ? (
        <SubscribeDialog tenantId={tenantId} onClose={() => setDialog(null)} />
      ) : null}
      {open ? (
        <SubscriptionDialog tenantId={tenantId} id={open} manage={manage} onClose={() => setOpen(null)} />
      ) : null}
    </>
  );
}
