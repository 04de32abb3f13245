import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { subscriptions } from '../db/schema/index.ts';
import { defineFollowup, type FollowupIn } from '../jobs/define.ts';
import { recordCustomerDiscount } from './customer-discount.ts';
import { topUpSubscriptionFee } from './fee-top-up.ts';
import { sendRenewalReceipt } from './receipts.ts';

export { remindRenewals } from './reminders.ts';

import { setSubscriptionInvoiceFee } from './service.ts';

/**
 * The subscriptions' background work: their `billing-followup` kinds (Stripe calls a webhook handler
 * decides on but cannot make inside its transaction, each idempotent: state read again from Stripe, keys
 * derived from the invoice or charge) and their maintenance rule, which maintenance.ts runs.
 */
export const subscriptionFollowups = [
  /** a draft renewal invoice gets the fee model's whole application fee before Stripe finalizes it */
  defineFollowup({
    kind: 'subscription_invoice_fee',
    fields: { tenantId: z.guid(), stripeInvoiceId: z.string().min(1), account: z.string().min(1).nullable() },
    handle: async (deps, job) => {
      await setSubscriptionInvoiceFee(deps, job);
    },
  }),
  /** the rest of the fee on a paid invoice finalized before it could be set (Express-like) */
  defineFollowup({
    kind: 'subscription_fee_top_up',
    fields: { tenantId: z.guid(), stripeInvoiceId: z.string().min(1) },
    handle: async (deps, job) => {
      await topUpSubscriptionFee(deps, job);
    },
  }),
  /** the customer's receipt for a paid subscription invoice (receipts.ts) */
  defineFollowup({
    kind: 'send_renewal_receipt',
    fields: { tenantId: z.guid(), stripeInvoiceId: z.string().min(1), account: z.string().min(1).nullable() },
    handle: async (deps, job) => {
      await sendRenewalReceipt(deps, job);
    },
  }),
  /** a customer's discount changed: each of its subscriptions' MRR follows (customer-discount.ts) */
  defineFollowup({
    kind: 'customer_discount_mrr',
    fields: {
      tenantId: z.guid(),
      account: z.string().min(1).nullable(),
      customer: z.string().min(1),
      discount: z.record(z.string(), z.unknown()).nullable(),
      created: z.number().int(),
      eventId: z.string().min(1),
    },
    handle: async (deps, job) => {
      await recordCustomerDiscount(deps, job);
    },
  }),
] as const;

/**
 * Subscriptions a request left pending because Stripe could not be reached, with no Stripe subscription
 * since and created more than `hours` ago (past the idempotency window): they were never made, and are
 * canceled.
 */
export async function cancelUnansweredSubscriptions(tx: Tx, hours: number): Promise<number> {
  const rows = await tx
    .update(subscriptions)
    .set({ status: 'canceled', updatedAt: sql`now()` })
    .where(
      and(
        eq(subscriptions.status, 'pending'),
        isNull(subscriptions.stripeSubscriptionId),
        lt(subscriptions.createdAt, sql`now() - make_interval(hours => ${hours})`),
      ),
    )
    .returning({ id: subscriptions.id });
  return rows.length;
}

declare module '../jobs/define.ts' {
  interface FollowupKinds {
    subscriptions: FollowupIn<(typeof subscriptionFollowups)[number]>;
  }
}
