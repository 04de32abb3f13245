import type { PaymentDetail } from '@/api/payments';
import { DetailRow } from '@/components/detail-row';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

export function DisputesCard({ payment: p }: { payment: PaymentDetail }) {
  const m = (n: number) => formatMoney(n, p.currency);
  return (
    <Card className="mt-4">
      <CardHeader>
        <CardTitle>Disputes</CardTitle>
      </CardHeader>
      <CardContent>
        {p.disputes.map((d) => (
          <dl key={d.id} data-testid={`dispute-${d.id}`} data-status={d.status}>
            <DetailRow label="Status">{d.status.replaceAll('_', ' ')}</DetailRow>
            <DetailRow label="Amount">{m(d.amount)}</DetailRow>
            <DetailRow label="Reason">{d.reason.replaceAll('_', ' ')}</DetailRow>
            <DetailRow label="Evidence due">{formatTimestamp(d.evidence_due_by)}</DetailRow>
            <DetailRow label="Evidence submitted">{formatTimestamp(d.evidence_submitted_at)}</DetailRow>
            <DetailRow label="Files">{d.files.map((f) => f.filename).join(', ') || '—'}</DetailRow>
          </dl>
        ))}
      </CardContent>
    </Card>
  );
}
