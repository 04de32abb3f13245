import { useBillingBalance, useUpcomingInvoice } from '@/api/billing-account';
import { DetailRow } from '@/components/detail-row';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

// Beside the plan: what the next plan invoice will charge and when (Stripe's preview), and the balance — a
// credit the next invoices use first, or an amount the next invoice adds.

function BalanceLine({ tenantId }: { tenantId: string }) {
  const balance = useBillingBalance(tenantId);
  const b = balance.data;
  if (!b?.currency) return null;
  if (b.credit > 0)
    return (
      <p className="text-sm text-success" data-testid="billing-credit">
        {formatMoney(b.credit, b.currency)} credit applied to your next invoice
      </p>
    );
  if (b.amount_owed > 0)
    return (
      <p className="text-sm text-muted-foreground" data-testid="billing-amount-owed">
        {formatMoney(b.amount_owed, b.currency)} carried over to your next invoice
      </p>
    );
  return null;
}

export function NextInvoiceCard({ tenantId }: { tenantId: string }) {
  const upcoming = useUpcomingInvoice(tenantId);
  const next = upcoming.data?.upcoming_invoice;
  return (
    <Card data-testid="billing-upcoming">
      <CardHeader>
        <CardTitle>Next invoice</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        {upcoming.isPending ? (
          <LoadingBlock label="Loading the next invoice" />
        ) : upcoming.error ? (
          <ErrorState error={upcoming.error} onRetry={() => void upcoming.refetch()} />
        ) : next ? (
          <dl>
            <DetailRow label="Amount due" testId="billing-upcoming-amount">
              {formatMoney(next.amount_due, next.currency)}
            </DetailRow>
            <DetailRow label="Charged on" testId="billing-upcoming-date">
              {formatTimestamp(next.date, false)}
            </DetailRow>
            {next.total !== next.amount_due ? (
              <DetailRow label="Invoice total">{formatMoney(next.total, next.currency)}</DetailRow>
            ) : null}
          </dl>
        ) : (
          <p className="text-sm text-muted-foreground" data-testid="billing-upcoming-none">
            No upcoming invoice: your plan is not billed.
          </p>
        )}
        <BalanceLine tenantId={tenantId} />
      </CardContent>
    </Card>
  );
}
