import * as React from 'react';
import { type EventStatus, useEvents, useTenantEvents } from '@/api/events';
import { PageHeader } from '@/components/page-header';
import { Card } from '@/components/ui/card';
import { EventFiltersBar, useFilterState } from './event-filters';
import { EventStatsCards } from './event-stats-cards';
import { EventsTable } from './events-table';
import { OperatorEventDialog } from './operator-event-dialog';
import { TenantEventDialog } from './tenant-event-dialog';

export function OperatorEventsPage({ initialStatus }: { initialStatus?: EventStatus }) {
  const state = useFilterState(initialStatus ? { status: initialStatus } : {});
  const events = useEvents(state.filters, state.pagination.params);
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Events"
        description="Every Stripe event the platform received: verified, stored, then processed with retries."
      />
      <EventStatsCards />
      <Card>
        <EventFiltersBar value={state.form} onChange={state.change} showTenant />
        <EventsTable
          query={events}
          pagination={state.pagination}
          showTenant
          filtered={state.filtered}
          onOpen={(e) => setOpen(e.id)}
        />
      </Card>
      <OperatorEventDialog eventId={open} onClose={() => setOpen(null)} />
    </>
  );
}

export function TenantEventsPage({ tenantId }: { tenantId: string }) {
  const state = useFilterState({});
  const events = useTenantEvents(tenantId, state.filters, state.pagination.params);
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Events"
        description="Stripe events about this workspace's connected account and how they were processed."
      />
      <Card>
        <EventFiltersBar value={state.form} onChange={state.change} showTenant={false} />
        <EventsTable
          query={events}
          pagination={state.pagination}
          showTenant={false}
          filtered={state.filtered}
          onOpen={(e) => setOpen(e.id)}
        />
      </Card>
      <TenantEventDialog tenantId={tenantId} eventId={open} onClose={() => setOpen(null)} />
    </>
  );
}
