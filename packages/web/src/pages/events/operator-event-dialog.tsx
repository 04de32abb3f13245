import { RotateCcw } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { useEvent, useReplayEvent } from '@/api/events';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { EventDetailDialog } from './event-detail-dialog';

/** The operator's detail: GET /v1/events/:id (fields and payload) and its replay. */
export function OperatorEventDialog({ eventId, onClose }: { eventId: string | null; onClose: () => void }) {
  const event = useEvent(eventId);
  const replay = useReplayEvent();
  const toast = useToast();
  return (
    <EventDetailDialog
      eventId={eventId}
      event={event}
      onClose={() => {
        onClose();
        replay.reset();
      }}
      notice={replay.error ? <Alert variant="destructive">{errorMessage(replay.error)}</Alert> : null}
      actions={
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
      }
    />
  );
}
