import { z } from 'zod';
import { defineFollowup, type FollowupIn } from '../jobs/define.ts';
import { sendReceipt } from './emails.ts';
import { deactivateLink, refundDuplicate, resend } from './followups.ts';

/**
 * The invoices' `billing-followup` kinds: Stripe calls a webhook handler or a request decides on but cannot
 * make inside its transaction. Each is idempotent (state checked first, Stripe keys derived from our
 * records), so pg-boss's retries are safe.
 */
export const invoiceFollowups = [
  /** turn a paid, voided or replaced invoice's Payment Link off */
  defineFollowup({
    kind: 'deactivate_link',
    fields: {
      tenantId: z.guid(),
      invoiceId: z.guid(),
      // the link to turn off (queued links are kept apart: one may be queued before the last runs); jobs
      // queued before it was named have none, and turn off the invoice's `link_to_deactivate`
      link: z.string().min(1).nullish(),
    },
    handle: async (deps, job) => {
      await deactivateLink(deps, job);
    },
  }),
  /** a new link for an invoice whose link a failed bank debit used up */
  defineFollowup({
    kind: 'resend',
    fields: { tenantId: z.guid(), invoiceId: z.guid() },
    handle: async (deps, job) => {
      await resend(deps, job);
    },
  }),
  /** refund a payment that raced through a single-use link */
  defineFollowup({
    kind: 'refund_duplicate',
    fields: { tenantId: z.guid(), invoiceId: z.guid(), invoicePaymentId: z.guid() },
    handle: async (deps, job) => {
      await refundDuplicate(deps, job);
    },
  }),
  /** the customer's receipt for a paid invoice, with the charge's hosted receipt */
  defineFollowup({
    kind: 'send_receipt',
    fields: { tenantId: z.guid(), invoiceId: z.guid() },
    handle: async (deps, job) => {
      await sendReceipt(deps, job);
    },
  }),
] as const;

declare module '../jobs/define.ts' {
  interface FollowupKinds {
    invoices: FollowupIn<(typeof invoiceFollowups)[number]>;
  }
}
