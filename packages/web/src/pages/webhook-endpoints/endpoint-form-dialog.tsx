import * as React from 'react';
import { errorMessage } from '@/api/client';
import {
  useCreateWebhookEndpoint,
  useUpdateWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@/api/webhook-endpoints';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { FieldHint, Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';

/** "payment.succeeded, invoice.*" (commas or new lines) → list; empty → every event. */
function parseEvents(text: string): string[] {
  const list = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? [...new Set(list)] : ['*'];
}

/** Create (endpoint null) or edit. */
export function EndpointFormDialog({
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
