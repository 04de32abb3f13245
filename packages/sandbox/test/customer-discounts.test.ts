// A customer's discount (`customer.discount`): applied with `coupon` on API versions before 2025-03-31 (basil
// removed the parameter), removed with DELETE /v1/customers/:id/discount, announced by
// `customer.discount.created` / `.updated` / `.deleted`, and inherited by the invoices of a subscription with
// no discounts of its own (Stripe's Subscriptions API, `discounts`: "If not specified or empty, inherits the
// discount from the subscription's customer"): forever on every one, repeating until its end, once on one.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000; // 2026-01-01 12:00 UTC
const FEB_1 = Date.UTC(2026, 1, 1, 12) / 1000;
const MAR_1 = Date.UTC(2026, 2, 1, 12) / 1000;
const APR_1 = Date.UTC(2026, 3, 1, 12) / 1000;
/** an API version that still has `coupon` on customers */
const LEGACY = { apiVersion: '2024-06-20' } as Stripe.RequestOptions;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

const withCoupon = (coupon: string) => ({ coupon }) as Stripe.CustomerUpdateParams;

async function setup() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const cus = await stripe.customers.create({ test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  const price = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 2000,
    recurring: { interval: 'month' },
    product_data: { name: 'Pro' },
  });
  return { clock, cus, price };
}

async function advance(clock: string, to: number): Promise<void> {
  expect((await advanceClock(stripe, clock, to)).status).toBe('advancing');
}

async function latestInvoice(sub: string): Promise<Stripe.Invoice> {
  const s = await stripe.subscriptions.retrieve(sub);
  return stripe.invoices.retrieve(String(s.latest_invoice));
}

async function discountEvents(customer: string) {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all
    .reverse()
    .filter(
      (e) =>
        e.type.startsWith('customer.discount.') &&
        (e.data.object as { customer?: string }).customer === customer,
    );
}

describe("a customer's discount", () => {
  it('is refused as `coupon` on the current API version, taken on an older one', async () => {
    const { cus } = await setup();
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
    await expect(stripe.customers.update(cus.id, withCoupon(coupon.id))).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'coupon',
    });
    const updated = await stripe.customers.update(cus.id, withCoupon(coupon.id), LEGACY);
    expect(updated.discount).toMatchObject({
      object: 'discount',
      customer: cus.id,
      start: T0,
      end: null,
      subscription: null,
    });
    const expanded = await stripe.customers.retrieve(cus.id, { expand: ['discount.source.coupon'] });
    expect((expanded as Stripe.Customer).discount?.source?.coupon).toMatchObject({ id: coupon.id });
  });

  it('discounts the invoices of a subscription with none of its own, from the next one on', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 2000 });
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
    await advance(clock.id, T0 + 10 * DAY);
    const c = await stripe.customers.update(cus.id, withCoupon(coupon.id), LEGACY);
    expect(c.discount?.start).toBe(T0 + 10 * DAY);
    await advance(clock.id, FEB_1 + 3600);
    const feb = await latestInvoice(sub.id);
    expect(feb).toMatchObject({ subtotal: 2000, total: 1500, amount_paid: 1500 });
    expect(feb.discounts).toEqual([c.discount!.id]);
    expect(feb.total_discount_amounts).toEqual([{ amount: 500, discount: c.discount!.id }]);
    const [created] = await discountEvents(cus.id);
    expect(created).toMatchObject({ type: 'customer.discount.created', created: T0 + 10 * DAY });
    expect(created!.data.object).toMatchObject({ id: c.discount!.id, source: { coupon: coupon.id } });
  });

  it("a subscription's own discount takes precedence over the customer's", async () => {
    const { cus, price } = await setup();
    const mine = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const theirs = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
    await stripe.customers.update(cus.id, withCoupon(theirs.id), LEGACY);
    const own = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: mine.id }],
    });
    expect(await latestInvoice(own.id)).toMatchObject({ total: 1800 });
    const inherits = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    expect(await latestInvoice(inherits.id)).toMatchObject({ total: 1000 });
  });

  it('switched, a repeating one runs out; deleted, the next invoice is whole', async () => {
    const { clock, cus, price } = await setup();
    const first = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
    const repeating = await stripe.coupons.create({
      percent_off: 50,
      duration: 'repeating',
      duration_in_months: 1,
    });
    await stripe.customers.update(cus.id, withCoupon(first.id), LEGACY);
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 1500 });
    await advance(clock.id, T0 + 5 * DAY);
    const c = await stripe.customers.update(cus.id, withCoupon(repeating.id), LEGACY);
    expect(c.discount).toMatchObject({ start: T0 + 5 * DAY, end: T0 + 5 * DAY + 31 * DAY });
    await advance(clock.id, FEB_1 + 3600);
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 1000 });
    await advance(clock.id, MAR_1 + 3600);
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 2000 });
    const deleted = await stripe.customers.deleteDiscount(cus.id);
    expect(deleted).toMatchObject({ id: c.discount!.id, object: 'discount', deleted: true });
    expect((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).toMatchObject({ discount: null });
    await expect(stripe.customers.deleteDiscount(cus.id)).rejects.toMatchObject({ statusCode: 404 });
    await advance(clock.id, APR_1 + 3600);
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 2000 });
    expect((await discountEvents(cus.id)).map((e) => [e.type, e.created])).toEqual([
      ['customer.discount.created', T0],
      ['customer.discount.updated', T0 + 5 * DAY],
      ['customer.discount.deleted', MAR_1 + 3600],
    ]);
  });
});
