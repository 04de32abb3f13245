import { useDeleteWebhookEndpoint, type WebhookEndpoint } from '@/api/webhook-endpoints';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/ui/toast';

export function DeleteEndpointDialog({
  endpoint: deleting,
  onClose,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
}) {
  const remove = useDeleteWebhookEndpoint();
  const toast = useToast();
  return (
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
        onClose();
        remove.reset();
      }}
      onConfirm={() =>
        deleting &&
        remove.mutate(deleting.id, {
          onSuccess: () => {
            toast({ title: 'Endpoint deleted', description: deleting.url });
            onClose();
            remove.reset();
          },
        })
      }
    />
  );
}
