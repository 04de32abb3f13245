import type { PaymentDetail } from '@/api/payments';
import { DetailRow } from '@/components/detail-row';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { FieldHint } from '@/components/ui/label';
import { formatMoney } from '@/lib/money';

/** What the payment came to after Stripe's fee and the platform's application fee. */
export function FeesBreakdownCard({ payment: p }: { payment: PaymentDetail }) {
  const m = (n: number) => formatMoney(n, p.currency);
  return (
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
          {p.fees.refunded > 0 ? (
            <DetailRow label="Refunded to the customer" testId="detail-refunded">
              {m(-p.fees.refunded)}
            </DetailRow>
          ) : null}
          {p.fees.application_fee_refunded > 0 ? (
            <DetailRow label="Application fee refunded (back to you)" testId="detail-fee-refunded">
              {m(p.fees.application_fee_refunded)}
            </DetailRow>
          ) : null}
          {p.fees.dispute_net !== 0 ? (
            <DetailRow
              label={`Disputes: withdrawn, dispute fee and reinstated (${p.charge_type === 'direct' ? 'your balance' : "the platform's balance"})`}
              testId="detail-dispute-net"
            >
              {m(p.fees.dispute_net)}
            </DetailRow>
          ) : null}
          <DetailRow label="Your net" testId="detail-tenant-net">
            {m(p.fees.tenant_net)}
          </DetailRow>
          <DetailRow label="Platform net" testId="detail-platform-net">
            {m(p.fees.platform_net)}
          </DetailRow>
        </dl>
        {p.fees.refunded > 0 || p.fees.dispute_net !== 0 ? (
          <FieldHint>Nets after refunds and disputes, from Stripe's balance transactions.</FieldHint>
        ) : null}
        {!p.fees.final ? <FieldHint>Estimated until Stripe reports the final fees.</FieldHint> : null}
      </CardContent>
    </Card>
  );
}
