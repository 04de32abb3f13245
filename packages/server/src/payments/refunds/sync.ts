import type { Tx } from '../../db/client.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf, namedInMetadata } from '../../stripe/ids.ts';
import * as charges from '../charges/repo.ts';
import { paymentOf } from '../charges/sync.ts';
import type { Synced, SyncScope } from '../common.ts';
import * as repo from './repo.ts';

export const refundStatus = (s: string | null | undefined) => s ?? 'pending';

/**
 * The refund row `metadata.tributary_refund` names, when it is this refund's: it holds this refund's id, or
 * none yet (our own request's answer not applied) and is this tenant's refund of the same amount of the
 * refunded charge's payment, on the account the refund lives on.
 */
async function refundNamedBy(
  tx: Tx,
  scope: SyncScope,
  refund: Stripe.Refund,
): Promise<repo.RefundRow | null> {
  const id = namedInMetadata(refund.metadata, 'tributary_refund', 'refund');
  const row = id && scope.tenantId ? await repo.getRefund(tx, id) : null;
  if (!row) return null;
  if (row.stripeRefundId !== null) return row.stripeRefundId === refund.id ? row : null;
  const payment = await charges.getPayment(tx, row.paymentId);
  const livesOn = payment?.chargeType === 'direct' ? payment.stripeAccountId : null;
  const matches =
    payment !== null &&
    row.tenantId === scope.tenantId &&
    payment.tenantId === scope.tenantId &&
    livesOn === scope.account &&
    row.amount === refund.amount &&
    payment.stripeChargeId !== null &&
    payment.stripeChargeId === idOf(refund.charge);
  return matches ? row : null;
}

export async function syncRefund(
  tx: Tx,
  scope: SyncScope,
  refund: Stripe.Refund,
  syncedAt: Date,
): Promise<Synced<repo.RefundRow> | null> {
  let row = (await refundNamedBy(tx, scope, refund)) ?? (await repo.refundByStripeId(tx, refund.id));
  if (!row) {
    // made outside Tributary (the Stripe dashboard), or its own API response not applied yet: recorded
    // against its payment
    const payment = await paymentOf(tx, scope, refund, syncedAt);
    if (!payment) return null;
    row = await repo.insertRefund(tx, {
      tenantId: payment.tenantId,
      paymentId: payment.id,
      stripeRefundId: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason ?? null,
      status: refundStatus(refund.status),
      stripeCreated: new Date(refund.created * 1000),
    });
  }
  const applied = await repo.applyRefund(
    tx,
    row.id,
    {
      stripeRefundId: refund.id,
      status: refundStatus(refund.status),
      failureReason: refund.failure_reason ?? null,
      amount: refund.amount,
      stripeCreated: new Date(refund.created * 1000),
    },
    syncedAt,
  );
  return { row: applied ?? row, changed: applied !== null };
}
