import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { JobDeps } from '../jobs/define.ts';
import {
  type AlertSender,
  alertOwners,
  customerEmailEnabled,
  emailCustomer,
  type LineItem,
  notificationExists,
  receiptKey,
} from '../notifications/service.ts';
import { getCustomer } from '../payments/service.ts';
import type { HandlerContext } from '../webhooks/service.ts';
import * as repo from './repo.ts';

// The invoices' e-mails: the owners hear that an invoice was paid in the transaction that marks it paid; the
// customer's receipt carries the charge's hosted receipt, which that transaction does not know yet (the
// session's events can come before the charge's), so a `billing-followup` reads it from Stripe first.

/** The invoice's customer's language, when Stripe told us one (`preferred_locales[0]`). */
const localeOf = async (tx: Tx, row: repo.InvoiceRow) =>
  row.customerId ? ((await getCustomer(tx, row.customerId))?.preferredLocale ?? null) : null;

const linesOf = (row: repo.InvoiceRow): LineItem[] =>
  row.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: l.unit_amount }));

/**
 * In the transaction of the payment: the owners' alert, and the receipt's follow-up. Answers who sends the
 * alert, for the `invoice.paid` webhook's `notify`.
 */
export async function invoicePaidEmails(ctx: HandlerContext, row: repo.InvoiceRow): Promise<AlertSender> {
  const alert = await alertOwners(
    ctx.tx,
    { config: ctx.config, enqueue: ctx.enqueue },
    {
      tenantId: row.tenantId,
      template: 'invoice_paid',
      data: {
        invoiceId: toPublicId('invoice', row.id),
        amount: row.amountTotal,
        currency: row.currency,
        customerEmail: row.customerEmail,
      },
      dedupKey: `invoice_paid:${row.id}`,
    },
  );
  await ctx.enqueue('billing-followup', { kind: 'send_receipt', tenantId: row.tenantId, invoiceId: row.id });
  return alert;
}

/**
 * The customer's receipt for a paid invoice (once per invoice: its key). Stripe is asked for the charge's
 * receipt only when the tenant sends receipts; otherwise the row is kept `suppressed` at once.
 */
export async function sendReceipt(deps: JobDeps, job: { tenantId: string; invoiceId: string }) {
  const found = await withTenant(deps.db, job.tenantId, async (tx) => ({
    row: await repo.getInvoice(tx, job.invoiceId),
    on: await customerEmailEnabled(tx, job.tenantId, 'receipt'),
    // written under the invoice's own key before receipts were keyed by their payment
    legacy: await notificationExists(tx, job.tenantId, `receipt:invoice:${job.invoiceId}`),
  }));
  const { row, on } = found;
  if (row?.status !== 'paid' || !row.paidAt || found.legacy) return;
  let charge: { receipt_url?: string | null; receipt_number?: string | null } | null = null;
  if (on && row.stripePaymentIntentId) {
    const pi = await deps.stripe.call(
      {
        action: 'read the payment intent',
        account: row.chargeType === 'direct' ? row.stripeAccountId : null,
        movesMoney: false,
      },
      (stripe, opts) =>
        stripe.paymentIntents.retrieve(row.stripePaymentIntentId!, { expand: ['latest_charge'] }, opts),
    );
    charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  }
  await withTenant(deps.db, job.tenantId, async (tx) =>
    emailCustomer(
      tx,
      { config: deps.config, enqueue: (queue, data) => deps.jobs().sendInTx(tx, queue, data) },
      {
        tenantId: row.tenantId,
        template: 'receipt',
        to: row.customerEmail,
        locale: await localeOf(tx, row),
        // the payment's key: its charge's own receipt path stands down for it
        dedupKey: row.stripePaymentIntentId
          ? receiptKey(row.stripePaymentIntentId)
          : `receipt:invoice:${row.id}`,
        data: {
          amount: row.amountTotal,
          currency: row.currency,
          lines: linesOf(row),
          receiptNumber: charge?.receipt_number ?? null,
          receiptUrl: charge?.receipt_url ?? null,
          paidAt: row.paidAt!.toISOString(),
          invoiceId: toPublicId('invoice', row.id),
        },
      },
    ),
  );
}

/**
 * The invoice to its customer with its Payment Link, in the transaction that stores the link: once per link
 * (a send that makes a new link mails the new one).
 */
export async function invoiceSentEmail(
  tx: Tx,
  deps: { config: Config; jobs: Jobs },
  row: repo.InvoiceRow,
): Promise<void> {
  if (!row.paymentLinkUrl || !row.stripePaymentLinkId) return;
  await emailCustomer(
    tx,
    { config: deps.config, enqueue: (queue, data) => deps.jobs.sendInTx(tx, queue, data) },
    {
      tenantId: row.tenantId,
      template: 'invoice_sent',
      to: row.customerEmail,
      locale: await localeOf(tx, row),
      dedupKey: `invoice_sent:${row.id}:${row.stripePaymentLinkId}`,
      data: {
        invoiceId: toPublicId('invoice', row.id),
        amount: row.amountTotal,
        currency: row.currency,
        lines: linesOf(row),
        dueDate: row.dueDate?.toISOString() ?? null,
        payUrl: row.paymentLinkUrl,
      },
    },
  );
}
