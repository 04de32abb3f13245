import { and, eq, gt, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import {
  type BillingState,
  dunningCases,
  planPrices,
  planQuotes,
  tenantBilling,
} from '../../db/schema/index.ts';
import { olderThan } from '../../db/sync-guard.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Stripe } from '../../stripe/client.ts';
import { addIntervals, type BillingRow } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { dropLeftoversLater } from './jobs.ts';
import { limitsChanged } from './limits-changed.ts';
import { announcePlanChange, movePlan } from './move.ts';
import { defaultPlan } from './plans-read.ts';

// A tenant's plan subscription (on the platform account) applied to its tenant_billing row: by the plan
// change itself, and by the `customer.subscription.*` events the platform account sends about it.

const date = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);

/**
 * Stripe's status → the tenant's state. `warning` and `suspended` are dunning's (they follow a failed
 * renewal): a subscription still unpaid keeps them; a paid or trialing one clears them.
 */
export function stateOf(status: Stripe.Subscription.Status, current: BillingState): BillingState {
  if (status === 'trialing') return 'trialing';
  if (status === 'active') return 'active';
  return dunningStates.has(current) ? current : 'past_due';
}

const dunningStates: ReadonlySet<BillingState> = new Set(['past_due', 'warning', 'suspended']);

/**
 * The state while the tenant's dunning case is open: dunning's, whatever Stripe says of the subscription
 * (paying the latest of its unpaid invoices makes it `active` while the case still owes an older one). The
 * case's own steps and its settling decide; null without an open case.
 */
async function dunningStateOf(tx: Tx, tenantId: string, current: BillingState): Promise<BillingState | null> {
  const [open] = await tx
    .select({ phase: dunningCases.phase })
    .from(dunningCases)
    .where(and(eq(dunningCases.tenantId, tenantId), ne(dunningCases.phase, 'closed')))
    .limit(1);
  if (!open) return null;
  return dunningStates.has(current) ? current : (open.phase as BillingState);
}

export const ended = (status: string) => status === 'canceled' || status === 'incomplete_expired';

/**
 * Whether the subscription used up the tenant's one trial: it has (or had) a trial, or it was paid (Stripe
 * makes a subscription active, and later past due or unpaid, only once its first invoice is paid). One
 * never paid (`incomplete`, `incomplete_expired`, or canceled from there) uses nothing.
 */
export const spendsTrial = (s: Stripe.Subscription) =>
  s.trial_end != null || ['trialing', 'active', 'past_due', 'unpaid', 'paused'].includes(s.status);

/** tenant_billing.trial_used_at, kept from its first setting */
export const trialUsedNow = () => sql`coalesce(${tenantBilling.trialUsedAt}, now())`;

export interface SubscriptionColumns {
  stripeSubscriptionId: string;
  stripeStatus: string;
  periodStart: Date;
  periodEnd: Date;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** The columns a subscription sets (its billing period lives on the items in current API versions). */
export function subscriptionColumns(s: Stripe.Subscription): SubscriptionColumns {
  const item = s.items?.data?.[0] as
    | (Stripe.SubscriptionItem & { current_period_start?: number; current_period_end?: number })
    | undefined;
  const legacy = s as unknown as { current_period_start?: number; current_period_end?: number };
  const start = date(item?.current_period_start ?? legacy.current_period_start) ?? new Date();
  return {
    stripeSubscriptionId: s.id,
    stripeStatus: s.status,
    periodStart: start,
    periodEnd: date(item?.current_period_end ?? legacy.current_period_end) ?? addIntervals(start, 'month', 1),
    trialEnd: date(s.trial_end),
    cancelAtPeriodEnd: s.cancel_at_period_end ?? false,
  };
}

/** A billing row with no change waiting for its period's end (nor the schedule that would make it). */
export const NO_PENDING_CHANGE = {
  pendingPlanId: null,
  pendingPlanPriceId: null,
  pendingEffectiveAt: null,
  stripeScheduleId: null,
} as const;

/** The previous period's start after a move to `periodStart` (kept when the period did not move). */
const previousOf = (row: BillingRow, periodStart: Date) =>
  periodStart.getTime() === row.periodStart.getTime() ? row.previousPeriodStart : row.periodStart;

/**
 * Applies a refetched subscription to the tenant's row behind the `last_synced_at` guard. Only the tenant's
 * current subscription counts (an earlier one, replaced or canceled by a plan change, changes nothing); one
 * that ended puts the tenant back on the default plan, a monthly period from now. Returns the row when it
 * changed.
 */
export async function applySubscription(
  tx: Tx,
  tenantId: string,
  s: Stripe.Subscription,
  syncedAt: Date,
  jobs?: Jobs,
): Promise<BillingRow | null> {
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (!row || row.stripeSubscriptionId !== s.id) return null;
  changedIn(tx, tenantId);
  // the row may have left this subscription since it was read (a plan change committing meanwhile)
  const guard = and(
    eq(tenantBilling.tenantId, tenantId),
    eq(tenantBilling.stripeSubscriptionId, s.id),
    olderThan(tenantBilling.lastSyncedAt, syncedAt),
  );
  if (ended(s.status)) {
    const free = await defaultPlan(tx);
    if (!free) {
      const [kept] = await tx
        .update(tenantBilling)
        .set({
          stripeStatus: s.status,
          state: 'suspended',
          ...(spendsTrial(s) ? { trialUsedAt: trialUsedNow() } : {}),
          lastSyncedAt: syncedAt,
          updatedAt: new Date(),
        })
        .where(guard)
        .returning();
      return kept ?? null;
    }
    const now = new Date();
    const [moved] = await tx
      .update(tenantBilling)
      .set({
        planId: free.id,
        planPriceId: null,
        currency: null,
        interval: null,
        state: 'active',
        stripeStatus: null,
        stripeSubscriptionId: null,
        previousPeriodStart: row.periodStart,
        periodStart: now,
        periodEnd: addIntervals(now, 'month', 1),
        trialEnd: null,
        ...(spendsTrial(s) ? { trialUsedAt: trialUsedNow() } : {}),
        cancelAtPeriodEnd: false,
        ...NO_PENDING_CHANGE,
        limitsVersion: free.id === row.planId ? row.limitsVersion : row.limitsVersion + 1,
        lastSyncedAt: syncedAt,
        updatedAt: now,
      })
      .where(guard)
      .returning();
    if (moved && free.id !== row.planId) {
      await limitsChanged(tx, tenantId);
      if (jobs) await announcePlanChange(tx, jobs, row, moved, 'ended');
    }
    return moved ?? null;
  }
  const cols = subscriptionColumns(s);
  const price = await basePriceOf(tx, s);
  const dunning = await dunningStateOf(tx, tenantId, row.state);
  // a first subscription not paid yet is no plan of the tenant's (a quote's, waiting for 3-D Secure)
  const unpaidFirst = s.status === 'incomplete' && price?.id !== row.planPriceId;
  const [applied] = await tx
    .update(tenantBilling)
    .set({
      ...cols,
      ...(spendsTrial(s) ? { trialUsedAt: trialUsedNow() } : {}),
      previousPeriodStart: previousOf(row, cols.periodStart),
      state: unpaidFirst ? row.state : (dunning ?? stateOf(s.status, row.state)),
      lastSyncedAt: syncedAt,
      updatedAt: new Date(),
    })
    .where(guard)
    .returning();
  if (!applied) return null;
  // the subscription bills another plan's price than the row's: a pending update Stripe applied once its
  // invoice was paid (3-D Secure), or a scheduled change whose phase began
  if (unpaidFirst || !price || price.id === applied.planPriceId) return applied;
  const after = await movePlan(
    tx,
    applied,
    { planId: price.planId, planPriceId: price.id, currency: price.currency, interval: price.interval },
    // the pending change done (or overtaken by another plan); a same-plan price migration leaves it
    price.id === applied.pendingPlanPriceId || price.planId !== applied.planId ? NO_PENDING_CHANGE : {},
  );
  if (jobs) await dropLeftoversLater(tx, jobs, tenantId);
  // a new price of the same plan and interval (the operator's price migration) is no plan change
  if (jobs && (after.planId !== applied.planId || after.interval !== applied.interval))
    await announcePlanChange(tx, jobs, applied, after, await causeOf(tx, tenantId, applied, price.id));
  return after;
}

/**
 * Why the subscription bills another price: a scheduled change's phase began, or a quote accepted lately for
 * it (its event may be applied before the acceptance's own transaction), else a change made at Stripe.
 */
async function causeOf(tx: Tx, tenantId: string, row: BillingRow, priceId: string) {
  if (row.pendingPlanPriceId === priceId) return 'schedule' as const;
  const [quoted] = await tx
    .select({ id: planQuotes.id })
    .from(planQuotes)
    .where(
      and(
        eq(planQuotes.tenantId, tenantId),
        eq(planQuotes.planPriceId, priceId),
        isNotNull(planQuotes.claimKey),
        gt(planQuotes.usedAt, sql`now() - interval '1 day'`),
      ),
    )
    .limit(1);
  return quoted ? ('quote' as const) : ('stripe' as const);
}

/** The plan price (ours) of the subscription's recurring, licensed item, if one of our plans sells it. */
async function basePriceOf(tx: Tx, s: Stripe.Subscription) {
  const ids = (s.items?.data ?? []).flatMap((i) => (i.price?.id ? [i.price.id] : []));
  if (ids.length === 0) return null;
  const [found] = await tx.select().from(planPrices).where(inArray(planPrices.stripePriceId, ids)).limit(1);
  return found ?? null;
}

export { previousOf };
