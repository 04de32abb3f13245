import { sql } from 'drizzle-orm';
import { recordPlanSubscription, subscriptionEvent } from '../../analytics/service.ts';
import { insertAudit } from '../../scope/audit.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import type { HandlerContext } from '../../webhooks/service.ts';
import { billingOf } from '../core.ts';
import { usageDepsFrom } from '../usage/metrics.ts';
import { recordSeats } from '../usage/seats.ts';
import { applySubscription } from './sync.ts';

// The platform account's events about a tenant's plan, applied in that tenant's transaction (the pipeline
// routed them by the tenant's billing customer). They never reach the tenants' payments, invoices or
// subscriptions: a plan invoice is the platform's income, not the tenant's.

const system = { kind: 'system', label: 'stripe' } as const;

/**
 * `customer.subscription.*`: the refetched subscription applied to the tenant's billing row. A new period
 * records the seats again: a `last` meter counts only the events of its period, so a period in which no
 * member joined or left would otherwise bill no seat overage. The platform's MRR history records the event's
 * copy of any subscription of the tenant's billing customer (one a plan change replaced included).
 */
export async function planSubscriptionChanged(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId) return;
  const before = await billingOf(ctx.tx, ctx.tenantId);
  if (before?.stripeCustomerId)
    await recordPlanSubscription(ctx.tx, ctx.tenantId, before.stripeCustomerId, subscriptionEvent(ctx));
  const applied = await applySubscription(
    ctx.tx,
    ctx.tenantId,
    ctx.object as unknown as Stripe.Subscription,
    ctx.syncedAt,
    usageDepsFrom(ctx).jobs,
  );
  if (applied?.stripeSubscriptionId && before && applied.periodStart > before.periodStart)
    await recordSeats(ctx.tx, usageDepsFrom(ctx), ctx.tenantId, applied.periodStart);
}

/**
 * `invoice.*`: a plan invoice's payment and failure are recorded in the tenant's audit log (what dunning
 * reads); its subscription's state comes with the `customer.subscription.*` events.
 */
export async function planInvoiceRecorded(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId) return;
  const type = ctx.event.type;
  if (type !== 'invoice.paid' && type !== 'invoice.payment_failed') return;
  const inv = ctx.object as unknown as Stripe.Invoice;
  // once per Stripe event: a replay records nothing new
  const seen = await ctx.tx.execute(sql`select 1 from audit_log
    where tenant_id = ${ctx.tenantId} and action like 'billing.invoice_%' and data->>'stripe_event' = ${ctx.event.id}`);
  if ((seen as unknown as { rows: unknown[] }).rows.length > 0) return;
  await insertAudit(ctx.tx, system, null, {
    tenantId: ctx.tenantId,
    action: type === 'invoice.paid' ? 'billing.invoice_paid' : 'billing.invoice_payment_failed',
    data: {
      invoice: inv.id,
      amount_due: inv.amount_due,
      amount_paid: inv.amount_paid,
      currency: inv.currency,
      customer: idOf(inv.customer),
      stripe_event: ctx.event.id,
    },
  });
}
