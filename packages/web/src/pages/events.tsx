import { Link } from '@tanstack/react-router';
import { Inbox, RotateCcw } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import {
  type EventAttempt,
  type EventFilters,
  type EventStatus,
  eventStatuses,
  type StripeEvent,
  useEvent,
  useEventStats,
  useEvents,
  useReplayEvent,
  useTenantEvent,
  useTenantEvents,
} from '@/api/events';
import { useCursorPagination } from '@/api/pagination';
import { useTenants } from '@/api/tenants';
import type { List } from '@/api/types';
import { PageHeader } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { EmptyState, ErrorState, LoadingBlock, Skeleton } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { cn, formatRelative, formatTimestamp } from '@/lib/utils';

const statusLabel: Record<EventStatus, string> = {
  pending: 'Pending',
  processed: 'Processed',
  failed: 'Failed (retrying)',
  dead: 'Dead letter',
  ignored: 'Ignored',
};

const statusVariant = {
  pending: 'secondary',
  processed: 'success',
  failed: 'warning',
  dead: 'destructive',
  ignored: 'outline',
} as const satisfies Record<EventStatus, string>;

export function EventStatusBadge({ status }: { status: EventStatus }) {
  return <Badge variant={statusVariant[status]}>{statusLabel[status]}</Badge>;
}

export function isEventStatus(value: unknown): value is EventStatus {
  return typeof value === 'string' && (eventStatuses as readonly string[]).includes(value);
}

/** `YYYY-MM-DD` (local day) → unix seconds at its start or end. */
function dayToUnix(day: string, end: boolean): number | undefined {
  if (!day) return undefined;
  const ms = Date.parse(`${day}T${end ? '23:59:59' : '00:00:00'}`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

interface FilterForm {
  type: string;
  status: EventStatus | '';
  tenant: string;
  from: string;
  to: string;
}

const emptyForm: FilterForm = { type: '', status: '', tenant: '', from: '', to: '' };

function toFilters(form: FilterForm): EventFilters {
  return {
    type: form.type.trim() || undefined,
    status: form.status || undefined,
    tenant: form.tenant || undefined,
    since: dayToUnix(form.from, false),
    until: dayToUnix(form.to, true),
  };
}

function EventFiltersBar({
  value,
  onChange,
  showTenant,
}: {
  value: FilterForm;
  onChange: (next: FilterForm) => void;
  showTenant: boolean;
}) {
  const tenants = useTenants(showTenant);
  // The type is applied on Enter or when the field loses focus, not on every keystroke.
  const [type, setType] = React.useState(value.type);
  React.useEffect(() => setType(value.type), [value.type]);
  const applyType = () => {
    if (type.trim() !== value.type) onChange({ ...value, type: type.trim() });
  };
  const active = JSON.stringify(value) !== JSON.stringify(emptyForm);

  return (
    <form
      className="flex flex-wrap items-end gap-3 border-b px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        applyType();
      }}
    >
      <div className="w-full space-y-1.5 sm:w-56">
        <Label htmlFor="events-filter-type" className="text-xs text-muted-foreground">
          Type
        </Label>
        <Input
          id="events-filter-type"
          data-testid="events-filter-type"
          placeholder="payment_intent.* or charge.refunded"
          value={type}
          onChange={(e) => setType(e.target.value)}
          onBlur={applyType}
          className="font-mono text-xs"
        />
      </div>
      <div className="w-40 space-y-1.5">
        <Label htmlFor="events-filter-status" className="text-xs text-muted-foreground">
          Status
        </Label>
        <Select
          id="events-filter-status"
          data-testid="events-filter-status"
          value={value.status}
          onChange={(e) =>
            onChange({ ...value, status: isEventStatus(e.target.value) ? e.target.value : '' })
          }
        >
          <option value="">Any status</option>
          {eventStatuses.map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
        </Select>
      </div>
      {showTenant ? (
        <div className="w-48 space-y-1.5">
          <Label htmlFor="events-filter-tenant" className="text-xs text-muted-foreground">
            Tenant
          </Label>
          <Select
            id="events-filter-tenant"
            data-testid="events-filter-tenant"
            value={value.tenant}
            onChange={(e) => onChange({ ...value, tenant: e.target.value })}
          >
            <option value="">Any tenant</option>
            {value.tenant && !tenants.data?.data.some((t) => t.id === value.tenant) ? (
              <option value={value.tenant}>{value.tenant}</option>
            ) : null}
            {(tenants.data?.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        </div>
      ) : null}
      <div className="space-y-1.5">
        <Label htmlFor="events-filter-from" className="text-xs text-muted-foreground">
          Received from
        </Label>
        <Input
          id="events-filter-from"
          data-testid="events-filter-from"
          type="date"
          className="w-40"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => onChange({ ...value, from: e.target.value })}
        />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="events-filter-to" className="text-xs text-muted-foreground">
          to
        </Label>
        <Input
          id="events-filter-to"
          data-testid="events-filter-to"
          type="date"
          className="w-40"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => onChange({ ...value, to: e.target.value })}
        />
      </div>
      {active ? (
        <Button
          variant="ghost"
          size="sm"
          className="mb-0.5"
          data-testid="events-filter-reset"
          onClick={() => onChange(emptyForm)}
        >
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}

function EventsTable({
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
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Type</TableHead>
            <TableHead>Status</TableHead>
            {showTenant ? <TableHead>Tenant</TableHead> : null}
            <TableHead>Account</TableHead>
            <TableHead className="text-right">Attempts</TableHead>
            <TableHead>Received</TableHead>
            <TableHead>
              <span className="sr-only">Open</span>
            </TableHead>
          </TableRow>
        </TableHeader>
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
        hasMore={query.data?.has_more}
        lastId={events.at(-1)?.id}
        fetching={query.isFetching}
        previousTestId="events-previous"
        nextTestId="events-next"
      />
    </>
  );
}

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

/** Each processing attempt: when, how long, the outcome and its error. */
function AttemptHistory({ attempts }: { attempts: EventAttempt[] }) {
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium">Attempt history</p>
      <Table data-testid="event-attempt-history">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead className="w-10">#</TableHead>
            <TableHead>Started</TableHead>
            <TableHead className="text-right">Duration</TableHead>
            <TableHead>Outcome</TableHead>
            <TableHead>Error</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {attempts.map((a) => (
            <TableRow
              // replays restart the count, so the start time is part of an attempt's identity
              key={`${a.started_at}-${a.attempt}-${a.outcome}-${a.duration_ms}`}
              data-testid={`event-attempt-${a.attempt}`}
              data-outcome={a.outcome}
            >
              <TableCell className="tabular-nums">{a.attempt}</TableCell>
              <TableCell className="whitespace-nowrap">{formatTimestamp(a.started_at)}</TableCell>
              <TableCell className="text-right tabular-nums">{a.duration_ms} ms</TableCell>
              <TableCell>
                <EventStatusBadge status={a.outcome} />
              </TableCell>
              <TableCell className="max-w-64">
                {a.error ? (
                  <code className="block truncate font-mono text-xs" title={a.error}>
                    {a.error}
                  </code>
                ) : (
                  <span className="text-muted-foreground">—</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function EventFields({ event }: { event: StripeEvent }) {
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

const payloadNotes = {
  sanitized:
    'Stripe sent characters Postgres cannot store (a NUL or an unpaired surrogate); they are shown written out as \\u0000 or replaced.',
  summary:
    'Stripe sent a body nested too deep to store; only the event’s own fields and its object’s id and type are shown, and the object was refetched from Stripe.',
} as const;

function EventPayload({ event }: { event: StripeEvent }) {
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

function OperatorEventDialog({ eventId, onClose }: { eventId: string | null; onClose: () => void }) {
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

/** The dead-letter count and the other statuses (operator: GET /v1/events/stats). */
export function EventStatsCards() {
  const stats = useEventStats();
  const items: { status: EventStatus; label: string }[] = [
    { status: 'dead', label: 'Dead letter' },
    { status: 'failed', label: 'Retrying' },
    { status: 'pending', label: 'Pending' },
    { status: 'processed', label: 'Processed' },
  ];
  if (stats.error) return null;
  return (
    <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="event-stats">
      {items.map(({ status, label }) => {
        const value = stats.data?.[status];
        const alarming = status === 'dead' && (value ?? 0) > 0;
        return (
          <Card key={status} className={cn(alarming && 'border-destructive/40')}>
            <CardContent>
              <p className="text-sm text-muted-foreground">{label}</p>
              {value === undefined ? (
                <Skeleton className="mt-2 h-7 w-12" />
              ) : (
                <p
                  className={cn('mt-1 text-2xl font-semibold tabular-nums', alarming && 'text-destructive')}
                  data-testid={status === 'dead' ? 'dead-letter-count' : `event-count-${status}`}
                >
                  {value}
                </p>
              )}
            </CardContent>
          </Card>
        );
      })}
    </div>
  );
}

/** A one-line notice for the overview pages: dead-lettered events need an operator (renders nothing at 0). */
export function DeadLetterNotice() {
  const stats = useEventStats();
  const dead = stats.data?.dead ?? 0;
  if (dead === 0) return null;
  return (
    <Alert variant="warning" className="mb-6" data-testid="dead-letter-notice">
      <span className="inline-flex flex-wrap items-center gap-x-2">
        <span>
          <span className="font-medium tabular-nums" data-testid="dead-letter-notice-count">
            {dead}
          </span>{' '}
          Stripe event{dead === 1 ? '' : 's'} failed every retry and {dead === 1 ? 'is' : 'are'}{' '}
          dead-lettered.
        </span>
        <Link to="/operator/events" search={{ status: 'dead' }} className="text-primary hover:underline">
          Review events
        </Link>
      </span>
    </Alert>
  );
}

function useFilterState(initial: Partial<FilterForm>) {
  const pagination = useCursorPagination(25);
  const [form, setForm] = React.useState<FilterForm>({ ...emptyForm, ...initial });
  const filters = React.useMemo(() => toFilters(form), [form]);
  const change = (next: FilterForm) => {
    setForm(next);
    pagination.reset();
  };
  const filtered = JSON.stringify(form) !== JSON.stringify(emptyForm);
  return { form, change, filters, filtered, pagination };
}

export function OperatorEventsPage({ initialStatus }: { initialStatus?: EventStatus }) {
  const state = useFilterState(initialStatus ? { status: initialStatus } : {});
  const events = useEvents(state.filters, state.pagination.params);
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Events"
        description="Every Stripe event the platform received: verified, stored, then processed with retries."
      />
      <EventStatsCards />
      <Card>
        <EventFiltersBar value={state.form} onChange={state.change} showTenant />
        <EventsTable
          query={events}
          pagination={state.pagination}
          showTenant
          filtered={state.filtered}
          onOpen={(e) => setOpen(e.id)}
        />
      </Card>
      <OperatorEventDialog eventId={open} onClose={() => setOpen(null)} />
    </>
  );
}

/** The tenant's read-only detail: GET /v1/tenants/:id/events/:event_id (fields and payload, no replay). */
function TenantEventDialog({
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

export function TenantEventsPage({ tenantId }: { tenantId: string }) {
  const state = useFilterState({});
  const events = useTenantEvents(tenantId, state.filters, state.pagination.params);
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Events"
        description="Stripe events about this workspace's connected account and how they were processed."
      />
      <Card>
        <EventFiltersBar value={state.form} onChange={state.change} showTenant={false} />
        <EventsTable
          query={events}
          pagination={state.pagination}
          showTenant={false}
          filtered={state.filtered}
          onOpen={(e) => setOpen(e.id)}
        />
      </Card>
      <TenantEventDialog tenantId={tenantId} eventId={open} onClose={() => setOpen(null)} />
    </>
  );
}
