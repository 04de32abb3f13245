// Subscription schedules on test clocks: a downgrade at period end scheduled on an existing subscription,
// a schedule starting in the future, release and cancel (of the schedule or of its subscription), and
// `phases[].iterations` by API version.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const HOUR = 3600;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000; // 2026-01-01 12:00 UTC
const FEB1 = Date.UTC(2026, 1, 1, 12) / 1000;
const MAR1 = Date.UTC(2026, 2, 1, 12) / 1000;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function advance(clock: string, to: number): Promise<void> {
  expect((await advanceClock(stripe, clock, to)).status).toBe('advancing');
}

async function setup() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const cus = await stripe.customers.create({ email: 'sched@example.com', test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  const price = (unit_amount: number, name: string) =>
    stripe.prices.create({
      currency: 'usd',
      unit_amount,
      recurring: { interval: 'month' },
      product_data: { name },
    });
  return { clock, cus, pro: await price(2000, 'Pro'), basic: await price(1000, 'Basic') };
}

/** Events about one customer's objects, oldest first. */
async function eventsFor(customer: string) {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all.reverse().filter((e) => (e.data.object as { customer?: string }).customer === customer);
}

describe('subscription schedules', () => {
  it('downgrades an existing subscription at period end, then releases it', async () => {
    const { clock, cus, pro, basic } = await setup();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: pro.id }] });
    expect(sub.status).toBe('active');

    const sched = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(sched).toMatchObject({
      object: 'subscription_schedule',
      status: 'active',
      subscription: sub.id,
      customer: cus.id,
      end_behavior: 'release',
      test_clock: clock.id,
      current_phase: { start_date: T0, end_date: FEB1 },
    });
    expect(sched.id).toMatch(/^sub_sched_/);
    expect(sched.phases).toHaveLength(1);
    expect(sched.phases[0]!.items[0]).toMatchObject({ price: pro.id, quantity: 1 });
    expect((await stripe.subscriptions.retrieve(sub.id)).schedule).toBe(sched.id);

    // Phases are set with an update: keep Pro to the period end, then Basic for a month.
    const updated = await stripe.subscriptionSchedules.update(sched.id, {
      end_behavior: 'release',
      phases: [
        { items: [{ price: pro.id, quantity: 1 }], start_date: T0, end_date: FEB1 },
        {
          items: [{ price: basic.id, quantity: 1 }],
          duration: { interval: 'month', interval_count: 1 },
          proration_behavior: 'none',
        },
      ],
    });
    expect(updated.phases.map((p) => [p.start_date, p.end_date])).toEqual([
      [T0, FEB1],
      [FEB1, MAR1],
    ]);
    // Nothing changes before the period ends.
    const unchanged = await stripe.subscriptions.retrieve(sub.id);
    expect(unchanged.items.data[0]!.price.id).toBe(pro.id);

    // The renewal bills the cheaper price, without prorations.
    await advance(clock.id, FEB1 + 2 * HOUR);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data.map((i) => i.price.id)).toEqual([basic.id]);
    expect(renewed.items.data[0]).toMatchObject({ current_period_start: FEB1, current_period_end: MAR1 });
    const inv = await stripe.invoices.retrieve(String(renewed.latest_invoice));
    expect(inv).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_cycle',
      amount_paid: 1000,
      created: FEB1,
    });
    expect(inv.lines.data.map((l) => [l.pricing?.price_details?.price, l.amount])).toEqual([
      [basic.id, 1000],
    ]);
    const during = await stripe.subscriptionSchedules.retrieve(sched.id);
    expect(during).toMatchObject({ status: 'active', current_phase: { start_date: FEB1, end_date: MAR1 } });

    // The last phase ends: released, the subscription keeps running on Basic.
    await advance(clock.id, MAR1 + 2 * HOUR);
    const released = await stripe.subscriptionSchedules.retrieve(sched.id);
    expect(released).toMatchObject({
      status: 'released',
      released_at: MAR1,
      released_subscription: sub.id,
      subscription: null,
      current_phase: null,
    });
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after).toMatchObject({ status: 'active', schedule: null });
    expect(await stripe.invoices.retrieve(String(after.latest_invoice))).toMatchObject({
      amount_paid: 1000,
      created: MAR1,
    });

    const evs = await eventsFor(cus.id);
    const schedEvents = evs
      .filter((e) => e.type.startsWith('subscription_schedule.'))
      .map((e) => [e.type, e.created]);
    expect(schedEvents).toEqual([
      ['subscription_schedule.created', T0],
      ['subscription_schedule.updated', T0],
      ['subscription_schedule.updated', FEB1],
      ['subscription_schedule.expiring', MAR1 - 7 * DAY],
      ['subscription_schedule.released', MAR1],
    ]);
    const priceChange = evs.find(
      (e) =>
        e.type === 'customer.subscription.updated' &&
        (e.data.object as Stripe.Subscription).items.data[0]?.price.id === basic.id,
    );
    expect(priceChange?.created).toBe(FEB1);
    expect(priceChange?.data.previous_attributes).toHaveProperty('items');
    const detached = evs.filter(
      (e) =>
        e.type === 'customer.subscription.updated' &&
        (e.data.previous_attributes as { schedule?: unknown } | undefined)?.schedule !== undefined,
    );
    expect(detached.map((e) => (e.data.object as Stripe.Subscription).schedule)).toEqual([sched.id, null]);
  });

  it('enters a phase that starts mid-period with its prorations', async () => {
    const { clock, cus, pro, basic } = await setup();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: pro.id }] });
    const sched = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const switchAt = T0 + 10 * DAY;
    await stripe.subscriptionSchedules.update(sched.id, {
      phases: [
        { items: [{ price: pro.id }], start_date: T0, end_date: switchAt },
        { items: [{ price: basic.id }], end_date: FEB1, proration_behavior: 'create_prorations' },
      ],
    });
    await advance(clock.id, switchAt + HOUR);
    const switched = await stripe.subscriptions.retrieve(sub.id);
    expect(switched.items.data.map((i) => i.price.id)).toEqual([basic.id]);
    const frac = (FEB1 - switchAt) / (FEB1 - T0);
    const pending = await stripe.invoiceItems.list({ customer: cus.id, pending: true });
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([
      -Math.round(2000 * frac),
      Math.round(1000 * frac),
    ]);
    expect(await stripe.subscriptionSchedules.retrieve(sched.id)).toMatchObject({
      current_phase: { start_date: switchAt, end_date: FEB1 },
    });
  });

  it('starts a subscription on the clock at a future start_date and cancels it at the end', async () => {
    const { clock, cus, pro } = await setup();
    const startAt = T0 + 10 * DAY;
    const end = Date.UTC(2026, 1, 11, 12) / 1000;
    const sched = await stripe.subscriptionSchedules.create({
      customer: cus.id,
      start_date: startAt,
      end_behavior: 'cancel',
      phases: [{ items: [{ price: pro.id, quantity: 2 }], duration: { interval: 'month' } }],
    });
    expect(sched).toMatchObject({ status: 'not_started', subscription: null, current_phase: null });
    expect(sched.phases[0]).toMatchObject({ start_date: startAt, end_date: end });
    const listed = await stripe.subscriptionSchedules.list({ customer: cus.id });
    expect(listed.data.map((s) => s.id)).toEqual([sched.id]);

    await advance(clock.id, startAt + HOUR);
    const active = await stripe.subscriptionSchedules.retrieve(sched.id);
    expect(active).toMatchObject({ status: 'active', current_phase: { start_date: startAt, end_date: end } });
    const sub = await stripe.subscriptions.retrieve(String(active.subscription));
    expect(sub).toMatchObject({ status: 'active', schedule: sched.id, start_date: startAt });
    expect(sub.items.data[0]).toMatchObject({ quantity: 2, current_period_end: end });
    expect(await stripe.invoices.retrieve(String(sub.latest_invoice))).toMatchObject({ amount_paid: 4000 });

    await advance(clock.id, end + HOUR);
    const done = await stripe.subscriptionSchedules.retrieve(sched.id);
    expect(done).toMatchObject({ status: 'completed', completed_at: end, current_phase: null });
    const canceled = await stripe.subscriptions.retrieve(sub.id);
    // Canceled before the renewal that would have billed another period.
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: end, latest_invoice: sub.latest_invoice });
    const types = (await eventsFor(cus.id)).map((e) => e.type);
    expect(types).toContain('subscription_schedule.completed');
    expect(types).toContain('customer.subscription.deleted');
  });

  it('releases and cancels on request', async () => {
    const { cus, pro } = await setup();
    const phases = [{ items: [{ price: pro.id }] }];
    const a = await stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases });
    expect(a).toMatchObject({ status: 'active', current_phase: { start_date: T0, end_date: FEB1 } });
    const subA = String(a.subscription);
    const released = await stripe.subscriptionSchedules.release(a.id);
    expect(released).toMatchObject({
      status: 'released',
      released_subscription: subA,
      subscription: null,
      released_at: T0,
    });
    expect(await stripe.subscriptions.retrieve(subA)).toMatchObject({ status: 'active', schedule: null });
    const again = await stripe.subscriptionSchedules.release(a.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(stripe.errors.StripeInvalidRequestError);

    const b = await stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases });
    const canceled = await stripe.subscriptionSchedules.cancel(b.id);
    expect(canceled).toMatchObject({ status: 'canceled', canceled_at: T0, subscription: b.subscription });
    expect(await stripe.subscriptions.retrieve(String(b.subscription))).toMatchObject({ status: 'canceled' });
    const types = (await eventsFor(cus.id)).map((e) => e.type);
    expect(types).toContain('subscription_schedule.released');
    expect(types).toContain('subscription_schedule.canceled');

    // A subscription already on a schedule cannot get another one.
    const c = await stripe.subscriptionSchedules.create({ customer: cus.id, start_date: 'now', phases });
    const twice = await stripe.subscriptionSchedules
      .create({ from_subscription: String(c.subscription) })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(twice).toMatchObject({ type: 'StripeInvalidRequestError', param: 'from_subscription' });

    // Canceling the subscription itself cancels its schedule.
    await stripe.subscriptions.cancel(String(c.subscription));
    expect(await stripe.subscriptionSchedules.retrieve(c.id)).toMatchObject({
      status: 'canceled',
      canceled_at: T0,
    });
  });

  it('takes phases[].iterations only before 2025-09-30', async () => {
    const { cus, pro } = await setup();
    const params = {
      customer: cus.id,
      start_date: 'now',
      phases: [{ items: [{ price: pro.id }], iterations: 2 }],
    } as unknown as Stripe.SubscriptionScheduleCreateParams;
    const refused = await stripe.subscriptionSchedules
      .create(params)
      .catch((e: Stripe.errors.StripeError) => e);
    expect(refused).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_unknown',
      param: 'phases[0][iterations]',
      message: 'Received unknown parameter: phases[0][iterations]',
    });

    const basil = client(sb, { apiVersion: '2025-08-27.basil' as Stripe.StripeConfig['apiVersion'] });
    const sched = await basil.subscriptionSchedules.create(params);
    expect(sched.lastResponse.headers['stripe-version']).toBe('2025-08-27.basil');
    expect(sched.phases[0]).toMatchObject({ start_date: T0, end_date: MAR1 });
  });
});
