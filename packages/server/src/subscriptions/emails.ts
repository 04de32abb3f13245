import { emailCustomer } from '../notifications/service.ts';
import { cardUpdateUrlFor, getCustomer } from '../payments/service.ts';
import type { Stripe } from '../stripe/client.ts';
import type { HandlerContext } from '../webhooks/service.ts';
import { type SubscriptionRow, subscriptionInvoiceByStripeId } from './repo.ts';

/** Invoice states in which a failed attempt no longer needs the customer: nothing is owed. */
const settled = new Set(['paid', 'void']);

/**
 * A renewal's payment failed: the customer hears it once per attempt, with a link to update the card
 * (Tributary's page, which opens a Stripe session when clicked: a session itself would expire in the inbox)
 * and the invoice's hosted page, where another card can pay it now. Suppressed unless the tenant turned it
 * on. Not when the invoice is already paid or voided by now (a late or replayed event, another card paid it
 * meanwhile): the refetched invoice says so, and so does our row, which a newer sync may have reached first.
 */
export async function renewalPaymentFailedEmail(
  ctx: HandlerContext,
  sub: SubscriptionRow,
  inv: Stripe.Invoice,
): Promise<void> {
  const { tenantId } = sub;
  const ours = inv.id ? await subscriptionInvoiceByStripeId(ctx.tx, tenantId, inv.id) : null;
  if (settled.has(inv.status ?? '') || settled.has(ours?.status ?? '')) return;
  const dedupKey = `payment_failed:${inv.id}:${inv.attempt_count ?? 0}`;
  const updateUrl = await cardUpdateUrlFor(ctx.tx, ctx.config, {
    tenantId,
    customerId: sub.customerId,
    template: 'payment_failed',
    dedupKey,
  });
  const customer = sub.customerId ? await getCustomer(ctx.tx, sub.customerId) : null;
  await emailCustomer(
    ctx.tx,
    { config: ctx.config, enqueue: ctx.enqueue },
    {
      tenantId,
      template: 'payment_failed',
      to: inv.customer_email ?? null,
      locale: customer?.preferredLocale ?? null,
      dedupKey,
      data: {
        amount: inv.amount_due,
        currency: inv.currency,
        failureMessage: null,
        updateUrl,
        invoiceUrl: inv.hosted_invoice_url ?? null,
      },
    },
  );
}
