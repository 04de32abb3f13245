import type * as React from 'react';
import type { StripeEvent } from '@/api/events';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { formatTimestamp } from '@/lib/utils';
import { AttemptHistory } from './attempt-history';
import { EventStatusBadge } from './event-status';

function Field({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 truncate text-sm" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** The stored event: its status, where it came from, each attempt and the last error. */
export function EventFields({ event }: { event: StripeEvent }) {
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3">
        <Field label="Status" testId="event-detail-status">
          <EventStatusBadge status={event.status} />
        </Field>
        <Field label="Attempts" testId="event-attempts">
          <span className="tabular-nums">{event.attempts}</span>
        </Field>
        <Field label="Created at Stripe">{formatTimestamp(event.created)}</Field>
        <Field label="Received">{formatTimestamp(event.received_at)}</Field>
        <Field label="Processed" testId="event-processed-at">
          {formatTimestamp(event.processed_at)}
        </Field>
        <Field label="Account">
          {event.account ? <code className="font-mono text-xs">{event.account}</code> : 'Platform'}
          {event.unknown_account ? (
            <Badge variant="warning" className="ml-2">
              Unknown account
            </Badge>
          ) : null}
        </Field>
        <Field label="Tenant">
          {event.tenant ? <code className="font-mono text-xs">{event.tenant}</code> : '—'}
        </Field>
        <Field label="Source / kind">
          {event.source} · {event.kind}
          {event.livemode ? null : (
            <Badge variant="outline" className="ml-2">
              Test mode
            </Badge>
          )}
        </Field>
        <Field label="API version">{event.api_version ?? '—'}</Field>
      </dl>
      {event.attempt_history?.length ? <AttemptHistory attempts={event.attempt_history} /> : null}
      {event.last_error ? (
        <Alert variant="destructive" title="Last error" data-testid="event-last-error">
          <pre className="font-mono text-xs whitespace-pre-wrap">{event.last_error}</pre>
        </Alert>
      ) : null}
    </div>
  );
}
