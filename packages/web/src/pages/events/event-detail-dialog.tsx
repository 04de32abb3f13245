import type { UseQueryResult } from '@tanstack/react-query';
import type * as React from 'react';
import type { StripeEvent } from '@/api/events';
import { Dialog, DialogCloseFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { EventFields } from './event-fields';
import { EventPayload } from './event-payload';

/** One event's fields and payload, open while `eventId` is set; `notice` goes under them, `actions` by Close. */
export function EventDetailDialog({
  eventId,
  event,
  onClose,
  notice,
  actions,
}: {
  eventId: string | null;
  event: UseQueryResult<StripeEvent>;
  onClose: () => void;
  notice?: React.ReactNode;
  actions?: React.ReactNode;
}) {
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
          {notice}
        </div>
      )}
      <DialogCloseFooter onClose={onClose}>{actions}</DialogCloseFooter>
    </Dialog>
  );
}
