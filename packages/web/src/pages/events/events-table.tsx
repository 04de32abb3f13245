import { Link } from '@tanstack/react-router';
import { Inbox } from 'lucide-react';
import type { StripeEvent } from '@/api/events';
import type { useCursorPagination } from '@/api/pagination';
import type { List } from '@/api/types';
import { Pager } from '@/components/pager';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatRelative, formatTimestamp } from '@/lib/utils';
import { EventStatusBadge } from './event-status';

export function EventsTable({
  query,
  pagination,
  showTenant,
  filtered,
  onOpen,
}: {
  query: {
    data: List<StripeEvent> | undefined;
    isPending: boolean;
    isFetching: boolean;
    error: unknown;
    refetch: () => unknown;
  };
  pagination: ReturnType<typeof useCursorPagination>;
  showTenant: boolean;
  filtered: boolean;
  onOpen: (event: StripeEvent) => void;
}) {
  const events = query.data?.data ?? [];
  if (query.isPending) return <LoadingBlock label="Loading events" />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (events.length === 0 && !pagination.hasPrevious) {
    return (
      <EmptyState
        icon={<Inbox />}
        title={filtered ? 'No event matches these filters' : 'No events yet'}
        description={
          filtered
            ? 'Try a broader type (payment_intent.*) or another date range.'
            : 'Events Stripe sends to this platform appear here once they are verified and stored.'
        }
      />
    );
  }
  return (
    <>
      <Table data-testid="events-table" aria-busy={query.isFetching}>
        <TableHeadings
          columns={[
            'Type',
            'Status',
            showTenant ? 'Tenant' : null,
            'Account',
            { label: 'Attempts', right: true },
            'Received',
            { label: 'Open', hidden: true },
          ]}
        />
        <TableBody>
          {events.map((event) => (
            <TableRow key={event.id} data-testid={`event-row-${event.id}`} data-status={event.status}>
              <TableCell className="max-w-72">
                <code className="block truncate font-mono text-xs font-medium">{event.type}</code>
                <code className="block truncate font-mono text-xs text-muted-foreground">{event.id}</code>
              </TableCell>
              <TableCell>
                <EventStatusBadge status={event.status} />
              </TableCell>
              {showTenant ? (
                <TableCell>
                  {event.tenant ? (
                    <Link
                      to="/tenants/$tenantId"
                      params={{ tenantId: event.tenant }}
                      className="font-mono text-xs text-primary hover:underline"
                    >
                      {event.tenant}
                    </Link>
                  ) : event.unknown_account ? (
                    <Badge variant="warning" title="No tenant owns this connected account">
                      Unknown account
                    </Badge>
                  ) : (
                    <span className="text-muted-foreground">Platform</span>
                  )}
                </TableCell>
              ) : null}
              <TableCell>
                {event.account ? (
                  <code className="font-mono text-xs">{event.account}</code>
                ) : (
                  <span className="text-muted-foreground">—</span>
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums">{event.attempts}</TableCell>
              <TableCell className="whitespace-nowrap" title={formatTimestamp(event.received_at)}>
                {formatRelative(event.received_at)}
              </TableCell>
              <TableCell className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  data-testid={`event-open-${event.id}`}
                  aria-label={`View ${event.type} ${event.id}`}
                  onClick={() => onOpen(event)}
                >
                  View
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Pager
        pagination={pagination}
        query={query}
        previousTestId="events-previous"
        nextTestId="events-next"
      />
    </>
  );
}
