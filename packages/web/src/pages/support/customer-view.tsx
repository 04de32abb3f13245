import { RefreshCw } from 'lucide-react';
import { type SupportAudience, useRefreshSupportCustomer, useSupportCustomer } from '@/api/support';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { LoadingBlock } from '@/components/ui/states';
import { formatTimestamp } from '@/lib/utils';
import { CopyId } from './copy-id';
import { CustomerSections } from './sections';
import { Timeline } from './timeline';
import { supportErrorWords } from './words';

/** What support knows of one customer: where it comes from, its timeline, and each kind of its objects. */
export function CustomerView({ customerId, audience }: { customerId: string; audience: SupportAudience }) {
  const customer = useSupportCustomer(customerId, audience);
  const refresh = useRefreshSupportCustomer(customerId, audience);
  if (customer.isPending) return <LoadingBlock label="Looking up the customer" />;
  if (customer.error)
    return (
      <Alert
        variant="destructive"
        title="Could not look up this customer"
        data-testid="support-customer-error"
      >
        {supportErrorWords(customer.error)}
      </Alert>
    );
  const data = customer.data;
  const c = data.customer;
  return (
    <div className="space-y-4" data-testid="support-customer">
      <Card>
        <CardContent className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 space-y-1">
            <h2 className="text-lg font-semibold" data-testid="support-customer-name">
              {c.name ?? c.email ?? c.id}
              {c.deleted ? (
                <Badge variant="secondary" className="ml-2">
                  deleted
                </Badge>
              ) : null}
            </h2>
            <p className="text-sm text-muted-foreground">
              {c.email ?? 'No e-mail'} · {data.tenant.name}
            </p>
            <div className="flex flex-wrap gap-x-3">
              <CopyId id={c.id} label="customer id" />
              {c.stripe_id ? <CopyId id={c.stripe_id} label="Stripe customer id" /> : null}
            </div>
            <p
              className="text-xs text-muted-foreground"
              data-testid="support-source"
              data-source={data.source}
            >
              {data.source === 'stripe'
                ? `Read from Stripe just now (${formatTimestamp(data.as_of)}).`
                : `From Tributary's records as of ${formatTimestamp(data.as_of)}; a change made at Stripe whose event has not arrived shows after a refresh.`}
            </p>
          </div>
          <Button
            variant="outline"
            loading={refresh.isPending}
            onClick={() => refresh.mutate()}
            data-testid="support-refresh"
          >
            <RefreshCw aria-hidden="true" />
            Refresh from Stripe
          </Button>
        </CardContent>
      </Card>
      {refresh.error ? (
        <Alert
          variant="destructive"
          title="The refresh did not go through"
          data-testid="support-refresh-error"
        >
          {supportErrorWords(refresh.error)}
        </Alert>
      ) : null}
      <Timeline data={data} />
      <CustomerSections data={data} />
    </div>
  );
}
