import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { computeFees, effectiveSchedule, stripePricing } from '../fees/service.ts';
import { toPublicId } from '../http/ids.ts';
import {
  fetchCharge,
  recordFeeTopUp,
  reverseForFeeTopUp,
  syncCharge,
  syncPaymentIntent,
} from '../payments/service.ts';
import { insertAudit } from '../scope/audit.ts';
import type { StripeRef } from '../stripe/client.ts';
import { idOf } from '../stripe/ids.ts';
import { invoicePaymentIntent, subscriptionOfInvoice } from './sync.ts';

export interface FeeTopUpJob {
  kind: 'subscription_fee_top_up';
  tenantId: string;
  stripeInvoiceId: string;
}

/**
 * The rest of the application fee on a paid subscription invoice of an Express-like account. A subscription
 * invoice gets the fee model's whole fee only while it is a draft; Stripe finalizes the first one at once
 * (it carries `application_fee_percent` alone) and a renewal could be finalized before our follow-up ran.
 * The platform pays Stripe's fee on these destination charges, so the shortfall (pass-through, on Stripe's
 * estimated fee, and the fixed part) is taken back from the connected account by reversing that much of the charge's transfer — once:
 * an earlier reversal for the charge is looked for first, and the key is derived from the charge.
 * Direct charges (Standard-like) have no transfer to reverse; their shortfall stays uncollected.
 */
export async function topUpSubscriptionFee(
  deps: { db: Db; config: Config; stripe: StripeRef },
  job: FeeTopUpJob,
): Promise<void> {
  // the invoice, its payment and the charge's transfer live on the platform (destination charges)
  const read = (action: string) => ({ action, account: null, movesMoney: false });
  const inv = await deps.stripe.call(read('read the invoice'), (stripe, opts) =>
    stripe.invoices.retrieve(job.stripeInvoiceId, { expand: ['payments'] }, opts),
  );
  const piId = invoicePaymentIntent(inv);
  if (inv.status !== 'paid' || !piId) return;
  const decided = await withTenant(deps.db, job.tenantId, async (tx) => {
    const sub = await subscriptionOfInvoice(tx, inv);
    if (!sub || sub.accountKind === 'standard') return null;
    return { sub, schedule: await effectiveSchedule(tx, deps.config, job.tenantId) };
  });
  if (!decided) return;
  // the snapshots are as of their reads, not of the transfer calls that follow
  const readAt = new Date();
  const pi = await deps.stripe.call(read('read the payment intent'), (stripe, opts) =>
    stripe.paymentIntents.retrieve(piId, {}, opts),
  );
  const charge = await fetchCharge(
    { stripe: deps.stripe },
    { chargeType: 'destination', stripeAccountId: decided.sub.stripeAccountId },
    idOf(pi.latest_charge),
  );
  const transfer = idOf(charge?.transfer);
  if (charge?.status !== 'succeeded' || !transfer || charge.refunded) return;
  // only ever take back from the subscription's own account (never follow an id elsewhere)
  if (idOf(charge.transfer_data?.destination) !== decided.sub.stripeAccountId) return;
  const expected = computeFees({
    amount: charge.amount,
    currency: charge.currency,
    kind: decided.sub.accountKind,
    schedule: decided.schedule,
    // the estimate, as the draft follow-up uses: a dearer card (international, Amex) is not topped up on
    // each renewal (one-off payments settle the real fee: payments/charges/fee-top-up.ts)
    pricing: stripePricing(deps.config),
  }).applicationFeeAmount;
  const shortfall = expected - (charge.application_fee_amount ?? 0);
  if (shortfall <= 0) return;

  const { reversal, uncollected } = await reverseForFeeTopUp(
    deps.stripe,
    { id: charge.id, transfer },
    shortfall,
    {
      description: 'Application fee not collected on the invoice',
      metadata: { tributary_invoice: inv.id! },
    },
  );
  await withTenant(deps.db, job.tenantId, async (tx) => {
    const scope = { tenantId: job.tenantId, account: null };
    await syncPaymentIntent(tx, scope, pi, readAt);
    const synced = await syncCharge(tx, scope, charge, readAt);
    if (!synced) throw new Error(`no payment row for ${charge.id}`);
    const before = synced.row.feeTopUp;
    const amount = reversal?.amount ?? 0;
    await recordFeeTopUp(tx, synced.row.id, amount, reversal?.id ?? null, uncollected);
    if (before !== amount || uncollected > 0) {
      await insertAudit(tx, { kind: 'system', label: 'billing-followup' }, `job_${inv.id}`, {
        tenantId: job.tenantId,
        action: 'payment.fee_topped_up',
        target: { kind: 'payment', id: synced.row.id },
        data: {
          payment: toPublicId('payment', synced.row.id),
          invoice: inv.id,
          amount,
          uncollected,
          transfer_reversal: reversal?.id ?? null,
        },
      });
    }
  });
}
