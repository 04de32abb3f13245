import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client.ts';
import { planOveragePrices } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import { defineFollowup, type FollowupIn, type Jobs } from '../../jobs/define.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { billingOf } from '../core.ts';
import { recordPlanDiscount } from './customer-discount.ts';
import { wantedItems } from './plans-read.ts';
import { readSubscription } from './quote-calls.ts';

// A plan change made through a pending update cannot delete items: a metered item of the old plan whose meter
// the new plan does not bill stays on the subscription. Every item on a meter bills the customer's whole
// usage of it, so once the change is paid such an item is deleted (no proration: metered items bill none).

/** Asks for the leftovers of the tenant's subscription to be deleted, once this transaction commits. */
export function dropLeftoversLater(tx: Tx, jobs: Jobs, tenantId: string): Promise<void> {
  return jobs.sendInTx(tx, 'billing-followup', { kind: 'platform_drop_leftover_items', tenantId });
}

/** The subscription's metered items billing one of our overage prices that the tenant's plan no longer bills. */
async function leftoversOf(tx: Tx, tenantId: string, sub: Stripe.Subscription) {
  const row = await billingOf(tx, tenantId);
  if (!row?.currency || !row.interval || row.stripeSubscriptionId !== sub.id) return [];
  const want = new Set(
    ((await wantedItems(tx, row.planId, row.currency, row.interval)) ?? []).map((w) => w.price),
  );
  const metered = sub.items.data.filter(
    (i) => i.price.recurring?.usage_type === 'metered' && !want.has(i.price.id),
  );
  if (metered.length === 0) return [];
  const ours = await tx
    .select({ price: planOveragePrices.stripePriceId })
    .from(planOveragePrices)
    .where(
      inArray(
        planOveragePrices.stripePriceId,
        metered.map((i) => i.price.id),
      ),
    );
  const known = new Set(ours.map((o) => o.price));
  return metered.filter((i) => known.has(i.price.id));
}

function deleteItems(stripe: StripeRef, tenantId: string, subscription: string, items: string[]) {
  return stripe.call(
    {
      action: "delete the tenant's leftover overage items",
      account: null,
      movesMoney: false,
      purpose: 'platform_drop_items',
      record: tenantId,
      discriminator: items.join(','),
    },
    (s, opts) =>
      s.subscriptions.update(
        subscription,
        { items: items.map((id) => ({ id, deleted: true })), proration_behavior: 'none' },
        opts,
      ),
  );
}

export const leftoverFollowups = [
  defineFollowup({
    kind: 'platform_drop_leftover_items',
    fields: { tenantId: z.guid() },
    handle: async (deps, job) => {
      const subId = await withTenant(
        deps.db,
        job.tenantId,
        async (tx) => (await billingOf(tx, job.tenantId))?.stripeSubscriptionId ?? null,
      );
      if (!subId) return;
      const sub = await readSubscription(deps.stripe, subId);
      // a change still waiting for its payment: the event applying it asks again
      if (sub.pending_update || sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
      const gone = await withTenant(deps.db, job.tenantId, (tx) => leftoversOf(tx, job.tenantId, sub));
      if (gone.length === 0) return;
      await deleteItems(deps.stripe, job.tenantId, sub.id, gone.map((i) => i.id).sort());
    },
  }),
] as const;

/** The tenant's billing customer's discount changed: its plans' MRR follows (customer-discount.ts). */
export const planDiscountFollowups = [
  defineFollowup({
    kind: 'platform_customer_discount_mrr',
    fields: {
      tenantId: z.guid(),
      customer: z.string().min(1),
      discount: z.record(z.string(), z.unknown()).nullable(),
      created: z.number().int(),
      eventId: z.string().min(1),
    },
    handle: async (deps, job) => {
      await recordPlanDiscount(deps, job);
    },
  }),
] as const;

declare module '../../jobs/define.ts' {
  interface FollowupKinds {
    tenantPlanDiscounts: FollowupIn<(typeof planDiscountFollowups)[number]>;
    tenantPlanLeftovers: FollowupIn<(typeof leftoverFollowups)[number]>;
  }
}
