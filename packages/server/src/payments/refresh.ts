import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import { storeStripeObject } from '../webhooks/service.ts';
import type { SyncScope } from './common.ts';
import * as sync from './sync.ts';

// The payments domain's one sync entry for a support refresh (support/refresh.ts, issue 23): a customer's
// objects read from Stripe's list endpoints — on the account they live on, with the GET-only gateway —
// applied to the payments mirror by the same sync functions the webhook handlers use, behind the same
// `last_synced_at` guards, in one transaction of the tenant's own. Nothing else is written: no outbound
// event, job or e-mail (the events Stripe sends for the same changes still do those when they arrive).

/** A customer's payments objects as read from Stripe's lists (refunds and disputes with their charge). */
export interface FetchedCustomerPayments {
  customer: Stripe.Customer | Stripe.DeletedCustomer;
  paymentMethods: readonly Stripe.PaymentMethod[];
  paymentIntents: readonly Stripe.PaymentIntent[];
  charges: readonly Stripe.Charge[];
  refunds: readonly Stripe.Refund[];
  disputes: readonly Stripe.Dispute[];
}

/** Applies `fetched` (read at `syncedAt` on `account`, null for the platform's) to `tenantId`'s mirror. */
export function applyFetchedCustomerPayments(
  db: Db,
  tenantId: string,
  account: string | null,
  fetched: FetchedCustomerPayments,
  syncedAt: Date,
): Promise<void> {
  const scope: SyncScope = { tenantId, account };
  return withTenant(db, tenantId, async (tx) => {
    const keep = (object: { id: string; object: string }, deleted = false) =>
      storeStripeObject(tx, { tenantId, account, object, deleted, syncedAt, eventId: null });
    const c = fetched.customer;
    const deleted = 'deleted' in c && c.deleted === true;
    await keep(c, deleted);
    if (!deleted) await sync.syncCustomer(tx, scope, c as Stripe.Customer, false, syncedAt);
    for (const pm of fetched.paymentMethods) {
      await keep(pm);
      await sync.syncPaymentMethod(tx, pm, false, syncedAt);
    }
    // charges before the intents' other rows and before the refunds and disputes that name them
    for (const pi of fetched.paymentIntents) {
      await keep(pi);
      await sync.syncPaymentIntent(tx, scope, pi, syncedAt);
    }
    for (const ch of fetched.charges) {
      await keep(ch);
      await sync.syncCharge(tx, scope, ch, syncedAt);
    }
    for (const r of fetched.refunds) {
      await keep(r);
      await sync.syncRefund(tx, scope, r, syncedAt);
    }
    for (const d of fetched.disputes) {
      await keep(d);
      await sync.syncDispute(tx, scope, d, syncedAt);
    }
  });
}
