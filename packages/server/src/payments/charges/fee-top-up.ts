import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { toPublicId } from '../../http/ids.ts';
import { insertAudit } from '../../scope/audit.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import * as repo from './repo.ts';
import { syncCharge } from './sync.ts';

export interface PaymentFeeTopUpJob {
  kind: 'payment_fee_top_up';
  tenantId: string;
  paymentId: string;
}

/** The metadata key naming the charge a reversal or transfer settled the fee difference of. */
const TOP_UP_KEY = 'tributary_fee_top_up';

/**
 * Takes `amount` of a charge's transfer back for its fee, once: a reversal made earlier for the charge (its
 * metadata names it) is found first, and the request key is derived from the charge.
 */
export async function reverseForFeeTopUp(
  stripeRef: StripeRef,
  charge: { id: string; transfer: string },
  amount: number,
  text: { description: string; metadata: Record<string, string> },
): Promise<Stripe.TransferReversal> {
  const earlier = await stripeRef.call(
    { action: "list the transfer's reversals", account: null, movesMoney: false },
    (stripe, opts) => stripe.transfers.listReversals(charge.transfer, { limit: 100 }, opts),
  );
  return (
    earlier.data.find((r) => r.metadata?.[TOP_UP_KEY] === charge.id) ??
    (await stripeRef.call(
      {
        action: 'reverse part of the transfer',
        account: null,
        movesMoney: true,
        purpose: 'fee_top_up',
        record: charge.id,
      },
      (stripe, opts) =>
        stripe.transfers.createReversal(
          charge.transfer,
          { amount, description: text.description, metadata: { ...text.metadata, [TOP_UP_KEY]: charge.id } },
          opts,
        ),
    ))
  );
}

/**
 * What the platform still has to take (positive) or give back (negative) for its net to equal its schedule:
 * on an Express-like payment made through the API with Stripe's fee passed through, once the balance
 * transaction gave Stripe's real fee. The application fee carried the estimate; the platform pays the real
 * fee. Null when there is nothing to settle.
 */
export function feeDifference(row: repo.PaymentRow): number | null {
  const passThrough = row.feeSchedule?.pass_through_stripe_fee === true;
  if (row.chargeType !== 'destination' || !passThrough || !row.feesFinal || row.status !== 'succeeded')
    return null;
  const diff = row.platformFee - row.platformNet;
  return diff === 0 ? null : diff;
}

type Deps = { db: Db; config?: Config; stripe: StripeRef };

/**
 * Settles the difference between Stripe's estimated and real fee on a destination charge, once per charge:
 * a shortfall is taken back from the connected account by reversing that much of the charge's transfer; a
 * surplus is handed to it by a transfer funded by the charge. An earlier one for the charge (metadata) is
 * looked for first, and the Stripe key is derived from the charge.
 */
export async function topUpPaymentFee(deps: Deps, job: Omit<PaymentFeeTopUpJob, 'kind'>): Promise<void> {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getPayment(tx, job.paymentId));
  if (!row || row.feeTopUpReversal || !row.stripeChargeId) return;
  const diff = feeDifference(row);
  if (diff === null) return;
  const chargeId = row.stripeChargeId;
  // a destination charge, its transfer and reversals live on the platform
  const read = (action: string) => ({ action, account: null, movesMoney: false });
  const charge = await deps.stripe.call(read('read the charge'), (stripe, opts) =>
    stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }, opts),
  );
  const transfer = idOf(charge.transfer);
  if (charge.status !== 'succeeded' || !transfer || charge.refunded) return;
  // only ever between the platform and the payment's own account (never follow an id elsewhere)
  if (idOf(charge.transfer_data?.destination) !== row.stripeAccountId) return;
  const key = { account: null, movesMoney: true, purpose: 'fee_top_up', record: charge.id } as const;
  const meta = { [TOP_UP_KEY]: charge.id, tributary_payment: toPublicId('payment', row.id) };
  let settled: { id: string; amount: number };
  if (diff > 0) {
    const reversal = await reverseForFeeTopUp(deps.stripe, { id: charge.id, transfer }, diff, {
      description: "Stripe's fee above the estimate",
      metadata: meta,
    });
    settled = { id: reversal.id, amount: reversal.amount };
  } else {
    const earlier = await deps.stripe.call(read('list the transfers to the account'), (stripe, opts) =>
      stripe.transfers.list({ destination: row.stripeAccountId, limit: 100 }, opts),
    );
    const given: Stripe.Transfer =
      earlier.data.find((t) => t.metadata?.[TOP_UP_KEY] === charge.id) ??
      (await deps.stripe.call({ ...key, action: 'transfer the fee surplus' }, (stripe, opts) =>
        stripe.transfers.create(
          {
            amount: -diff,
            currency: charge.currency,
            destination: row.stripeAccountId,
            source_transaction: charge.id,
            description: "Stripe's fee below the estimate",
            metadata: meta,
          },
          opts,
        ),
      ));
    settled = { id: given.id, amount: -given.amount };
  }
  const fetchedAt = new Date();
  await withTenant(deps.db, job.tenantId, async (tx) => {
    await syncCharge(tx, { tenantId: job.tenantId, account: null }, charge, fetchedAt);
    const before = (await repo.getPayment(tx, row.id))?.feeTopUp;
    await repo.recordFeeTopUp(tx, row.id, settled.amount, settled.id);
    if (before !== settled.amount) {
      await insertAudit(tx, { kind: 'system', label: 'payments' }, `fee_${charge.id}`, {
        tenantId: job.tenantId,
        action: 'payment.fee_topped_up',
        target: { kind: 'payment', id: row.id },
        data: { payment: toPublicId('payment', row.id), amount: settled.amount, stripe_object: settled.id },
      });
    }
  });
}
