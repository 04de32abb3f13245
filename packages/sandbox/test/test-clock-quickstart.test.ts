// Stripe's test-clock quick start, end to end with the Node SDK: a clock, a customer on it created with
// `payment_method: 'pm_card_visa'` and that token as its invoice default, a monthly price, a subscription;
// advancing the clock 40 days yields exactly two paid invoices (the first one and one renewal).
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { client, receiver, start, until } from './helpers.ts';

const DAY = 86_400;

let sb: Sandbox;
let stripe: Stripe;
let hooks: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
  hooks = await receiver();
});
afterAll(async () => {
  await hooks?.close();
  await sb?.close();
});

describe('test clock quick start', () => {
  it('subscription on a clocked customer → advance 40 days → two paid invoices', async () => {
    await stripe.webhookEndpoints.create({
      url: hooks.url,
      enabled_events: ['test_helpers.test_clock.ready'],
    });
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'Quick start' });
    expect(clock.status).toBe('ready');

    const customer = await stripe.customers.create({
      email: 'jenny.rosen@example.com',
      test_clock: clock.id,
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    expect(customer.test_clock).toBe(clock.id);
    const pm = customer.invoice_settings.default_payment_method as string;
    expect(pm).toMatch(/^pm_/);
    expect((await stripe.paymentMethods.retrieve(pm)).customer).toBe(customer.id);

    const product = await stripe.products.create({ name: 'Gold Special' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 1200,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription.status).toBe('active');
    expect(subscription.test_clock).toBe(clock.id);

    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: start + 40 * DAY,
    });
    expect(advancing.status).toBe('advancing');
    const ready = await until(async () => {
      const c = await stripe.testHelpers.testClocks.retrieve(clock.id);
      return c.status === 'ready' ? c : null;
    }, 'the clock to be ready');
    expect(ready?.frozen_time).toBe(start + 40 * DAY);
    await until(
      () =>
        hooks.received.some(
          (r) => r.body.includes('"test_helpers.test_clock.ready"') && r.body.includes(clock.id),
        ),
      'test_helpers.test_clock.ready delivered',
    );

    const invoices = await stripe.invoices.list({ subscription: subscription.id, limit: 10 });
    expect(invoices.data).toHaveLength(2);
    const [renewal, first] = invoices.data;
    expect(first!.billing_reason).toBe('subscription_create');
    expect(renewal!.billing_reason).toBe('subscription_cycle');
    for (const inv of invoices.data) {
      expect(inv.status).toBe('paid');
      expect(inv.amount_paid).toBe(1200);
      expect(inv.customer).toBe(customer.id);
      expect(inv.parent?.subscription_details?.subscription).toBe(subscription.id);
    }
    expect(renewal!.created).toBeGreaterThan(start + 27 * DAY);
    expect(renewal!.created).toBeLessThanOrEqual(start + 40 * DAY);

    const payments = await stripe.paymentIntents.list({ customer: customer.id });
    expect(payments.data.map((p) => [p.status, p.payment_method])).toEqual([
      ['succeeded', pm],
      ['succeeded', pm],
    ]);
    const sub = await stripe.subscriptions.retrieve(subscription.id);
    expect(sub.status).toBe('active');
    expect(sub.latest_invoice).toBe(renewal!.id);
  });
});
