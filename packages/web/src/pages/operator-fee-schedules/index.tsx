import { Building2 } from 'lucide-react';
import { usePlatformFeeSchedule } from '@/api/fees';
import { useCursorPagination } from '@/api/pagination';
import { useTenantPage } from '@/api/tenants';
import { ListCard } from '@/components/list-card';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { PlatformDefaultCard } from './platform-default-card';
import { TenantFeesTable } from './tenant-fees-table';
import { WorkedExample } from './worked-example';

// The operator's view of the application fee: the platform default from PLATFORM_FEE_*, each
// tenant's override (set, change, clear), and a worked example computed by the server.

export function OperatorFeeSchedulesPage() {
  const defaults = usePlatformFeeSchedule();
  const pagination = useCursorPagination(20);
  const tenants = useTenantPage(pagination.params);
  return (
    <>
      <PageHeader
        title="Fee schedules"
        description="The application fee the platform takes on each tenant's payments: one default, and overrides per tenant."
      />
      {defaults.isPending ? (
        <LoadingBlock label="Loading the platform default" />
      ) : defaults.error ? (
        <ErrorState error={defaults.error} onRetry={() => void defaults.refetch()} />
      ) : (
        <>
          <PlatformDefaultCard defaults={defaults.data} />
          <ListCard
            query={tenants}
            title="Tenants"
            loadingLabel="Loading tenants"
            pagination={pagination}
            empty={<EmptyState icon={<Building2 />} title="No tenants yet" />}
          >
            {(rows) => <TenantFeesTable tenants={rows} defaults={defaults.data} />}
          </ListCard>
          {tenants.data?.data.length ? <WorkedExample tenants={tenants.data.data} /> : null}
        </>
      )}
    </>
  );
}
