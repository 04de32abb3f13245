import type { WebhookEndpointWithSecret } from '@/api/webhook-endpoints';
import { SecretDialog } from '@/components/secret-dialog';

/** The signing secret, shown once after create or rotate (like API keys). */
export function EndpointSecretDialog({
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
