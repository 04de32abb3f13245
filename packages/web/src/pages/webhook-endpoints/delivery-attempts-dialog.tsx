import { Webhook } from 'lucide-react';
import { useWebhookAttempts, type WebhookEndpoint } from '@/api/webhook-endpoints';
import { Badge } from '@/components/ui/badge';
import { Dialog, DialogCloseFooter } from '@/components/ui/dialog';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatRelative, formatTimestamp } from '@/lib/utils';

/** The endpoint's delivery attempts, newest first. */
export function DeliveryAttemptsDialog({
  endpoint,
  onClose,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
}) {
  const attempts = useWebhookAttempts(endpoint?.id ?? null);
  return (
    <Dialog
      open={endpoint !== null}
      onOpenChange={onClose}
      title="Delivery attempts"
      description={endpoint ? <span className="break-all">{endpoint.url}</span> : null}
      className="max-w-3xl"
      data-testid="webhook-attempts-dialog"
    >
      {attempts.isPending ? (
        <LoadingBlock label="Loading attempts" />
      ) : attempts.error ? (
        <ErrorState error={attempts.error} onRetry={() => void attempts.refetch()} />
      ) : attempts.data.data.length === 0 ? (
        <EmptyState
          icon={<Webhook />}
          title="No deliveries yet"
          description="Attempts appear here once an event is sent to this endpoint."
        />
      ) : (
        <div className="rounded-md border">
          <Table data-testid="webhook-attempts-table">
            <TableHeadings
              columns={[
                'Time',
                { label: 'Attempt', right: true },
                'Response',
                { label: 'Duration', right: true },
                'Error',
              ]}
            />
            <TableBody>
              {attempts.data.data.map((a) => {
                const ok = a.response_status !== null && a.response_status >= 200 && a.response_status < 300;
                return (
                  <TableRow key={a.id} data-testid={`webhook-attempt-row-${a.id}`}>
                    <TableCell className="whitespace-nowrap" title={formatTimestamp(a.created)}>
                      {formatRelative(a.created)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{a.attempt}</TableCell>
                    <TableCell>
                      <Badge variant={ok ? 'success' : 'destructive'}>
                        {a.response_status ?? 'No response'}
                      </Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{a.duration_ms} ms</TableCell>
                    <TableCell
                      className="max-w-64 truncate text-xs text-muted-foreground"
                      title={a.error ?? ''}
                    >
                      {a.error ?? '—'}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      <DialogCloseFooter onClose={onClose} />
    </Dialog>
  );
}
