import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function typesSince(id: string): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100, ending_before: id });
  return events.data.map((e) => e.type).reverse();
}

async function lastEventId(): Promise<string> {
  const e = await stripe.events.list({ limit: 1 });
  return e.data[0]!.id;
}

describe('customers and payment methods', () => {
  it('creates, updates, searches and deletes customers with events', async () => {
    const cus = await stripe.customers.create({
      email: 'jenny@example.com',
      name: 'Jenny',
      metadata: { tier: 'gold' },
    });
    expect(cus.id).toMatch(/^cus_\w{14}$/);
    const updated = await stripe.customers.update(cus.id, { name: 'Jenny Rosen' });
    expect(updated.name).toBe('Jenny Rosen');
    const found = await stripe.customers.search({
      query: "metadata['tier']:'gold' AND email:'jenny@example.com'",
    });
    expect(found.data.map((c) => c.id)).toContain(cus.id);
    const events = await stripe.events.list({ types: ['customer.updated'], limit: 1 });
    expect(events.data[0]!.data.previous_attributes).toEqual({ name: 'Jenny' });
    const del = await stripe.customers.del(cus.id);
    expect(del.deleted).toBe(true);
    const again = await stripe.customers.retrieve(cus.id);
    expect((again as Stripe.DeletedCustomer).deleted).toBe(true);
  });

  it('attaches raw test cards and tokens, sets the default, detaches', async () => {
    const cus = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4000 0000 0000 9995', exp_month: 12, exp_year: 2040, cvc: '123' },
    } as Stripe.PaymentMethodCreateParams);
    expect(pm.card?.last4).toBe('9995');
    await stripe.paymentMethods.attach(pm.id, { customer: cus.id });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    expect(visa.id).not.toBe('pm_card_visa');
    const c2 = await stripe.customers.update(cus.id, {
      invoice_settings: { default_payment_method: visa.id },
    });
    expect(c2.invoice_settings.default_payment_method).toBe(visa.id);
    const list = await stripe.customers.listPaymentMethods(cus.id);
    expect(list.data).toHaveLength(2);
    const detached = await stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    await expect(
      stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424241', exp_month: 12, exp_year: 2040 },
      } as Stripe.PaymentMethodCreateParams),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'incorrect_number' });
    await expect(
      stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424242', exp_month: 13, exp_year: 2040 },
      } as Stripe.PaymentMethodCreateParams),
    ).rejects.toMatchObject({ code: 'invalid_expiry_month' });
  });
});

describe('payment intents', () => {
  it('create + confirm succeeds with a charge, fees and events in Stripe’s order', async () => {
    const before = await lastEventId();
    const pi = await stripe.paymentIntents.create({ amount: 10_000, currency: 'usd' });
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(10_000);
    const charge = await stripe.charges.retrieve(String(confirmed.latest_charge), {
      expand: ['balance_transaction'],
    });
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.fee).toBe(320);
    expect(bt.net).toBe(9680);
    expect(bt.fee_details[0]).toMatchObject({ type: 'stripe_fee', amount: 320 });
    expect(await typesSince(before)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.updated',
    ]);
    const ev = (await stripe.events.list({ types: ['payment_intent.succeeded'], limit: 1 })).data[0]!;
    expect(ev.request?.id).toMatch(/^req_/);
    expect(ev.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(ev.data.previous_attributes).toMatchObject({ status: 'requires_payment_method' });
  });

  it('declines with a 402 card_error carrying decline_code and the payment intent', async () => {
    const before = await lastEventId();
    const err = await stripe.paymentIntents
      .create({
        amount: 500,
        currency: 'usd',
        payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds',
        confirm: true,
      })
      .then(
        () => {
          throw new Error('expected a decline');
        },
        (e: unknown) => e as Stripe.errors.StripeCardError,
      );
    expect(err).toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    });
    expect(err.payment_intent?.status).toBe('requires_payment_method');
    expect(err.payment_intent?.last_payment_error?.decline_code).toBe('insufficient_funds');
    expect(await typesSince(before)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    const raw = await stripe.paymentIntents
      .create({
        amount: 500,
        currency: 'usd',
        payment_method_data: {
          type: 'card',
          card: { number: '4000000000000002', exp_month: 1, exp_year: 2040 },
        },
        confirm: true,
      } as Stripe.PaymentIntentCreateParams)
      .catch((e: Stripe.errors.StripeCardError) => e);
    expect(raw).toMatchObject({ decline_code: 'generic_decline' });
  });

  it('manual capture: requires_capture then partial capture, cancel, update, search', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { order: 'o-1' },
    });
    expect(pi.status).toBe('requires_capture');
    expect(pi.amount_capturable).toBe(3000);
    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 4000 })).rejects.toMatchObject({
      param: 'amount_to_capture',
    });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2500 });
    expect(captured.status).toBe('succeeded');
    expect(captured.amount_received).toBe(2500);
    const ch = await stripe.charges.retrieve(String(captured.latest_charge));
    expect(ch.amount_captured).toBe(2500);
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });

    const other = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    const upd = await stripe.paymentIntents.update(other.id, {
      amount: 900,
      payment_method: 'pm_card_mastercard',
    });
    expect(upd.amount).toBe(900);
    expect(upd.status).toBe('requires_confirmation');
    const canceled = await stripe.paymentIntents.cancel(other.id, { cancellation_reason: 'abandoned' });
    expect(canceled.status).toBe('canceled');
    const found = await stripe.paymentIntents.search({ query: "metadata['order']:'o-1'" });
    expect(found.data.map((p) => p.id)).toEqual([pi.id]);
  });

  it('3-D Secure: requires_action with redirect_to_url; the hosted page completes or fails it', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1234,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'https://shop.example/return',
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const url = pi.next_action!.redirect_to_url!.url!;
    expect((await fetch(url)).status).toBe(200);
    const res = await fetch(url.split('?')[0]!, {
      method: 'POST',
      body: new URLSearchParams({ action: 'complete' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('payment_intent')).toBe(pi.id);
    expect(loc.searchParams.get('redirect_status')).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');

    const failing = await stripe.paymentIntents.create({
      amount: 1234,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'https://shop.example/return',
    });
    await fetch(failing.next_action!.redirect_to_url!.url!.split('?')[0]!, {
      method: 'POST',
      body: new URLSearchParams({ action: 'fail' }),
      redirect: 'manual',
    });
    const after = await stripe.paymentIntents.retrieve(failing.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_intent_authentication_failure');

    await expect(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequiredOnSetup',
        confirm: true,
        off_session: true,
      }),
    ).rejects.toMatchObject({ code: 'authentication_required' });
  });

  it('refunds: partial, several, never more than charged, with balance transactions', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    expect(r1.status).toBe('succeeded');
    const r2 = await stripe.refunds.create({ charge: String(pi.latest_charge), amount: 1500 });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 3000 })).rejects.toMatchObject({
      code: 'amount_too_large',
    });
    const r3 = await stripe.refunds.create({ payment_intent: pi.id });
    expect(r3.amount).toBe(2500);
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    const ch = await stripe.charges.retrieve(String(pi.latest_charge), { expand: ['refunds'] });
    expect(ch.refunded).toBe(true);
    expect(ch.amount_refunded).toBe(5000);
    expect(ch.refunds?.data.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
    const bt = await stripe.balanceTransactions.retrieve(String(r1.balance_transaction));
    expect(bt).toMatchObject({ type: 'refund', amount: -1000 });
    const plain = await stripe.charges.retrieve(String(pi.latest_charge));
    expect('refunds' in plain).toBe(false);
  });

  it('rejects an application fee without a connected account', async () => {
    await expect(
      stripe.paymentIntents.create({ amount: 1000, currency: 'usd', application_fee_amount: 100 }),
    ).rejects.toMatchObject({ param: 'application_fee_amount' });
  });
});
