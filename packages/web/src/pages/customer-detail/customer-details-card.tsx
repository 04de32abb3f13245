import type { Customer } from '@/api/customers';
import { DetailRow } from '@/components/detail-row';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatTimestamp } from '@/lib/utils';

/** Who the customer is, and its metadata. */
export function CustomerDetailsCard({ customer: c }: { customer: Customer }) {
  const address = c.address
    ? [
        c.address.line1,
        c.address.line2,
        [c.address.postal_code, c.address.city].filter(Boolean).join(' '),
        c.address.state,
        c.address.country,
      ]
        .filter(Boolean)
        .join(', ')
    : '';
  const metadata = Object.entries(c.metadata);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Details</CardTitle>
      </CardHeader>
      <CardContent>
        <dl data-testid="customer-details">
          <DetailRow label="Name" testId="customer-detail-name">
            {c.name ?? '—'}
          </DetailRow>
          <DetailRow label="Email" testId="customer-detail-email">
            {c.email ?? '—'}
          </DetailRow>
          <DetailRow label="Phone">{c.phone ?? '—'}</DetailRow>
          <DetailRow label="Address">{address || '—'}</DetailRow>
          <DetailRow label="Created">{formatTimestamp(c.created)}</DetailRow>
          <DetailRow label="Customer">
            <code className="font-mono text-xs">{c.id}</code>
          </DetailRow>
          <DetailRow label="Stripe">
            <code className="font-mono text-xs">{c.stripe_customer_id ?? '—'}</code>
          </DetailRow>
        </dl>
        <h3 className="mt-4 mb-1 text-sm font-medium">Metadata</h3>
        {metadata.length ? (
          <dl data-testid="customer-metadata">
            {metadata.map(([k, v]) => (
              <DetailRow key={k} label={k} testId={`customer-metadata-${k}`}>
                {v}
              </DetailRow>
            ))}
          </dl>
        ) : (
          <p className="text-sm text-muted-foreground">None</p>
        )}
      </CardContent>
    </Card>
  );
}
