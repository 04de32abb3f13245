import type { PaymentDetail } from '@/api/payments';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

// entries whose `amount` is money that moved: refunds, fee refunds, dispute withdrawals and reinstatements
const moneyTypes = ['refund.', 'application_fee.refunded', 'dispute.funds_'];

/** What happened to the payment, oldest first: the charge, its refunds and disputes. */
export function PaymentTimelineCard({ payment: p }: { payment: PaymentDetail }) {
  const m = (n: number) => formatMoney(n, p.currency);
  return (
    <Card className="mt-4">
      <CardHeader>
        <CardTitle>Timeline</CardTitle>
      </CardHeader>
      <CardContent>
        <ol className="space-y-2" data-testid="payment-timeline">
          {p.timeline.map((e) => (
            <li
              key={`${e.type}-${e.created}-${String(e.data.id ?? '')}`}
              className="flex gap-3 text-sm"
              data-testid={`timeline-${e.type}`}
            >
              <span className="w-44 shrink-0 text-muted-foreground">{formatTimestamp(e.created)}</span>
              <span>
                <code className="font-mono text-xs">{e.type}</code>
                {typeof e.data.amount === 'number' && moneyTypes.some((t) => e.type.startsWith(t))
                  ? ` ${m(e.data.amount)}`
                  : ''}
                {typeof e.data.fee === 'number' && e.data.fee > 0 ? ` (dispute fee ${m(e.data.fee)})` : ''}
                {typeof e.data.failure_reason === 'string'
                  ? ` (${e.data.failure_reason.replaceAll('_', ' ')})`
                  : ''}
              </span>
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}
