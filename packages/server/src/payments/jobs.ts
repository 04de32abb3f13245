import { z } from 'zod';
import { defineFollowup } from '../jobs/define.ts';
import { setFirstDefault } from './default-method.ts';
import { resyncCharge } from './resync.ts';

/**
 * The payments domain's `billing-followup` kinds: Stripe calls a webhook handler decides on but cannot
 * make inside its transaction, each idempotent.
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
  /** make a customer's first saved payment method the default (default-method.ts) */
  defineFollowup({
    kind: 'default_payment_method',
    fields: { tenantId: z.guid(), customerId: z.guid(), stripePaymentMethodId: z.string().min(1) },
    handle: async (deps, job) => {
      await setFirstDefault(deps, job);
    },
  }),
] as const;
