import { errorMessage } from '@/api/client';
import { IN_DUNNING, useRecoveryLink, useRecoveryStatus } from '@/api/recovery';
import { canManage, useTenantRole } from '@/api/session';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { formatMoney } from '@/lib/money';

const titles = {
  past_due: 'Your payment for the plan failed',
  warning: 'Your plan is unpaid: some features are restricted',
  suspended: 'Your account is suspended for an unpaid plan invoice',
} as const;

/**
 * On every page of a tenant, for every member, while its plan invoice is unpaid (dunning: past due, warning
 * or suspended): what is owed. Owners and admins, who may pay, get "Pay now": a fresh link to the recovery
 * page, asked for on the click (it pays and adds cards, so it is handed to no one else).
 */
export function RecoveryBanner({ tenantId }: { tenantId: string }) {
  const status = useRecoveryStatus(tenantId);
  const payer = canManage(useTenantRole(tenantId));
  const link = useRecoveryLink(tenantId);
  const data = status.data;
  if (!data || !IN_DUNNING.includes(data.state)) return null;
  const state = data.state as keyof typeof titles;
  return (
    <Alert
      variant={state === 'past_due' ? 'warning' : 'destructive'}
      title={titles[state]}
      className="mb-6"
      data-testid="recovery-banner"
      data-state={state}
    >
      {data.currency && data.amount_owed > 0 ? (
        <span data-testid="recovery-banner-amount">
          {formatMoney(data.amount_owed, data.currency)} is owed.{' '}
        </span>
      ) : null}
      {payer ? (
        <>
          Pay it with a saved card or a new one to keep full access.{' '}
          <Button
            size="sm"
            variant="outline"
            className="ml-1"
            loading={link.isPending}
            data-testid="recovery-banner-pay"
            onClick={() =>
              link.mutate(undefined, {
                onSuccess: (l) => {
                  if (l.url) window.location.assign(l.url);
                },
              })
            }
          >
            Pay now
          </Button>
          {link.error ? (
            <span className="mt-2 block text-destructive">{errorMessage(link.error)}</span>
          ) : null}
        </>
      ) : (
        <span data-testid="recovery-banner-ask">An owner or admin of the account can pay it.</span>
      )}
    </Alert>
  );
}
