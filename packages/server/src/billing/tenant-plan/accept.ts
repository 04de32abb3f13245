import { and, eq, isNull } from 'drizzle-orm';
import { planQuotes, tenantBilling } from '../../db/schema/index.ts';
import { refuseInDunning } from '../../http/dunning.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId, toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { billingOf } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { dropLeftoversLater } from './jobs.ts';
import { announcePlanChange, movePlan } from './move.ts';
import * as plans from './plans-read.ts';
import {
  applyQuotedChange,
  type CustomerState,
  customerState,
  intentOf,
  previewChange,
  readInvoice,
  readSubscription,
  releaseSchedule,
  scheduleChange,
} from './quote-calls.ts';
import {
  isImmediate,
  liveSubscription,
  type QuoteRow,
  refuseWhileAuthenticating,
  subscriptionState,
} from './quotes.ts';
import {
  changeTenantPlan,
  type TenantBillingView,
  type TenantPlanDeps,
  UnpaidFirstInvoice,
  viewOf,
} from './service.ts';
import { cancelPlanSubscription } from './stripe-calls.ts';
import { NO_PENDING_CHANGE, previousOf, subscriptionColumns } from './sync.ts';

// Accepting a quote: the change it priced, or a 409 before any Stripe call that could charge. An immediate
// change is invoiced at once and waits for its payment (a pending update): paid, the plan moves now; 3-D
// Secure, the tenant finishes on the invoice's page and Stripe's event moves it; declined, nothing moves.

export interface AcceptDeps extends TenantPlanDeps {
  jobs: Jobs;
}

export type Accepted =
  | { status: 'applied'; view: TenantBillingView; invoice: Stripe.Invoice | null }
  | { status: 'scheduled'; view: TenantBillingView }
  | { status: 'requires_action'; view: TenantBillingView; url: string | null; invoice: Stripe.Invoice };

const changed = (what: string) =>
  new ApiError(
    'quote_changed',
    `The ${what} changed since this quote was made: ask for a new quote, which says what the change costs now.`,
    { param: 'quote' },
  );

/** Stripe's decline codes in words (the tenant reads them in the dashboard). */
const DECLINES: Record<string, string> = {
  insufficient_funds: 'the card has insufficient funds',
  lost_card: 'the card was reported lost',
  stolen_card: 'the card was reported stolen',
  expired_card: 'the card has expired',
  incorrect_cvc: "the card's security code is incorrect",
  processing_error: 'the card could not be processed',
  card_velocity_exceeded: "the card's limit was exceeded",
  authentication_required: 'the bank requires authentication',
  generic_decline: 'the card was declined',
};

export const declineInWords = (code: string | null | undefined, fallback?: string | null) =>
  (code && DECLINES[code]) || fallback || 'the card was declined';

const paymentFailed = (reason: string, cause?: unknown) =>
  new ApiError(
    'plan_payment_failed',
    `The plan change was not paid: ${reason}. The plan is unchanged; update the card and ask for a new quote.`,
    { cause },
  );

/** How long the request that spent a quote may be retried to finish it: the quote's own lifetime. */
const RESUME_MS = 15 * 60_000;

/**
 * The quote, checked against our rows in the tenant's transaction: spent, expired or moved is a 409. A quote
 * spent by this same request (its caller's Idempotency-Key, retried after an error or a timeout) is resumed:
 * its checks passed before it was spent, and the change it started is made again under the same Stripe
 * idempotency keys, which answer with what was done the first time.
 */
function loadQuote(scope: TenantScope, quoteRef: string, retryKey: string | null) {
  return inTenant(scope, 'billing:write', async (tx) => {
    const id = fromPublicId('quote', quoteRef);
    const [q] = id ? await tx.select().from(planQuotes).where(eq(planQuotes.id, id)) : [];
    if (!q) throw new ApiError('resource_missing', `No such quote: '${quoteRef}'`, { param: 'quote' });
    const row = await billingOf(tx, scope.tenantId);
    const plan = (await plans.planById(tx, q.planId))!;
    if (q.usedAt) {
      const resumable =
        retryKey !== null && q.claimKey === retryKey && Date.now() - q.usedAt.getTime() < RESUME_MS;
      if (!resumable) throw new ApiError('quote_used', 'This quote was already used.', { param: 'quote' });
      return { q, row, plan, resumed: true };
    }
    if (q.expiresAt.getTime() <= Date.now())
      throw new ApiError('quote_expired', 'This quote has expired (15 minutes): ask for a new one.', {
        param: 'quote',
      });
    if (liveSubscription(row) !== q.stripeSubscriptionId) throw changed('subscription');
    if ((row?.planPriceId ?? null) !== q.fromPlanPriceId) throw changed('price');
    const target = await plans.activePrice(tx, q.planId, q.currency, q.interval);
    if (target?.id !== q.planPriceId) throw changed("new plan's price");
    return { q, row, plan, resumed: false };
  });
}

/**
 * Spends the quote and every other open quote of the tenant (once: of two acceptances at once, of the same
 * quote or of two quotes priced against the same subscription, one wins; the other's price would be wrong
 * after the first change).
 */
async function claim(scope: TenantScope, q: QuoteRow, retryKey: string | null): Promise<void> {
  const spent = await inTenant(scope, 'billing:write', async (tx) => {
    const rows = await tx
      .update(planQuotes)
      .set({ usedAt: new Date() })
      .where(and(eq(planQuotes.tenantId, scope.tenantId), isNull(planQuotes.usedAt)))
      .returning({ id: planQuotes.id });
    if (rows.some((r) => r.id === q.id))
      await tx.update(planQuotes).set({ claimKey: retryKey }).where(eq(planQuotes.id, q.id));
    return rows;
  });
  if (!spent.some((r) => r.id === q.id))
    throw new ApiError('quote_used', 'This quote was already used.', { param: 'quote' });
}

/** The scheduled change released for a change at once that did not happen: the row no longer shows it. */
async function dropScheduled(scope: TenantScope): Promise<void> {
  await inTenant(scope, 'billing:write', async (tx) => {
    changedIn(tx, scope.tenantId);
    await tx
      .update(tenantBilling)
      .set({
        ...NO_PENDING_CHANGE,
        updatedAt: new Date(),
      })
      .where(eq(tenantBilling.tenantId, scope.tenantId));
  });
}

/** What an invoice preview charges, in a form two previews can be compared by. */
const chargeOf = (amountDue: number, lines: { amount: number; period: { start: number; end: number } }[]) =>
  JSON.stringify([amountDue, lines.map((l) => [l.amount, l.period.start, l.period.end]).sort()]);

const viewNow = (scope: TenantScope) =>
  inTenant(scope, 'billing:read', async (tx) => viewOf(tx, await billingOf(tx, scope.tenantId)));

/** What the quote was computed against, read again from Stripe: anything moved is a 409, before any charge. */
function recheck(q: QuoteRow, cs: CustomerState | null, sub: Stripe.Subscription | null): void {
  if (cs && cs.balance !== q.customerBalance) throw changed("customer's balance");
  if (sub && subscriptionState(sub, cs?.balance ?? 0, cs?.discount ?? '') !== q.stripeState)
    throw changed('subscription or its discounts');
  if (q.amountDue > 0 && !cs?.card)
    throw new ApiError(
      'card_required',
      'This change is paid at once and only a card can pay it: add a card as the default payment method first.',
      { param: 'quote' },
    );
}

/**
 * Whether the change a spent quote started reached Stripe: the subscription already bills its prices, waits
 * for its invoice (a pending update), or is managed by its schedule.
 */
function startedAtStripe(q: QuoteRow, sub: Stripe.Subscription | null): boolean {
  if (!sub) return true;
  if (!isImmediate(q)) return Boolean(sub.schedule);
  const billed = new Set(sub.items.data.map((i) => i.price.id));
  return Boolean(sub.pending_update) || q.items.every((i) => !i.price || billed.has(i.price));
}

/** The same preview again: a renewal, usage, tax or anything else that moved the amount since is a 409. */
async function samePreview(deps: AcceptDeps, q: QuoteRow, sub: Stripe.Subscription): Promise<void> {
  const periodStart = subscriptionColumns(sub).periodStart.getTime();
  if (q.prorationDate.getTime() < periodStart) throw changed('billing period');
  const again = await previewChange(deps.stripe, {
    customer: q.stripeCustomerId!,
    subscription: sub.id,
    items: q.items,
    prorationDate: Math.floor(q.prorationDate.getTime() / 1000),
  });
  if (
    again.currency !== q.currency ||
    chargeOf(again.amount_due, again.lines.data) !== chargeOf(q.amountDue, q.lines)
  )
    throw changed('amount due');
}

/**
 * A first plan subscription whose first invoice is not paid: 3-D Secure is finished on the invoice's page (the
 * plan moves when Stripe's event says it is paid); a decline cancels it, and nothing moved.
 */
async function unpaidFirst(
  scope: TenantScope,
  deps: AcceptDeps,
  sub: Stripe.Subscription,
): Promise<Accepted> {
  const invoiceId = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : sub.latest_invoice?.id;
  const invoice = invoiceId ? await readInvoice(deps.stripe, invoiceId) : null;
  const intent = invoice ? intentOf(invoice) : null;
  if (invoice && intent?.status === 'requires_action')
    return {
      status: 'requires_action',
      view: await viewNow(scope),
      url: invoice.hosted_invoice_url ?? null,
      invoice,
    };
  await cancelPlanSubscription(deps.stripe, {
    tenantId: scope.tenantId,
    subscription: sub.id,
    rowVersion: sub.created * 1000,
    credit: false,
  });
  await inTenant(scope, 'billing:write', async (tx) => {
    changedIn(tx, scope.tenantId);
    await tx
      .update(tenantBilling)
      .set({ stripeSubscriptionId: null, stripeStatus: null, updatedAt: new Date() })
      .where(and(eq(tenantBilling.tenantId, scope.tenantId), eq(tenantBilling.stripeSubscriptionId, sub.id)));
  });
  const err = intent?.last_payment_error;
  throw paymentFailed(declineInWords(err?.decline_code ?? err?.code, err?.message));
}

/**
 * `retryKey`: the request's caller and Idempotency-Key, hashed (http/idempotency.ts `retryKeyOf`); the same
 * request retried after an error resumes the change its quote started instead of answering `quote_used`.
 */
export async function acceptQuote(
  scope: TenantScope,
  deps: AcceptDeps,
  quoteRef: string,
  retryKey: string | null,
): Promise<Accepted> {
  const { q, row, plan, resumed } = await loadQuote(scope, quoteRef, retryKey);
  // past due: the tenant's own credentials pay what is owed before a change that charges (http/dunning.ts)
  if (q.amountDue > 0) refuseInDunning(scope.actor, row?.state, 'paid_upgrade');
  const quoteId = toPublicId('quote', q.id);
  // what the quote was computed against, read again from Stripe before anything that could charge
  const cs = q.stripeCustomerId ? await customerState(deps.stripe, q.stripeCustomerId) : null;
  const sub = q.stripeSubscriptionId ? await readSubscription(deps.stripe, q.stripeSubscriptionId) : null;
  // a retry resumes without the checks only once the change reached Stripe (Stripe then replays it)
  const started = resumed && startedAtStripe(q, sub);
  if (!started) {
    recheck(q, cs, sub);
    await refuseWhileAuthenticating(deps.stripe, sub);
  }

  if (!sub) {
    // a first subscription: made as POST …/billing/plan makes it (a trial needs no card), the plan moving
    // only once its first invoice is paid
    if (!resumed) await claim(scope, q, retryKey);
    try {
      const view = await changeTenantPlan(
        scope,
        { ...deps, cause: 'quote', payFirst: true, quotedTrialDays: q.trialDays },
        { plan: toPublicId('plan', plan.id), interval: q.interval, currency: q.currency },
      );
      return { status: 'applied', view, invoice: null };
    } catch (e) {
      if (!(e instanceof UnpaidFirstInvoice)) throw e;
      return unpaidFirst(scope, deps, e.subscription);
    }
  }
  // a quote bound to a subscription was made from a billing row naming it, which loadQuote found again
  const live = row!;

  if (!isImmediate(q)) {
    if (!started) {
      if (live.cancelAtPeriodEnd || sub.cancel_at_period_end)
        throw new ApiError(
          'plan_change_invalid',
          "The plan is set to end at the period's end: resume it before scheduling a change for then.",
          { param: 'quote' },
        );
      // quoted for the end of a period that has ended since: the change would come a period later
      if (subscriptionColumns(sub).periodEnd.getTime() !== q.effectiveAt.getTime())
        throw changed('billing period');
    }
    if (!resumed) await claim(scope, q, retryKey);
    // the next period bills exactly the plan's prices (an old plan's overage item is not carried over)
    const want = await inTenant(scope, 'billing:read', (tx) =>
      plans.wantedItems(tx, q.planId, q.currency, q.interval),
    );
    if (!want) throw changed("new plan's price");
    const current = sub.items.data.map((i) => i.price.id);
    const cols = subscriptionColumns(sub);
    const schedule = await scheduleChange(deps.stripe, {
      quoteId: q.id,
      subscription: sub.id,
      existingSchedule:
        typeof sub.schedule === 'string' ? sub.schedule : (sub.schedule?.id ?? live.stripeScheduleId),
      current,
      next: want.map((w) => w.price),
      periodStart: Math.floor(cols.periodStart.getTime() / 1000),
      periodEnd: Math.floor(cols.periodEnd.getTime() / 1000),
      plan: toPublicId('plan', plan.id),
    });
    await inTenant(scope, 'billing:write', async (tx) => {
      changedIn(tx, scope.tenantId);
      await tx
        .update(tenantBilling)
        .set({
          pendingPlanId: q.planId,
          pendingPlanPriceId: q.planPriceId,
          pendingEffectiveAt: q.effectiveAt,
          stripeScheduleId: schedule.id,
          updatedAt: new Date(),
        })
        .where(eq(tenantBilling.tenantId, scope.tenantId));
      await scope.audit(tx, {
        action: 'billing.plan_change_scheduled',
        target: { kind: 'plan', id: q.planId },
        data: { quote: quoteId, schedule: schedule.id, effective_at: q.effectiveAt.toISOString() },
      });
    });
    return { status: 'scheduled', view: await viewNow(scope) };
  }

  if (!started) await samePreview(deps, q, sub);
  if (!resumed) await claim(scope, q, retryKey);
  // our answers are at least as new as this (the sync guard's time for them)
  const calledAt = new Date();
  // a change at once replaces a scheduled one; if it then does not happen, neither does the scheduled one
  const released = Boolean(live.stripeScheduleId);
  if (live.stripeScheduleId)
    await releaseSchedule(deps.stripe, {
      tenantId: scope.tenantId,
      schedule: live.stripeScheduleId,
      rowVersion: live.updatedAt.getTime(),
    });
  let updated: Stripe.Subscription;
  try {
    updated = await applyQuotedChange(deps.stripe, {
      quoteId: q.id,
      subscription: sub.id,
      items: q.items,
      prorationDate: Math.floor(q.prorationDate.getTime() / 1000),
      plan: toPublicId('plan', plan.id),
    });
  } catch (e) {
    if (released) await dropScheduled(scope);
    if (e instanceof StripeFailure && e.kind === 'card_error')
      throw paymentFailed(declineInWords(e.declineCode ?? e.code), e);
    throw e;
  }
  const invoiceId =
    typeof updated.latest_invoice === 'string' ? updated.latest_invoice : updated.latest_invoice?.id;
  const invoice = invoiceId ? await readInvoice(deps.stripe, invoiceId) : null;
  if (updated.pending_update) {
    if (released) await dropScheduled(scope);
    const intent = invoice ? intentOf(invoice) : null;
    if (intent?.status === 'requires_action' && invoice)
      return {
        status: 'requires_action',
        view: await viewNow(scope),
        url: invoice.hosted_invoice_url ?? null,
        invoice,
      };
    const err = intent?.last_payment_error;
    throw paymentFailed(declineInWords(err?.decline_code ?? err?.code, err?.message));
  }
  const view = await inTenant(scope, 'billing:write', async (tx) => {
    const before = (await billingOf(tx, scope.tenantId)) ?? live;
    // the subscription's event (or this request's first try) may have moved the row already: once only
    const moved = before.planPriceId === q.planPriceId;
    // an event of the subscription applied since our call began is as new as its answer: its state stays
    const newer = before.lastSyncedAt !== null && before.lastSyncedAt > calledAt;
    const cols = subscriptionColumns(updated);
    const after = moved
      ? before
      : await movePlan(
          tx,
          before,
          { planId: q.planId, planPriceId: q.planPriceId, currency: q.currency, interval: q.interval },
          newer
            ? NO_PENDING_CHANGE
            : {
                ...cols,
                previousPeriodStart: previousOf(before, cols.periodStart),
                ...NO_PENDING_CHANGE,
                lastSyncedAt: calledAt,
              },
        );
    if (!moved) await announcePlanChange(tx, deps.jobs, before, after, 'quote');
    await dropLeftoversLater(tx, deps.jobs, scope.tenantId);
    await scope.audit(tx, {
      action: 'billing.plan_changed',
      target: { kind: 'plan', id: q.planId },
      data: {
        from: toPublicId('plan', live.planId),
        to: toPublicId('plan', q.planId),
        currency: q.currency,
        interval: q.interval,
        quote: quoteId,
        invoice: invoice?.id ?? null,
        amount_paid: invoice?.amount_paid ?? null,
      },
    });
    return viewOf(tx, after);
  });
  return { status: 'applied', view, invoice };
}
