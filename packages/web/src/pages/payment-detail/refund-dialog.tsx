import * as React from 'react';
import { type PaymentDetail, useRefund } from '@/api/payments';
import { SelectField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';
import { formatMoney } from '@/lib/money';

/** Amount in the currency's major unit as typed → minor units; null when not a valid amount. */
function toMinor(text: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  return Math.round(Number(text.trim()) * 100);
}

export function RefundDialog({
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
