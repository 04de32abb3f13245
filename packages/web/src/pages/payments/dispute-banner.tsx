import { Link } from '@tanstack/react-router';
import { useDisputes } from '@/api/payments';
import { Alert } from '@/components/ui/alert';
import { formatTimestamp } from '@/lib/utils';

/** Open disputes need evidence before their deadline: shown on top of the payments. */
export function DisputeBanner({ tenantId }: { tenantId: string }) {
  const disputes = useDisputes(tenantId);
  const open = (disputes.data?.data ?? []).filter((d) => d.status.includes('needs_response'));
  if (!open.length) return null;
  const next = Math.min(...open.map((d) => d.evidence_due_by ?? Number.POSITIVE_INFINITY));
  return (
    <Alert
      variant="destructive"
      className="mb-4"
      data-testid="dispute-banner"
      title="Disputed payments need evidence"
    >
      <p>
        {open.length} dispute{open.length === 1 ? '' : 's'} open; the next evidence is due{' '}
        {formatTimestamp(Number.isFinite(next) ? next : null)}.{' '}
        <Link
          to="/tenants/$tenantId/payments/$paymentId"
          params={{ tenantId, paymentId: open[0]!.payment }}
          className="font-medium underline"
        >
          Open the payment
        </Link>
      </p>
    </Alert>
  );
}
