// Payment attempts on an open invoice (API `pay`, automatic collection, a dunning retry, the hosted invoice
// page) through the invoice's PaymentIntent and payments/confirm.ts; when a failed one is retried next.
import { type Ctx, systemCtx } from '../../app.ts';
import { customerNow, onJob, pending, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import { confirmPaymentIntent } from '../../payments/confirm.ts';
import { invalidRequest, StripeError } from '../../wire/errors.ts';
import { notAttached, resolvePaymentMethod } from '../payment_methods.ts';
import { markPaid, notifyOutcome } from './lifecycle.ts';
import { paymentIntentOf } from './model.ts';

function defaultPaymentMethod(ctx: Ctx, inv: Invoice): string | null {
  if (inv.default_payment_method) return inv.default_payment_method;
  const subId = inv.parent?.subscription_details.subscription;
  if (subId) {
    const sub = ctx.app.store.get(ctx.account, subId, 'subscription');
    if (sub?.default_payment_method) return sub.default_payment_method;
  }
  const cus = ctx.app.store.get(ctx.account, inv.customer, 'customer');
  return cus?.invoice_settings.default_payment_method ?? null;
}

type RetryPlanner = (ctx: Ctx, inv: Invoice) => number | null;
let retryPlanner: RetryPlanner = () => null;

/** Subscriptions decide when a failed invoice is retried (`next_payment_attempt`). */
export function setRetryPlanner(fn: RetryPlanner): void {
  retryPlanner = fn;
}

/** With `auto_advance` off the platform collects the invoice itself: no automatic retry is planned. */
function nextAttempt(ctx: Ctx, inv: Invoice): number | null {
  return inv.auto_advance ? retryPlanner(ctx, inv) : null;
}

/** `auto_advance` changed on an open invoice. Off: automatic collection and retries stop. On again: an
 * invoice never attempted is collected, a failed one goes back on the retry schedule. */
export function autoAdvanceChanged(ctx: Ctx, inv: Invoice): void {
  if (inv.status !== 'open') return;
  if (!inv.auto_advance) {
    unschedule(ctx.app, inv.id, 'invoice_retry');
    unschedule(ctx.app, inv.id, 'invoice_collect');
    inv.next_payment_attempt = null;
    return;
  }
  if (inv.attempt_count === 0) {
    // Never attempted: collected an hour later, as after finalization.
    if (inv.collection_method === 'charge_automatically' && !pending(ctx.app, inv.id, 'invoice_collect')) {
      schedule(ctx.app, {
        at: customerNow(ctx.app, ctx.account, inv.customer) + 3600,
        owner: ctx.account,
        clock: inv.test_clock,
        kind: 'invoice_collect',
        target: inv.id,
      });
    }
    return;
  }
  inv.next_payment_attempt = retryPlanner(ctx, inv);
  if (inv.next_payment_attempt !== null) notifyOutcome(ctx, inv, 'failed');
}

export interface PayResult {
  ok: boolean;
  error: StripeError | null;
}

/** Only an open or uncollectible invoice can be paid (also out of band). */
export function requirePayable(inv: Invoice): void {
  if (inv.status !== 'open' && inv.status !== 'uncollectible') {
    throw invalidRequest(
      `Invoice is already ${inv.status}`,
      undefined,
      inv.status === 'paid' ? 'invoice_already_paid' : 'invoice_not_open',
    );
  }
}

/** One payment attempt (API `pay`, automatic collection, a retry, or the hosted invoice page). */
export function attemptPayment(
  ctx: Ctx,
  inv: Invoice,
  opts: { paymentMethod?: string | null; offSession: boolean; returnUrl?: string | null },
): PayResult {
  requirePayable(inv);
  const pi = paymentIntentOf(ctx, inv);
  if (!pi) {
    markPaid(ctx, inv, null);
    return { ok: true, error: null };
  }
  const pmId = opts.paymentMethod ?? defaultPaymentMethod(ctx, inv);
  const before = snapshot(inv);
  inv.attempted = true;
  inv.attempt_count = inv.attempt_count + 1;
  if (!pmId) {
    inv.next_payment_attempt = nextAttempt(ctx, inv);
    ctx.app.store.changed();
    emit(ctx, 'invoice.payment_failed', inv, { previous: changes(before, inv) });
    notifyOutcome(ctx, inv, 'failed');
    return {
      ok: false,
      error: invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      ),
    };
  }
  try {
    const pm = resolvePaymentMethod(ctx, pmId);
    // Another customer's card never pays this customer's invoice.
    if (pm.customer && pm.customer !== inv.customer) throw notAttached(pmId, 'payment_method');
    pi.payment_method = pm.id;
    if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
    confirmPaymentIntent(ctx, pi, {
      offSession: opts.offSession,
      returnUrl: opts.returnUrl ?? null,
      errorOnRequiresAction: false,
    });
  } catch (e) {
    if (!(e instanceof StripeError)) throw e;
    if (e.status !== 402) {
      inv.attempt_count = before.attempt_count;
      inv.attempted = before.attempted;
      throw e;
    }
    inv.next_payment_attempt = nextAttempt(ctx, inv);
    ctx.app.store.changed();
    const prev = changes(before, inv);
    emit(ctx, 'invoice.payment_failed', inv, { previous: prev });
    const action = e.body.code === 'authentication_required';
    if (action) emit(ctx, 'invoice.payment_action_required', inv, { previous: prev });
    notifyOutcome(ctx, inv, action ? 'action_required' : 'failed');
    return { ok: false, error: e };
  }
  if (pi.status === 'requires_action') {
    ctx.app.store.changed();
    emit(ctx, 'invoice.payment_action_required', inv, { previous: changes(before, inv) });
    notifyOutcome(ctx, inv, 'action_required');
    return { ok: false, error: null };
  }
  // Confirmation may have paid it (markPaid through the payment hook): read the status again.
  const status: string = inv.status;
  return { ok: status === 'paid', error: null };
}

onJob('invoice_collect', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const inv = app.store.get(job.owner, job.target, 'invoice');
  if (inv?.status === 'open' && inv.auto_advance) attemptPayment(ctx, inv, { offSession: true });
});
