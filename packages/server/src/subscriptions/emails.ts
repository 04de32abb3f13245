import { emailCustomer } from '../notifications/service.ts';
import { customerByStripeId } from '../payments/service.ts';
import type { Stripe } from '../stripe/client.ts';
import type { HandlerContext } from '../webhooks/service.ts';

/**
 * A renewal's payment failed: the customer hears it once per attempt, with the invoice's hosted page, where
 * another card can pay it (a link that lasts, unlike a portal session). Suppressed unless the tenant turned
 * it on.
 */
export async function renewalPaymentFailedEmail(
  ctx: HandlerContext,
  tenantId: string,
  inv: Stripe.Invoice,
): Promise<void> {
  const customer = typeof inv.customer === 'string' ? await customerByStripeId(ctx.tx, inv.customer) : null;
  await emailCustomer(
    ctx.tx,
    { config: ctx.config, enqueue: ctx.enqueue },
    {
      tenantId,
      template: 'payment_failed',
      to: inv.customer_email ?? null,
      locale: customer?.preferredLocale ?? null,
      dedupKey: `payment_failed:${inv.id}:${inv.attempt_count ?? 0}`,
      data: {
        amount: inv.amount_due,
        currency: inv.currency,
        failureMessage: null,
        updateUrl: inv.hosted_invoice_url ?? null,
      },
    },
  );
}
