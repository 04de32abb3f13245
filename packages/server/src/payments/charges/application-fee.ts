import type { Db, Tx } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { retrieveApplicationFee } from '../../stripe/application-fees.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import type { Synced, SyncScope } from '../common.ts';
import { bookFeeBalance, feeBalanceEntries, setApplicationFeeId } from './fee-balance.ts';
import * as repo from './repo.ts';

/**
 * An application fee as Stripe has it now (refetched from the platform, where fees live): how much of it was
 * refunded — `refund_application_fee` on a refund, pro rata, or a fee refund made on Stripe's dashboard — is
 * put on its charge's payment, whose nets then give the fee back to the tenant; the fee's balance
 * transactions and its refunds' (when read expanded) are booked on the payment for the platform's fee
 * revenue. The fee names its charge and the connected account it was taken from; the row must be that
 * charge's, on that account, of the tenant the event was routed to.
 */
export async function syncApplicationFee(
  tx: Tx,
  scope: SyncScope,
  fee: Stripe.ApplicationFee,
): Promise<Synced<repo.PaymentRow> | null> {
  // a destination charge's fee is taken from the account's payment (`py_`); the platform's charge, which our
  // row holds, is its originating transaction
  const charge = idOf(fee.originating_transaction) ?? idOf(fee.charge);
  const row = charge ? await repo.paymentByCharge(tx, charge) : null;
  if (!row || row.tenantId !== scope.tenantId || row.stripeAccountId !== idOf(fee.account)) return null;
  await setApplicationFeeId(tx, row.id, fee.id);
  const booked = await bookFeeBalance(tx, row, feeBalanceEntries(fee));
  const entries = (fee.refunds?.data ?? [])
    .map((r) => ({ id: r.id, amount: r.amount, created: r.created }))
    .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  const applied = await repo.setApplicationFeeRefunds(tx, row.id, fee.amount_refunded, entries);
  return { row: applied ?? row, changed: applied !== null || booked > 0 };
}

export interface SyncFeeBalanceJob {
  kind: 'sync_application_fee';
  tenantId: string;
  paymentId: string;
}

/**
 * Reads a payment's application fee (on the platform, with its balance transactions) and applies it: for a
 * charge whose fee's own event came before the payment's row knew the charge (so it found no row), or never
 * came.
 */
export async function syncFeeBalance(deps: { db: Db; stripe: StripeRef }, job: SyncFeeBalanceJob) {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getPayment(tx, job.paymentId));
  const id = row?.stripeApplicationFeeId;
  if (!row || !id) return;
  const fee = await deps.stripe.call(
    { action: 'read the application fee', account: null, movesMoney: false },
    (stripe, opts) => retrieveApplicationFee(stripe, id, opts),
  );
  await withTenant(deps.db, job.tenantId, (tx) =>
    syncApplicationFee(tx, { tenantId: job.tenantId, account: null }, fee),
  );
}
