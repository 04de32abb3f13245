// Collecting invoices yourself: `auto_advance=false` on an open invoice stops the automatic retries (the
// subscription stays past_due across clock advances), `invoices.pay` with another card then pays it; declines
// carry `decline_code` and `advice_code` per test card.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000;
const RENEWAL = Date.UTC(2026, 1, 1, 12) / 1000;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

const advance = (clock: string, to: number) => advanceClock(stripe, clock, to);

async function chargesOf(customer: string): Promise<Stripe.Charge[]> {
  return (await stripe.charges.list({ customer, limit: 100 })).data;
}

async function declineOf(p: Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
  const e = await p.then(
    () => {
      throw new Error('expected a decline');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(stripe.errors.StripeCardError);
  return e as Stripe.errors.StripeCardError;
}

describe('automatic collection per invoice', () => {
  it('auto_advance=false stops the retries; invoices.pay with a second card pays it', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 2000,
      recurring: { interval: 'month' },
      product_data: { name: 'Pro' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: visa.id,
    });
    expect(sub.status).toBe('active');
    const broke = await stripe.paymentMethods.attach('pm_card_visa_chargeDeclinedInsufficientFunds', {
      customer: cus.id,
    });
    await stripe.subscriptions.update(sub.id, { default_payment_method: broke.id });

    await advance(clock.id, RENEWAL + 3600 + 60);
    const failed = await stripe.subscriptions.retrieve(sub.id);
    expect(failed.status).toBe('past_due');
    const inv = await stripe.invoices.retrieve(String(failed.latest_invoice));
    expect(inv).toMatchObject({ status: 'open', attempt_count: 1, auto_advance: true });
    expect(inv.next_payment_attempt).toBe(RENEWAL + 3600 + DAY);
    const chargesBefore = (await chargesOf(cus.id)).length;

    const manual = await stripe.invoices.update(inv.id, { auto_advance: false });
    expect(manual).toMatchObject({ status: 'open', auto_advance: false, next_payment_attempt: null });

    // Past every default retry (days 1, 3, 5) and the final cancelation they would have led to.
    await advance(clock.id, RENEWAL + 10 * DAY);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    const still = await stripe.invoices.retrieve(inv.id);
    expect(still).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: null });
    expect(await chargesOf(cus.id)).toHaveLength(chargesBefore);

    // The platform's own dunning: the stored card fails again (no retry is planned), a second card pays.
    const again = await declineOf(stripe.invoices.pay(inv.id, { off_session: true }));
    expect(again).toMatchObject({ decline_code: 'insufficient_funds', advice_code: 'try_again_later' });
    const afterDecline = await stripe.invoices.retrieve(inv.id);
    expect(afterDecline).toMatchObject({ status: 'open', attempt_count: 2, next_payment_attempt: null });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');

    const mc = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: cus.id });
    const paid = await stripe.invoices.pay(inv.id, { payment_method: mc.id, off_session: true });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2000, attempt_count: 3 });
    expect(paid.status_transitions.paid_at).toBe(RENEWAL + 10 * DAY);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    const charges = await chargesOf(cus.id);
    expect(charges).toHaveLength(chargesBefore + 2);
    expect(charges[0]).toMatchObject({ status: 'succeeded', payment_method: mc.id, amount: 2000 });
  });

  it('turning auto_advance back on resumes the retry schedule', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1500,
      recurring: { interval: 'month' },
      product_data: { name: 'Team' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: visa.id,
    });
    const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    await advance(clock.id, RENEWAL + 3600 + 60);
    const invId = String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice);
    await stripe.invoices.update(invId, { auto_advance: false });
    await stripe.subscriptions.update(sub.id, { default_payment_method: visa.id });
    const resumed = await stripe.invoices.update(invId, { auto_advance: true });
    expect(resumed.next_payment_attempt).toBe(RENEWAL + 3600 + DAY);
    await advance(clock.id, RENEWAL + 3600 + DAY + 60);
    expect(await stripe.invoices.retrieve(invId)).toMatchObject({ status: 'paid', attempt_count: 2 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });
});

describe('a past_due subscription with two open invoices', () => {
  const MARCH = Date.UTC(2026, 2, 1, 12) / 1000;

  /** A subscription whose February and March renewals both failed, each taken off automatic collection. */
  async function twoUnpaid() {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
      product_data: { name: 'Plus' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: visa.id,
    });
    const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    await advance(clock.id, RENEWAL + 3600 + 60);
    const feb = String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice);
    await stripe.invoices.update(feb, { auto_advance: false });
    await advance(clock.id, MARCH + 3600 + 60);
    const mar = String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice);
    expect(mar).not.toBe(feb);
    expect(await stripe.invoices.retrieve(mar)).toMatchObject({ status: 'open', attempt_count: 1 });
    await stripe.invoices.update(mar, { auto_advance: false });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    return { cus, sub, visa, feb, mar };
  }

  it('paying the older invoice leaves it past_due while the later one is unpaid; paying that makes it active', async () => {
    const { sub, visa, feb, mar } = await twoUnpaid();
    await stripe.invoices.pay(feb, { payment_method: visa.id, off_session: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await stripe.invoices.pay(mar, { payment_method: visa.id, off_session: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('paying the latest invoice makes it active, the older one still open', async () => {
    const { sub, visa, feb, mar } = await twoUnpaid();
    await stripe.invoices.pay(mar, { payment_method: visa.id, off_session: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    expect((await stripe.invoices.retrieve(feb)).status).toBe('open');
  });
});

describe('paying with a bank debit', () => {
  it('invoices.pay answers the invoice still open while the debit is processing; paid once it settles', async () => {
    const cus = await stripe.customers.create({ name: 'Jenny Rosen' });
    const bank = await stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: {
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder_type: 'individual',
      },
      billing_details: { name: 'Jenny Rosen' },
    });
    await stripe.paymentMethods.attach(bank.id, { customer: cus.id });
    const draft = await stripe.invoices.create({ customer: cus.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: cus.id, invoice: draft.id, amount: 4200, currency: 'usd' });
    await stripe.invoices.finalizeInvoice(draft.id!, { auto_advance: false });
    const pending = await stripe.invoices.pay(draft.id!, {
      payment_method: bank.id,
      off_session: true,
      expand: ['payments.data.payment.payment_intent'],
    });
    expect(pending).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 4200 });
    const pi = pending.payments!.data.at(-1)!.payment.payment_intent as Stripe.PaymentIntent;
    expect(pi.status).toBe('processing');
    await fetch(`${sb.url}/_sandbox/payment_intents/settle`, { method: 'POST' });
    expect(await stripe.invoices.retrieve(draft.id!)).toMatchObject({ status: 'paid', amount_paid: 4200 });
  });
});

describe('decline and advice codes per test card', () => {
  const cases: [string, string, string, string][] = [
    ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'do_not_try_again'],
    ['pm_card_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', 'do_not_try_again'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'try_again_later'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'confirm_card_data'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', 'confirm_card_data'],
  ];

  it('invoices.pay answers 402 with decline_code and advice_code; the PaymentIntent and charge keep them', async () => {
    const cus = await stripe.customers.create({});
    await stripe.invoiceItems.create({ customer: cus.id, amount: 4200, currency: 'usd' });
    const inv = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
    await stripe.invoices.finalizeInvoice(inv.id);
    for (const [pm, code, decline, advice] of cases) {
      const e = await declineOf(stripe.invoices.pay(inv.id, { payment_method: pm, off_session: true }));
      expect(e.statusCode).toBe(402);
      expect(e).toMatchObject({ type: 'StripeCardError', code, decline_code: decline, advice_code: advice });
      expect(e.raw).toMatchObject({ type: 'card_error', advice_code: advice });
      expect(e.payment_intent?.last_payment_error).toMatchObject({
        code,
        decline_code: decline,
        advice_code: advice,
      });
      const charge = await stripe.charges.retrieve(String(e.payment_intent?.latest_charge));
      expect(charge.outcome).toMatchObject({ reason: decline, advice_code: advice });
    }
    const open = await stripe.invoices.retrieve(inv.id, { expand: ['payments.data.payment.payment_intent'] });
    expect(open).toMatchObject({ status: 'open', attempt_count: cases.length });
    const pi = open.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(pi.last_payment_error).toMatchObject({
      decline_code: 'incorrect_cvc',
      advice_code: 'confirm_card_data',
    });
    const paid = await stripe.invoices.pay(inv.id, { payment_method: 'pm_card_visa', off_session: true });
    expect(paid.status).toBe('paid');
  });

  it('a generic decline has no advice code', async () => {
    const e = await declineOf(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_visa_chargeDeclined',
        confirm: true,
      }),
    );
    expect(e.decline_code).toBe('generic_decline');
    expect(e.advice_code).toBeUndefined();
    expect(e.payment_intent?.last_payment_error?.advice_code).toBeNull();
  });
});
