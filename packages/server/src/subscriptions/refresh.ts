import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import { storeStripeObject } from '../webhooks/service.ts';
import { syncSubscription, syncSubscriptionInvoice } from './sync.ts';

// The subscriptions domain's one sync entry for a support refresh (support/refresh.ts, issue 23): a
// customer's subscriptions and invoices read from Stripe's lists with the GET-only gateway, applied by the
// sync functions the webhook handlers use, behind their guards, in one transaction of the tenant's own. No
// MRR capture, outbound event, job or e-mail: the events Stripe sends for the same changes do those.

export interface FetchedCustomerSubscriptions {
  subscriptions: readonly Stripe.Subscription[];
  invoices: readonly Stripe.Invoice[];
}

/** Applies `fetched` (read at `syncedAt` on `account`, null for the platform's) to `tenantId`'s mirror. */
export function applyFetchedCustomerSubscriptions(
  db: Db,
  tenantId: string,
  account: string | null,
  fetched: FetchedCustomerSubscriptions,
  syncedAt: Date,
): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    const keep = (object: { id: string; object: string }) =>
      storeStripeObject(tx, { tenantId, account, object, deleted: false, syncedAt, eventId: null });
    for (const s of fetched.subscriptions) {
      await keep(s);
      await syncSubscription(tx, { tenantId, account }, s, syncedAt);
    }
    for (const inv of fetched.invoices) {
      if (!inv.id) continue;
      await keep(inv as { id: string; object: string });
      await syncSubscriptionInvoice(tx, inv, syncedAt);
    }
  });
}
