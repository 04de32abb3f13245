import { Plus, Webhook } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import {
  useCreateWebhookEndpoint,
  useDeleteWebhookEndpoint,
  useResendFailedDeliveries,
  useRotateWebhookSecret,
  useUpdateWebhookEndpoint,
  useWebhookAttempts,
  useWebhookEndpoints,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@/api/webhook-endpoints';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { SecretDialog } from '@/components/secret-dialog';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { FieldHint, Label } from '@/components/ui/label';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { cn, formatRelative, formatTimestamp } from '@/lib/utils';

/** "payment.succeeded, invoice.*" (commas or new lines) → list; empty → every event. */
function parseEvents(text: string): string[] {
  const list = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? [...new Set(list)] : ['*'];
}

function EventsCell({ events }: { events: string[] }) {
  if (events.includes('*')) return <span className="text-muted-foreground">All events</span>;
  return (
    <span className="flex max-w-64 flex-wrap gap-1">
      {events.slice(0, 3).map((e) => (
        <Badge key={e} variant="outline" className="font-mono">
          {e}
        </Badge>
      ))}
      {events.length > 3 ? (
        <span className="text-xs text-muted-foreground" title={events.join(', ')}>
          +{events.length - 3} more
        </span>
      ) : null}
    </span>
  );
}

function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.status === 'disabled') {
    return (
      <Badge variant="secondary" title={endpoint.disabled_reason ?? undefined}>
        Disabled
      </Badge>
    );
  }
  if (endpoint.failing_since) {
    return (
      <Badge variant="warning" title={`Failing since ${formatTimestamp(endpoint.failing_since)}`}>
        Failing
      </Badge>
    );
  }
  return <Badge variant="success">Enabled</Badge>;
}

/** The signing secret, shown once after create or rotate (like API keys). */
function EndpointSecretDialog({
  endpoint,
  rotated,
  onDone,
}: {
  endpoint: WebhookEndpointWithSecret | null;
  rotated: boolean;
  onDone: () => void;
}) {
  return (
    <SecretDialog
      open={endpoint !== null}
      onDone={onDone}
      title={rotated ? 'Save the new signing secret' : 'Save the signing secret'}
      warningTitle="This secret is shown only once"
      warning={
        rotated
          ? 'Deliveries are signed with both the new and the previous secret for a grace period: deploy the new one to your app now.'
          : 'Your app verifies deliveries with it (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). If you lose it, rotate it.'
      }
      shown={endpoint ? { label: endpoint.url, secret: endpoint.secret } : null}
      labelClassName="break-all"
      doneLabel="I have saved the secret"
      testIdPrefix="webhook-endpoint"
      data-testid="webhook-endpoint-secret-dialog"
    />
  );
}

/** Create (endpoint null) or edit. */
function EndpointFormDialog({
  open,
  endpoint,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  endpoint: WebhookEndpoint | null;
  onOpenChange: (open: boolean) => void;
  onCreated: (endpoint: WebhookEndpointWithSecret) => void;
}) {
  const create = useCreateWebhookEndpoint();
  const update = useUpdateWebhookEndpoint();
  const toast = useToast();
  const [url, setUrl] = React.useState('');
  const [events, setEvents] = React.useState('');
  const [description, setDescription] = React.useState('');
  const mutation = endpoint ? update : create;

  React.useEffect(() => {
    if (!open) return;
    setUrl(endpoint?.url ?? '');
    setEvents(endpoint && !endpoint.enabled_events.includes('*') ? endpoint.enabled_events.join(', ') : '');
    setDescription(endpoint?.description ?? '');
  }, [open, endpoint]);

  function close() {
    onOpenChange(false);
    create.reset();
    update.reset();
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const body = {
      url: url.trim(),
      enabled_events: parseEvents(events),
      description: description.trim() || null,
    };
    if (endpoint) {
      update.mutate(
        { id: endpoint.id, ...body },
        {
          onSuccess: () => {
            toast({ title: 'Endpoint updated', description: body.url });
            close();
          },
        },
      );
    } else {
      create.mutate(body, {
        onSuccess: (created) => {
          close();
          onCreated(created);
        },
      });
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={endpoint ? 'Edit webhook endpoint' : 'Add webhook endpoint'}
      description="Tributary sends your app's events (payments, refunds, invoices, disputes, account changes…) here, signed."
      data-testid="webhook-endpoint-dialog"
    >
      <form onSubmit={submit} className="space-y-4">
        {mutation.error ? <Alert variant="destructive">{errorMessage(mutation.error)}</Alert> : null}
        <TextField
          id="webhook-endpoint-url"
          label="Endpoint URL"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://app.example.com/webhooks/tributary"
          required
          autoFocus
          maxLength={2048}
        />
        <div className="space-y-2">
          <Label htmlFor="webhook-endpoint-events">Events</Label>
          <textarea
            id="webhook-endpoint-events"
            data-testid="webhook-endpoint-events"
            value={events}
            onChange={(e) => setEvents(e.target.value)}
            rows={3}
            placeholder="payment.succeeded, invoice.*"
            className="w-full rounded-md border border-input bg-card px-3 py-2 font-mono text-xs shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/30"
          />
          <FieldHint>Separate with commas or new lines. Leave empty to receive every event.</FieldHint>
        </div>
        <TextField
          id="webhook-endpoint-description"
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="Production app"
          maxLength={500}
        />
        <DialogFooter>
          <Button variant="outline" onClick={close}>
            Cancel
          </Button>
          <Button
            type="submit"
            data-testid="webhook-endpoint-submit"
            loading={mutation.isPending}
            disabled={!url.trim()}
          >
            {endpoint ? 'Save changes' : 'Add endpoint'}
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

function AttemptsDialog({ endpoint, onClose }: { endpoint: WebhookEndpoint | null; onClose: () => void }) {
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
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Time</TableHead>
                <TableHead className="text-right">Attempt</TableHead>
                <TableHead>Response</TableHead>
                <TableHead className="text-right">Duration</TableHead>
                <TableHead>Error</TableHead>
              </TableRow>
            </TableHeader>
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
      <DialogFooter>
        <Button variant="outline" onClick={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

export function WebhookEndpointsPage() {
  const pagination = useCursorPagination(25);
  const endpoints = useWebhookEndpoints(pagination.params);
  const update = useUpdateWebhookEndpoint();
  const remove = useDeleteWebhookEndpoint();
  const rotate = useRotateWebhookSecret();
  const resend = useResendFailedDeliveries();
  const toast = useToast();

  const [formOpen, setFormOpen] = React.useState(false);
  const [editing, setEditing] = React.useState<WebhookEndpoint | null>(null);
  const [secret, setSecret] = React.useState<{
    endpoint: WebhookEndpointWithSecret;
    rotated: boolean;
  } | null>(null);
  const [deleting, setDeleting] = React.useState<WebhookEndpoint | null>(null);
  const [rotating, setRotating] = React.useState<WebhookEndpoint | null>(null);
  const [viewing, setViewing] = React.useState<WebhookEndpoint | null>(null);
  const rows = endpoints.data?.data ?? [];

  const openCreate = () => {
    setEditing(null);
    setFormOpen(true);
  };

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
      <PageHeader
        title="Webhook endpoints"
        description="Where Tributary sends your platform app's events, signed with Standard Webhooks and retried for days."
        actions={
          <Button data-testid="create-webhook-endpoint-button" onClick={openCreate}>
            <Plus aria-hidden="true" />
            Add endpoint
          </Button>
        }
      />
      <Card>
        {endpoints.isPending ? (
          <LoadingBlock label="Loading endpoints" />
        ) : endpoints.error ? (
          <ErrorState error={endpoints.error} onRetry={() => void endpoints.refetch()} />
        ) : rows.length === 0 && !pagination.hasPrevious ? (
          <EmptyState
            icon={<Webhook />}
            title="No endpoints yet"
            description="Add an endpoint of your app to receive payment, invoice, dispute and account events."
            action={
              <Button variant="outline" onClick={openCreate}>
                <Plus aria-hidden="true" />
                Add endpoint
              </Button>
            }
          />
        ) : (
          <>
            <Table data-testid="webhook-endpoints-table" aria-busy={endpoints.isFetching}>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>URL</TableHead>
                  <TableHead>Events</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Created</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
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
                    <TableCell className="whitespace-nowrap">
                      {formatTimestamp(endpoint.created, false)}
                    </TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <Button
                          variant="ghost"
                          size="sm"
                          data-testid={`webhook-attempts-${endpoint.id}`}
                          onClick={() => setViewing(endpoint)}
                        >
                          Attempts
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          data-testid={`edit-webhook-endpoint-${endpoint.id}`}
                          onClick={() => {
                            setEditing(endpoint);
                            setFormOpen(true);
                          }}
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
                              resend.mutate(endpoint.id, {
                                onSuccess: ({ deliveries }) =>
                                  toast({
                                    title:
                                      deliveries === 1
                                        ? '1 failed delivery sent again'
                                        : `${deliveries} failed deliveries sent again`,
                                    description: endpoint.url,
                                  }),
                                onError: (err) => toast({ title: errorMessage(err), variant: 'error' }),
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
                          onClick={() => setRotating(endpoint)}
                        >
                          Rotate secret
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
                          data-testid={`delete-webhook-endpoint-${endpoint.id}`}
                          aria-label={`Delete ${endpoint.url}`}
                          onClick={() => setDeleting(endpoint)}
                        >
                          Delete
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {pagination.hasPrevious || endpoints.data?.has_more ? (
              <Pager
                pagination={pagination}
                hasMore={endpoints.data?.has_more}
                lastId={rows.at(-1)?.id}
                fetching={endpoints.isFetching}
              />
            ) : null}
          </>
        )}
      </Card>

      <EndpointFormDialog
        open={formOpen}
        endpoint={editing}
        onOpenChange={setFormOpen}
        onCreated={(endpoint) => setSecret({ endpoint, rotated: false })}
      />
      <EndpointSecretDialog
        endpoint={secret?.endpoint ?? null}
        rotated={secret?.rotated ?? false}
        onDone={() => setSecret(null)}
      />
      <ConfirmDialog
        open={rotating !== null}
        title="Rotate signing secret?"
        description="A new secret is created and shown once. The current one keeps signing alongside it for a grace period, so deliveries keep verifying while you deploy."
        confirmLabel="Rotate secret"
        pending={rotate.isPending}
        error={rotate.error}
        testId="confirm-rotate-webhook-secret"
        onCancel={() => {
          setRotating(null);
          rotate.reset();
        }}
        onConfirm={() =>
          rotating &&
          rotate.mutate(rotating.id, {
            onSuccess: (endpoint) => {
              setRotating(null);
              rotate.reset();
              setSecret({ endpoint, rotated: true });
            },
          })
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete webhook endpoint?"
        description={
          deleting ? (
            <>
              <span className="break-all font-medium text-foreground">{deleting.url}</span> stops receiving
              events immediately. This cannot be undone.
            </>
          ) : null
        }
        confirmLabel="Delete endpoint"
        destructive
        pending={remove.isPending}
        error={remove.error}
        testId="confirm-delete-webhook-endpoint"
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast({ title: 'Endpoint deleted', description: deleting.url });
              setDeleting(null);
              remove.reset();
            },
          })
        }
      />
      <AttemptsDialog endpoint={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
