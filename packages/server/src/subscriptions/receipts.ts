import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { JobDeps } from '../jobs/define.ts';
import {
  customerEmailEnabled,
  emailCustomer,
  type LineItem,
  notificationExists,
  receiptKey,
} from '../notifications/service.ts';
import type { Stripe } from '../stripe/client.ts';
import { subscriptionInvoiceByStripeId } from './repo.ts';

// The receipt of a paid subscription invoice (the first one and each renewal): a `billing-followup` after
// `invoice.paid`, keyed by the invoice's PaymentIntent like every receipt (`receiptKey`), so the charge's own
// receipt path (payments/charges/receipt.ts) never sends a second one for the same payment.

export interface RenewalReceiptJob {
  tenantId: string;
  stripeInvoiceId: string;
  /** the account the invoice lives on (null: the platform's) */
  account: string | null;
}

type Rows<T> = { rows: T[] };

/** Where the subscription's customer reads its e-mail, and in which language (Stripe's `preferred_locales[0]`). */
async function customerContactOf(tx: Tx, subscriptionId: string) {
  const res = (await tx.execute(sql`
    select c.email, c.preferred_locale as locale from subscriptions s join customers c on c.id = s.customer_id
    where s.id = ${subscriptionId}`)) as unknown as Rows<{ email: string | null; locale: string | null }>;
  return res.rows[0] ?? { email: null, locale: null };
}

/** The invoice's lines as a receipt shows them: per unit when the amount divides evenly, else the line's total. */
function linesOf(inv: Stripe.Invoice): LineItem[] {
  return (inv.lines?.data ?? []).map((l) => {
    const quantity = l.quantity ?? 1;
    const even = quantity > 0 && l.amount % quantity === 0;
    return {
      description: l.description ?? 'Subscription',
      quantity: even ? quantity : 1,
      unitAmount: even ? l.amount / quantity : l.amount,
    };
  });
}

/**
 * The customer's receipt for a paid subscription invoice, once per payment. Stripe is asked for the lines and
 * the charge's hosted receipt only when the tenant sends receipts; otherwise the row is kept `suppressed`.
 * An invoice paid by nothing (a trial's, a credit balance's) has no payment and no receipt.
 */
export async function sendRenewalReceipt(deps: JobDeps, job: RenewalReceiptJob): Promise<void> {
  const facts = await withTenant(deps.db, job.tenantId, async (tx) => {
    const row = await subscriptionInvoiceByStripeId(tx, job.tenantId, job.stripeInvoiceId);
    const pi = row?.stripePaymentIntentId;
    if (!row || !pi || row.status !== 'paid' || row.amountPaid <= 0) return null;
    if (await notificationExists(tx, job.tenantId, receiptKey(pi))) return null;
    return {
      row,
      pi,
      customer: await customerContactOf(tx, row.subscriptionId),
      on: await customerEmailEnabled(tx, job.tenantId, 'receipt'),
    };
  });
  if (!facts) return;
  const { row, pi } = facts;
  let inv: Stripe.Invoice | null = null;
  let charge: Stripe.Charge | null = null;
  if (facts.on) {
    const read = (action: string) => ({ action, account: job.account, movesMoney: false });
    inv = await deps.stripe.call(read('read the invoice'), (stripe, opts) =>
      stripe.invoices.retrieve(job.stripeInvoiceId, {}, opts),
    );
    const intent = await deps.stripe.call(read('read the payment intent'), (stripe, opts) =>
      stripe.paymentIntents.retrieve(pi, { expand: ['latest_charge'] }, opts),
    );
    charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  }
  await withTenant(deps.db, job.tenantId, (tx) =>
    emailCustomer(
      tx,
      { config: deps.config, enqueue: (queue, data) => deps.jobs().sendInTx(tx, queue, data) },
      {
        tenantId: job.tenantId,
        template: 'receipt',
        to: facts.customer.email ?? inv?.customer_email ?? null,
        locale: facts.customer.locale,
        dedupKey: receiptKey(pi),
        data: {
          amount: row.amountPaid,
          currency: row.currency,
          lines: inv ? linesOf(inv) : [],
          receiptNumber: charge?.receipt_number ?? null,
          receiptUrl: charge?.receipt_url ?? null,
          paidAt: (charge ? new Date(charge.created * 1000) : new Date()).toISOString(),
          invoiceId: row.number,
        },
      },
    ),
  );
}
