import {
  useCreateWebhookEndpoint,
  useUpdateWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@/api/webhook-endpoints';
import { FormDialog } from '@/components/form-dialog';
import { TextAreaField, TextField } from '@/components/form-field';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';

/** "payment.succeeded, invoice.paid" (commas or new lines) → list; empty → every event. */
function parseEvents(text: string): string[] {
  const list = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? [...new Set(list)] : ['*'];
}

/** Create (endpoint null) or edit. */
export function EndpointFormDialog({
  endpoint,
  onClose,
  onCreated,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
  onCreated: (endpoint: WebhookEndpointWithSecret) => void;
}) {
  const create = useCreateWebhookEndpoint();
  const update = useUpdateWebhookEndpoint();
  const toast = useToast();
  const { values, field } = useFormFields('webhook-endpoint', {
    url: endpoint?.url ?? '',
    events: endpoint && !endpoint.enabled_events.includes('*') ? endpoint.enabled_events.join(', ') : '',
    description: endpoint?.description ?? '',
  });

  function submit() {
    const body = {
      url: values.url.trim(),
      enabled_events: parseEvents(values.events),
      description: values.description.trim() || null,
    };
    if (endpoint) {
      update.mutate(
        { id: endpoint.id, ...body },
        {
          onSuccess: () => {
            toast({ title: 'Endpoint updated', description: body.url });
            onClose();
          },
        },
      );
    } else {
      create.mutate(body, {
        onSuccess: (created) => {
          onClose();
          onCreated(created);
        },
      });
    }
  }

  return (
    <FormDialog
      name="webhook-endpoint"
      title={endpoint ? 'Edit webhook endpoint' : 'Add webhook endpoint'}
      description="Tributary sends your app's events (payments, refunds, invoices, disputes, account changes…) here, signed."
      submission={endpoint ? update : create}
      submitLabel={endpoint ? 'Save changes' : 'Add endpoint'}
      disabled={!values.url.trim()}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextField
        label="Endpoint URL"
        type="url"
        placeholder="https://app.example.com/webhooks/tributary"
        required
        autoFocus
        maxLength={2048}
        hint="A full https:// URL your app answers on, up to 2048 characters. Plain http:// is accepted only when Tributary runs outside production (local development)."
        {...field('url')}
      />
      <TextAreaField
        label="Events"
        rows={3}
        placeholder="payment.succeeded, invoice.paid"
        className="font-mono text-xs"
        hint="Exact event types (see the list in the docs), separated by commas or new lines. Leave empty to receive every event."
        {...field('events')}
      />
      <TextField label="Description" placeholder="Production app" maxLength={500} {...field('description')} />
    </FormDialog>
  );
}
