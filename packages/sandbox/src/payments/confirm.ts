// PaymentIntent confirmation (SANDBOX-NOTES §4): the test card decides the outcome — success, decline
// (402 card_error, PI back to requires_payment_method), 3-D Secure (requires_action with a hosted
// authentication page), manual capture (requires_capture), or a bank debit (processing, settled later).
import { type App, type Ctx, systemCtx } from '../app.ts';
import { bankOutcome, DECLINE_MESSAGE, type TestCard } from '../cards.ts';
import { emit } from '../events.ts';
import { settleCharge } from '../money/settle.ts';
import type { PaymentIntent, PaymentMethod } from '../objects/payments.ts';
import { newCharge, outcomeFor } from '../resources/charges.ts';
import { openDispute } from '../resources/disputes.ts';
import { attach, pmTable, testCardOf } from '../resources/payment_methods.ts';
import { cardError, invalidRequest } from '../wire/errors.ts';

type PaymentHook = (ctx: Ctx, pi: PaymentIntent) => void;
const succeededHooks: PaymentHook[] = [];

/** Called after a PaymentIntent succeeds (invoices and Checkout mark themselves paid). */
export function onPaymentSucceeded(fn: PaymentHook): void {
  succeededHooks.push(fn);
}

function paymentSucceeded(ctx: Ctx, pi: PaymentIntent): void {
  for (const fn of succeededHooks) fn(ctx, pi);
}

const failedHooks: PaymentHook[] = [];

/** Called when a `processing` bank debit fails (Checkout sends `async_payment_failed`). */
export function onAsyncPaymentFailed(fn: PaymentHook): void {
  failedHooks.push(fn);
}

export interface ConfirmOptions {
  offSession: boolean;
  returnUrl: string | null;
  errorOnRequiresAction: boolean;
}

interface ThreeDsPending {
  owner: string;
  returnUrl: string | null;
}

export function threeDsTable(app: App) {
  return app.store.table<ThreeDsPending>('three_ds_pending');
}

function paymentMethodOf(ctx: Ctx, pi: PaymentIntent): PaymentMethod {
  const pm = pi.payment_method
    ? ctx.app.store.get(ctx.account, String(pi.payment_method), 'payment_method')
    : null;
  if (!pm) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update " +
        'the PaymentIntent with a payment method and then confirm it again, or confirm it again directly ' +
        'with a payment method.',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  return pm;
}

export function fail(
  ctx: Ctx,
  pi: PaymentIntent,
  pm: PaymentMethod,
  code: string,
  declineCode: string,
  message: string,
  adviceCode: string | null = null,
): never {
  const ch = newCharge(ctx, {
    amount: pi.amount,
    currency: pi.currency,
    pi,
    pm,
    status: 'failed',
    captured: false,
    failure: { code, message, declineCode, adviceCode },
  });
  emit(ctx, 'charge.failed', ch);
  const prev = {
    status: pi.status,
    last_payment_error: pi.last_payment_error,
    payment_method: pi.payment_method,
  };
  const doc = `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;
  pi.status = 'requires_payment_method';
  pi.latest_charge = ch.id;
  pi.next_action = null;
  pi.payment_method = null;
  pi.last_payment_error = {
    advice_code: adviceCode,
    charge: ch.id,
    code,
    decline_code: declineCode,
    doc_url: doc,
    message,
    network_advice_code: null,
    network_decline_code: null,
    param: null,
    payment_method: pm,
    payment_method_type: pm.type,
    type: 'card_error',
  };
  ctx.app.store.changed();
  emit(ctx, 'payment_intent.payment_failed', pi, { previous: prev });
  throw cardError(message, code, {
    decline_code: declineCode,
    ...(adviceCode ? { advice_code: adviceCode } : {}),
    charge: ch.id,
    payment_intent: structuredClone(pi),
    payment_method: pm,
  });
}

function declineFor(test: TestCard): {
  code: string;
  decline: string;
  message: string;
  advice: string | null;
} {
  return {
    code: test.code ?? 'card_declined',
    decline: test.declineCode ?? 'generic_decline',
    message: test.message ?? DECLINE_MESSAGE,
    advice: test.adviceCode ?? null,
  };
}

export function succeed(
  ctx: Ctx,
  pi: PaymentIntent,
  pm: PaymentMethod,
  test: TestCard | null,
  threeDSecure: boolean,
): void {
  const manual = pi.capture_method === 'manual';
  const amount = pi.amount;
  const ch = newCharge(ctx, {
    amount,
    currency: pi.currency,
    pi,
    pm,
    status: 'succeeded',
    captured: !manual,
    threeDSecure,
  });
  const prev = { status: pi.status, latest_charge: pi.latest_charge, next_action: pi.next_action };
  pi.latest_charge = ch.id;
  pi.next_action = null;
  pi.last_payment_error = null;
  if (pi.setup_future_usage && pi.customer && !pm.customer) attach(ctx, pm, String(pi.customer));
  if (threeDSecure) {
    const internal = pmTable(ctx).get(pm.id);
    if (internal && pi.setup_future_usage) internal.setupDone = true;
  }
  emit(ctx, 'charge.succeeded', ch);
  if (manual) {
    pi.status = 'requires_capture';
    pi.amount_capturable = amount;
    ctx.app.store.changed();
    emit(ctx, 'payment_intent.amount_capturable_updated', pi, {
      previous: { ...prev, amount_capturable: 0 },
    });
    return;
  }
  settleCharge(ctx, ch, pi, amount, { available: Boolean(test?.available) });
  pi.status = 'succeeded';
  pi.amount_received = amount;
  ctx.app.store.changed();
  emit(ctx, 'payment_intent.succeeded', pi, { previous: { ...prev, amount_received: 0 } });
  emit(ctx, 'charge.updated', ch, { previous: { balance_transaction: null } });
  if (test?.dispute) openDispute(ctx, ch, test.dispute);
  paymentSucceeded(ctx, pi);
}

function requireAction(ctx: Ctx, pi: PaymentIntent, opts: ConfirmOptions): void {
  const url = `${ctx.app.config.publicUrl}/3ds/authenticate/${pi.id}?client_secret=${pi.client_secret}`;
  threeDsTable(ctx.app).set(pi.id, { owner: ctx.account, returnUrl: opts.returnUrl });
  const prev = { status: pi.status, next_action: pi.next_action };
  pi.status = 'requires_action';
  pi.next_action = opts.returnUrl
    ? { type: 'redirect_to_url', redirect_to_url: { return_url: opts.returnUrl, url } }
    : {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: `src_${pi.id.slice(3)}` },
      };
  ctx.app.store.changed();
  emit(ctx, 'payment_intent.requires_action', pi, { previous: prev });
}

function processBank(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod): void {
  const ch = newCharge(ctx, {
    amount: pi.amount,
    currency: pi.currency,
    pi,
    pm,
    status: 'pending',
    captured: true,
  });
  const prev = { status: pi.status, latest_charge: pi.latest_charge };
  pi.status = 'processing';
  pi.latest_charge = ch.id;
  ctx.app.store.changed();
  emit(ctx, 'charge.pending', ch);
  emit(ctx, 'payment_intent.processing', pi, { previous: prev });
  const owner = ctx.account;
  const app = ctx.app;
  app.store.table<string>('processing').set(pi.id, owner);
  app.timers.after(app.config.asyncPaymentDelayMs, () => settleBankDebit(app, pi.id));
}

/** Finish a `processing` bank debit: succeeded, or failed per Stripe's test account numbers. */
export function settleBankDebit(app: App, piId: string): boolean {
  const table = app.store.table<string>('processing');
  const owner = table.get(piId);
  if (!owner) return false;
  table.delete(piId);
  const ctx = systemCtx(app, owner);
  const pi = app.store.get(owner, piId, 'payment_intent');
  if (pi?.status !== 'processing') return false;
  const ch = app.store.get(owner, String(pi.latest_charge), 'charge');
  const pm = app.store.get(owner, String(pi.payment_method), 'payment_method');
  if (!ch || !pm) return false;
  const result = bankOutcome(pmTable(ctx).get(pm.id)?.bankAccount ?? '');
  if (result.ok) {
    ch.status = 'succeeded';
    ch.paid = true;
    ch.outcome = outcomeFor('succeeded');
    const amount = pi.amount;
    settleCharge(ctx, ch, pi, amount, { available: false, fee: Math.min(Math.round(amount * 0.008), 500) });
    emit(ctx, 'charge.succeeded', ch, { previous: { status: 'pending', paid: false } });
    pi.status = 'succeeded';
    pi.amount_received = amount;
    emit(ctx, 'payment_intent.succeeded', pi, { previous: { status: 'processing', amount_received: 0 } });
    paymentSucceeded(ctx, pi);
  } else {
    ch.status = 'failed';
    ch.failure_code = result.code;
    ch.failure_message = result.message;
    ch.outcome = outcomeFor('failed', result.code);
    emit(ctx, 'charge.failed', ch, { previous: { status: 'pending' } });
    pi.status = 'requires_payment_method';
    pi.payment_method = null;
    pi.last_payment_error = {
      code: result.code,
      decline_code: null,
      doc_url: null,
      message: result.message,
      payment_method: pm,
      payment_method_type: 'us_bank_account',
      type: 'invalid_request_error',
    };
    emit(ctx, 'payment_intent.payment_failed', pi, { previous: { status: 'processing' } });
    for (const fn of failedHooks) fn(ctx, pi);
  }
  app.store.changed();
  return true;
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/** Stripe's `payment_intent_unexpected_state` unless the PaymentIntent's status lets it be `action`ed. */
export function expectStatus(
  pi: PaymentIntent,
  allowed: readonly string[],
  action: string,
  done: string,
): void {
  if (allowed.includes(pi.status)) return;
  throw invalidRequest(
    `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent ` +
      `with one of the following statuses may be ${done}: ${allowed.join(', ')}.`,
    undefined,
    'payment_intent_unexpected_state',
  );
}

export function confirmPaymentIntent(ctx: Ctx, pi: PaymentIntent, opts: ConfirmOptions): void {
  expectStatus(pi, CONFIRMABLE, 'confirm', 'confirmed');
  const pm = paymentMethodOf(ctx, pi);
  if (pm.type === 'us_bank_account') {
    processBank(ctx, pi, pm);
    return;
  }
  const test = testCardOf(ctx, pm);
  const outcome = test?.outcome ?? 'success';
  const setupDone = pmTable(ctx).get(pm.id)?.setupDone === true;
  const needs3ds =
    outcome === 'three_ds' ||
    outcome === 'three_ds_decline' ||
    (outcome === 'three_ds_on_setup' && !setupDone);
  if (needs3ds) {
    if (opts.offSession || opts.errorOnRequiresAction) {
      fail(
        ctx,
        pi,
        pm,
        'authentication_required',
        'authentication_required',
        'Your card was declined. This transaction requires authentication.',
      );
    }
    requireAction(ctx, pi, opts);
    return;
  }
  if (test && (outcome === 'decline' || outcome === 'charge_fail')) {
    const d = declineFor(test);
    fail(ctx, pi, pm, d.code, d.decline, d.message, d.advice);
  }
  succeed(ctx, pi, pm, test, false);
}

/** The hosted 3-D Secure page's verdict. Returns the PaymentIntent. */
export function completeThreeDs(app: App, piId: string, passed: boolean): PaymentIntent | null {
  const pending = threeDsTable(app).get(piId);
  if (!pending) return null;
  threeDsTable(app).delete(piId);
  const ctx = systemCtx(app, pending.owner);
  const pi = app.store.get(pending.owner, piId, 'payment_intent');
  if (pi?.status !== 'requires_action') return pi ?? null;
  const pm = app.store.get(pending.owner, String(pi.payment_method), 'payment_method');
  if (!pm) return pi;
  const test = testCardOf(ctx, pm);
  try {
    if (!passed) {
      const prev = { status: pi.status, next_action: pi.next_action, payment_method: pi.payment_method };
      pi.status = 'requires_payment_method';
      pi.next_action = null;
      pi.payment_method = null;
      pi.last_payment_error = {
        code: 'payment_intent_authentication_failure',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
        message:
          'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a ' +
          'new PaymentMethod to attempt to fulfill this PaymentIntent again.',
        payment_method: pm,
        payment_method_type: 'card',
        type: 'invalid_request_error',
      };
      app.store.changed();
      emit(ctx, 'payment_intent.payment_failed', pi, { previous: prev });
    } else if (test?.outcome === 'three_ds_decline') {
      const d = declineFor(test);
      fail(ctx, pi, pm, d.code, d.decline, d.message, d.advice);
    } else {
      succeed(ctx, pi, pm, test, true);
    }
  } catch {
    // A decline after authentication: the PaymentIntent already records it.
  }
  return pi;
}
