// Adversarial review of the i16 sandbox features: cross-account isolation of the new paths, customer-balance
// arithmetic, state machines (schedules, invoices.pay, payouts, outages) and odd inputs on the new routes.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, advanceClock, client, start } from './helpers.ts';

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

describe('review: customer balance arithmetic', () => {
  const credit = (customer: string, amount: number, currency = 'usd') =>
    stripe.customers.createBalanceTransaction(customer, { amount, currency });
  const balanceOf = async (id: string) => ((await stripe.customers.retrieve(id)) as Stripe.Customer).balance;

  it('a credit larger than the invoice pays it and the rest stays on the balance', async () => {
    const cus = await customerWithCard('big-credit@example.com');
    await credit(cus.id, -2000);
    const inv = await openInvoice(cus.id, 1500);
    expect(inv).toMatchObject({
      starting_balance: -2000,
      ending_balance: -500,
      amount_due: 0,
      status: 'paid',
    });
    expect(inv.amount_paid).toBe(0);
    expect(await balanceOf(cus.id)).toBe(-500);
  });

  it('a partial credit, then void gives back exactly what was taken', async () => {
    const cus = await customerWithCard('void-credit@example.com');
    await credit(cus.id, -1000);
    const inv = await stripe.invoices.create({ customer: cus.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 1500, currency: 'usd', invoice: inv.id });
    const open = await stripe.invoices.finalizeInvoice(inv.id);
    expect(open).toMatchObject({
      starting_balance: -1000,
      ending_balance: 0,
      amount_due: 500,
      status: 'open',
    });
    expect(await balanceOf(cus.id)).toBe(0);
    await stripe.invoices.voidInvoice(inv.id);
    expect(await balanceOf(cus.id)).toBe(-1000);
    const types = (await stripe.customers.listBalanceTransactions(cus.id)).data.map((t) => [
      t.type,
      t.amount,
    ]);
    expect(types).toEqual([
      ['unapplied_from_invoice', -1000],
      ['applied_to_invoice', 1000],
      ['adjustment', -1000],
    ]);
  });

  it('a debit is added to the invoice and cleared by it', async () => {
    const cus = await customerWithCard('debit@example.com');
    await credit(cus.id, 300);
    const inv = await openInvoice(cus.id, 1000);
    expect(inv).toMatchObject({ starting_balance: 300, ending_balance: 0, amount_due: 1300 });
    expect((await stripe.invoices.pay(inv.id)).amount_paid).toBe(1300);
    expect(await balanceOf(cus.id)).toBe(0);
  });

  it('two drafts share one credit: the second finalized takes only what is left', async () => {
    const cus = await customerWithCard('two@example.com');
    await credit(cus.id, -1000);
    const a = await stripe.invoices.create({ customer: cus.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 800, currency: 'usd', invoice: a.id });
    const b = await stripe.invoices.create({ customer: cus.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 800, currency: 'usd', invoice: b.id });
    const fa = await stripe.invoices.finalizeInvoice(a.id);
    const fb = await stripe.invoices.finalizeInvoice(b.id);
    expect([fa.amount_due, fa.ending_balance]).toEqual([0, -200]);
    expect([fb.starting_balance, fb.amount_due, fb.ending_balance]).toEqual([-200, 600, 0]);
    expect(await balanceOf(cus.id)).toBe(0);
  });

  it("a zero-decimal (jpy) credit; an invoice without currency is in the customer's", async () => {
    const cus = await stripe.customers.create({
      email: 'jpy@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    await credit(cus.id, -500, 'jpy');
    const inv = await openInvoice(cus.id, 1200, 'jpy');
    expect(inv).toMatchObject({
      currency: 'jpy',
      starting_balance: -500,
      ending_balance: 0,
      amount_due: 700,
    });
    expect((await stripe.invoices.pay(inv.id)).amount_paid).toBe(700);
  });

  it("another account's customer has no balance transactions here", async () => {
    const acct = await connectedAccount();
    const cus = await stripe.customers.create({ email: 'iso@example.com' });
    const txn = await credit(cus.id, -100);
    const opts = { stripeAccount: acct.id };
    const e1 = await failure(
      stripe.customers.createBalanceTransaction(cus.id, { amount: -100, currency: 'usd' }, opts),
    );
    expect(e1.code).toBe('resource_missing');
    const e2 = await failure(stripe.customers.retrieveBalanceTransaction(cus.id, txn.id, {}, opts));
    expect(e2.code).toBe('resource_missing');
    expect(await balanceOf(cus.id)).toBe(-100);
  });
});

describe('review: state machines', () => {
  it('a schedule released cannot be released or canceled again', async () => {
    const cus = await customerWithCard('rel@example.com');
    const price = await monthly(1000);
    const sched = await stripe.subscriptionSchedules.create({
      customer: cus.id,
      phases: [{ items: [{ price: price.id }] }],
    });
    const released = await stripe.subscriptionSchedules.release(sched.id);
    expect(released.status).toBe('released');
    expect((await failure(stripe.subscriptionSchedules.release(sched.id))).statusCode).toBe(400);
    expect((await failure(stripe.subscriptionSchedules.cancel(sched.id))).statusCode).toBe(400);
    const sub = await stripe.subscriptions.retrieve(released.released_subscription as string);
    expect(sub).toMatchObject({ status: 'active', schedule: null });
  });

  it('a canceled schedule cancels its subscription once', async () => {
    const cus = await customerWithCard('cxl@example.com');
    const price = await monthly(1000);
    const sched = await stripe.subscriptionSchedules.create({
      customer: cus.id,
      phases: [{ items: [{ price: price.id }] }],
    });
    const canceled = await stripe.subscriptionSchedules.cancel(sched.id);
    expect(canceled.status).toBe('canceled');
    expect((await failure(stripe.subscriptionSchedules.cancel(sched.id))).statusCode).toBe(400);
    const sub = await stripe.subscriptions.retrieve(sched.subscription as string);
    expect(sub.status).toBe('canceled');
  });

  it('ending an outage twice is harmless and requests succeed after it', async () => {
    await admin(sb, 'outage', { type: 'error', status: 503 });
    const err = await failure(stripe.customers.create({ email: 'down@example.com' }));
    expect(err.statusCode).toBe(503);
    await admin(sb, 'outage/end');
    const state = await admin<{ active: boolean }>(sb, 'outage/end');
    expect(state.active).toBe(false);
    expect((await stripe.customers.create({ email: 'up@example.com' })).id).toMatch(/^cus_/);
  });
});

const T0 = Date.UTC(2026, 0, 1, 12) / 1000;

const advance = (clock: string, to: number) => advanceClock(stripe, clock, to);

describe('review: auto_advance on a one-off invoice', () => {
  it('off stops the automatic collection; on again brings it back', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({
      email: 'auto@example.com',
      test_clock: clock.id,
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const draft = await stripe.invoices.create({ customer: cus.id, auto_advance: true });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 2500, currency: 'usd', invoice: draft.id });
    const inv = await stripe.invoices.finalizeInvoice(draft.id);
    expect(inv.status).toBe('open');
    await stripe.invoices.update(inv.id, { auto_advance: false });
    await advance(clock.id, T0 + 2 * 3600);
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({ status: 'open', attempt_count: 0 });
    await stripe.invoices.update(inv.id, { auto_advance: true });
    await advance(clock.id, T0 + 4 * 3600);
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('paid');
  });
});

describe('review: payouts', () => {
  const release = (account: string) =>
    admin<{ released: number; payouts: string[] }>(sb, 'balance/release', { account });

  async function connected(accountNumber: string, manual = false) {
    const acct = await stripe.accounts.create({
      type: 'express',
      external_account: {
        object: 'bank_account',
        country: 'US',
        currency: 'usd',
        routing_number: '110000000',
        account_number: accountNumber,
      },
      ...(manual ? { settings: { payouts: { schedule: { interval: 'manual' as const } } } } : {}),
    });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    await stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acct.id },
    });
    return acct;
  }

  async function available(acct: string) {
    const b = await stripe.balance.retrieve({}, { stripeAccount: acct });
    return b.available.find((r) => r.currency === 'usd')?.amount ?? 0;
  }

  it.each([
    ['no_account', '000111111116'],
    ['account_closed', '000111111113'],
  ])('a failed payout (%s) returns the money once; a second release pays nothing again', async (_, number) => {
    const acct = await connected(number);
    const first = await release(acct.id);
    expect(first.payouts).toHaveLength(1);
    const po = await stripe.payouts.retrieve(first.payouts[0]!, {}, { stripeAccount: acct.id });
    expect(po.status).toBe('failed');
    expect(await available(acct.id)).toBe(10_000);
    const second = await release(acct.id);
    expect(second.payouts).toEqual([]);
    expect(await available(acct.id)).toBe(10_000);
    const list = await stripe.payouts.list({}, { stripeAccount: acct.id });
    expect(list.data).toHaveLength(1);
  });

  it('manual payouts: no more than available, no cancel once paid, invisible to other accounts', async () => {
    const acct = await connected('000123456789', true);
    const opts = { stripeAccount: acct.id };
    expect((await release(acct.id)).payouts).toEqual([]);
    expect(await available(acct.id)).toBe(10_000);
    const tooMuch = await failure(stripe.payouts.create({ amount: 10_001, currency: 'usd' }, opts));
    expect(tooMuch.code).toBe('balance_insufficient');
    const po = await stripe.payouts.create({ amount: 4000, currency: 'usd' }, opts);
    expect(await available(acct.id)).toBe(6000);
    await release(acct.id);
    expect((await stripe.payouts.retrieve(po.id, {}, opts)).status).toBe('paid');
    const cancel = await failure(stripe.payouts.cancel(po.id, {}, opts));
    expect(cancel.statusCode).toBe(400);
    expect(await available(acct.id)).toBe(6000);
    const other = await connectedAccount();
    const e = await failure(stripe.payouts.retrieve(po.id, {}, { stripeAccount: other.id }));
    expect(e.code).toBe('resource_missing');
    expect((await failure(stripe.payouts.retrieve(po.id))).code).toBe('resource_missing');
  });
});

describe('review: tokens on a connected account', () => {
  it('the clone lands on the account that sent the token', async () => {
    const acct = await connectedAccount();
    const opts = { stripeAccount: acct.id };
    const cus = await stripe.customers.create(
      {
        email: 'tok@example.com',
        payment_method: 'pm_card_visa',
        invoice_settings: { default_payment_method: 'pm_card_visa' },
      },
      opts,
    );
    const pmId = cus.invoice_settings.default_payment_method as string;
    expect((await stripe.paymentMethods.retrieve(pmId, {}, opts)).customer).toBe(cus.id);
    expect((await failure(stripe.paymentMethods.retrieve(pmId))).code).toBe('resource_missing');
    const inv = await openInvoice(cus.id, 1000).catch(() => null);
    expect(inv).toBeNull();
  });
});

describe("review: PaymentIntents and SetupIntents with another customer's card", () => {
  it('a PaymentIntent for one customer refuses a card attached to another', async () => {
    const alice = await customerWithCard('pi-alice@example.com');
    const bob = await customerWithCard('pi-bob@example.com');
    const bobPm = bob.invoice_settings.default_payment_method as string;
    const err = await failure(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        customer: alice.id,
        payment_method: bobPm,
        confirm: true,
        off_session: true,
      }),
    );
    expect(err.statusCode).toBe(400);
    const noCustomer = await failure(
      stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: bobPm, confirm: true }),
    );
    expect(noCustomer.statusCode).toBe(400);
    expect(noCustomer.message).toContain(`belongs to the Customer ${bob.id}`);
  });

  it('a SetupIntent for one customer refuses a card attached to another', async () => {
    const alice = await customerWithCard('si-alice@example.com');
    const bob = await customerWithCard('si-bob@example.com');
    const err = await failure(
      stripe.setupIntents.create({
        customer: alice.id,
        payment_method: bob.invoice_settings.default_payment_method as string,
        confirm: true,
      }),
    );
    expect(err.statusCode).toBe(400);
  });
});

describe('review: automatic payouts', () => {
  async function clockedCharge() {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ email: 'auto-po@example.com', test_clock: clock.id });
    const acct = await stripe.accounts.create({
      type: 'express',
      external_account: {
        object: 'bank_account',
        country: 'US',
        currency: 'usd',
        routing_number: '110000000',
        account_number: '000123456789',
      },
    });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acct.id },
    });
    return { clock, acct, runAt: Math.ceil((T0 + 2 * 86_400) / 86_400) * 86_400 };
  }

  it('cannot be canceled, even while pending (as Stripe documents)', async () => {
    const { clock, acct, runAt } = await clockedCharge();
    await advance(clock.id, runAt + 10);
    const opts = { stripeAccount: acct.id };
    const [po] = (await stripe.payouts.list({}, opts)).data;
    expect(po).toMatchObject({ automatic: true, status: 'pending', amount: 5000 });
    const err = await failure(stripe.payouts.cancel(po!.id, {}, opts));
    expect(err.statusCode).toBe(400);
    expect((await stripe.payouts.retrieve(po!.id, {}, opts)).status).toBe('pending');
  });
});

describe("review: release, then the day's run", () => {
  it('funds paid out by /_sandbox/balance/release are not paid out again by the scheduled run', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ email: 'twice@example.com', test_clock: clock.id });
    const acct = await stripe.accounts.create({
      type: 'express',
      external_account: {
        object: 'bank_account',
        country: 'US',
        currency: 'usd',
        routing_number: '110000000',
        account_number: '000123456789',
      },
    });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    await stripe.paymentIntents.create({
      amount: 7000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acct.id },
    });
    const first = await admin<{ payouts: string[] }>(sb, 'balance/release', { account: acct.id });
    expect(first.payouts).toHaveLength(1);
    await advance(clock.id, T0 + 5 * 86_400);
    const opts = { stripeAccount: acct.id };
    const payouts = (await stripe.payouts.list({}, opts)).data;
    expect(payouts.map((p) => p.amount)).toEqual([7000]);
    const b = await stripe.balance.retrieve({}, opts);
    expect(b.available.find((r) => r.currency === 'usd')?.amount).toBe(0);
  });
});

describe('review: credit notes and the customer balance', () => {
  it('voiding a credit note that credited the balance takes the credit back', async () => {
    const cus = await customerWithCard('cn@example.com');
    const inv = await openInvoice(cus.id, 2000);
    await stripe.invoices.pay(inv.id);
    const cn = await stripe.creditNotes.create({ invoice: inv.id, amount: 500, credit_amount: 500 });
    expect(((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance).toBe(-500);
    await stripe.creditNotes.voidCreditNote(cn.id);
    expect(((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance).toBe(0);
    expect((await stripe.invoices.retrieve(inv.id)).post_payment_credit_notes_amount).toBe(0);
  });
});

describe('review: an immediate downgrade through a schedule update', () => {
  it('prorates once: credit for the unused Pro time, charge for Basic, net credit on the balance', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({
      email: 'prorate@example.com',
      test_clock: clock.id,
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const pro = await monthly(3100);
    const basic = await monthly(1550);
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: pro.id }] });
    const start = sub.items.data[0]!.current_period_start;
    const end = sub.items.data[0]!.current_period_end;
    await advance(clock.id, T0 + 10 * 86_400);
    const sched = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(sched.id, {
      proration_behavior: 'always_invoice',
      phases: [{ items: [{ price: basic.id }], start_date: start, end_date: end }],
    });
    const invoices = (await stripe.invoices.list({ customer: cus.id })).data;
    expect(invoices).toHaveLength(2);
    const remaining = (end - (T0 + 10 * 86_400)) / (end - start);
    const expected = Math.round(1550 * remaining) - Math.round(3100 * remaining);
    const [proration] = invoices;
    expect(Math.abs(proration!.total - expected)).toBeLessThanOrEqual(1);
    expect(proration!.amount_due).toBe(0);
    const balance = ((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance;
    expect(balance).toBe(proration!.total);
  });
});

describe("review: a later phase's settings", () => {
  it('the subscription takes the default_payment_method and description of the phase it enters', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({
      email: 'phase-pm@example.com',
      test_clock: clock.id,
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const second = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: cus.id });
    const pro = await monthly(2000);
    const basic = await monthly(1000);
    const sched = await stripe.subscriptionSchedules.create({
      customer: cus.id,
      start_date: 'now',
      end_behavior: 'release',
      phases: [
        { items: [{ price: pro.id }], description: 'Pro phase' },
        { items: [{ price: basic.id }], default_payment_method: second.id, description: 'Basic phase' },
      ],
    });
    const subId = sched.subscription as string;
    expect((await stripe.subscriptions.retrieve(subId)).description).toBe('Pro phase');
    await advance(clock.id, T0 + 32 * 86_400);
    const sub = await stripe.subscriptions.retrieve(subId);
    expect(sub.items.data[0]!.price.id).toBe(basic.id);
    expect(sub.default_payment_method).toBe(second.id);
    expect(sub.description).toBe('Basic phase');
  });
});

describe('review: an invoice below the minimum charge', () => {
  it('is paid with nothing due, its amount carried to the balance and the next invoice', async () => {
    const cus = await customerWithCard('small@example.com');
    const small = await openInvoice(cus.id, 30);
    expect(small).toMatchObject({
      status: 'paid',
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
      starting_balance: 0,
      ending_balance: 30,
    });
    const [txn] = (await stripe.customers.listBalanceTransactions(cus.id)).data;
    expect(txn).toMatchObject({ type: 'invoice_too_small', amount: 30, invoice: small.id });
    const next = await openInvoice(cus.id, 1000);
    expect(next).toMatchObject({ starting_balance: 30, amount_due: 1030 });
  });
});
