import { useNavigate } from '@tanstack/react-router';
import { Check, Minus } from 'lucide-react';
import * as React from 'react';
import { type TenantBilling, useEntitlements, useTenantBilling } from '@/api/billing';
import { canManage, useTenantRole } from '@/api/session';
import { DetailRow } from '@/components/detail-row';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';
import { BillingContactCard } from './contact-card';
import { BillingHistoryCard } from './history-card';
import { NextInvoiceCard } from './next-invoice-card';
import { NoticesCard } from './notices-card';
import { PaymentMethodsCard } from './payment-methods-card';
import { BillingStateBadge } from './state-badge';
import { UsageBars } from './usage-bars';

// The tenant's plan with the platform: what it is on, its state, the billing period usage counts in and
// when it resets, the trial, the features the plan includes, and usage per metric against its limits; and its
// billing account: the next invoice and the balance, payment methods, billing contact and invoice history.
// Owners and admins change the account (billing:write); members read it.

const stateNotes: Partial<Record<TenantBilling['state'], string>> = {
  past_due: 'The last invoice for your plan is unpaid. Pay it to keep your plan.',
  warning: 'Payment for your plan has failed again. Pay now to avoid suspension.',
  suspended: 'Your account is suspended until the plan is paid.',
};

const featureLabel = (key: string) => key.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

function PlanCard({ billing }: { billing: TenantBilling }) {
  const note = stateNotes[billing.state];
  return (
    <Card data-testid="billing-plan">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <span data-testid="billing-plan-name">{billing.plan?.name ?? 'No plan'}</span>
          <BillingStateBadge state={billing.state} />
        </CardTitle>
        {note ? <CardDescription className="text-destructive">{note}</CardDescription> : null}
      </CardHeader>
      <CardContent>
        <dl>
          <DetailRow label="Billed">
            {billing.currency && billing.interval
              ? `${billing.currency.toUpperCase()}, every ${billing.interval}`
              : 'Free'}
          </DetailRow>
          <DetailRow label="Current period" testId="billing-period">
            {billing.current_period_start && billing.current_period_end
              ? `${formatTimestamp(billing.current_period_start, false)} – ${formatTimestamp(billing.current_period_end, false)}`
              : '—'}
          </DetailRow>
          <DetailRow label={billing.cancel_at_period_end ? 'Ends' : 'Usage resets'} testId="billing-resets">
            {formatTimestamp(billing.current_period_end, false)}
          </DetailRow>
          {billing.trial_end ? (
            <DetailRow label="Trial ends" testId="billing-trial-end">
              {formatTimestamp(billing.trial_end, false)}
            </DetailRow>
          ) : null}
        </dl>
      </CardContent>
    </Card>
  );
}

function UsageCard({ tenantId }: { tenantId: string }) {
  const entitlements = useEntitlements(tenantId);
  if (entitlements.isPending) return <LoadingBlock label="Loading usage" />;
  if (entitlements.error)
    return <ErrorState error={entitlements.error} onRetry={() => void entitlements.refetch()} />;
  const e = entitlements.data;
  const features = Object.entries(e?.features ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <Card data-testid="billing-usage">
        <CardHeader>
          <CardTitle>Usage this period</CardTitle>
          {e ? (
            <CardDescription>
              Marks on each bar show where you are warned.
              {e.period ? ` Counts reset ${formatTimestamp(e.period.end, false)}.` : ''}
            </CardDescription>
          ) : null}
        </CardHeader>
        <CardContent>
          {e ? (
            <UsageBars metrics={e.metrics} />
          ) : (
            <p className="text-sm text-muted-foreground" data-testid="billing-usage-unavailable">
              Usage is not available yet.
            </p>
          )}
        </CardContent>
      </Card>
      {features.length > 0 ? (
        <Card data-testid="billing-features">
          <CardHeader>
            <CardTitle>Features</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-2 text-sm sm:grid-cols-2">
              {features.map(([key, included]) => (
                <li
                  key={key}
                  className="flex items-center gap-2"
                  data-testid={`feature-${key}`}
                  data-included={included}
                >
                  {included ? (
                    <Check className="size-4 text-success" aria-label="Included" />
                  ) : (
                    <Minus className="size-4 text-muted-foreground" aria-label="Not included" />
                  )}
                  <span className={included ? '' : 'text-muted-foreground'}>{featureLabel(key)}</span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}

/** `?payment_method=added|canceled`: back from Stripe's page; said once, then taken off the address. */
function useReturnFromSetup(returned: 'added' | 'canceled' | undefined) {
  const toast = useToast();
  const navigate = useNavigate();
  const said = React.useRef(false);
  React.useEffect(() => {
    if (!returned || said.current) return;
    said.current = true;
    toast(
      returned === 'added'
        ? {
            title: 'Payment method saved',
            description: 'It shows in the list as soon as Stripe confirms it.',
          }
        : { title: 'No payment method was added', variant: 'error' },
    );
    void navigate({ to: '.', search: {}, replace: true });
  }, [returned, toast, navigate]);
}

export function BillingPage({
  tenantId,
  paymentMethod,
}: {
  tenantId: string;
  paymentMethod?: 'added' | 'canceled';
}) {
  const billing = useTenantBilling(tenantId);
  const manage = canManage(useTenantRole(tenantId));
  // kept as it came: the address loses it at once, the cards may mount later (once the plan is read)
  const [returned] = React.useState(paymentMethod);
  useReturnFromSetup(paymentMethod);
  return (
    <>
      <PageHeader
        title="Billing"
        description="Your plan with the platform, what you have used of it, and how you pay for it."
      />
      {manage ? null : <ReadOnlyNotice what="change payment methods or the billing contact" />}
      <div className="grid gap-4">
        <div className="grid gap-4 lg:grid-cols-2">
          {billing.isPending ? (
            <LoadingBlock label="Loading your plan" />
          ) : billing.error ? (
            <ErrorState error={billing.error} onRetry={() => void billing.refetch()} />
          ) : (
            <PlanCard billing={billing.data} />
          )}
          {billing.data?.plan ? <NextInvoiceCard tenantId={tenantId} /> : null}
        </div>
        <NoticesCard tenantId={tenantId} />
        <UsageCard tenantId={tenantId} />
        {/* the account is the plan's: with no plan at all (no default plan) there is none to show */}
        {billing.data?.plan ? (
          <>
            <PaymentMethodsCard tenantId={tenantId} manage={manage} returned={returned} />
            <BillingContactCard tenantId={tenantId} editable={manage} />
            <BillingHistoryCard tenantId={tenantId} />
          </>
        ) : null}
      </div>
    </>
  );
}
