import { subscriptionEvent } from '../analytics/service.ts';
import type { Stripe } from '../stripe/client.ts';
import { idOf } from '../stripe/ids.ts';
import type { EventHandler, HandlerContext, HandlerMap, OutboundEventType } from '../webhooks/service.ts';
import { upsertStripeObject } from '../webhooks/service.ts';
import { customerDiscountChanged } from './customer-discount.ts';
import { renewalPaymentFailedEmail } from './emails.ts';
import { type MirrorScope, syncPrice, syncProduct } from './mirror.ts';
import { toApiSubscription } from './schemas.ts';
import * as service from './service.ts';

// Subscriptions' webhook handlers: the subscription or invoice is refetched by the pipeline, kept
// in stripe_objects, and applied to our rows behind their last_synced_at guards. Stripe's invoices here are
// subscription renewals; their payments are recorded by the payments handlers (payment_intent.*, charge.*).
// Products, prices and subscriptions made on a tenant's own Stripe dashboard are mirrored (mirror.ts).

const scopeOf = (ctx: HandlerContext): MirrorScope => ({ tenantId: ctx.tenantId, account: ctx.account });

const product: EventHandler = {
  refetch: 'product',
  apply: async (ctx) => {
    await upsertStripeObject(ctx);
    await syncProduct(
      ctx.tx,
      scopeOf(ctx),
      ctx.object as unknown as Stripe.Product,
      ctx.deleted,
      ctx.syncedAt,
    );
  },
};

const price: EventHandler = {
  refetch: 'price',
  apply: async (ctx) => {
    await upsertStripeObject(ctx);
    await syncPrice(ctx.tx, scopeOf(ctx), ctx.object as unknown as Stripe.Price, ctx.deleted, ctx.syncedAt);
  },
};

const ended = (o: unknown) => {
  const status = (o as { object?: unknown; status?: unknown }).status;
  return (
    (o as { object?: unknown }).object === 'subscription' &&
    (status === 'canceled' || status === 'incomplete_expired')
  );
};

/**
 * The refetched subscription as Stripe sends it unexpanded: its customer by id. The refetch expands the
 * customer for its discount (analytics, stripe/subscriptions.ts); a tenant's endpoints keep Stripe's shape.
 */
const asDelivered = (o: Record<string, unknown>) => ({ ...o, customer: idOf(o.customer) ?? o.customer });

function subscription(outbound?: OutboundEventType): EventHandler {
  return {
    refetch: 'subscription',
    apply: async (ctx: HandlerContext) => {
      // stored as Stripe sends it: the customer by id, not the copy the refetch expanded (its e-mail and address)
      await upsertStripeObject({
        ...ctx,
        object: { ...ctx.object, customer: asDelivered(ctx.object).customer },
      });
      // `customer.subscription.deleted` is Stripe's word for an ended subscription, which it still returns
      // (canceled): applied like any other state; only one Stripe no longer has is skipped
      if (ctx.deleted && !ended(ctx.object)) return;
      const row = await service.syncSubscription(
        ctx.tx,
        scopeOf(ctx),
        ctx.object as unknown as Stripe.Subscription,
        ctx.syncedAt,
        subscriptionEvent(ctx),
      );
      if (outbound && row) {
        await ctx.emit(
          outbound,
          {
            subscription: toApiSubscription(row),
            object: asDelivered(ctx.object),
            stripe_event: ctx.event.id,
          },
          { tenantId: row.tenantId },
        );
      }
    },
  };
}

function invoice(outbound?: OutboundEventType): EventHandler {
  return {
    refetch: 'invoice',
    apply: async (ctx: HandlerContext) => {
      await upsertStripeObject(ctx);
      const inv = ctx.object as unknown as Stripe.Invoice;
      const sub = ctx.deleted ? null : await service.syncSubscriptionInvoice(ctx.tx, inv, ctx.syncedAt);
      // a draft renewal gets the fee model's whole application fee before Stripe finalizes it (≈ 1 h)
      if (sub && ctx.event.type === 'invoice.created' && inv.status === 'draft') {
        await ctx.enqueue('billing-followup', {
          kind: 'subscription_invoice_fee',
          tenantId: sub.tenantId,
          stripeInvoiceId: inv.id,
          account: ctx.account,
        });
      }
      // finalized before it could get the whole fee (the first invoice always is): recover the rest
      if (sub && ctx.event.type === 'invoice.paid' && sub.accountKind !== 'standard') {
        await ctx.enqueue('billing-followup', {
          kind: 'subscription_fee_top_up',
          tenantId: sub.tenantId,
          stripeInvoiceId: inv.id,
        });
      }
      if (sub && ctx.event.type === 'invoice.paid' && inv.status === 'paid')
        await ctx.enqueue('billing-followup', {
          kind: 'send_renewal_receipt',
          tenantId: sub.tenantId,
          stripeInvoiceId: inv.id!,
          account: ctx.account,
        });
      if (sub && ctx.event.type === 'invoice.payment_failed') await renewalPaymentFailedEmail(ctx, sub, inv);
      if (outbound) {
        await ctx.emit(
          outbound,
          { object: ctx.object, stripe_event: ctx.event.id },
          sub ? { tenantId: sub.tenantId } : undefined,
        );
      }
    },
  };
}

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': subscription('subscription.created'),
  'customer.subscription.updated': subscription('subscription.updated'),
  'customer.subscription.deleted': subscription('subscription.canceled'),
  'customer.subscription.paused': subscription('subscription.updated'),
  'customer.subscription.resumed': subscription('subscription.updated'),
  'customer.subscription.trial_will_end': subscription('subscription.trial_will_end'),
  'customer.discount.created': customerDiscountChanged,
  'customer.discount.updated': customerDiscountChanged,
  'customer.discount.deleted': customerDiscountChanged,
  'product.created': product,
  'product.updated': product,
  'product.deleted': product,
  'price.created': price,
  'price.updated': price,
  'price.deleted': price,
  'invoice.created': invoice(),
  'invoice.updated': invoice(),
  'invoice.finalized': invoice(),
  'invoice.paid': invoice('subscription_invoice.paid'),
  'invoice.payment_succeeded': invoice(),
  'invoice.payment_failed': invoice('subscription_invoice.payment_failed'),
  'invoice.voided': invoice('subscription_invoice.voided'),
  'invoice.marked_uncollectible': invoice(),
  'invoice.deleted': invoice(),
};
