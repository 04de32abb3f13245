import * as React from 'react';
import { type PaymentDetail, useRefund } from '@/api/payments';
import { FormDialog } from '@/components/form-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { Checkbox } from '@/components/ui/checkbox';
import { FieldHint, Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';
import { formatMajor, formatMoney, parseMoney } from '@/lib/money';

/** Whom a refund pays back: the card (or method) the payment was made with. */
function to(payment: PaymentDetail) {
  const pm = payment.payment_method;
  if (pm?.last4) return `the ${pm.brand ?? pm.type ?? 'card'} ending ${pm.last4}`;
  return "the customer's payment method";
}

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
      description={`Sends money back to ${to(payment)}. Up to ${formatMoney(left, payment.currency)} can be refunded.`}
      submission={refund}
      submitLabel={minor !== null && !invalid ? `Refund ${formatMoney(minor, payment.currency)}` : 'Refund'}
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
        hint={
          minor !== null && minor > left
            ? `Only ${formatMoney(left, payment.currency)} is left to refund on this payment.`
            : `${formatMoney(left, payment.currency)} left to refund.`
        }
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
