// Paying a Checkout Session on the hosted page: the PaymentIntent (payment), the subscription
// (subscription) or the SetupIntent (setup) that the API paths would make, then `checkout.session.completed`
// (and `payment_link.updated` when a link's limit counts down); bank debits settle later with
// `checkout.session.async_payment_*`.
import type { Ctx } from '../../app.ts';
import { unschedule } from '../../billing/scheduler.ts';
import { DECLINE_MESSAGE } from '../../cards.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { CheckoutSession } from '../../objects/checkout.ts';
import type { PaymentIntent, PaymentMethod } from '../../objects/payments.ts';
import { confirmPaymentIntent, onAsyncPaymentFailed, onPaymentSucceeded } from '../../payments/confirm.ts';
import { invalidRequest, StripeError } from '../../wire/errors.ts';
import { emptyAddress, mergeMetadata } from '../../wire/schema.ts';
import { customerObject } from '../customers/model.ts';
import { createPaymentIntent, type PaymentIntentParams } from '../payment_intents.ts';
import { attach, testCardOf } from '../payment_methods.ts';
import { createSetupIntent } from '../setup_intents.ts';
import { createSubscriptionFor } from '../subscriptions/lifecycle.ts';
import { sessionData } from './sessions.ts';

export interface CompleteResult {
  ok: boolean;
  error: string | null;
  /** A 3-D Secure page to visit first. */
  redirect: string | null;
}

function customerFor(ctx: Ctx, cs: CheckoutSession, email: string | null): string | null {
  if (cs.customer) return cs.customer;
  if (cs.mode === 'payment' && cs.customer_creation !== 'always') return null;
  const cus = customerObject(email, null);
  ctx.app.store.insert(ctx.account, cus);
  emit(ctx, 'customer.created', cus);
  cs.customer = cus.id;
  return cus.id;
}

/** Pay a session with a card PaymentMethod (the hosted page). */
export function completeSession(
  ctx: Ctx,
  cs: CheckoutSession,
  pm: PaymentMethod,
  email: string | null,
): CompleteResult {
  if (cs.status !== 'open')
    return { ok: false, error: `This Checkout Session is ${cs.status}.`, redirect: null };
  const data = sessionData(ctx.app).get(cs.id)!;
  const customer = customerFor(ctx, cs, email);
  try {
    if (cs.mode === 'payment') {
      const pid = data.pid ?? {};
      let pi = cs.payment_intent
        ? ctx.app.store.get(ctx.account, cs.payment_intent, 'payment_intent')
        : undefined;
      if (!pi) {
        const fee =
          pid.application_fee_amount ??
          (data.feePct != null ? Math.round(((cs.amount_total ?? 0) * data.feePct) / 100) : null);
        const td = pid.transfer_data;
        const params: PaymentIntentParams = {
          amount: cs.amount_total ?? 0,
          currency: String(cs.currency),
          customer,
          allowed_payment_method_types: ['card', 'us_bank_account'],
          metadata: pid.metadata ?? {},
          description: pid.description ?? null,
          capture_method: pid.capture_method ?? 'automatic_async',
          setup_future_usage: pid.setup_future_usage ?? null,
          on_behalf_of: pid.on_behalf_of ?? null,
          transfer_data: td ? { ...td, destination: String(td.destination) } : null,
          transfer_group: pid.transfer_group ?? null,
          statement_descriptor: pid.statement_descriptor ?? null,
          receipt_email: email,
        };
        if (fee != null) params.application_fee_amount = fee;
        pi = createPaymentIntent(ctx, params);
        cs.payment_intent = pi.id;
        ctx.app.store.table<string>('checkout_by_pi').set(pi.id, cs.id);
      }
      pi.payment_method = pm.id;
      pi.status = 'requires_confirmation';
      confirmPaymentIntent(ctx, pi, {
        offSession: false,
        returnUrl: `${ctx.app.config.publicUrl}/c/return/${cs.id}`,
        errorOnRequiresAction: false,
      });
      if (pi.status === 'requires_action') {
        return { ok: false, error: null, redirect: pi.next_action?.redirect_to_url?.url ?? null };
      }
      if (pi.status !== 'succeeded' && pi.status !== 'requires_capture' && pi.status !== 'processing') {
        return { ok: false, error: 'Your payment was not completed.', redirect: null };
      }
      finishSession(ctx, cs, email);
      return { ok: true, error: null, redirect: null };
    }
    if (cs.mode === 'subscription') {
      if (!customer) throw invalidRequest('A customer is required.');
      // Checkout creates the subscription only once the card is accepted.
      const outcome = testCardOf(ctx, pm)?.outcome;
      if (outcome === 'decline' || outcome === 'charge_fail')
        return { ok: false, error: DECLINE_MESSAGE, redirect: null };
      attach(ctx, pm, customer);
      const sd = data.sd ?? {};
      const sub = createSubscriptionFor(ctx, {
        customer,
        items: data.items,
        default_payment_method: pm.id,
        application_fee_percent:
          sd.application_fee_percent != null ? Number(sd.application_fee_percent) : data.feePct,
        trial_period_days: sd.trial_period_days ?? null,
        metadata: mergeMetadata({}, sd.metadata),
        description: sd.description ?? null,
        payment_behavior: 'allow_incomplete',
        off_session: false,
      });
      if (sub.status === 'incomplete') {
        return { ok: false, error: 'Your card was declined.', redirect: null };
      }
      cs.subscription = sub.id;
      cs.invoice = sub.latest_invoice;
      finishSession(ctx, cs, email);
      return { ok: true, error: null, redirect: null };
    }
    const types = cs.payment_method_types;
    if (!types.includes(pm.type))
      return { ok: false, error: 'This payment method is not accepted here.', redirect: null };
    const sid = data.sid ?? {};
    const si = createSetupIntent(ctx, {
      customer,
      payment_method: pm.id,
      confirm: true,
      usage: 'off_session',
      allowed_payment_method_types: types,
      description: sid.description ?? null,
      metadata: sid.metadata ?? {},
      on_behalf_of: sid.on_behalf_of ?? null,
      // 3-D Secure on setup comes back to the session (checkoutReturn), as a payment's does
      return_url: `${ctx.app.config.publicUrl}/c/return/${cs.id}`,
    });
    cs.setup_intent = si.id;
    if (si.status === 'requires_action') {
      return { ok: false, error: null, redirect: si.next_action?.redirect_to_url?.url ?? null };
    }
    if (si.status !== 'succeeded') return { ok: false, error: 'Card setup failed.', redirect: null };
    finishSession(ctx, cs, email);
    return { ok: true, error: null, redirect: null };
  } catch (e) {
    ctx.app.store.changed();
    if (e instanceof StripeError) return { ok: false, error: e.body.message, redirect: null };
    throw e;
  }
}

export function finishSession(ctx: Ctx, cs: CheckoutSession, email: string | null): void {
  if (cs.status !== 'open') return;
  cs.status = 'complete';
  cs.url = null;
  cs.payment_status = cs.mode === 'setup' ? 'no_payment_required' : 'paid';
  const pi = cs.payment_intent
    ? ctx.app.store.get(ctx.account, cs.payment_intent, 'payment_intent')
    : undefined;
  if (pi?.status === 'processing') cs.payment_status = 'unpaid';
  if (cs.mode === 'subscription' && cs.invoice) {
    const inv = ctx.app.store.get(ctx.account, cs.invoice, 'invoice');
    if (inv && inv.amount_due === 0) cs.payment_status = 'no_payment_required';
  }
  cs.customer_details = {
    address: emptyAddress(),
    business_name: null,
    email: email ?? cs.customer_details?.email ?? null,
    individual_name: null,
    name: null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  unschedule(ctx.app, cs.id);
  ctx.app.store.changed();
  emit(ctx, 'checkout.session.completed', cs);
  if (cs.payment_link) {
    const link = ctx.app.store.get(ctx.account, cs.payment_link, 'payment_link');
    const done = link?.restrictions;
    if (link && done) {
      const before = snapshot(link);
      done.completed_sessions.count += 1;
      if (done.completed_sessions.count >= done.completed_sessions.limit) link.active = false;
      ctx.app.store.changed();
      emit(ctx, 'payment_link.updated', link, { previous: changes(before, link) });
    }
  }
}

/** Where the browser goes after paying. */
export function afterCompletion(ctx: Ctx, cs: CheckoutSession): string {
  if (cs.payment_link) {
    const link = ctx.app.store.get(ctx.account, cs.payment_link, 'payment_link');
    const ac = link?.after_completion;
    if (ac?.type === 'redirect' && ac.redirect)
      return ac.redirect.url.replaceAll('{CHECKOUT_SESSION_ID}', cs.id);
    return `${ctx.app.config.publicUrl}/c/done/${cs.id}`;
  }
  if (cs.success_url) return cs.success_url.replaceAll('{CHECKOUT_SESSION_ID}', cs.id);
  return `${ctx.app.config.publicUrl}/c/done/${cs.id}`;
}

function sessionOfPi(ctx: Ctx, pi: PaymentIntent): CheckoutSession | undefined {
  const id = ctx.app.store.table<string>('checkout_by_pi').get(pi.id);
  return id ? ctx.app.store.get(ctx.account, id, 'checkout.session') : undefined;
}

// Bank debits settle after the session completed: Stripe follows up with async_payment_* events.
onPaymentSucceeded((ctx, pi) => {
  const cs = sessionOfPi(ctx, pi);
  if (cs?.status !== 'complete' || cs.payment_status !== 'unpaid') return;
  cs.payment_status = 'paid';
  ctx.app.store.changed();
  emit(ctx, 'checkout.session.async_payment_succeeded', cs, { previous: { payment_status: 'unpaid' } });
});
onAsyncPaymentFailed((ctx, pi) => {
  const cs = sessionOfPi(ctx, pi);
  if (cs?.status === 'complete' && cs.payment_status === 'unpaid')
    emit(ctx, 'checkout.session.async_payment_failed', cs);
});
