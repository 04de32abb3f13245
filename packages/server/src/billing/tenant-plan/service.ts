import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { type PlanInterval, planPrices, tenantBilling } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { ownerEmails, tenantRowIn } from '../../tenants/service.ts';
import { addIntervals, type BillingRow, billingOf } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { limitsChanged } from './limits-changed.ts';
import { announcePlanChange } from './move.ts';
import * as plans from './plans-read.ts';
import {
  cancelOrphanSubscription,
  cancelPlanSubscription,
  changePlanSubscription,
  createPlanSubscription,
  createPlatformCustomer,
  hasDefaultPaymentMethod,
  openSubscriptions,
  type PlanItems,
} from './stripe-calls.ts';
import { ended, previousOf, spendsTrial, stateOf, subscriptionColumns, trialUsedNow } from './sync.ts';

// Each tenant's plan with the platform: what it is on (GET), and the operator or the platform's app moving
// it to another plan (POST), which makes, changes or cancels its Stripe subscription on the platform account.

export interface TenantBillingView {
  row: BillingRow | null;
  plan: plans.PlanRow | null;
  /** the plan and interval a scheduled change moves to at `row.pendingEffectiveAt` */
  pending?: { plan: plans.PlanRow; interval: PlanInterval | null } | null;
}

export interface TenantPlanDeps {
  stripe: StripeRef;
  /** given: a move to another plan sends `tenant.plan.changed` (with `cause`, `operator` by default) */
  jobs?: Jobs;
  cause?: 'quote' | 'operator';
  /**
   * A first paid subscription counts only once its first invoice is paid (a tenant's own acceptance of a
   * quote): one left `incomplete` (declined, 3-D Secure) is kept on the row beside the plan the tenant is on,
   * and UnpaidFirstInvoice is thrown; paid later, its event moves the plan (sync.ts).
   */
  payFirst?: boolean;
  /**
   * A quote's acceptance: the trial its `new` quote promised (0: none). A promised trial the tenant has
   * used since (another request made one) refuses the change (`quote_changed`); none is ever added.
   */
  quotedTrialDays?: number;
}

/** A first subscription made with `payFirst` whose first invoice is not paid: the plan did not change. */
export class UnpaidFirstInvoice extends Error {
  readonly subscription: Stripe.Subscription;
  constructor(subscription: Stripe.Subscription) {
    super('the first invoice of the new plan subscription is not paid');
    this.subscription = subscription;
  }
}

export async function viewOf(tx: Tx, row: BillingRow | null): Promise<TenantBillingView> {
  return { row, plan: row ? await plans.planById(tx, row.planId) : null, pending: await pendingOf(tx, row) };
}

async function pendingOf(tx: Tx, row: BillingRow | null): Promise<TenantBillingView['pending']> {
  if (!row?.pendingPlanId || !row.pendingEffectiveAt) return null;
  const plan = await plans.planById(tx, row.pendingPlanId);
  if (!plan) return null;
  const [price] = row.pendingPlanPriceId
    ? await tx.select().from(planPrices).where(eq(planPrices.id, row.pendingPlanPriceId))
    : [];
  return { plan, interval: price?.interval ?? null };
}

export function getTenantBilling(scope: TenantScope): Promise<TenantBillingView> {
  return inTenant(scope, 'billing:read', async (tx) => viewOf(tx, await billingOf(tx, scope.tenantId)));
}

export interface PlanChange {
  plan: string;
  interval?: PlanInterval;
  currency?: string;
}

interface Decided {
  row: BillingRow;
  plan: plans.PlanRow;
  /** null: a free plan */
  price: plans.PlanPriceRow | null;
  items: PlanItems | null;
  email: string | null;
  tenantName: string;
  /** the new subscription's trial; > 0: this request claimed the tenant's trial at `trialClaim` */
  trialDays: number;
  trialClaim: Date | null;
}

/** What the change is, read and checked in the tenant's transaction before any Stripe call. */
function decide(scope: TenantScope, input: PlanChange, quotedTrialDays?: number): Promise<Decided> {
  return inTenant(scope, 'billing:write', async (tx) => {
    const plan = await plans.planByRef(tx, input.plan);
    if (!plan) throw new ApiError('resource_missing', `No such plan: '${input.plan}'`, { param: 'plan' });
    const row =
      (await billingOf(tx, scope.tenantId)) ??
      // no default plan yet: the row starts on this one
      (await startRow(tx, scope.tenantId, plan.id));
    const tenant = await tenantRowIn(tx, scope.tenantId);
    // Stripe mails the plan's invoices there: the billing contact once verified, else an owner
    const contact = tenant?.billingContactVerifiedAt ? tenant.billingContactEmail : null;
    const email = contact ?? (await ownerEmails(tx, scope.tenantId))[0] ?? null;
    const base = {
      row,
      plan,
      email,
      tenantName: tenant?.name ?? scope.publicId,
      trialDays: 0,
      trialClaim: null,
    };
    if (await plans.isFreePlan(tx, plan.id)) return { ...base, price: null, items: null };
    if (!input.currency)
      throw new ApiError('parameter_missing', 'A paid plan needs a currency.', { param: 'currency' });
    if (!input.interval)
      throw new ApiError('parameter_missing', 'A paid plan needs an interval.', { param: 'interval' });
    const price = await plans.activePrice(tx, plan.id, input.currency, input.interval);
    if (!price?.stripePriceId) {
      throw new ApiError(
        'parameter_invalid',
        `The plan '${plan.lookupKey}' is not sold in ${input.currency.toUpperCase()} per ${input.interval}.`,
        { param: 'currency' },
      );
    }
    const overage = await plans.overagePrices(tx, plan.id, input.currency, input.interval);
    const metered = overage.flatMap((o) => (o.stripePriceId ? [o.stripePriceId] : []));
    const items = { base: price.stripePriceId, metered };
    // a live subscription changes (its trial, if any, goes on): only a new one may get the tenant's trial
    const live =
      row.stripeSubscriptionId && !ended(row.stripeStatus ?? '') && row.stripeStatus !== 'incomplete';
    const wanted = quotedTrialDays ?? plan.trialDays;
    if (live || wanted <= 0) return { ...base, price, items };
    const claim = await claimTrial(tx, scope.tenantId);
    if (!claim) {
      // another request claimed the trial moments ago and is still making its subscription: going on
      // without a trial would race it under the same Stripe idempotency key with other terms
      if (!row.stripeSubscriptionId && (await trialClaimedWithin(tx, scope.tenantId, IN_FLIGHT_CLAIM_MS)))
        throw new ApiError(
          'plan_change_in_progress',
          'Another change of this plan is being made right now: wait for it, then look at the plan again.',
        );
      if (quotedTrialDays !== undefined)
        throw new ApiError(
          'quote_changed',
          "The tenant's trial was used since this quote was made: ask for a new quote, which says what the change costs now.",
          { param: 'quote' },
        );
      return { ...base, price, items };
    }
    return { ...base, price, items, trialDays: wanted, trialClaim: claim };
  });
}

/**
 * One trial per tenant: takes it, if unused, for the subscription this request is about to make. The row
 * lock makes a concurrent request wait and find it taken. updated_at is untouched: it versions the
 * subscription's idempotency key.
 */
async function claimTrial(tx: Tx, tenantId: string): Promise<Date | null> {
  const at = new Date();
  const [got] = await tx
    .update(tenantBilling)
    .set({ trialUsedAt: at })
    .where(and(eq(tenantBilling.tenantId, tenantId), isNull(tenantBilling.trialUsedAt)))
    .returning({ at: tenantBilling.trialUsedAt });
  return got ? at : null;
}

/** How long a trial claim with no subscription yet counts as a change still being made (Stripe's calls' bound). */
const IN_FLIGHT_CLAIM_MS = 2 * 60_000;

/**
 * Whether another request claimed the tenant's trial in the last `ms` and has not written its outcome yet (as
 * committed now, after the claim's row lock): a claim leaves updated_at alone, the change's end moves it.
 */
async function trialClaimedWithin(tx: Tx, tenantId: string, ms: number): Promise<boolean> {
  const [row] = await tx
    .select({ at: tenantBilling.trialUsedAt, updatedAt: tenantBilling.updatedAt })
    .from(tenantBilling)
    .where(eq(tenantBilling.tenantId, tenantId));
  if (!row?.at) return false;
  return row.at > row.updatedAt && Date.now() - row.at.getTime() < ms;
}

/** Gives the trial back when the claim made no subscription with a trial (Stripe failed, or an orphan kept). */
async function releaseTrial(scope: TenantScope, claim: Date): Promise<void> {
  await inTenant(scope, 'billing:write', (tx) =>
    tx
      .update(tenantBilling)
      .set({ trialUsedAt: null })
      .where(and(eq(tenantBilling.tenantId, scope.tenantId), eq(tenantBilling.trialUsedAt, claim))),
  );
}

async function startRow(tx: Tx, tenantId: string, planId: string): Promise<BillingRow> {
  const now = new Date();
  changedIn(tx, tenantId);
  await tx
    .insert(tenantBilling)
    .values({ tenantId, planId, periodStart: now, periodEnd: addIntervals(now, 'month', 1) })
    .onConflictDoNothing();
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  return row!;
}

/** Keeps the customer as soon as Stripe made it (updated_at untouched: it versions the plan's keys). */
async function keepCustomer(scope: TenantScope, row: BillingRow, customer: string): Promise<void> {
  await inTenant(scope, 'billing:write', (tx) =>
    tx
      .update(tenantBilling)
      .set({ stripeCustomerId: customer, updatedAt: row.updatedAt })
      .where(eq(tenantBilling.tenantId, row.tenantId)),
  );
}

const sameItems = (sub: Stripe.Subscription, items: PlanItems) => {
  const have = sub.items.data.map((i) => i.price.id).sort();
  const want = [items.base, ...items.metered].sort();
  return have.length === want.length && have.every((id, i) => id === want[i]);
};

/**
 * Before a new subscription is made: a subscription of the tenant's billing customer that its row does not
 * name comes from an earlier change whose answer was lost (Stripe made it; our transaction then failed, and
 * an event since moved the row, so a retry's idempotency key is new). One billing exactly the plan's items
 * now is the one to keep; any other is canceled (its unused time credited), so the tenant is never billed
 * twice.
 */
async function adoptOrphans(
  deps: TenantPlanDeps,
  customer: string,
  live: string | null,
  items: PlanItems,
): Promise<Stripe.Subscription | null> {
  let kept: Stripe.Subscription | null = null;
  for (const orphan of await openSubscriptions(deps.stripe, customer)) {
    if (orphan.id === live) continue;
    if (!kept && sameItems(orphan, items)) {
      kept = orphan;
      continue;
    }
    await cancelOrphanSubscription(deps.stripe, orphan);
  }
  return kept;
}

/**
 * Moves the tenant to a plan. A paid plan: the tenant's customer on the platform account (made once), then a
 * subscription to the plan's price and its overage prices, or the current one's items swapped (prorated). A
 * free plan: the subscription, if any, canceled at once with the unused time credited. The row, its period
 * and limits version, the limits hooks and the audit entry then change in one tenant transaction.
 */
export async function changeTenantPlan(
  scope: TenantScope,
  deps: TenantPlanDeps,
  input: PlanChange,
): Promise<TenantBillingView> {
  const d = await decide(scope, input, deps.quotedTrialDays);
  let done: { view: TenantBillingView; sub: Stripe.Subscription | null };
  try {
    done = await changeDecided(scope, deps, d);
  } catch (e) {
    // no subscription with the trial is the tenant's (an unpaid first one has none). Should Stripe have made
    // one whose answer was lost, the row never moved to it: a retry adopts it (and sets the trial used
    // again) or cancels it
    if (d.trialClaim) await releaseTrial(scope, d.trialClaim);
    throw e;
  }
  // an adopted orphan may have no trial: the claim is given back
  if (d.trialClaim && !(done.sub && spendsTrial(done.sub))) await releaseTrial(scope, d.trialClaim);
  return done.view;
}

async function changeDecided(
  scope: TenantScope,
  deps: TenantPlanDeps,
  d: Decided,
): Promise<{ view: TenantBillingView; sub: Stripe.Subscription | null }> {
  const { row, plan, price } = d;
  const live = row.stripeSubscriptionId && !ended(row.stripeStatus ?? '') ? row.stripeSubscriptionId : null;
  if (row.planId === plan.id && (price ? live && row.planPriceId === price.id : !live)) {
    return { view: await inTenant(scope, 'billing:read', (tx) => viewOf(tx, row)), sub: null };
  }
  const rowVersion = row.updatedAt.getTime();
  const ids = {
    tenantId: scope.tenantId,
    tenantPublicId: scope.publicId,
    planPublicId: toPublicId('plan', plan.id),
    rowVersion,
  };
  let sub: Stripe.Subscription | null = null;
  let customer = row.stripeCustomerId;
  const fetchedAt = new Date();
  if (d.items) {
    if (!customer) {
      customer = (await createPlatformCustomer(deps.stripe, { ...ids, name: d.tenantName, email: d.email }))
        .id;
      await keepCustomer(scope, row, customer);
    }
    // a subscription whose first invoice was never paid takes no item change at Stripe: it is replaced
    // (canceled with nothing to credit) by a new one
    if (live && row.stripeStatus === 'incomplete') {
      await cancelPlanSubscription(deps.stripe, {
        tenantId: scope.tenantId,
        subscription: live,
        rowVersion,
        credit: false,
      });
    }
    sub =
      live && row.stripeStatus !== 'incomplete'
        ? await changePlanSubscription(deps.stripe, { ...ids, subscription: live, items: d.items })
        : ((await adoptOrphans(deps, customer, live, d.items)) ??
          (await createPlanSubscription(deps.stripe, {
            ...ids,
            customer,
            items: d.items,
            trialDays: d.trialDays,
            charge: await hasDefaultPaymentMethod(deps.stripe, customer),
          })));
  } else if (live) {
    await cancelPlanSubscription(deps.stripe, {
      tenantId: scope.tenantId,
      subscription: live,
      rowVersion,
      // nothing paid to credit: a first invoice never paid, or a trial (a credit would pay out the trial)
      credit: row.stripeStatus !== 'incomplete' && row.stripeStatus !== 'trialing',
    });
  }
  if (deps.payFirst && sub?.status === 'incomplete') {
    const unpaid = sub;
    await inTenant(scope, 'billing:write', async (tx) => {
      changedIn(tx, scope.tenantId);
      await tx
        .update(tenantBilling)
        .set({
          stripeCustomerId: customer,
          stripeSubscriptionId: unpaid.id,
          stripeStatus: unpaid.status,
          lastSyncedAt: fetchedAt,
          updatedAt: new Date(),
        })
        .where(eq(tenantBilling.tenantId, scope.tenantId));
    });
    throw new UnpaidFirstInvoice(unpaid);
  }
  const view = await inTenant(scope, 'billing:write', async (tx) => {
    const [current] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, scope.tenantId));
    const before = current ?? row;
    const now = new Date();
    const period = sub
      ? subscriptionColumns(sub)
      : {
          stripeSubscriptionId: null,
          stripeStatus: null,
          periodStart: now,
          periodEnd: addIntervals(now, 'month', 1),
          trialEnd: null,
          cancelAtPeriodEnd: false,
        };
    // a free plan keeps its current period unless it leaves a subscription (its period is the plan's own);
    // an event of the same subscription applied since our call is newer than its answer: it stays
    const newer =
      sub && before.stripeSubscriptionId === sub.id && before.lastSyncedAt && before.lastSyncedAt > fetchedAt;
    const keepPeriod = (!sub && !live) || Boolean(newer);
    const limitsMoved = before.planId !== plan.id || (before.currency ?? null) !== (price?.currency ?? null);
    changedIn(tx, scope.tenantId);
    const [applied] = await tx
      .update(tenantBilling)
      .set({
        planId: plan.id,
        planPriceId: price?.id ?? null,
        currency: price?.currency ?? null,
        interval: price?.interval ?? null,
        stripeCustomerId: customer,
        ...(sub && spendsTrial(sub) ? { trialUsedAt: trialUsedNow() } : {}),
        ...(newer
          ? {}
          : keepPeriod
            ? { stripeSubscriptionId: null, stripeStatus: null, trialEnd: null, cancelAtPeriodEnd: false }
            : { ...period, previousPeriodStart: previousOf(before, period.periodStart) }),
        state: newer ? before.state : sub ? stateOf(sub.status, before.state) : 'active',
        limitsVersion: limitsMoved ? before.limitsVersion + 1 : before.limitsVersion,
        lastSyncedAt: sub && !newer ? fetchedAt : before.lastSyncedAt,
        updatedAt: now,
      })
      .where(and(eq(tenantBilling.tenantId, scope.tenantId)))
      .returning();
    if (limitsMoved) await limitsChanged(tx, scope.tenantId);
    if (deps.jobs && applied && before.planId !== applied.planId)
      await announcePlanChange(tx, deps.jobs, before, applied, deps.cause ?? 'operator');
    await scope.audit(tx, {
      action: 'billing.plan_changed',
      target: { kind: 'plan', id: plan.id },
      data: {
        from: toPublicId('plan', before.planId),
        to: toPublicId('plan', plan.id),
        currency: price?.currency ?? null,
        interval: price?.interval ?? null,
        subscription: sub?.id ?? null,
        canceled: !sub && live ? live : null,
      },
    });
    return viewOf(tx, applied ?? before);
  });
  return { view, sub };
}
