import { CreditCard, Plus } from 'lucide-react';
import * as React from 'react';
import {
  type BillingPaymentMethod,
  methodLabel,
  useBillingMethodAction,
  useBillingPaymentMethods,
  useBillingSetupPage,
} from '@/api/billing-account';
import { errorMessage, isApiError } from '@/api/client';
import { useConfirm } from '@/components/confirm-dialog';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock, Spinner } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';

// The methods the platform charges the plan to, saved on Stripe's hosted page (Checkout in setup mode; 3-D
// Secure there). Owners and admins add, make default and remove; members read.

/** How long the list is read again after Stripe's page sends the tenant back: the method comes by webhook. */
const ARRIVAL_POLL_MS = 60_000;

/** When this browser last opened the setup page for the tenant (epoch seconds), to know the method it saved. */
const openedKey = (tenantId: string) => `tributary:billing-setup-opened:${tenantId}`;
const openedAt = (tenantId: string): number | null => {
  const v = Number(window.sessionStorage.getItem(openedKey(tenantId)));
  return Number.isFinite(v) && v > 0 ? v : null;
};

const expiry = (m: BillingPaymentMethod) =>
  m.exp_month && m.exp_year ? `Expires ${String(m.exp_month).padStart(2, '0')}/${m.exp_year}` : null;

/** The API's refusals said for people: removing the only method while a plan invoice is open. */
function refusal(err: unknown): string {
  if (isApiError(err, 'only_payment_method_with_open_invoice'))
    return 'This is your only payment method and a plan invoice is still open: add another method (or pay the invoice) before removing it.';
  return errorMessage(err);
}

function MethodRow({
  tenantId,
  method,
  manage,
  ask,
}: {
  tenantId: string;
  method: BillingPaymentMethod;
  manage: boolean;
  ask: ReturnType<typeof useConfirm>['ask'];
}) {
  const action = useBillingMethodAction(tenantId);
  const toast = useToast();
  const label = methodLabel(method);
  return (
    <li
      className="flex flex-wrap items-center justify-between gap-3 py-3"
      data-testid={`billing-pm-${method.id}`}
      data-default={String(method.is_default)}
    >
      <div className="flex items-center gap-3">
        <CreditCard className="size-5 text-muted-foreground" aria-hidden="true" />
        <div>
          <p className="flex items-center gap-2 text-sm font-medium">
            <span data-testid={`billing-pm-label-${method.id}`}>{label}</span>
            {method.is_default ? (
              <Badge variant="success" data-testid={`billing-pm-default-badge-${method.id}`}>
                Default
              </Badge>
            ) : null}
          </p>
          {expiry(method) ? <p className="text-xs text-muted-foreground">{expiry(method)}</p> : null}
        </div>
      </div>
      {manage ? (
        <div className="flex gap-2">
          {method.is_default ? null : (
            <Button
              size="sm"
              variant="outline"
              loading={action.isPending && action.variables?.action === 'default'}
              disabled={action.isPending}
              data-testid={`billing-pm-make-default-${method.id}`}
              onClick={() =>
                action.mutate(
                  { id: method.id, action: 'default' },
                  {
                    onSuccess: () => toast({ title: `${label} is your default payment method` }),
                    onError: (err) => toast({ title: refusal(err), variant: 'error' }),
                  },
                )
              }
            >
              Make default
            </Button>
          )}
          <Button
            size="sm"
            variant="outline"
            disabled={action.isPending}
            data-testid={`billing-pm-remove-${method.id}`}
            onClick={() =>
              ask({
                title: 'Remove this payment method?',
                description: `${label} is removed from your billing account and will not be charged again.`,
                confirmLabel: 'Remove',
                destructive: true,
                testId: 'billing-pm-confirm-remove',
                run: () =>
                  action.mutateAsync({ id: method.id, action: 'remove' }).then(
                    () => toast({ title: `${label} removed` }),
                    (err: unknown) => {
                      throw new Error(refusal(err));
                    },
                  ),
              })
            }
          >
            Remove
          </Button>
        </div>
      ) : null}
    </li>
  );
}

/**
 * `returned`: `?payment_method=added|canceled`, back from Stripe's page. After `added` the list is read again
 * (a minute at most) until a method made since the page was opened (or one not there before) shows, saying
 * meanwhile that it is being added, and one is the default.
 */
export function PaymentMethodsCard({
  tenantId,
  manage,
  returned,
}: {
  tenantId: string;
  manage: boolean;
  returned?: 'added' | 'canceled';
}) {
  const [pollUntil, setPollUntil] = React.useState(() =>
    returned === 'added' ? Date.now() + ARRIVAL_POLL_MS : undefined,
  );
  // a method made since the page was opened (the card is typed in after it opens) is the one it saved
  const [since] = React.useState(() => (openedAt(tenantId) ?? Number.POSITIVE_INFINITY) - 2);
  const methods = useBillingPaymentMethods(tenantId, { pollUntil });
  const setup = useBillingSetupPage(tenantId);
  const { ask, dialog } = useConfirm();
  const baseline = React.useRef<string | null>(null);
  const ids = methods.data?.data.map((m) => m.id).join(',') ?? null;
  if (baseline.current === null && ids !== null) baseline.current = ids;
  // a method made since the setup page opened, or a list that changed since this page loaded: it has arrived
  const arrived =
    ids !== null && (ids !== baseline.current || (methods.data?.data ?? []).some((m) => m.created >= since));
  const waiting = pollUntil !== undefined && !arrived;
  // the first method becomes the default a moment after it arrives (its own webhook): read until then
  const settled = arrived && (methods.data?.data ?? []).some((m) => m.is_default);
  React.useEffect(() => {
    if (pollUntil === undefined) return;
    if (settled) return setPollUntil(undefined);
    const timer = window.setTimeout(() => setPollUntil(undefined), pollUntil - Date.now());
    return () => window.clearTimeout(timer);
  }, [settled, pollUntil]);

  const list = methods.data?.data ?? [];
  return (
    <Card data-testid="billing-payment-methods">
      <CardHeader>
        <div>
          <CardTitle>Payment methods</CardTitle>
          <CardDescription>The default method is charged for your plan's invoices.</CardDescription>
        </div>
        {manage ? (
          <Button
            size="sm"
            loading={setup.isPending}
            data-testid="billing-pm-add"
            onClick={() =>
              setup.mutate(undefined, {
                onSuccess: (page) => {
                  window.sessionStorage.setItem(openedKey(tenantId), String(Math.floor(Date.now() / 1000)));
                  window.location.assign(page.url);
                },
              })
            }
          >
            <Plus aria-hidden="true" />
            Add payment method
          </Button>
        ) : null}
      </CardHeader>
      <CardContent>
        {setup.error ? (
          <Alert variant="destructive" className="mb-3">
            {errorMessage(setup.error)}
          </Alert>
        ) : null}
        {waiting ? (
          <p className="mb-3" data-testid="billing-pm-arriving">
            <Spinner label="Your new payment method is being added" />
          </p>
        ) : null}
        {methods.isPending ? (
          <LoadingBlock label="Loading payment methods" />
        ) : methods.error ? (
          <ErrorState error={methods.error} onRetry={() => void methods.refetch()} />
        ) : list.length === 0 ? (
          waiting ? null : (
            <EmptyState
              icon={<CreditCard />}
              title="No payment method"
              description={
                manage
                  ? 'Add a card or bank account to pay for your plan.'
                  : 'An owner or admin can add a card or bank account to pay for the plan.'
              }
            />
          )
        ) : (
          <ul className="divide-y" data-testid="billing-pm-list">
            {list.map((m) => (
              <MethodRow key={m.id} tenantId={tenantId} method={m} manage={manage} ask={ask} />
            ))}
          </ul>
        )}
      </CardContent>
      {dialog}
    </Card>
  );
}
