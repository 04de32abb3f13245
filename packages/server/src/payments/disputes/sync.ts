import type { Tx } from '../../db/client.ts';
import type { DisputeBalanceEntry } from '../../db/schema/index.ts';
import type { Stripe } from '../../stripe/client.ts';
import * as charges from '../charges/repo.ts';
import { paymentOf } from '../charges/sync.ts';
import type { Synced, SyncScope } from '../common.ts';
import * as repo from './repo.ts';

/** The dispute's balance transactions (Stripe includes them whole): what left and came back, and when. */
function balanceEntries(dispute: Stripe.Dispute): DisputeBalanceEntry[] {
  return (dispute.balance_transactions ?? []).map((bt) => ({
    id: bt.id,
    amount: bt.amount,
    fee: bt.fee,
    net: bt.net,
    reporting_category: bt.reporting_category,
    created: bt.created,
  }));
}

export async function syncDispute(
  tx: Tx,
  scope: SyncScope,
  dispute: Stripe.Dispute,
  syncedAt: Date,
): Promise<(Synced<repo.DisputeRow> & { inserted: boolean; payment: charges.PaymentRow }) | null> {
  const payment = await paymentOf(tx, scope, dispute, syncedAt);
  if (!payment) return null;
  // lock order: the payment's row before the dispute's, as every writer of both takes them
  await charges.getPayment(tx, payment.id, { lock: true });
  const due = dispute.evidence_details?.due_by;
  const row = await repo.upsertDispute(
    tx,
    payment.tenantId,
    payment.id,
    dispute.id,
    {
      amount: dispute.amount,
      currency: dispute.currency,
      reason: dispute.reason,
      status: dispute.status,
      evidenceDueBy: due ? new Date(due * 1000) : null,
      balanceTransactions: balanceEntries(dispute),
      stripeCreated: new Date(dispute.created * 1000),
    },
    syncedAt,
  );
  if (row) {
    // every dispute of the payment counts (a charge can be disputed again after an inquiry)
    const all = await repo.disputesOf(tx, payment.id);
    const net = all.reduce((n, d) => n + d.balanceTransactions.reduce((m, bt) => m + bt.net, 0), 0);
    await charges.setDisputeState(tx, payment.id, dispute.status, net);
  }
  if (!row) {
    const [existing] = (await repo.disputesOf(tx, payment.id)).filter(
      (d) => d.stripeDisputeId === dispute.id,
    );
    return existing ? { row: existing, changed: false, inserted: false, payment } : null;
  }
  return { row, changed: true, inserted: row.inserted, payment };
}
