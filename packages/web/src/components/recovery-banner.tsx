import { IN_DUNNING, useRecoveryLink } from '@/api/recovery';
import { Alert } from '@/components/ui/alert';
import { formatMoney } from '@/lib/money';

const titles = {
  past_due: 'Your payment for the plan failed',
  warning: 'Your plan is unpaid: some features are restricted',
  suspended: 'Your account is suspended for an unpaid plan invoice',
} as const;

/**
 * On every page of a tenant, for every member, while its plan invoice is unpaid (dunning: past due, warning
 * or suspended): what is owed, and a link to the recovery page that pays it.
 */
export function RecoveryBanner({ tenantId }: { tenantId: string }) {
  const link = useRecoveryLink(tenantId);
  const data = link.data;
  if (!data?.url || !IN_DUNNING.includes(data.state)) return null;
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
      Pay it with a saved card or a new one to keep full access.{' '}
      <a href={data.url} className="font-medium underline" data-testid="recovery-banner-pay">
        Pay now
      </a>
    </Alert>
  );
}
