import { RotateCcw } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { useEvent, useReplayEvent } from '@/api/events';
import { useConfirm } from '@/components/confirm-dialog';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { EventDetailDialog } from './event-detail-dialog';

/** The operator's detail: GET /v1/events/:id (fields and payload) and its replay. */
export function OperatorEventDialog({ eventId, onClose }: { eventId: string | null; onClose: () => void }) {
  const event = useEvent(eventId);
  const replay = useReplayEvent();
  const toast = useToast();
  const confirm = useConfirm();
  const e = event.data;
  const ask = () =>
    e &&
    confirm.ask({
      title: 'Replay this event?',
      description: `Runs ${e.type} (${e.id}) through its handlers again for ${
        e.tenant ? `tenant ${e.tenant}` : e.account ? `account ${e.account}` : 'the platform'
      }: its effects apply again where they are not already, and webhooks may be sent to that tenant's endpoints.`,
      confirmLabel: 'Replay event',
      testId: 'event-replay-confirm',
      run: () =>
        replay.mutateAsync(e.id).then((r) => toast({ title: 'Event queued for replay', description: r.id })),
    });
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
        <>
          <Button data-testid="event-replay" disabled={!event.data} loading={replay.isPending} onClick={ask}>
            <RotateCcw aria-hidden="true" />
            Replay
          </Button>
          {confirm.dialog}
        </>
      }
    />
  );
}
