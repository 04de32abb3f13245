import * as React from 'react';
import { type PaymentDetail, useRefund } from '@/api/payments';
import { FormDialog } from '@/components/form-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { Checkbox } from '@/components/ui/checkbox';
import { FieldHint, Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';
import { formatMajor, formatMoney, parseMoney } from '@/lib/money';

export function RefundDialog({
  tenantId,
  payment,
  onClose,
}: {
  tenantId: string;
  payment: PaymentDetail;
  onClose: () => void;
}) {
  const left = payment.amount - payment.amount_refunded;
  const [amount, setAmount] = React.useState(formatMajor(left, payment.currency));
  const [reason, setReason] = React.useState('requested_by_customer');
  const [refundFee, setRefundFee] = React.useState(false);
  const refund = useRefund(tenantId, payment.id);
  const toast = useToast();
  const minor = parseMoney(amount, payment.currency);
  const invalid = minor === null || minor <= 0 || minor > left;
  return (
    <FormDialog
      name="refund"
      title="Refund payment"
      description={`Up to ${formatMoney(left, payment.currency)} can be refunded.`}
      submission={refund}
      submitLabel="Refund"
      disabled={invalid}
      onSubmit={() => {
        if (invalid) return;
        refund.mutate(
          { amount: minor, reason, refund_application_fee: refundFee },
          {
            onSuccess: () => {
              toast({ title: `Refunded ${formatMoney(minor, payment.currency)}` });
              onClose();
            },
          },
        );
      }}
      onClose={onClose}
    >
      <TextField
        id="refund-amount"
        label={`Amount (${payment.currency.toUpperCase()})`}
        inputMode="decimal"
        value={amount}
        aria-invalid={invalid}
        onChange={(e) => setAmount(e.target.value)}
      />
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
    </FormDialog>
  );
}
