import type { Payment } from '@/api/payments';
import { Badge } from '@/components/ui/badge';

const statusVariant: Record<string, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  succeeded: 'success',
  processing: 'warning',
  requires_action: 'warning',
  failed: 'destructive',
  canceled: 'secondary',
};

export function PaymentStatusBadge({ payment }: { payment: Payment }) {
  const refunded = payment.amount_refunded > 0;
  const label =
    refunded && payment.amount_refunded >= payment.amount
      ? 'refunded'
      : refunded
        ? 'partially refunded'
        : payment.status.replaceAll('_', ' ');
  return (
    <span className="inline-flex gap-1">
      <Badge variant={refunded ? 'secondary' : (statusVariant[payment.status] ?? 'secondary')}>{label}</Badge>
      {payment.dispute_status ? <Badge variant="destructive">disputed</Badge> : null}
    </span>
  );
}
