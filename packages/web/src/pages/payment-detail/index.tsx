import { Undo2 } from 'lucide-react';
import * as React from 'react';
import { type Dispute, usePayment } from '@/api/payments';
import { canManage, useTenantRole } from '@/api/session';
import { BackLink, PageHeader } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { PaymentStatusBadge } from '../payments/payment-status-badge';
import { PaymentsDisabledNotice } from '../payments/payments-disabled-notice';
import { DisputesCard } from './disputes-card';
import { EvidenceDialog } from './evidence-dialog';
import { FeesBreakdownCard } from './fees-breakdown-card';
import { PaymentAttemptsCard } from './payment-attempts-card';
import { PaymentDetailsCard } from './payment-details-card';
import { PaymentTimelineCard } from './payment-timeline-card';
import { RefundDialog } from './refund-dialog';

export function PaymentDetailPage({ tenantId, paymentId }: { tenantId: string; paymentId: string }) {
  const payment = usePayment(tenantId, paymentId);
  const role = useTenantRole(tenantId);
  const [refunding, setRefunding] = React.useState(false);
  const [evidenceFor, setEvidenceFor] = React.useState<Dispute | null>(null);
  if (payment.isPending) return <LoadingBlock label="Loading payment" />;
  if (payment.error) return <ErrorState error={payment.error} onRetry={() => void payment.refetch()} />;
  const p = payment.data;
  const m = (n: number) => formatMoney(n, p.currency);
  const refundable = p.status === 'succeeded' && p.amount_refunded < p.amount;
  return (
    <>
      <BackLink tenantId={tenantId} to="/tenants/$tenantId/payments">
        Payments
      </BackLink>
      <PageHeader
        title={`${m(p.amount)} ${p.description ? `· ${p.description}` : ''}`}
        description={<PaymentStatusBadge payment={p} />}
        actions={
          canManage(role) && refundable ? (
            <Button onClick={() => setRefunding(true)} data-testid="refund-button">
              <Undo2 aria-hidden="true" />
              Refund
            </Button>
          ) : null
        }
      />
      <PaymentsDisabledNotice tenantId={tenantId} />
      {p.disputes
        .filter((d) => d.status.includes('needs_response'))
        .map((d) => (
          <Alert
            key={d.id}
            variant="destructive"
            className="mb-4"
            data-testid="payment-dispute-banner"
            title="Disputed"
          >
            <p>
              The customer disputed {m(d.amount)} ({d.reason.replaceAll('_', ' ')}). Evidence is due{' '}
              {formatTimestamp(d.evidence_due_by)}.
            </p>
            {canManage(role) ? (
              <Button
                size="sm"
                variant="outline"
                className="mt-2"
                onClick={() => setEvidenceFor(d)}
                data-testid="evidence-button"
              >
                Submit evidence
              </Button>
            ) : null}
          </Alert>
        ))}
      {p.failure_message ? (
        <Alert variant="destructive" className="mb-4" data-testid="payment-failure">
          {p.failure_message} ({p.failure_code})
        </Alert>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        <FeesBreakdownCard payment={p} />
        <PaymentDetailsCard payment={p} />
      </div>
      <PaymentAttemptsCard tenantId={tenantId} payment={p} />
      <PaymentTimelineCard payment={p} />
      {p.disputes.length ? <DisputesCard payment={p} /> : null}
      {evidenceFor ? (
        <EvidenceDialog tenantId={tenantId} dispute={evidenceFor} onClose={() => setEvidenceFor(null)} />
      ) : null}
      {refunding ? (
        <RefundDialog tenantId={tenantId} payment={p} onClose={() => setRefunding(false)} />
      ) : null}
    </>
  );
}
