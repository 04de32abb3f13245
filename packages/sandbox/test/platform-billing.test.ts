// Plans billed to tenants, at the Stripe level: a licensed base price plus a metered graduated overage price
// free up to the limit with a fractional per-unit amount (`unit_amount_decimal`), meter events on a test
// clock, the renewal invoice's overage line (rounded once per line: USD, JPY, KWD), and what an upgrade
// mid-period, a migration without prorations and a cancellation do to the metered item.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;
let meter: Stripe.Billing.Meter;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000; // 2026-01-01 12:00 UTC
const FEB = Date.UTC(2026, 1, 1, 12) / 1000; // the first renewal
const PLATFORM = { tributary_kind: 'platform_plan' };

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
  meter = await stripe.billing.meters.create({
    display_name: 'Payment volume',
    event_name: 'tributary_payment_volume',
    default_aggregation: { formula: 'sum' },
  });
});
afterAll(() => sb.close());

/** A plan as the server makes it: a product, a monthly base price and a graduated overage price. */
let plans = 0;
async function plan(currency: string, base: number, limit: number, perUnit = '0.005', name = 'Pro') {
  plans += 1;
  const product = await stripe.products.create({ name, metadata: PLATFORM });
  const basePrice = await stripe.prices.create({
    currency,
    unit_amount: base,
    recurring: { interval: 'month' },
    product: product.id,
    lookup_key: `${name}_${currency}_month_${plans}`,
    metadata: PLATFORM,
  });
  const overage = await stripe.prices.create({
    currency,
    product: product.id,
    recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
    billing_scheme: 'tiered',
    tiers_mode: 'graduated',
    tiers: [
      { up_to: limit, unit_amount: 0 },
      { up_to: 'inf', unit_amount_decimal: Stripe.Decimal.from(perUnit) },
    ],
    metadata: { ...PLATFORM, tributary_metric: 'payment_volume' },
  });
  return { product, basePrice, overage };
}

async function tenant(mode?: 'classic') {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const cus = await stripe.customers.create({ name: 'Acme', test_clock: clock.id, metadata: PLATFORM });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, cus, mode };
}

async function subscribe(t: Awaited<ReturnType<typeof tenant>>, p: Awaited<ReturnType<typeof plan>>) {
  return stripe.subscriptions.create({
    customer: t.cus.id,
    items: [{ price: p.basePrice.id }, { price: p.overage.id }],
    metadata: PLATFORM,
    ...(t.mode ? { billing_mode: { type: t.mode } } : {}),
  });
}

let n = 0;
/** A meter event stamped `timestamp`, sent when the customer's clock has reached it (Stripe takes events
 * at most 5 minutes ahead). */
async function usage(customer: string, value: number, timestamp: number) {
  n += 1;
  const cus = await stripe.customers.retrieve(customer);
  const clock = await stripe.testHelpers.testClocks.retrieve(String((cus as Stripe.Customer).test_clock));
  if (clock.frozen_time < timestamp) await advanceClock(stripe, clock.id, timestamp);
  return stripe.billing.meterEvents.create({
    event_name: 'tributary_payment_volume',
    identifier: `use_${n}_${customer}`,
    timestamp,
    payload: { stripe_customer_id: customer, value: String(value) },
  });
}

async function renewalInvoice(t: { clock: Stripe.TestHelpers.TestClock }, subId: string, to = FEB) {
  await advanceClock(stripe, t.clock.id, to + 2 * 3600);
  const sub = await stripe.subscriptions.retrieve(subId);
  return stripe.invoices.retrieve(String(sub.latest_invoice));
}

const lineOf = (inv: Stripe.Invoice, price: string) =>
  inv.lines.data.find((l) => l.pricing?.price_details?.price === price);

describe('a plan with graduated overage', () => {
  it('keeps the fractional tier amount: unit_amount null, unit_amount_decimal as sent', async () => {
    const p = await plan('usd', 10_000, 5_000_000);
    const got = await stripe.prices.retrieve(p.overage.id, { expand: ['tiers'] });
    expect(got).toMatchObject({ billing_scheme: 'tiered', tiers_mode: 'graduated', unit_amount: null });
    expect(got.recurring).toMatchObject({ usage_type: 'metered', meter: meter.id });
    // the SDK reads `*_decimal` fields as Decimal objects
    const tiers = got.tiers!.map((x) => ({ ...x, unit_amount_decimal: String(x.unit_amount_decimal) }));
    expect(tiers).toEqual([
      {
        flat_amount: null,
        flat_amount_decimal: null,
        unit_amount: 0,
        unit_amount_decimal: '0',
        up_to: 5_000_000,
      },
      {
        flat_amount: null,
        flat_amount_decimal: null,
        unit_amount: null,
        unit_amount_decimal: '0.005',
        up_to: null,
      },
    ]);
    const flat = await stripe.prices.create({
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('0.5'),
      product: p.product.id,
    });
    expect(flat.unit_amount).toBeNull();
    expect(String(flat.unit_amount_decimal)).toBe('0.5');
  });

  it('$100 base + 5,100,000 cents of volume over a 5,000,000 limit: the renewal bills 500 cents', async () => {
    const p = await plan('usd', 10_000, 5_000_000);
    const t = await tenant();
    const sub = await subscribe(t, p);
    expect(sub.status).toBe('active');
    await usage(t.cus.id, 3_900_000, T0 + 2 * DAY);
    await usage(t.cus.id, 1_100_000, T0 + 10 * DAY);
    await usage(t.cus.id, 100_000, T0 + 20 * DAY);
    const inv = await renewalInvoice(t, sub.id);
    expect(inv).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', total: 10_500 });
    expect(lineOf(inv, p.overage.id)).toMatchObject({
      amount: 500,
      quantity: 5_100_000,
      period: { start: T0, end: FEB },
    });
    expect(lineOf(inv, p.basePrice.id)).toMatchObject({ amount: 10_000, period: { start: FEB } });
  });

  it.each([
    // per unit over the limit: 100,099 × 0.005 = 500.495 → 500; 100,100 × 0.005 = 500.5 → 501 (half
    // rounds up); 100 × 0.145 = 14.5 exactly, which floating point computes as 14.499999999999998
    ['usd', 10_000, 100_099, '0.005', 500],
    ['usd', 10_000, 100, '0.145', 15],
    ['jpy', 10_000, 100_099, '0.005', 500],
    ['jpy', 10_000, 100_100, '0.005', 501],
    ['kwd', 30_000, 100_000, '0.005', 500],
    ['kwd', 30_000, 100_100, '0.005', 501],
  ] as const)('%s: %i base, %i over the limit at %s → overage line of %i', async (cur, base, over, per, want) => {
    const limit = 1_000_000;
    const p = await plan(cur, base, limit, per);
    const t = await tenant();
    const sub = await subscribe(t, p);
    await usage(t.cus.id, limit + over, T0 + DAY);
    const inv = await renewalInvoice(t, sub.id);
    expect(inv.currency).toBe(cur);
    expect(lineOf(inv, p.overage.id)).toMatchObject({ amount: want, quantity: limit + over });
    expect(inv.subtotal).toBe(base + want);
    // Stripe's charge API takes three-decimal amounts ending in 0 only, so a KWD invoice of 30,501 fils
    // cannot be collected (what Stripe does with such an invoice is not documented)
    expect(inv.status).toBe(cur === 'kwd' && want % 10 !== 0 ? 'open' : 'paid');
  });

  it('usage under the limit bills a zero line; usage corrected below zero bills quantity 0', async () => {
    const p = await plan('usd', 10_000, 5_000_000);
    const t = await tenant();
    const sub = await subscribe(t, p);
    await usage(t.cus.id, 300, T0 + DAY);
    await usage(t.cus.id, -500, T0 + 2 * DAY);
    const inv = await renewalInvoice(t, sub.id);
    expect(lineOf(inv, p.overage.id)).toMatchObject({ amount: 0, quantity: 0 });
    expect(inv.total).toBe(10_000);
  });
});

describe('changing plans mid-period', () => {
  it('upgrade (flexible, the default): the old overage price bills usage so far, the new one from the change', async () => {
    const pro = await plan('usd', 10_000, 5_000_000);
    const ent = await plan('usd', 50_000, 25_000_000, '0.004', 'Enterprise');
    const t = await tenant();
    const sub = await subscribe(t, pro);
    expect(sub.billing_mode).toMatchObject({ type: 'flexible' });
    await usage(t.cus.id, 5_100_000, T0 + DAY);
    const mid = T0 + 15 * DAY;
    await advanceClock(stripe, t.clock.id, mid);
    const [baseItem, overItem] = sub.items.data;
    await stripe.subscriptions.update(sub.id, {
      items: [
        { id: baseItem!.id, price: ent.basePrice.id },
        { id: overItem!.id, price: ent.overage.id },
      ],
      proration_behavior: 'create_prorations',
    });
    const pending = (await stripe.invoiceItems.list({ customer: t.cus.id, pending: true })).data;
    const metered = pending.find((i) => i.pricing?.price_details?.price === pro.overage.id);
    expect(metered).toMatchObject({ amount: 500, quantity: 5_100_000, period: { start: T0, end: mid } });
    // the base price is prorated: credit for Pro, charge for Enterprise, over the 16 days left of 31
    const prorations = pending.filter((i) => i.proration).map((i) => i.amount);
    expect(prorations.sort((a, b) => a - b)).toEqual([
      -Math.round((10_000 * 16) / 31),
      Math.round((50_000 * 16) / 31),
    ]);
    await usage(t.cus.id, 26_000_000, mid + DAY);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(lineOf(preview, ent.overage.id)).toMatchObject({
      amount: 4_000,
      period: { start: mid, end: FEB },
    });
    const inv = await renewalInvoice(t, sub.id);
    // Enterprise's free tier counts from the change: 1,000,000 over at 0.004
    expect(lineOf(inv, ent.overage.id)).toMatchObject({
      amount: 4_000,
      quantity: 26_000_000,
      period: { start: mid, end: FEB },
    });
    expect(lineOf(inv, pro.overage.id)).toMatchObject({ amount: 500, period: { start: T0, end: mid } });
  });

  it('classic billing mode: usage before the change is never billed', async () => {
    const pro = await plan('usd', 10_000, 5_000_000);
    const ent = await plan('usd', 50_000, 25_000_000, '0.004', 'Enterprise');
    const t = await tenant('classic');
    const sub = await subscribe(t, pro);
    expect(sub.billing_mode).toMatchObject({ type: 'classic' });
    await usage(t.cus.id, 5_100_000, T0 + DAY);
    const mid = T0 + 15 * DAY;
    await advanceClock(stripe, t.clock.id, mid);
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[1]!.id, price: ent.overage.id }],
    });
    const pending = (await stripe.invoiceItems.list({ customer: t.cus.id, pending: true })).data;
    expect(pending).toEqual([]);
    await usage(t.cus.id, 100, mid + DAY);
    const inv = await renewalInvoice(t, sub.id);
    expect(lineOf(inv, ent.overage.id)).toMatchObject({ amount: 0, quantity: 100 });
    expect(lineOf(inv, pro.overage.id)).toBeUndefined();
  });

  it('a price migration with proration_behavior=none at renewal: no prorations, new prices next period', async () => {
    const old = await plan('usd', 10_000, 5_000_000);
    const next = await plan('usd', 12_000, 5_000_000, '0.006');
    const t = await tenant();
    const sub = await subscribe(t, old);
    await usage(t.cus.id, 5_100_000, T0 + DAY);
    const first = await renewalInvoice(t, sub.id);
    expect(lineOf(first, old.overage.id)).toMatchObject({ amount: 500 });
    const [baseItem, overItem] = sub.items.data;
    await stripe.subscriptions.update(sub.id, {
      items: [
        { id: baseItem!.id, price: next.basePrice.id },
        { id: overItem!.id, price: next.overage.id },
      ],
      proration_behavior: 'none',
    });
    expect((await stripe.invoiceItems.list({ customer: t.cus.id, pending: true })).data).toEqual([]);
    await usage(t.cus.id, 5_200_000, FEB + 3 * DAY);
    const MAR = Date.UTC(2026, 2, 1, 12) / 1000;
    const second = await renewalInvoice(t, sub.id, MAR);
    expect(lineOf(second, next.overage.id)).toMatchObject({ amount: 1_200, quantity: 5_200_000 });
    expect(lineOf(second, next.basePrice.id)).toMatchObject({ amount: 12_000 });
    expect(lineOf(second, old.basePrice.id)).toBeUndefined();
  });

  it('cancel at period end: a final invoice bills the usage of the last period', async () => {
    const p = await plan('usd', 10_000, 5_000_000);
    const t = await tenant();
    const sub = await subscribe(t, p);
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await usage(t.cus.id, 5_100_000, T0 + DAY);
    const inv = await renewalInvoice(t, sub.id);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
    expect(inv).toMatchObject({ status: 'paid', total: 500 });
    expect(lineOf(inv, p.overage.id)).toMatchObject({ amount: 500, period: { start: T0, end: FEB } });
  });

  it('cancel with invoice_now bills the usage so far', async () => {
    const p = await plan('usd', 10_000, 5_000_000);
    const t = await tenant();
    const sub = await subscribe(t, p);
    await usage(t.cus.id, 5_100_000, T0 + DAY);
    await advanceClock(stripe, t.clock.id, T0 + 5 * DAY);
    const canceled = await stripe.subscriptions.cancel(sub.id, { invoice_now: true });
    const inv = await stripe.invoices.retrieve(String(canceled.latest_invoice));
    expect(lineOf(inv, p.overage.id)).toMatchObject({
      amount: 500,
      period: { start: T0, end: T0 + 5 * DAY },
    });
  });
});
