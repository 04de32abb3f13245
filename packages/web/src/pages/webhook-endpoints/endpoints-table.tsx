import { errorMessage } from '@/api/client';
import type { CursorPagination } from '@/api/pagination';
import type { List } from '@/api/types';
import {
  useResendFailedDeliveries,
  useUpdateWebhookEndpoint,
  type WebhookEndpoint,
} from '@/api/webhook-endpoints';
import { useConfirm } from '@/components/confirm-dialog';
import { Pager } from '@/components/pager';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { cn, formatTimestamp } from '@/lib/utils';
import { EndpointStatus, EventsCell } from './endpoint-cells';

/** The endpoints with their actions; enabling, disabling and resending run here, the rest opens a dialog. */
export function EndpointsTable({
  endpoints,
  pagination,
  onViewAttempts,
  onEdit,
  onRotate,
  onDelete,
}: {
  endpoints: { data: List<WebhookEndpoint> | undefined; isFetching: boolean };
  pagination: CursorPagination;
  onViewAttempts: (endpoint: WebhookEndpoint) => void;
  onEdit: (endpoint: WebhookEndpoint) => void;
  onRotate: (endpoint: WebhookEndpoint) => void;
  onDelete: (endpoint: WebhookEndpoint) => void;
}) {
  const update = useUpdateWebhookEndpoint();
  const resend = useResendFailedDeliveries();
  const toast = useToast();
  const confirm = useConfirm();
  const rows = endpoints.data?.data ?? [];

  function toggle(endpoint: WebhookEndpoint) {
    const disabled = endpoint.status === 'enabled';
    update.mutate(
      { id: endpoint.id, disabled },
      {
        onSuccess: () =>
          toast({ title: disabled ? 'Endpoint disabled' : 'Endpoint enabled', description: endpoint.url }),
        onError: (error) =>
          toast({
            title: 'Could not update the endpoint',
            description: errorMessage(error),
            variant: 'error',
          }),
      },
    );
  }

  return (
    <>
      <Table data-testid="webhook-endpoints-table" aria-busy={endpoints.isFetching}>
        <TableHeadings columns={['URL', 'Events', 'Status', 'Created', { label: 'Actions', hidden: true }]} />
        <TableBody>
          {rows.map((endpoint) => (
            <TableRow
              key={endpoint.id}
              data-testid={`webhook-endpoint-row-${endpoint.id}`}
              data-status={endpoint.status}
              className={cn(endpoint.status === 'disabled' && 'text-muted-foreground')}
            >
              <TableCell className="max-w-80">
                <p className="truncate font-mono text-xs font-medium" title={endpoint.url}>
                  {endpoint.url}
                </p>
                <p className="truncate text-xs text-muted-foreground">
                  {endpoint.description ?? <code className="font-mono">{endpoint.id}</code>}
                </p>
              </TableCell>
              <TableCell>
                <EventsCell events={endpoint.enabled_events} />
              </TableCell>
              <TableCell>
                <EndpointStatus endpoint={endpoint} />
              </TableCell>
              <TableCell className="whitespace-nowrap">{formatTimestamp(endpoint.created, false)}</TableCell>
              <TableCell>
                <div className="flex justify-end gap-1">
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid={`webhook-attempts-${endpoint.id}`}
                    onClick={() => onViewAttempts(endpoint)}
                  >
                    Attempts
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid={`edit-webhook-endpoint-${endpoint.id}`}
                    onClick={() => onEdit(endpoint)}
                  >
                    Edit
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid={`toggle-webhook-endpoint-${endpoint.id}`}
                    disabled={update.isPending && update.variables?.id === endpoint.id}
                    onClick={() => toggle(endpoint)}
                  >
                    {endpoint.status === 'enabled' ? 'Disable' : 'Enable'}
                  </Button>
                  {endpoint.status === 'enabled' ? (
                    <Button
                      variant="ghost"
                      size="sm"
                      data-testid={`resend-webhook-endpoint-${endpoint.id}`}
                      disabled={resend.isPending && resend.variables === endpoint.id}
                      onClick={() =>
                        confirm.ask({
                          title: 'Send failed deliveries again?',
                          description: `Every event that failed to reach ${endpoint.url} is sent to it again now; your app receives them a second time.`,
                          confirmLabel: 'Resend failed',
                          testId: `resend-webhook-endpoint-confirm-${endpoint.id}`,
                          run: () =>
                            resend.mutateAsync(endpoint.id).then(({ deliveries }) =>
                              toast({
                                title:
                                  deliveries === 1
                                    ? '1 failed delivery sent again'
                                    : `${deliveries} failed deliveries sent again`,
                                description: endpoint.url,
                              }),
                            ),
                        })
                      }
                    >
                      Resend failed
                    </Button>
                  ) : null}
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid={`rotate-webhook-endpoint-${endpoint.id}`}
                    onClick={() => onRotate(endpoint)}
                  >
                    Rotate secret
                  </Button>
                  <Button
                    variant="ghost-destructive"
                    size="sm"
                    data-testid={`delete-webhook-endpoint-${endpoint.id}`}
                    aria-label={`Delete ${endpoint.url}`}
                    onClick={() => onDelete(endpoint)}
                  >
                    Delete
                  </Button>
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {confirm.dialog}
      {pagination.hasPrevious || endpoints.data?.has_more ? (
        <Pager pagination={pagination} query={endpoints} />
      ) : null}
    </>
  );
}
