import { Check, Minus } from 'lucide-react';
import * as React from 'react';
import { useEntitlements, useTenantBilling } from '@/api/billing';
import { canManage, useTenantRole } from '@/api/session';
import { useConfirm } from '@/components/confirm-dialog';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { formatTimestamp } from '@/lib/utils';
import { BillingContactCard } from './contact-card';
import { BillingHistoryCard } from './history-card';
import { NextInvoiceCard } from './next-invoice-card';
import { NoticesCard } from './notices-card';
import { PaymentMethodsCard } from './payment-methods-card';
import { PlanCard, usePlanActions } from './plan-card';
import { type Choice, featureLabel, PlanMatrix } from './plan-matrix';
import { QuoteDialog } from './quote-dialog';
import { useReturnFromSetup } from './setup-return';
import { UsageBars } from './usage-bars';

// The tenant's plan with the platform: what it is on, its state, the billing period usage counts in and
// when it resets, the trial, the features the plan includes, and usage per metric against its limits; and its
// billing account: the next invoice and the balance, payment methods, billing contact and invoice history.
// The public plans side by side, to change plan through a quote, or cancel at the period's end. Owners and
// admins change the plan and the account (billing:write); members read them.

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

export function BillingPage({
  tenantId,
  paymentMethod,
  checkoutSession,
}: {
  tenantId: string;
  paymentMethod?: 'added' | 'canceled';
  checkoutSession?: string;
}) {
  const billing = useTenantBilling(tenantId);
  const manage = canManage(useTenantRole(tenantId));
  // kept as it came: the address loses it at once, the cards may mount later (once the plan is read)
  const [returned] = React.useState(paymentMethod);
  useReturnFromSetup(tenantId, paymentMethod, checkoutSession);
  const [choice, setChoice] = React.useState<Choice | null>(null);
  const closeQuote = React.useCallback(() => setChoice(null), []);
  const { ask, dialog } = useConfirm();
  const actions = usePlanActions(tenantId, billing.data, ask);
  return (
    <>
      <PageHeader
        title="Billing"
        description="Your plan with the platform, what you have used of it, and how you pay for it."
      />
      {manage ? null : <ReadOnlyNotice what="change the plan, payment methods or the billing contact" />}
      <div className="grid gap-4">
        <div className="grid gap-4 lg:grid-cols-2">
          {billing.isPending ? (
            <LoadingBlock label="Loading your plan" />
          ) : billing.error ? (
            <ErrorState error={billing.error} onRetry={() => void billing.refetch()} />
          ) : (
            <PlanCard billing={billing.data} manage={manage} actions={actions} />
          )}
          {billing.data?.plan ? <NextInvoiceCard tenantId={tenantId} /> : null}
        </div>
        {billing.data ? (
          <PlanMatrix
            tenantId={tenantId}
            billing={billing.data}
            manage={manage}
            onChoose={setChoice}
            onCancel={actions.cancel}
          />
        ) : null}
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
      {choice && billing.data ? (
        <QuoteDialog tenantId={tenantId} billing={billing.data} choice={choice} onClose={closeQuote} />
      ) : null}
      {dialog}
    </>
  );
}
