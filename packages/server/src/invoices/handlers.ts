import { notifyField } from '../notifications/service.ts';
import { paymentIdForIntent } from '../payments/service.ts';
import type { Stripe } from '../stripe/client.ts';
import { idOf, namedInMetadata } from '../stripe/ids.ts';
import type { EventHandler, HandlerContext, HandlerMap } from '../webhooks/service.ts';
import { syncHandler, upsertStripeObject } from '../webhooks/service.ts';
import { invoicePaidEmails } from './emails.ts';
import * as repo from './repo.ts';
import { toApiInvoice } from './schemas.ts';

// Tenant invoices' webhook handlers. An invoice is paid only here, from a Checkout Session of its
// Payment Link that Stripe reports paid — `checkout.session.completed` with `payment_status = paid`, or
// `checkout.session.async_payment_succeeded` for a bank debit that settled later — never from the redirect.
// These events are facts about a finished session (completed, then at most paid), so the snapshot is applied
// as is; a redelivery finds its session already recorded in invoice_payments.

/**
 * Whether the session is one of the invoice's: the metadata that names the invoice is only a hint (a
 * Standard-like tenant can make a link with any metadata on its own account), so the session must come
 * through one of the invoice's own links — the current one, or one replaced and not yet turned off — or
 * already be recorded against it, and on the account the invoice's links live on.
 */
function sessionOfInvoice(
  ctx: HandlerContext,
  row: repo.InvoiceRow,
  cs: Stripe.Checkout.Session,
  seen: repo.InvoicePaymentRow | null,
): boolean {
  if (!ctx.tenantId || row.tenantId !== ctx.tenantId) return false;
  if ((row.chargeType === 'direct' ? row.stripeAccountId : null) !== ctx.account) return false;
  if (seen) return seen.invoiceId === row.id;
  const link = idOf(cs.payment_link);
  if (link === null) return false;
  if (link === row.stripePaymentLinkId || link === row.linkToDeactivate) return true;
  // a sent invoice whose link was replaced and turned off, not sent again yet: a session still open on
  // the old link is its (a duplicate, refunded); once a new link exists, only that one and the last are
  return row.stripePaymentLinkId === null && row.sentAt !== null && row.status !== 'draft';
}

async function applySession(ctx: HandlerContext, kind: 'completed' | 'succeeded' | 'failed'): Promise<void> {
  await upsertStripeObject(ctx);
  const cs = ctx.object as unknown as Stripe.Checkout.Session;
  const invoiceId = namedInMetadata(cs.metadata, 'tributary_invoice', 'invoice');
  if (!invoiceId) return;
  const { tx } = ctx;
  const row = await repo.getInvoice(tx, invoiceId, { lock: true });
  if (!row) return;
  const seen = await repo.invoicePaymentBySession(tx, cs.id);
  if (!sessionOfInvoice(ctx, row, cs, seen)) return;
  const tenant = { tenantId: row.tenantId };
  const pi = idOf(cs.payment_intent);

  if (kind === 'failed') {
    if (seen?.outcome !== 'pending') return;
    await repo.setInvoicePaymentOutcome(tx, seen.id, 'failed');
    let current = row;
    // The failed debit used up the single-use link: a still-open invoice gets a new one (sent again).
    if (row.status === 'open' && idOf(cs.payment_link) === row.stripePaymentLinkId) {
      current = await repo.updateInvoice(tx, invoiceId, {
        linkToDeactivate: row.stripePaymentLinkId,
        stripePaymentLinkId: null,
        paymentLinkUrl: null,
        sendAttempt: row.sendAttempt + 1,
      });
      await ctx.enqueue('billing-followup', { kind: 'resend', tenantId: row.tenantId, invoiceId });
    }
    await ctx.emit(
      'invoice.payment_failed',
      { invoice: toApiInvoice(current), checkout_session: cs.id },
      tenant,
    );
    return;
  }
  const paid = cs.payment_status === 'paid';
  if (!paid) {
    // a bank debit still processing: the invoice stays open until async_payment_succeeded
    if (!seen) {
      await repo.insertInvoicePayment(tx, {
        tenantId: row.tenantId,
        invoiceId,
        stripeCheckoutSessionId: cs.id,
        stripePaymentIntentId: pi,
        amount: cs.amount_total ?? 0,
        outcome: 'pending',
      });
    }
    return;
  }
  if (seen && seen.outcome !== 'pending') return;

  const payable =
    (row.status === 'open' || row.status === 'uncollectible') &&
    row.paidAt === null &&
    cs.payment_link !== null &&
    idOf(cs.payment_link) === row.stripePaymentLinkId;
  const record = async (outcome: string) => {
    if (seen) await repo.setInvoicePaymentOutcome(tx, seen.id, outcome);
    else {
      await repo.insertInvoicePayment(tx, {
        tenantId: row.tenantId,
        invoiceId,
        stripeCheckoutSessionId: cs.id,
        stripePaymentIntentId: pi,
        amount: cs.amount_total ?? 0,
        outcome,
      });
    }
    return (await repo.invoicePaymentBySession(tx, cs.id))!;
  };

  if (payable) {
    await record('kept');
    if (pi) await repo.linkPayments(tx, invoiceId, pi);
    // the charge that paid (not an earlier declined attempt); found later by the view if not synced yet
    const paymentId = pi ? await paymentIdForIntent(tx, pi) : null;
    const updated = await repo.updateInvoice(tx, invoiceId, {
      status: 'paid',
      paidAt: ctx.syncedAt,
      stripeCheckoutSessionId: cs.id,
      stripePaymentIntentId: pi,
      paymentId,
      // the limit already closed it on Stripe; turning it off ourselves covers links made without one
      linkToDeactivate: row.stripePaymentLinkId,
    });
    await ctx.enqueue('billing-followup', {
      kind: 'deactivate_link',
      tenantId: row.tenantId,
      invoiceId,
      link: row.stripePaymentLinkId,
    });
    const alert = await invoicePaidEmails(ctx, updated);
    await ctx.emit(
      'invoice.paid',
      { invoice: toApiInvoice(updated), checkout_session: cs.id, ...notifyField(alert) },
      tenant,
    );
    return;
  }
  // Paid already (a second session that raced through the single-use link), voided, or a replaced link:
  // the money goes back through the payments domain's refund service.
  const dup = await record('duplicate');
  if (pi) await repo.linkPayments(tx, invoiceId, pi);
  await ctx.enqueue('billing-followup', {
    kind: 'refund_duplicate',
    tenantId: row.tenantId,
    invoiceId,
    invoicePaymentId: dup.id,
  });
  await ctx.emit(
    'invoice.duplicate_payment',
    { invoice: toApiInvoice(row), checkout_session: cs.id, payment_intent: pi, amount: dup.amount },
    tenant,
  );
}

const session = (kind: 'completed' | 'succeeded' | 'failed'): EventHandler => ({
  apply: (ctx) => applySession(ctx, kind),
});

// Stripe's own invoices (subscription renewals) are the subscriptions domain's (src/subscriptions/handlers.ts).
export const invoiceHandlers: HandlerMap = {
  'checkout.session.completed': session('completed'),
  'checkout.session.async_payment_succeeded': session('succeeded'),
  'checkout.session.async_payment_failed': session('failed'),
  'payment_link.updated': syncHandler(undefined),
};
