import { useRevokeApiKey } from '@/api/api-keys';
import type { ApiKey } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/ui/toast';

export function RevokeApiKeyDialog({
  tenantId,
  apiKey,
  onOpenChange,
}: {
  tenantId: string | null;
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  const revoke = useRevokeApiKey(tenantId);
  const toast = useToast();
  const close = () => {
    onOpenChange(false);
    revoke.reset();
  };
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onCancel={close}
      title="Revoke API key?"
      description={
        apiKey ? (
          <>
            Requests using <span className="font-medium text-foreground">{apiKey.name}</span> (
            <code className="font-mono">{apiKey.prefix}…</code>) will fail immediately. This cannot be undone.
          </>
        ) : null
      }
      dialogTestId="revoke-api-key-dialog"
      error={revoke.error}
      destructive
      testId="confirm-revoke"
      pending={revoke.isPending}
      confirmLabel="Revoke key"
      onConfirm={() =>
        apiKey &&
        revoke.mutate(apiKey.id, {
          onSuccess: () => {
            toast({ title: 'API key revoked', description: apiKey.name });
            close();
          },
        })
      }
    />
  );
}
