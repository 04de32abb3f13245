import type { Payment } from '@/api/payments';
import { Badge } from '@/components/ui/badge';

const statusVariant: Record<string, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  succeeded: 'success',
  processing: 'warning',
  requires_action: 'warning',
  failed: 'destructive',
  canceled: 'secondary',
};

/** The dispute's badge: open ones need the tenant; closed ones say how they ended. */
function disputeBadge(
  p: Payment,
): { label: string; variant: 'success' | 'destructive' | 'secondary' | 'warning' } | null {
  const s = p.dispute_status;
  if (!s) return null;
  if (p.disputed)
    return s.startsWith('warning')
      ? { label: 'inquiry', variant: 'warning' }
      : { label: 'disputed', variant: 'destructive' };
  if (s === 'won') return { label: 'dispute won', variant: 'success' };
  if (s === 'lost') return { label: 'dispute lost', variant: 'destructive' };
  if (s === 'warning_closed') return { label: 'inquiry closed', variant: 'secondary' };
  return null;
}

export function PaymentStatusBadge({ payment }: { payment: Payment }) {
  const refunded = payment.amount_refunded > 0;
  const dispute = disputeBadge(payment);
  const label =
    refunded && payment.amount_refunded >= payment.amount
      ? 'refunded'
      : refunded
        ? 'partially refunded'
        : payment.status.replaceAll('_', ' ');
  return (
    <span className="inline-flex gap-1">
      <Badge variant={refunded ? 'secondary' : (statusVariant[payment.status] ?? 'secondary')}>{label}</Badge>
      {dispute ? (
        <Badge
          variant={dispute.variant}
          data-testid="payment-dispute-badge"
          data-status={payment.dispute_status}
        >
          {dispute.label}
        </Badge>
      ) : null}
    </span>
  );
}
