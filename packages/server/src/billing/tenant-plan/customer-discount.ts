import { recordPlanSubscription } from '../../analytics/service.ts';
import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { customerDiscountCustomer, customerSubscriptions } from '../../stripe/subscriptions.ts';
import type { EventHandler } from '../../webhooks/service.ts';
import { billingOf } from '../core.ts';

// The tenant's billing customer's discount (`customer.discount.*` on the platform account, routed to the
// tenant by its billing customer): Stripe applies it to each plan subscription with no discount of its own,
// so the platform's MRR history records each at the event's `created`. Listing them is a Stripe read the
// handler cannot make in its transaction: it enqueues it.

export interface PlanDiscountJob {
  tenantId: string;
  customer: string;
  /** the discount as the event carried it; null once deleted */
  discount: Record<string, unknown> | null;
  created: number;
  eventId: string;
}

export const planCustomerDiscountChanged: EventHandler = {
  apply: async (ctx) => {
    const o = ctx.event.data?.object as unknown;
    const customer = customerDiscountCustomer(o);
    if (!ctx.tenantId || !customer) return;
    const deleted = ctx.event.type === 'customer.discount.deleted';
    await ctx.enqueue('billing-followup', {
      kind: 'platform_customer_discount_mrr',
      tenantId: ctx.tenantId,
      customer,
      discount: deleted ? null : (o as Record<string, unknown>),
      created: ctx.event.created,
      eventId: ctx.event.id,
    });
  },
};

/** Every subscription of the tenant's billing customer, recorded as the discount event leaves it. */
export async function recordPlanDiscount(deps: { db: Db; stripe: StripeRef }, job: PlanDiscountJob) {
  const billing = await withTenant(deps.db, job.tenantId, (tx) => billingOf(tx, job.tenantId));
  if (billing?.stripeCustomerId !== job.customer) return;
  const subs = await deps.stripe.call(
    { action: "list the billing customer's subscriptions", account: null, movesMoney: false },
    (s, opts) =>
      customerSubscriptions(s, job.customer, job.discount as unknown as Stripe.Discount | null, opts),
  );
  if (subs.length === 0) return;
  await withTenant(deps.db, job.tenantId, async (tx) => {
    for (const sub of subs)
      await recordPlanSubscription(tx, job.tenantId, job.customer, {
        object: sub,
        refetched: sub,
        created: job.created,
        eventId: job.eventId,
      });
  });
}
