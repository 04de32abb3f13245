import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { payments, refunds } from '../db/schema/index.ts';
import { defineFollowup, type FollowupIn } from '../jobs/define.ts';
import { syncFeeBalance } from './charges/application-fee.ts';
import { topUpPaymentFee } from './charges/fee-top-up.ts';
import { sendPaymentReceipt } from './charges/receipt.ts';
import { resyncCharge } from './charges/resync.ts';
import { setFirstDefault } from './customers/default-method.ts';

export { purgeExpiredCardLinks } from './customers/card-update.ts';
export { warnExpiringCards } from './customers/expiring-cards.ts';

/**
 * The payments domain's background work: its `billing-followup` kinds (Stripe calls a webhook handler
 * decides on but cannot make inside its transaction, each idempotent) and its maintenance rules, which
 * maintenance.ts runs in its system transaction.
 */
export const paymentFollowups = [
  /** read a payment's charge again after one of its refunds failed (resync.ts) */
  defineFollowup({
    kind: 'resync_charge',
    fields: { tenantId: z.guid(), paymentId: z.guid() },
    handle: async (deps, job) => {
      await resyncCharge(deps, job);
    },
  }),
  /** settle Stripe's real fee against the estimate on an Express-like payment (charges/fee-top-up.ts) */
  defineFollowup({
    kind: 'payment_fee_top_up',
    fields: { tenantId: z.guid(), paymentId: z.guid() },
    handle: async (deps, job) => {
      await topUpPaymentFee(deps, job);
    },
  }),
  /** book a payment's application fee and its refunds as Stripe's balance shows them (charges/application-fee.ts) */
  defineFollowup({
    kind: 'sync_application_fee',
    fields: { tenantId: z.guid(), paymentId: z.guid() },
    handle: async (deps, job) => {
      await syncFeeBalance(deps, job);
    },
  }),
  /** the customer's receipt for a payment outside an invoice (charges/receipt.ts) */
  defineFollowup({
    kind: 'send_payment_receipt',
    fields: { tenantId: z.guid(), paymentId: z.guid() },
    handle: async (deps, job) => {
      await sendPaymentReceipt(deps, job);
    },
  }),
  /** make a customer's first saved payment method the default (default-method.ts) */
  defineFollowup({
    kind: 'default_payment_method',
    fields: { tenantId: z.guid(), customerId: z.guid(), stripePaymentMethodId: z.string().min(1) },
    handle: async (deps, job) => {
      await setFirstDefault(deps, job);
    },
  }),
] as const;

/** The failure code of a row given up on because Stripe could not be reached. */
export const UNREACHABLE = 'stripe_unreachable';

/**
 * Payments and refunds a request left pending because Stripe could not be reached, with no Stripe object
 * since and created more than `hours` ago (past the idempotency window, so a retry can no longer reuse
 * them, and with no event naming them): they were never made. A payment is canceled; a refund fails, which
 * frees the amount it held.
 */
export async function abandonUnansweredPayments(tx: Tx, hours: number): Promise<number> {
  const before = sql`now() - make_interval(hours => ${hours})`;
  const p = await tx
    .update(payments)
    .set({
      status: 'canceled',
      failureCode: UNREACHABLE,
      failureMessage: 'Stripe could not be reached; the payment was not made.',
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(payments.status, 'pending'),
        isNull(payments.stripePaymentIntentId),
        lt(payments.createdAt, before),
      ),
    )
    .returning({ id: payments.id });
  const r = await tx
    .update(refunds)
    .set({ status: 'failed', failureReason: UNREACHABLE, updatedAt: sql`now()` })
    .where(and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), lt(refunds.createdAt, before)))
    .returning({ id: refunds.id });
  return p.length + r.length;
}

/**
 * Open rows (a PaymentIntent's attempt without a charge) left behind when concurrent batches applied a
 * PaymentIntent we did not start and its charge at once: once the PaymentIntent has succeeded (final) on
 * another row, no charge can come for them.
 */
export async function dropLeftoverOpenPayments(tx: Tx): Promise<number> {
  const res = (await tx.execute(sql`
    delete from payments p
    where p.stripe_charge_id is null and p.stripe_payment_intent_id is not null
      and p.updated_at < now() - interval '1 hour'
      and exists (select 1 from payments s
                  where s.tenant_id = p.tenant_id and s.stripe_payment_intent_id = p.stripe_payment_intent_id
                    and s.id <> p.id and s.status = 'succeeded')
    returning p.id`)) as unknown as { rows: unknown[] };
  return res.rows.length;
}

declare module '../jobs/define.ts' {
  interface FollowupKinds {
    payments: FollowupIn<(typeof paymentFollowups)[number]>;
  }
}
