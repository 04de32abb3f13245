import { recordTenantSubscription } from '../analytics/service.ts';
import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import { customerDiscountCustomer, customerSubscriptions } from '../stripe/subscriptions.ts';
import type { EventHandler, HandlerContext } from '../webhooks/service.ts';
import { subscriptionRowFor } from './mirror.ts';

// A tenant's customer's discount (`customer.discount.created` / `.updated` / `.deleted`): Stripe applies it
// to each of the customer's subscriptions that has no discount of its own, so each one's MRR changes at the
// event's `created` (docs/analytics.md, "Capture"). Listing them is a Stripe read a handler cannot make in
// its transaction: the handler enqueues it, and the follow-up records each subscription the tenant holds.

export interface CustomerDiscountJob {
  tenantId: string;
  /** the connected account the customer lives on; null for the platform's (an Express-like tenant's) */
  account: string | null;
  customer: string;
  /** the discount as the event carried it; null once deleted */
  discount: Record<string, unknown> | null;
  /** the event's `created` (seconds, Stripe's time) */
  created: number;
  eventId: string;
}

/** The event's discount and customer, or null for an object that is not a customer's discount. */
export function customerDiscountOf(
  ctx: HandlerContext,
): Pick<CustomerDiscountJob, 'customer' | 'discount'> | null {
  const o = ctx.event.data?.object as unknown;
  const customer = customerDiscountCustomer(o);
  if (!customer) return null;
  const deleted = ctx.event.type === 'customer.discount.deleted';
  return { customer, discount: deleted ? null : (o as Record<string, unknown>) };
}

export const customerDiscountChanged: EventHandler = {
  apply: async (ctx) => {
    const d = customerDiscountOf(ctx);
    if (!ctx.tenantId || !d) return;
    await ctx.enqueue('billing-followup', {
      kind: 'customer_discount_mrr',
      tenantId: ctx.tenantId,
      account: ctx.account,
      ...d,
      created: ctx.event.created,
      eventId: ctx.event.id,
    });
  },
};

/** Every subscription of the customer that the tenant holds, recorded as the discount event leaves it. */
export async function recordCustomerDiscount(
  deps: { db: Db; stripe: StripeRef },
  job: CustomerDiscountJob,
): Promise<void> {
  const subs = await deps.stripe.call(
    { action: "list the customer's subscriptions", account: job.account, movesMoney: false },
    (s, opts) =>
      customerSubscriptions(s, job.customer, job.discount as unknown as Stripe.Discount | null, opts),
  );
  if (subs.length === 0) return;
  await withTenant(deps.db, job.tenantId, async (tx) => {
    for (const sub of subs) {
      const row = await subscriptionRowFor(tx, { tenantId: job.tenantId, account: job.account }, sub);
      if (!row || row.tenantId !== job.tenantId) continue;
      await recordTenantSubscription(tx, job.tenantId, sub.id, {
        object: sub,
        refetched: sub,
        created: job.created,
        eventId: job.eventId,
      });
    }
  });
}
