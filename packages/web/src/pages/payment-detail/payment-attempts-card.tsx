import { type Payment, usePayments } from '@/api/payments';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { PaymentsTable } from '../payments/payments-table';

/** The other charges of the same PaymentIntent (a decline, then the success): one payment record each. */
export function PaymentAttemptsCard({ tenantId, payment }: { tenantId: string; payment: Payment }) {
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
