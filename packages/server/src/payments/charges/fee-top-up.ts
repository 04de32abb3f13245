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

const read = (action: string) => ({ action, account: null, movesMoney: false }) as const;

/**
 * The first item of a Stripe list, read page by page (newest first), that `match` picks: a lookup by metadata
 * must not stop at the first page, or a busy transfer or account hides what was made earlier.
 */
async function findInPages<T extends { id: string }>(
  page: (startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>,
  match: (item: T) => boolean,
): Promise<T | null> {
  let after: string | undefined;
  for (;;) {
    const list = await page(after);
    const found = list.data.find(match);
    if (found) return found;
    if (!list.has_more || list.data.length === 0) return null;
    after = list.data.at(-1)!.id;
  }
}

const pageOf = (after: string | undefined) => ({ limit: 100, ...(after ? { starting_after: after } : {}) });

/** What a fee top-up took back: the reversal (none when nothing of the transfer was left) and what it could not. */
export interface FeeTopUpReversal {
  reversal: Stripe.TransferReversal | null;
  /** the part of `amount` left uncollected: the transfer had less left (a refund had reversed most of it) */
  uncollected: number;
}

/**
 * Takes `amount` of a charge's transfer back for its fee, once: a reversal made earlier for the charge (its
 * metadata names it, on any page) is found first, and the request key is derived from the charge. Never more
 * than the transfer still holds (`amount - amount_reversed`: a partial refund reverses its share of the
 * transfer first); the rest is answered as `uncollected` for the caller to record.
 */
export async function reverseForFeeTopUp(
  stripeRef: StripeRef,
  charge: { id: string; transfer: string },
  amount: number,
  text: { description: string; metadata: Record<string, string> },
): Promise<FeeTopUpReversal> {
  const earlier = await findInPages(
    (after) =>
      stripeRef.call(read("list the transfer's reversals"), (stripe, opts) =>
        stripe.transfers.listReversals(charge.transfer, pageOf(after), opts),
      ),
    (r) => r.metadata?.[TOP_UP_KEY] === charge.id,
  );
  if (earlier) return { reversal: earlier, uncollected: Math.max(0, amount - earlier.amount) };
  const transfer = await stripeRef.call(read('read the transfer'), (stripe, opts) =>
    stripe.transfers.retrieve(charge.transfer, {}, opts),
  );
  const take = Math.min(amount, transfer.amount - transfer.amount_reversed);
  if (take <= 0) return { reversal: null, uncollected: amount };
  const reversal = await stripeRef.call(
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
        {
          amount: take,
          description: text.description,
          metadata: { ...text.metadata, [TOP_UP_KEY]: charge.id },
        },
        opts,
      ),
  );
  return { reversal, uncollected: amount - take };
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
  // what the transfer no longer held when it was asked for is recorded, not asked for again
  const diff = row.platformFee - row.platformNet - row.feeTopUpUncollected;
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
  // a destination charge, its transfer and reversals live on the platform; the snapshot is as of its read
  const readAt = new Date();
  const charge = await deps.stripe.call(read('read the charge'), (stripe, opts) =>
    stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }, opts),
  );
  const transfer = idOf(charge.transfer);
  if (charge.status !== 'succeeded' || !transfer || charge.refunded) return;
  // only ever between the platform and the payment's own account (never follow an id elsewhere)
  if (idOf(charge.transfer_data?.destination) !== row.stripeAccountId) return;
  const key = { account: null, movesMoney: true, purpose: 'fee_top_up', record: charge.id } as const;
  const meta = { [TOP_UP_KEY]: charge.id, tributary_payment: toPublicId('payment', row.id) };
  let settled: { id: string | null; amount: number; uncollected: number };
  if (diff > 0) {
    const { reversal, uncollected } = await reverseForFeeTopUp(
      deps.stripe,
      { id: charge.id, transfer },
      diff,
      {
        description: "Stripe's fee above the estimate",
        metadata: meta,
      },
    );
    settled = { id: reversal?.id ?? null, amount: reversal?.amount ?? 0, uncollected };
  } else {
    // made after the charge: only transfers to the account since then, every page of them
    const earlier = await findInPages(
      (after) =>
        deps.stripe.call(read('list the transfers to the account'), (stripe, opts) =>
          stripe.transfers.list(
            { destination: row.stripeAccountId, created: { gte: charge.created }, ...pageOf(after) },
            opts,
          ),
        ),
      (t) => t.metadata?.[TOP_UP_KEY] === charge.id,
    );
    const given: Stripe.Transfer =
      earlier ??
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
    settled = { id: given.id, amount: -given.amount, uncollected: 0 };
  }
  await withTenant(deps.db, job.tenantId, async (tx) => {
    await syncCharge(tx, { tenantId: job.tenantId, account: null }, charge, readAt);
    const before = (await repo.getPayment(tx, row.id))?.feeTopUp;
    await repo.recordFeeTopUp(tx, row.id, settled.amount, settled.id, settled.uncollected);
    if (before !== settled.amount || settled.uncollected > 0) {
      await insertAudit(tx, { kind: 'system', label: 'payments' }, `fee_${charge.id}`, {
        tenantId: job.tenantId,
        action: 'payment.fee_topped_up',
        target: { kind: 'payment', id: row.id },
        data: {
          payment: toPublicId('payment', row.id),
          amount: settled.amount,
          uncollected: settled.uncollected,
          stripe_object: settled.id,
        },
      });
    }
  });
}
