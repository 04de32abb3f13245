import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import type { HandlerContext } from '../../webhooks/service.ts';
import { usageDepsFrom } from '../usage/metrics.ts';
import { openCase } from './open.ts';
import { settleRecovered, settleVoided } from './settle.ts';

// The platform account's events dunning acts on, in the tenant's transaction (routed by its billing customer,
// or for a test clock by the open case on it: webhooks/platform-billing.ts).

const depsOf = (ctx: HandlerContext) => ({ config: ctx.config, jobs: usageDepsFrom(ctx).jobs });

/** `invoice.*` of a plan invoice: a failed renewal opens a case; paid, voided or written off closes its own. */
export async function dunningInvoiceEvent(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId || ctx.deleted) return;
  const inv = ctx.object as unknown as Stripe.Invoice;
  const deps = depsOf(ctx);
  switch (ctx.event.type) {
    case 'invoice.payment_failed':
      await openCase(ctx.tx, deps, ctx.tenantId, inv, new Date(ctx.event.created * 1000));
      return;
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      await settleRecovered(ctx.tx, deps, ctx.tenantId, inv, ctx.syncedAt);
      return;
    case 'invoice.voided':
    case 'invoice.marked_uncollectible':
      await settleVoided(ctx.tx, ctx.tenantId, inv);
      return;
  }
}

/**
 * `customer.subscription.pending_update_expired`: the change whose invoice went unpaid is dropped by Stripe;
 * its invoice, if still open, is voided by a job (it is no debt of the tenant's plan).
 */
export async function pendingUpdateExpired(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId || ctx.event.type !== 'customer.subscription.pending_update_expired') return;
  const sub = ctx.object as unknown as Stripe.Subscription;
  const invoice = idOf(sub.latest_invoice);
  if (invoice)
    await ctx.enqueue('billing-followup', { kind: 'dunning_void_update', tenantId: ctx.tenantId, invoice });
}

/**
 * `test_helpers.test_clock.ready`: the clock of a tenant's open case moved on; what fell due runs now, for
 * this tenant and every other whose open case runs on the same clock (the event was routed to one of them).
 */
export async function clockAdvanced(ctx: HandlerContext): Promise<void> {
  if (!ctx.tenantId) return;
  await ctx.enqueue('billing-followup', { kind: 'dunning_run', tenantId: ctx.tenantId });
  const clock = (ctx.object as { id?: unknown }).id;
  if (typeof clock === 'string' && /^clock_[A-Za-z0-9]{1,250}$/.test(clock))
    await ctx.enqueue('billing-followup', { kind: 'dunning_clock_ready', tenantId: ctx.tenantId, clock });
}
