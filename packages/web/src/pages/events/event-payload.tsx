import type { StripeEvent } from '@/api/events';
import { Alert } from '@/components/ui/alert';

const payloadNotes = {
  sanitized:
    'Stripe sent characters Postgres cannot store (a NUL or an unpaired surrogate); they are shown written out as \\u0000 or replaced.',
  summary:
    'Stripe sent a body nested too deep to store; only the event’s own fields and its object’s id and type are shown, and the object was refetched from Stripe.',
} as const;

export function EventPayload({ event }: { event: StripeEvent }) {
  const form = event.payload_form;
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium">Payload</p>
      {form === 'sanitized' || form === 'summary' ? (
        <Alert variant="warning" data-testid="event-payload-note">
          {payloadNotes[form]} The exact signed body ({event.raw_body_size ?? 0} bytes) is kept with the
          event.
        </Alert>
      ) : null}
      <pre
        className="max-h-96 overflow-auto rounded-md bg-muted p-3 font-mono text-xs"
        data-testid="event-payload"
      >
        {JSON.stringify(event.payload ?? {}, null, 2)}
      </pre>
    </div>
  );
}
