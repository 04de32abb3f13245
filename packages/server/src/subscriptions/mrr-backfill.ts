import { backfillTenantSubscription } from '../analytics/service.ts';
import { accountsOf } from '../connect/service.ts';
import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type Stripe, StripeFailure, type StripeGateway } from '../stripe/gateway.ts';
import { idOf } from '../stripe/ids.ts';
import { SUBSCRIPTION_LIST_EXPAND, subscriptionNow, withItemCoupons } from '../stripe/subscriptions.ts';
import { subscriptionRowFor } from './mirror.ts';
import * as repo from './repo.ts';
import { subscriptionState } from './sync.ts';

// `tributary sync mrr` for a tenant's own customers (docs/analytics.md, "Capture"): every subscription of the
// tenant at Stripe — on each account it has had (Standard-like), or on the platform paying out to it
// (Express-like) — mirrored as its events would, and its MRR history completed from its current state.
// Stripe is read between transactions, never in one.

export interface MrrBackfillDeps {
  db: Db;
  stripe: StripeGateway;
}

export interface MrrBackfillResult {
  subscriptions: number;
  /** subscriptions whose history got something new */
  completed: number;
}

/** The tenant's subscriptions at Stripe, with where they live (null: the platform account). */
async function* tenantSubscriptions(
  deps: MrrBackfillDeps,
  tenantId: string,
  platform: () => Promise<Stripe.Subscription[]>,
): AsyncGenerator<{ sub: Stripe.Subscription; account: string | null }> {
  const accounts = await withTenant(deps.db, tenantId, (tx) => accountsOf(tx, tenantId));
  for (const a of accounts) {
    if (a.kind === 'standard') {
      const list = deps.stripe.each(
        { action: 'list the subscriptions', account: a.stripeAccountId, movesMoney: false },
        (s, opts) =>
          s.subscriptions.list({ status: 'all', limit: 100, expand: SUBSCRIPTION_LIST_EXPAND }, opts),
      );
      try {
        for await (const sub of list) yield { sub, account: a.stripeAccountId };
      } catch (err) {
        // an account that revoked the platform's access (deauthorized) can no longer be read
        if (!(err instanceof StripeFailure && err.kind === 'auth' && a.disconnectedAt)) throw err;
      }
    } else {
      for (const sub of await platform())
        if (idOf(sub.transfer_data?.destination) === a.stripeAccountId) yield { sub, account: null };
    }
  }
}

/**
 * The platform account's subscriptions, read once for every Express-like tenant of a run (`shared`), since
 * Stripe lists them by customer, not by destination.
 */
export function platformSubscriptions(deps: MrrBackfillDeps): () => Promise<Stripe.Subscription[]> {
  let read: Promise<Stripe.Subscription[]> | null = null;
  return () => {
    read ??= (async () => {
      const all: Stripe.Subscription[] = [];
      const list = deps.stripe.each(
        { action: 'list the subscriptions', account: null, movesMoney: false },
        (s, opts) =>
          s.subscriptions.list({ status: 'all', limit: 100, expand: SUBSCRIPTION_LIST_EXPAND }, opts),
      );
      for await (const sub of list) if (sub.transfer_data?.destination) all.push(sub);
      return all;
    })();
    return read;
  };
}

export async function backfillTenantMrr(
  deps: MrrBackfillDeps,
  tenantId: string,
  platform = platformSubscriptions(deps),
): Promise<MrrBackfillResult> {
  const result: MrrBackfillResult = { subscriptions: 0, completed: 0 };
  for await (const { sub: listed, account } of tenantSubscriptions(deps, tenantId, platform)) {
    const read = { action: 'read the subscription', account, movesMoney: false } as const;
    const sub = await deps.stripe.call(read, (s, opts) => withItemCoupons(s, listed, opts));
    const now = await deps.stripe.call(read, (s, opts) => subscriptionNow(s, sub, opts));
    const fetchedAt = new Date();
    const completed = await withTenant(deps.db, tenantId, async (tx) => {
      const row = await subscriptionRowFor(tx, { tenantId, account }, sub);
      if (!row || row.tenantId !== tenantId) return null;
      await repo.applySubscription(tx, row.id, subscriptionState(sub), fetchedAt);
      return backfillTenantSubscription(tx, tenantId, sub, now);
    });
    if (completed === null) continue;
    result.subscriptions++;
    if (completed) result.completed++;
  }
  return result;
}
