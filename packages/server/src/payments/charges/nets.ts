import type { PaymentRow } from './repo.ts';

/**
 * A payment's nets after what happened to it since the charge, from Stripe's balance transactions: refunds
 * (`amount_refunded`, the refund balance transactions' total), application fee refunds (the fee's
 * `amount_refunded`) and disputes (the net of their balance transactions: withdrawal, dispute fee,
 * reinstatement). The row's own nets are the charge's (with any fee top-up).
 *
 * A refund is paid by the tenant: on a direct charge from its own balance, on a destination charge by the
 * transfer reversal the refund makes (`reverse_transfer`). A fee refund moves the fee from the platform back to
 * the tenant. A dispute is taken from the balance the charge landed on: the tenant's account for a direct
 * charge, the platform's for a destination charge (Stripe does not reverse the transfer by itself).
 */
export function adjustedNets(row: PaymentRow): { tenantNet: number; platformNet: number } {
  // nothing moved (declined, canceled, or waiting for the customer): an estimate would show nets — a
  // negative one where the platform pays Stripe's fee — for money that never came
  if (UNPAID.has(row.status)) return { tenantNet: 0, platformNet: 0 };
  const feeBack = row.applicationFeeRefunded;
  const direct = row.chargeType === 'direct';
  return {
    tenantNet: row.tenantNet - row.amountRefunded + feeBack + (direct ? row.disputeNet : 0),
    platformNet: row.platformNet - feeBack + (direct ? 0 : row.disputeNet),
  };
}

const UNPAID = new Set([
  'pending',
  'failed',
  'canceled',
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]);

const OPEN_DISPUTE = new Set([
  'needs_response',
  'under_review',
  'warning_needs_response',
  'warning_under_review',
]);

/** Whether the payment's dispute is still open (a closed one, won, lost or an inquiry closed, is not). */
export const disputeOpen = (row: Pick<PaymentRow, 'disputeStatus'>): boolean =>
  row.disputeStatus !== null && OPEN_DISPUTE.has(row.disputeStatus);
