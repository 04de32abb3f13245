// Adversarial review of the i16 sandbox features: cross-account isolation of the new paths, customer-balance
// arithmetic, state machines (schedules, invoices.pay, payouts, outages) and odd inputs on the new routes.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function failure(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Stripe.errors.StripeError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

const monthly = (unit_amount: number, currency = 'usd') =>
  stripe.prices.create({
    currency,
    unit_amount,
    recurring: { interval: 'month' },
    product_data: { name: 'P' },
  });

async function customerWithCard(email = 'r@example.com') {
  const cus = await stripe.customers.create({
    email,
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  return cus;
}

async function openInvoice(customer: string, amount: number, currency = 'usd') {
  await stripe.invoiceItems.create({ customer, amount, currency });
  const inv = await stripe.invoices.create({ customer, pending_invoice_items_behavior: 'include' });
  return stripe.invoices.finalizeInvoice(inv.id);
}

async function connectedAccount() {
  const acct = await stripe.accounts.create({ type: 'express' });
  await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
  return acct;
}

describe('review: requests that fail change nothing', () => {
  it('a customer update with a bad default payment method leaves the balance alone', async () => {
    const cus = await stripe.customers.create({ email: 'atomic@example.com' });
    const err = await failure(
      stripe.customers.update(cus.id, {
        balance: -500,
        invoice_settings: { default_payment_method: 'pm_does_not_exist' },
      }),
    );
    expect(err.code).toBe('resource_missing');
    const after = await stripe.customers.retrieve(cus.id);
    expect((after as Stripe.Customer).balance).toBe(0);
    const txns = await stripe.customers.listBalanceTransactions(cus.id);
    expect(txns.data).toEqual([]);
  });

  it('a schedule create that fails stores no schedule', async () => {
    const cus = await customerWithCard('sched-fail@example.com');
    const month = await monthly(1000);
    const year = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 10_000,
      recurring: { interval: 'year' },
      product_data: { name: 'Y' },
    });
    const err = await failure(
      stripe.subscriptionSchedules.create({
        customer: cus.id,
        start_date: 'now',
        phases: [{ items: [{ price: month.id }, { price: year.id }] }],
      }),
    );
    expect(err.statusCode).toBe(400);
    const list = await stripe.subscriptionSchedules.list({ customer: cus.id });
    expect(list.data).toEqual([]);
  });
});

describe('review: schedules check their payment method when created', () => {
  it('refuses an unknown default_payment_method on a schedule starting later', async () => {
    const cus = await customerWithCard('sched-pm@example.com');
    const price = await monthly(1000);
    const err = await failure(
      stripe.subscriptionSchedules.create({
        customer: cus.id,
        start_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
        default_settings: { default_payment_method: 'pm_does_not_exist' },
        phases: [{ items: [{ price: price.id }] }],
      }),
    );
    expect(err.code).toBe('resource_missing');
  });

  it("refuses another account's PaymentMethod in a phase", async () => {
    const acct = await connectedAccount();
    const other = await customerWithCard('platform@example.com');
    const platformPm = other.invoice_settings.default_payment_method as string;
    const opts = { stripeAccount: acct.id };
    const cus = await stripe.customers.create({ email: 'conn@example.com' }, opts);
    const price = await monthly(1000).then((p) =>
      stripe.prices.create(
        {
          currency: 'usd',
          unit_amount: p.unit_amount ?? 0,
          recurring: { interval: 'month' },
          product_data: { name: 'C' },
        },
        opts,
      ),
    );
    const err = await failure(
      stripe.subscriptionSchedules.create(
        {
          customer: cus.id,
          start_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
          phases: [{ items: [{ price: price.id }], default_payment_method: platformPm }],
        },
        opts,
      ),
    );
    expect(err.code).toBe('resource_missing');
  });

  it("refuses another account's price and customer", async () => {
    const acct = await connectedAccount();
    const opts = { stripeAccount: acct.id };
    const platformCus = await customerWithCard('x@example.com');
    const platformPrice = await monthly(1000);
    const cus = await stripe.customers.create({ email: 'y@example.com' }, opts);
    const e1 = await failure(
      stripe.subscriptionSchedules.create(
        { customer: cus.id, phases: [{ items: [{ price: platformPrice.id }] }] },
        opts,
      ),
    );
    expect(e1.code).toBe('resource_missing');
    const e2 = await failure(
      stripe.subscriptionSchedules.create(
        { customer: platformCus.id, phases: [{ items: [{ price: platformPrice.id }] }] },
        opts,
      ),
    );
    expect(e2.code).toBe('resource_missing');
  });
});

describe('review: invoices.pay', () => {
  it('refuses a PaymentMethod attached to another customer', async () => {
    const alice = await customerWithCard('alice@example.com');
    const bob = await customerWithCard('bob@example.com');
    const inv = await openInvoice(alice.id, 1500);
    const err = await failure(
      stripe.invoices.pay(inv.id, { payment_method: bob.invoice_settings.default_payment_method as string }),
    );
    expect(err.statusCode).toBe(400);
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('open');
  });

  it('refuses to pay an invoice already paid, as Stripe does', async () => {
    const cus = await customerWithCard('paid-twice@example.com');
    const inv = await openInvoice(cus.id, 1500);
    expect((await stripe.invoices.pay(inv.id)).status).toBe('paid');
    const err = await failure(stripe.invoices.pay(inv.id));
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe('Invoice is already paid');
  });

  it('refuses to pay a void invoice', async () => {
    const cus = await customerWithCard('void@example.com');
    const inv = await openInvoice(cus.id, 1500);
    await stripe.invoices.voidInvoice(inv.id);
    const err = await failure(stripe.invoices.pay(inv.id));
    expect(err.statusCode).toBe(400);
    const oob = await failure(stripe.invoices.pay(inv.id, { paid_out_of_band: true }));
    expect(oob.statusCode).toBe(400);
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('void');
  });
});

describe('review: schedule params', () => {
  it('refuses a non-numeric application_fee_percent', async () => {
    const cus = await customerWithCard('fee@example.com');
    const price = await monthly(1000);
    const err = await failure(
      stripe.subscriptionSchedules.create({
        customer: cus.id,
        phases: [{ items: [{ price: price.id }], application_fee_percent: 'abc' as unknown as number }],
      }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe('phases[0][application_fee_percent]');
  });
});
