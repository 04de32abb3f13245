import { Plus, Webhook } from 'lucide-react';
import * as React from 'react';
import { useCursorPagination } from '@/api/pagination';
import {
  useWebhookEndpoints,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@/api/webhook-endpoints';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { DeleteEndpointDialog } from './delete-endpoint-dialog';
import { DeliveryAttemptsDialog } from './delivery-attempts-dialog';
import { EndpointFormDialog } from './endpoint-form-dialog';
import { EndpointSecretDialog } from './endpoint-secret-dialog';
import { EndpointsTable } from './endpoints-table';
import { RotateSecretDialog } from './rotate-secret-dialog';

export function WebhookEndpointsPage() {
  const pagination = useCursorPagination(25);
  const endpoints = useWebhookEndpoints(pagination.params);

  const [formOpen, setFormOpen] = React.useState(false);
  const [editing, setEditing] = React.useState<WebhookEndpoint | null>(null);
  const [secret, setSecret] = React.useState<{
    endpoint: WebhookEndpointWithSecret;
    rotated: boolean;
  } | null>(null);
  const [deleting, setDeleting] = React.useState<WebhookEndpoint | null>(null);
  const [rotating, setRotating] = React.useState<WebhookEndpoint | null>(null);
  const [viewing, setViewing] = React.useState<WebhookEndpoint | null>(null);

  const openCreate = () => {
    setEditing(null);
    setFormOpen(true);
  };

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
        ) : (endpoints.data?.data ?? []).length === 0 && !pagination.hasPrevious ? (
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
          <EndpointsTable
            endpoints={endpoints}
            pagination={pagination}
            onViewAttempts={setViewing}
            onEdit={(endpoint) => {
              setEditing(endpoint);
              setFormOpen(true);
            }}
            onRotate={setRotating}
            onDelete={setDeleting}
          />
        )}
      </Card>

      {formOpen ? (
        <EndpointFormDialog
          endpoint={editing}
          onClose={() => setFormOpen(false)}
          onCreated={(endpoint) => setSecret({ endpoint, rotated: false })}
        />
      ) : null}
      <EndpointSecretDialog
        endpoint={secret?.endpoint ?? null}
        rotated={secret?.rotated ?? false}
        onDone={() => setSecret(null)}
      />
      <RotateSecretDialog
        endpoint={rotating}
        onClose={() => setRotating(null)}
        onRotated={(endpoint) => setSecret({ endpoint, rotated: true })}
      />
      <DeleteEndpointDialog endpoint={deleting} onClose={() => setDeleting(null)} />
      <DeliveryAttemptsDialog endpoint={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
