import type { PaymentDetail } from '@/api/payments';
import { DetailRow } from '@/components/detail-row';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';

export function PaymentDetailsCard({ payment: p }: { payment: PaymentDetail }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Details</CardTitle>
      </CardHeader>
      <CardContent>
        <dl>
          <DetailRow label="Payment">
            <code className="font-mono text-xs">{p.id}</code>
          </DetailRow>
          <DetailRow label="Method">
            {p.payment_method
              ? `${p.payment_method.brand ?? p.payment_method.type} ·${p.payment_method.last4 ?? ''}`
              : '—'}
          </DetailRow>
          <DetailRow label="Customer">{p.customer ?? '—'}</DetailRow>
          <DetailRow label="Charge">{p.charge_type === 'direct' ? 'Direct' : 'Destination'}</DetailRow>
          <DetailRow label="Stripe">
            <code className="font-mono text-xs">{p.stripe.payment_intent ?? '—'}</code>
          </DetailRow>
          {p.receipt_url ? (
            <DetailRow label="Receipt">
              <a
                href={p.receipt_url}
                className="text-primary hover:underline"
                target="_blank"
                rel="noreferrer"
              >
                Open
              </a>
            </DetailRow>
          ) : null}
        </dl>
      </CardContent>
    </Card>
  );
}
