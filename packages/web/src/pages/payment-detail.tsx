import { Undo2 } from 'lucide-react';
import * as React from 'react';
import {
  type Dispute,
  fileToBase64,
  formatMoney,
  type Payment,
  type PaymentDetail,
  usePayment,
  usePayments,
  useRefund,
  useSubmitEvidence,
} from '@/api/payments';
import { canManage, useTenantRole } from '@/api/session';
import { DetailRow } from '@/components/detail-row';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { BackLink, PageHeader } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';
import { PaymentStatusBadge, PaymentsDisabledNotice, PaymentsTable } from './payments';

/** Amount in the currency's major unit as typed → minor units; null when not a valid amount. */
function toMinor(text: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  return Math.round(Number(text.trim()) * 100);
}

function RefundDialog({
  tenantId,
  payment,
  open,
  onOpenChange,
}: {
  tenantId: string;
  payment: PaymentDetail;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const left = payment.amount - payment.amount_refunded;
  const [amount, setAmount] = React.useState((left / 100).toFixed(2));
  const [reason, setReason] = React.useState('requested_by_customer');
  const [refundFee, setRefundFee] = React.useState(false);
  const refund = useRefund(tenantId, payment.id);
  const toast = useToast();
  const minor = toMinor(amount);
  const invalid = minor === null || minor <= 0 || minor > left;
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Refund payment"
      description={`Up to ${formatMoney(left, payment.currency)} can be refunded.`}
      data-testid="refund-dialog"
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (invalid) return;
          refund.mutate(
            { amount: minor, reason, refund_application_fee: refundFee },
            {
              onSuccess: () => {
                toast({ title: `Refunded ${formatMoney(minor, payment.currency)}` });
                onOpenChange(false);
              },
            },
          );
        }}
      >
        <div className="space-y-2">
          <Label htmlFor="refund-amount">Amount ({payment.currency.toUpperCase()})</Label>
          <Input
            id="refund-amount"
            data-testid="refund-amount"
            inputMode="decimal"
            value={amount}
            aria-invalid={invalid}
            onChange={(e) => setAmount(e.target.value)}
          />
        </div>
        <SelectField
          id="refund-reason"
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        >
          <option value="requested_by_customer">Requested by customer</option>
          <option value="duplicate">Duplicate</option>
          <option value="fraudulent">Fraudulent</option>
        </SelectField>
        <div className="flex items-center gap-2">
          <Checkbox
            id="refund-application-fee"
            data-testid="refund-application-fee"
            checked={refundFee}
            onChange={(e) => setRefundFee(e.target.checked)}
          />
          <Label htmlFor="refund-application-fee" className="font-normal">
            Also refund the platform's fee
          </Label>
        </div>
        <FieldHint>Refunds go back to the customer's payment method in 5–10 days.</FieldHint>
        <FormFooter
          error={refund.error}
          errorTestId="refund-error"
          submitLabel="Refund"
          submitTestId="refund-submit"
          pending={refund.isPending}
          disabled={invalid}
          onCancel={() => onOpenChange(false)}
        />
      </form>
    </Dialog>
  );
}

function EvidenceDialog({
  tenantId,
  dispute,
  onClose,
}: {
  tenantId: string;
  dispute: Dispute;
  onClose: () => void;
}) {
  const [text, setText] = React.useState('');
  const [file, setFile] = React.useState<File | null>(null);
  const submit = useSubmitEvidence(tenantId, dispute.id);
  const toast = useToast();
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Submit dispute evidence"
      description={`Due ${formatTimestamp(dispute.evidence_due_by)}. Evidence is submitted once; Stripe sends it to the card network.`}
      data-testid="evidence-dialog"
    >
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          const files = file
            ? [{ field: 'uncategorized_file', filename: file.name, content_base64: await fileToBase64(file) }]
            : [];
          submit.mutate(
            { evidence: text ? { uncategorized_text: text } : {}, files },
            {
              onSuccess: () => {
                toast({ title: 'Evidence submitted' });
                onClose();
              },
            },
          );
        }}
      >
        <div className="space-y-2">
          <Label htmlFor="evidence-text">Explanation</Label>
          <textarea
            id="evidence-text"
            data-testid="evidence-text"
            className="min-h-28 w-full rounded-md border border-input bg-card px-3 py-2 text-sm"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <TextField
          id="evidence-file"
          label="Document (agreement, email record: PDF, PNG or JPEG)"
          type="file"
          accept=".pdf,.png,.jpg,.jpeg"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <FormFooter
          error={submit.error}
          errorTestId="evidence-error"
          submitLabel="Submit evidence"
          submitTestId="evidence-submit"
          pending={submit.isPending}
          disabled={!text && !file}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/** The other charges of the same PaymentIntent (a decline, then the success): one payment record each. */
function AttemptsCard({ tenantId, payment }: { tenantId: string; payment: Payment }) {
  const pi = payment.stripe.payment_intent;
  const list = usePayments(tenantId, { q: pi ?? payment.id, limit: 20 });
  const rows = (list.data?.data ?? []).filter((r) => pi && r.stripe.payment_intent === pi);
  if (rows.length < 2) return null;
  return (
    <Card className="mt-4" data-testid="payment-attempts">
      <CardHeader>
        <CardTitle>Attempts of this payment</CardTitle>
      </CardHeader>
      <PaymentsTable tenantId={tenantId} rows={rows} busy={list.isFetching} />
    </Card>
  );
}

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
        <Card>
          <CardHeader>
            <CardTitle>Breakdown</CardTitle>
          </CardHeader>
          <CardContent>
            <dl>
              <DetailRow label="Amount">{m(p.amount)}</DetailRow>
              <DetailRow
                label={`Stripe fee (paid by ${p.fees.stripe_fee_payer === 'account' ? 'you' : 'the platform'})`}
                testId="detail-stripe-fee"
              >
                {m(p.fees.stripe_fee)}
              </DetailRow>
              <DetailRow label="Application fee" testId="detail-application-fee">
                {m(p.fees.application_fee)}
              </DetailRow>
              {p.fees.fee_top_up > 0 ? (
                <DetailRow label="Fee recovered after payment (transfer reversal)" testId="detail-fee-top-up">
                  {m(p.fees.fee_top_up)}
                </DetailRow>
              ) : null}
              <DetailRow label="Your net" testId="detail-tenant-net">
                {m(p.fees.tenant_net)}
              </DetailRow>
              <DetailRow label="Platform net" testId="detail-platform-net">
                {m(p.fees.platform_net)}
              </DetailRow>
              <DetailRow label="Refunded">{m(p.amount_refunded)}</DetailRow>
            </dl>
            {!p.fees.final ? <FieldHint>Estimated until Stripe reports the final fees.</FieldHint> : null}
          </CardContent>
        </Card>
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
      </div>
      <AttemptsCard tenantId={tenantId} payment={p} />
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
                  {typeof e.data.amount === 'number' && e.type.startsWith('refund')
                    ? ` ${m(e.data.amount)}`
                    : ''}
                  {typeof e.data.failure_reason === 'string'
                    ? ` (${e.data.failure_reason.replaceAll('_', ' ')})`
                    : ''}
                </span>
              </li>
            ))}
          </ol>
        </CardContent>
      </Card>
      {p.disputes.length ? (
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
      ) : null}
      {evidenceFor ? (
        <EvidenceDialog tenantId={tenantId} dispute={evidenceFor} onClose={() => setEvidenceFor(null)} />
      ) : null}
      {refunding ? <RefundDialog tenantId={tenantId} payment={p} open onOpenChange={setRefunding} /> : null}
    </>
  );
}
