// Test PaymentMethod tokens (`pm_card_visa`, `tok_visa` …) wherever the API takes a PaymentMethod id. A
// token names a fresh clone; within one request the same token names the same clone, so a customer created
// with `payment_method` and `invoice_settings[default_payment_method]` both `pm_card_visa` gets the clone as
// its default. Defaults (customer, subscription, invoice) must be attached to the customer.
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
afterAll(async () => {
  await sb?.close();
});

async function stripeError(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the request to fail');
}

async function monthlyPrice(): Promise<string> {
  const product = await stripe.products.create({ name: 'Tokens plan' });
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1500,
    recurring: { interval: 'month' },
  });
  return price.id;
}

describe('customer create with a token as payment_method and default (billing quick start)', () => {
  it('attaches one clone and makes it the default', async () => {
    const cus = await stripe.customers.create({
      email: 'quick@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const pmId = cus.invoice_settings.default_payment_method as string;
    expect(pmId).toMatch(/^pm_/);
    expect(pmId).not.toBe('pm_card_visa');
    const pms = await stripe.customers.listPaymentMethods(cus.id);
    expect(pms.data.map((p) => p.id)).toEqual([pmId]);
    expect(pms.data[0]!.card?.last4).toBe('4242');
    const again = await stripe.customers.retrieve(cus.id);
    expect((again as Stripe.Customer).invoice_settings.default_payment_method).toBe(pmId);
  });

  it('a default naming another token than payment_method is not attached', async () => {
    const err = await stripeError(
      stripe.customers.create({
        payment_method: 'pm_card_visa',
        invoice_settings: { default_payment_method: 'pm_card_mastercard' },
      }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('invoice_settings[default_payment_method]');
  });

  it('a declined card fails the create (402) and creates no customer', async () => {
    const before = (await stripe.customers.list({ email: 'declined@example.com' })).data.length;
    const err = await stripeError(
      stripe.customers.create({ email: 'declined@example.com', payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(err.type).toBe('StripeCardError');
    expect(err.decline_code).toBe('generic_decline');
    expect((await stripe.customers.list({ email: 'declined@example.com' })).data.length).toBe(before);
  });

  it('pm_card_chargeCustomerFail attaches (its charges fail later)', async () => {
    const cus = await stripe.customers.create({
      payment_method: 'pm_card_chargeCustomerFail',
      invoice_settings: { default_payment_method: 'pm_card_chargeCustomerFail' },
    });
    expect(cus.invoice_settings.default_payment_method).toMatch(/^pm_/);
  });
});

describe('a token in a later request names a new clone', () => {
  it('customer update: the token is not the attached clone; the id attach returned is', async () => {
    const cus = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const err = await stripeError(
      stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: 'pm_card_visa' } }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('resource_missing');
    expect(err.message).toBe(
      'The customer does not have a payment method with the ID pm_card_visa. The payment method must be ' +
        'attached to the customer.',
    );
    const pm = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: cus.id });
    expect(pm.id).not.toBe('pm_card_mastercard');
    const updated = await stripe.customers.update(cus.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
  });

  it("subscriptions: default_payment_method must be one of the customer's; the customer default pays", async () => {
    const price = await monthlyPrice();
    const cus = await stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const err = await stripeError(
      stripe.subscriptions.create({
        customer: cus.id,
        items: [{ price }],
        default_payment_method: 'pm_card_visa',
      }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe('default_payment_method');
    expect(err.message).toContain('pm_card_visa');

    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price }] });
    expect(sub.status).toBe('active');
    const own = await stripe.paymentMethods.attach('pm_card_amex', { customer: cus.id });
    const withDefault = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price }],
      default_payment_method: own.id,
      expand: ['latest_invoice.payments'],
    });
    expect(withDefault.default_payment_method).toBe(own.id);
    const updateErr = await stripeError(
      stripe.subscriptions.update(withDefault.id, { default_payment_method: 'pm_card_visa' }),
    );
    expect(updateErr.code).toBe('resource_missing');
  });

  it('invoices: default_payment_method must be attached; pay takes a token and charges its clone', async () => {
    const cus = await stripe.customers.create({ email: 'inv-token@example.com' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 700, currency: 'usd' });
    const err = await stripeError(
      stripe.invoices.create({
        customer: cus.id,
        default_payment_method: 'pm_card_visa',
        pending_invoice_items_behavior: 'include',
      }),
    );
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('default_payment_method');

    const inv = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
    const paid = await stripe.invoices.pay(inv.id, { payment_method: 'pm_card_mastercard' });
    expect(paid.status).toBe('paid');
    expect(paid.amount_paid).toBe(700);

    await stripe.invoiceItems.create({ customer: cus.id, amount: 300, currency: 'usd' });
    const inv2 = await stripe.invoices.create({
      customer: cus.id,
      pending_invoice_items_behavior: 'include',
    });
    await stripe.invoices.finalizeInvoice(inv2.id);
    const declined = await stripeError(
      stripe.invoices.pay(inv2.id, { payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(declined.type).toBe('StripeCardError');
    expect(declined.decline_code).toBe('generic_decline');
  });
});

describe('PaymentIntents and SetupIntents take every test token the sandbox knows', () => {
  const outcomes: [string, string, string?][] = [
    ['pm_card_visa', 'succeeded'],
    ['pm_card_visa_debit', 'succeeded'],
    ['pm_card_mastercard', 'succeeded'],
    ['pm_card_amex', 'succeeded'],
    ['pm_card_discover', 'succeeded'],
    ['pm_card_bypassPending', 'succeeded'],
    ['pm_card_createDispute', 'succeeded'],
    ['pm_card_pendingRefund', 'succeeded'],
    ['pm_card_threeDSecure2Required', 'requires_action'],
    ['pm_card_authenticationRequired', 'requires_action'],
    ['pm_card_chargeDeclined', 'declined', 'generic_decline'],
    ['pm_card_visa_chargeDeclined', 'declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'declined', 'insufficient_funds'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedLostCard', 'declined', 'lost_card'],
    ['pm_card_chargeDeclinedStolenCard', 'declined', 'stolen_card'],
    ['pm_card_chargeDeclinedExpiredCard', 'declined', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'declined', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'declined', 'processing_error'],
    ['pm_card_radarBlock', 'declined', 'fraudulent'],
    ['pm_card_chargeCustomerFail', 'declined', 'generic_decline'],
  ];

  it.each(outcomes)('%s → %s', async (token, outcome, declineCode) => {
    const create = stripe.paymentIntents.create({
      amount: 1200,
      currency: 'usd',
      payment_method: token,
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    if (outcome !== 'declined') {
      const pi = await create;
      expect(pi.status).toBe(outcome);
      expect(pi.payment_method).toMatch(/^pm_/);
      expect(pi.payment_method).not.toBe(token);
      return;
    }
    const err = await stripeError(create);
    expect(err.type).toBe('StripeCardError');
    expect(err.decline_code).toBe(declineCode);
    expect(err.payment_intent?.status).toBe('requires_payment_method');
  });

  it('tok_* tokens work as payment_method and as payment_method_data[card][token]', async () => {
    const a = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'tok_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(a.status).toBe('succeeded');
    const b = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      // The SDK's types leave out `card` (raw card data goes through Stripe.js); the API takes a token here.
      payment_method_data: {
        type: 'card',
        card: { token: 'tok_mastercard' },
      } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      expand: ['payment_method'],
    });
    expect((b.payment_method as Stripe.PaymentMethod).card?.brand).toBe('mastercard');
  });

  it('a PaymentIntent for a customer saves the clone with setup_future_usage', async () => {
    const cus = await stripe.customers.create({ email: 'sfu@example.com' });
    const pi = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      setup_future_usage: 'off_session',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(pi.status).toBe('succeeded');
    const pms = await stripe.customers.listPaymentMethods(cus.id);
    expect(pms.data.map((p) => p.id)).toEqual([pi.payment_method]);
  });

  it('SetupIntents: a token sets up a clone for the customer; a declining one fails', async () => {
    const cus = await stripe.customers.create({ email: 'seti@example.com' });
    const si = await stripe.setupIntents.create({
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(si.status).toBe('succeeded');
    const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm.customer).toBe(cus.id);
    const err = await stripeError(
      stripe.setupIntents.create({
        customer: cus.id,
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      }),
    );
    expect(err.type).toBe('StripeCardError');
    const threeDs = await stripe.setupIntents.create({
      customer: cus.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(threeDs.status).toBe('requires_action');
  });

  it('an unknown token is a missing PaymentMethod', async () => {
    const err = await stripeError(
      stripe.paymentIntents.create({
        amount: 500,
        currency: 'usd',
        payment_method: 'pm_card_nope',
        confirm: true,
      }),
    );
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
  });
});
