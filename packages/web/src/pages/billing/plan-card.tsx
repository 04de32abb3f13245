import type { TenantBilling } from '@/api/billing';
import { useCancelOrResume } from '@/api/plan-change';
import type { ConfirmRequest } from '@/components/confirm-dialog';
import { DetailRow } from '@/components/detail-row';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';
import { intervalWord } from './plan-matrix';
import { BillingStateBadge } from './state-badge';

// The plan the tenant is on: its state, period, reset date and trial; a change waiting for the period's end
// (a downgrade, a shorter interval) or the plan ending then, with "Keep current plan" to take it back; and
// "Cancel plan" (at the period's end) for owners and admins.

const stateNotes: Partial<Record<TenantBilling['state'], string>> = {
  past_due: 'The last invoice for your plan is unpaid. Pay it to keep your plan.',
  warning: 'Payment for your plan has failed again. Pay now to avoid suspension.',
  suspended: 'Your account is suspended until the plan is paid.',
};

/** What happens at the period's end, if anything: a scheduled change, or the plan ending. */
function Upcoming({ billing }: { billing: TenantBilling }) {
  const end = formatTimestamp(billing.current_period_end, false);
  const pending = billing.pending_change;
  if (pending)
    return (
      <Alert variant="info" title="Plan change scheduled" data-testid="billing-pending-change">
        Your plan changes to {pending.plan.name}
        {pending.interval ? ` (${intervalWord(pending.interval)})` : ''} on{' '}
        {formatTimestamp(pending.effective_at, false)}. You keep {billing.plan?.name ?? 'your plan'} until
        then.
      </Alert>
    );
  if (billing.cancel_at_period_end)
    return (
      <Alert variant="warning" title="Plan ending" data-testid="billing-cancel-pending">
        {billing.plan?.name ?? 'Your plan'} ends on {end}; you move to the free plan then. Nothing more is
        charged for it.
      </Alert>
    );
  return null;
}

/** Cancel at the period's end and keep the plan (resume), each asked first through `ask`. */
export function usePlanActions(
  tenantId: string,
  billing: TenantBilling | undefined,
  ask: (r: ConfirmRequest) => void,
) {
  const toast = useToast();
  const action = useCancelOrResume(tenantId);
  const end = formatTimestamp(billing?.current_period_end, false);
  const name = billing?.plan?.name ?? 'your plan';
  const pending = billing?.pending_change;
  const keep = () =>
    ask({
      title: `Keep ${name}?`,
      description: pending
        ? `The change to ${pending.plan.name} is dropped: you stay on ${name} and renew on ${end}.`
        : `Your plan renews on ${end} instead of ending.`,
      confirmLabel: 'Keep current plan',
      testId: 'billing-confirm-resume',
      run: async () => {
        await action.mutateAsync('resume');
        toast({ title: `You stay on ${name}` });
      },
    });
  const cancel = () =>
    ask({
      title: `Cancel ${name}?`,
      description: `Your plan stays until ${end}, then you move to the free plan. Nothing more is charged.${pending ? ` The change to ${pending.plan.name} is dropped.` : ''}`,
      confirmLabel: 'Cancel at period end',
      destructive: true,
      testId: 'billing-confirm-cancel',
      run: async () => {
        await action.mutateAsync('cancel');
        toast({ title: `Your plan ends on ${end}` });
      },
    });
  return { keep, cancel };
}

export function PlanCard({
  billing,
  manage,
  actions,
}: {
  billing: TenantBilling;
  manage: boolean;
  actions: { keep: () => void; cancel: () => void };
}) {
  const note = stateNotes[billing.state];
  const paid = billing.currency !== null && billing.current_period_end !== null;
  const end = formatTimestamp(billing.current_period_end, false);
  const waiting = billing.pending_change !== null || billing.cancel_at_period_end;

  return (
    <Card data-testid="billing-plan">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <span data-testid="billing-plan-name">{billing.plan?.name ?? 'No plan'}</span>
          <BillingStateBadge state={billing.state} />
        </CardTitle>
        {note ? <CardDescription className="text-destructive">{note}</CardDescription> : null}
      </CardHeader>
      <CardContent className="space-y-3">
        <dl>
          <DetailRow label="Billed" testId="billing-billed">
            {billing.currency && billing.interval
              ? `${billing.currency.toUpperCase()}, every ${billing.interval}`
              : 'Free'}
          </DetailRow>
          <DetailRow label="Current period" testId="billing-period">
            {billing.current_period_start && billing.current_period_end
              ? `${formatTimestamp(billing.current_period_start, false)} – ${end}`
              : '—'}
          </DetailRow>
          <DetailRow label={billing.cancel_at_period_end ? 'Ends' : 'Usage resets'} testId="billing-resets">
            {end}
          </DetailRow>
          {billing.trial_end ? (
            <DetailRow label="Trial ends" testId="billing-trial-end">
              {formatTimestamp(billing.trial_end, false)}
            </DetailRow>
          ) : null}
        </dl>
        <Upcoming billing={billing} />
      </CardContent>
      {manage && paid ? (
        <CardFooter className="flex flex-wrap gap-2">
          {waiting ? (
            <Button size="sm" variant="outline" data-testid="billing-resume" onClick={actions.keep}>
              Keep current plan
            </Button>
          ) : null}
          {billing.cancel_at_period_end ? null : (
            <Button
              size="sm"
              variant="ghost-destructive"
              data-testid="billing-cancel"
              onClick={actions.cancel}
            >
              Cancel plan
            </Button>
          )}
        </CardFooter>
      ) : null}
    </Card>
  );
}
