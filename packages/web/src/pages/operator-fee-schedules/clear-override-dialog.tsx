import { noOverride, useSetFeeOverride } from '@/api/fees';
import type { Tenant } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';

export function ClearOverrideDialog({ tenant, onClose }: { tenant: Tenant; onClose: () => void }) {
  const clear = useSetFeeOverride(tenant.id);
  return (
    <ConfirmDialog
      open
      title="Clear the override?"
      description={`${tenant.name} goes back to the platform default on its next payments; payments already made keep their fees.`}
      confirmLabel="Clear override"
      destructive
      pending={clear.isPending}
      error={clear.error}
      testId="confirm-fee-clear"
      onConfirm={() => clear.mutate(noOverride, { onSuccess: onClose })}
      onCancel={onClose}
    />
  );
}
