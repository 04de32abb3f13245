import type { Tx } from '../../db/client.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import type { Synced, SyncScope } from '../common.ts';
import * as repo from './repo.ts';

/**
 * An application fee as Stripe has it now (refetched from the platform, where fees live): how much of it was
 * refunded — `refund_application_fee` on a refund, pro rata, or a fee refund made on Stripe's dashboard — is
 * put on its charge's payment, whose nets then give the fee back to the tenant. The fee names its charge and
 * the connected account it was taken from; the row must be that charge's, on that account, of the tenant the
 * event was routed to.
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
  const entries = (fee.refunds?.data ?? [])
    .map((r) => ({ id: r.id, amount: r.amount, created: r.created }))
    .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  const applied = await repo.setApplicationFeeRefunds(tx, row.id, fee.amount_refunded, entries);
  return { row: applied ?? row, changed: applied !== null };
}
