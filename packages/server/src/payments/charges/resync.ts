import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import type { StripeRef } from '../../stripe/client.ts';
import * as repo from './repo.ts';
import { fetchCharge, paymentAccount } from './service.ts';
import * as sync from './sync.ts';

export interface ResyncChargeJob {
  kind: 'resync_charge';
  tenantId: string;
  paymentId: string;
}

/**
 * Reads a payment's charge again and applies it behind its guard. For changes Stripe announces on another
 * object only: a refund that fails after it succeeded gives the money back to the charge
 * (`amount_refunded` falls) with events on the refund alone.
 */
export async function resyncCharge(deps: { db: Db; stripe: StripeRef }, job: ResyncChargeJob): Promise<void> {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getPayment(tx, job.paymentId));
  if (!row?.stripeChargeId) return;
  // before the read, as an event's refetch: a refetch started after it (maybe newer) must still win
  const fetchedAt = new Date();
  const charge = await fetchCharge({ stripe: deps.stripe }, row, row.stripeChargeId);
  if (!charge) return;
  await withTenant(deps.db, job.tenantId, (tx) =>
    sync.syncCharge(tx, { tenantId: job.tenantId, account: paymentAccount(row) }, charge, fetchedAt),
  );
}
