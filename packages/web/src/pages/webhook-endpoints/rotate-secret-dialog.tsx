import {
  useRotateWebhookSecret,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@/api/webhook-endpoints';
import { ConfirmDialog } from '@/components/confirm-dialog';

/** Rotating makes a new signing secret, handed to `onRotated` to be shown once. */
export function RotateSecretDialog({
  endpoint: rotating,
  onClose,
  onRotated,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
  onRotated: (endpoint: WebhookEndpointWithSecret) => void;
}) {
  const rotate = useRotateWebhookSecret();
  return (
    <ConfirmDialog
      open={rotating !== null}
      title="Rotate signing secret?"
      description="A new secret is created and shown once. The current one keeps signing alongside it for a grace period, so deliveries keep verifying while you deploy."
      confirmLabel="Rotate secret"
      pending={rotate.isPending}
      error={rotate.error}
      testId="confirm-rotate-webhook-secret"
      onCancel={() => {
        onClose();
        rotate.reset();
      }}
      onConfirm={() =>
        rotating &&
        rotate.mutate(rotating.id, {
          onSuccess: (endpoint) => {
            onClose();
            rotate.reset();
            onRotated(endpoint);
          },
        })
      }
    />
  );
}
