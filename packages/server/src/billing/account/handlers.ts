import { eq } from 'drizzle-orm';
import { platformInvoices } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import type { HandlerContext } from '../../webhooks/service.ts';
import { openCaseOf } from '../dunning/service.ts';
import { forgetInvoice, upsertInvoice } from './invoices.ts';
import { toApiInvoice } from './schemas.ts';

// The platform account's events about a tenant's billing account, applied in that tenant's transaction (the
// pipeline routed them by the tenant's billing customer: webhooks/platform-billing.ts).

/**
 * `invoice.*`: the refetched invoice into the tenant's mirror; a paid or failed one is also the platform's
 * app's outbound webhook (`tenant.billing.invoice.paid`, `tenant.billing.invoice.payment_failed`).
 */
export async function planInvoiceMirrored(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId) return;
  const inv = ctx.object as unknown as Stripe.Invoice;
  if (ctx.deleted || ctx.event.type === 'invoice.deleted') {
    if (inv.id) await forgetInvoice(ctx.tx, inv.id);
    return;
  }
  if (!inv.id || !idOf(inv.customer)) return;
  await upsertInvoice(ctx.tx, ctx.tenantId, inv, ctx.syncedAt);
  const type = ctx.event.type;
  if (type !== 'invoice.paid' && type !== 'invoice.payment_failed') return;
  const [row] = await ctx.tx.select().from(platformInvoices).where(eq(platformInvoices.id, inv.id));
  if (!row) return;
  await ctx.emit(
    type === 'invoice.paid' ? 'tenant.billing.invoice.paid' : 'tenant.billing.invoice.payment_failed',
    {
      ...toApiInvoice(row),
      tenant: toPublicId('tenant', ctx.tenantId),
      stripe_event: ctx.event.id,
    },
  );
}

/**
 * `setup_intent.succeeded` of the tenant's billing customer (Stripe's hosted page saved a method): a job makes
 * it the default when the customer has none, outside this transaction (a Stripe call); during dunning, another
 * pays the open invoice with it at once.
 */
export async function platformMethodSaved(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId || ctx.deleted) return;
  const si = ctx.object as unknown as Stripe.SetupIntent;
  const pm = idOf(si.payment_method);
  if (si.status !== 'succeeded' || !pm || !idOf(si.customer)) return;
  await ctx.enqueue('billing-followup', {
    kind: 'platform_default_payment_method',
    tenantId: ctx.tenantId,
    stripePaymentMethodId: pm,
  });
  if (await openCaseOf(ctx.tx, ctx.tenantId))
    await ctx.enqueue('billing-followup', { kind: 'dunning_run', tenantId: ctx.tenantId, paymentMethod: pm });
}
