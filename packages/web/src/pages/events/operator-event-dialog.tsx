import { RotateCcw } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { useEvent, useReplayEvent } from '@/api/events';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { EventFields } from './event-fields';
import { EventPayload } from './event-payload';

/** The operator's detail: GET /v1/events/:id (fields and payload) and its replay. */
export function OperatorEventDialog({ eventId, onClose }: { eventId: string | null; onClose: () => void }) {
  const event = useEvent(eventId);
  const replay = useReplayEvent();
  const toast = useToast();
  const close = () => {
    onClose();
    replay.reset();
  };
  return (
    <Dialog
      open={eventId !== null}
      onOpenChange={close}
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
          {replay.error ? <Alert variant="destructive">{errorMessage(replay.error)}</Alert> : null}
        </div>
      )}
      <DialogFooter>
        <Button variant="outline" onClick={close}>
          Close
        </Button>
        <Button
          data-testid="event-replay"
          disabled={!event.data}
          loading={replay.isPending}
          onClick={() =>
            eventId &&
            replay.mutate(eventId, {
              onSuccess: (e) => toast({ title: 'Event queued for replay', description: e.id }),
            })
          }
        >
          <RotateCcw aria-hidden="true" />
          Replay
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
