import type { BillingState } from '@/api/types';
import { Badge } from '@/components/ui/badge';

const labels: Record<BillingState, string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Past due',
  warning: 'Payment warning',
  suspended: 'Suspended',
};

const variants = {
  active: 'success',
  trialing: 'default',
  past_due: 'warning',
  warning: 'warning',
  suspended: 'destructive',
} as const satisfies Record<BillingState, string>;

/** A tenant's billing state with the platform, as a badge. */
export function BillingStateBadge({ state }: { state: BillingState }) {
  return (
    <Badge variant={variants[state] ?? 'outline'} data-testid="billing-state">
      {labels[state] ?? state}
    </Badge>
  );
}
