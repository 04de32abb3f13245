import { useTenantEvent } from '@/api/events';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { EventFields } from './event-fields';
import { EventPayload } from './event-payload';

/** The tenant's read-only detail: GET /v1/tenants/:id/events/:event_id (fields and payload, no replay). */
export function TenantEventDialog({
  tenantId,
  eventId,
  onClose,
}: {
  tenantId: string;
  eventId: string | null;
  onClose: () => void;
}) {
  const event = useTenantEvent(tenantId, eventId);
  return (
    <Dialog
      open={eventId !== null}
      onOpenChange={onClose}
      title={event.data?.type ?? 'Event'}
      description={eventId ? <code className="font-mono text-xs">{eventId}</code> : null}
      className="max-w-3xl"
      data-testid="event-detail"
    >
      {event.isPending ? (
        <LoadingBlock label="Loading event" />
      ) : event.error ? (
        <ErrorState error={event.error} onRetry={() => void event.refetch()} />
      ) : (
        <div className="space-y-4">
          <EventFields event={event.data} />
          <EventPayload event={event.data} />
        </div>
      )}
      <DialogFooter>
        <Button variant="outline" onClick={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
