import { z } from 'zod';
import { defineFollowup } from '../jobs/define.ts';
import { topUpSubscriptionFee } from './fee-top-up.ts';
import { setSubscriptionInvoiceFee } from './service.ts';

/**
 * The subscriptions' `billing-followup` kinds: Stripe calls a webhook handler decides on but cannot make
 * inside its transaction, each idempotent (state read again from Stripe, keys derived from the invoice or
 * charge).
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
] as const;
