import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { subscriptionInvoices } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import type { JobDeps } from '../../jobs/define.ts';
import {
  customerEmailEnabled,
  emailCustomer,
  notificationExists,
  receiptKey,
} from '../../notifications/service.ts';
import type { Stripe } from '../../stripe/client.ts';
import { getCustomer } from '../customers/repo.ts';
import * as repo from './repo.ts';
import { fetchCharge, paymentAccount } from './service.ts';

// The receipt of a payment made outside an invoice (the API's payments, a Checkout or Payment Link of the
// tenant's own): a `billing-followup` after the charge succeeded. An invoice's payment gets the invoice's
// receipt instead (with its lines), under the same key (`receiptKey`): whichever is written first is the one.

export interface PaymentReceiptJob {
  kind: 'send_payment_receipt';
  tenantId: string;
  paymentId: string;
}

/** Whether our rows already tie the PaymentIntent to a subscription's invoice (read from the table itself). */
async function knownInvoicePayment(tx: Tx, tenantId: string, pi: string): Promise<boolean> {
  const rows = await tx
    .select({ id: subscriptionInvoices.id })
    .from(subscriptionInvoices)
    .where(
      and(eq(subscriptionInvoices.tenantId, tenantId), eq(subscriptionInvoices.stripePaymentIntentId, pi)),
    )
    .limit(1);
  return rows.length > 0;
}

/** What the follow-up needs of our rows, or null when no receipt is due from this path. */
async function receiptFacts(tx: Tx, job: Omit<PaymentReceiptJob, 'kind'>) {
  const row = await repo.getPayment(tx, job.paymentId);
  if (!row?.stripePaymentIntentId || row.status !== 'succeeded' || row.invoiceId) return null;
  const pi = row.stripePaymentIntentId;
  if (await notificationExists(tx, job.tenantId, receiptKey(pi))) return null;
  if (await knownInvoicePayment(tx, job.tenantId, pi)) return null;
  const customer = row.customerId ? await getCustomer(tx, row.customerId) : null;
  return {
    row,
    pi,
    email: customer?.email ?? null,
    locale: customer?.preferredLocale ?? null,
    on: await customerEmailEnabled(tx, job.tenantId, 'receipt'),
  };
}

/** Stripe's answer: whether an invoice's payment is this PaymentIntent (its invoice sends the receipt). */
async function paysAnInvoice(deps: JobDeps, row: repo.PaymentRow, pi: string): Promise<boolean> {
  const list = await deps.stripe.call(
    { action: "find the payment's invoice", account: paymentAccount(row), movesMoney: false },
    (stripe, opts) =>
      stripe.invoicePayments.list(
        { payment: { type: 'payment_intent', payment_intent: pi }, limit: 1 },
        opts,
      ),
  );
  return list.data.length > 0;
}

/**
 * The customer's receipt for a payment outside an invoice, once per PaymentIntent. Stripe is asked (whether an
 * invoice owns the payment, the charge's receipt number) only when the tenant sends receipts; otherwise the
 * row is kept `suppressed` at once. The total is what the customer paid: our fee is none of its business.
 */
export async function sendPaymentReceipt(deps: JobDeps, job: Omit<PaymentReceiptJob, 'kind'>): Promise<void> {
  const facts = await withTenant(deps.db, job.tenantId, (tx) => receiptFacts(tx, job));
  if (!facts) return;
  const { row, pi } = facts;
  let charge: Stripe.Charge | null = null;
  if (facts.on) {
    if (await paysAnInvoice(deps, row, pi)) return;
    charge = await fetchCharge(deps, row, row.stripeChargeId);
  }
  const to = facts.email ?? charge?.receipt_email ?? charge?.billing_details?.email ?? null;
  await withTenant(deps.db, job.tenantId, (tx) =>
    emailCustomer(
      tx,
      { config: deps.config, enqueue: (queue, data) => deps.jobs().sendInTx(tx, queue, data) },
      {
        tenantId: row.tenantId,
        template: 'receipt',
        to,
        locale: facts.locale,
        dedupKey: receiptKey(pi),
        data: {
          amount: row.amount,
          currency: row.currency,
          lines: row.description
            ? [{ description: row.description, quantity: 1, unitAmount: row.amount }]
            : [],
          receiptNumber: charge?.receipt_number ?? null,
          receiptUrl: charge?.receipt_url ?? row.receiptUrl,
          paidAt: (row.succeededAt ?? row.chargeCreated ?? new Date()).toISOString(),
          invoiceId: null,
        },
      },
    ),
  );
}
