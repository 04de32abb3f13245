// Billing meters and meter events as Stripe takes them: one active meter per event name, the timestamp
// window (35 days back, 5 minutes ahead, on the customer's test clock), a repeated identifier refused,
// negative corrections, `last` by timestamp; and the price refusals of a metered graduated price.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000;
const FEB = Date.UTC(2026, 1, 1, 12) / 1000;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function refusal(p: Promise<unknown>) {
  const e = (await p.then(
    () => null,
    (err: unknown) => err,
  )) as Stripe.errors.StripeError | null;
  expect(e, 'the call was refused').not.toBeNull();
  return { status: e!.statusCode, type: e!.type, code: e!.code, param: e!.param, message: e!.message };
}

async function clocked() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const cus = await stripe.customers.create({ test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, cus };
}

describe('billing meters', () => {
  it('one active meter per event name; listed with their aggregation', async () => {
    const made = await stripe.billing.meters.create({
      display_name: 'Seats',
      event_name: 'tributary_seats',
      default_aggregation: { formula: 'last' },
    });
    expect(made).toMatchObject({
      object: 'billing.meter',
      status: 'active',
      event_name: 'tributary_seats',
      default_aggregation: { formula: 'last' },
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
    });
    expect(
      await refusal(
        stripe.billing.meters.create({
          display_name: 'Seats again',
          event_name: 'tributary_seats',
          default_aggregation: { formula: 'sum' },
        }),
      ),
    ).toMatchObject({ status: 400, type: 'StripeInvalidRequestError', param: 'event_name' });
    const listed = await stripe.billing.meters.list({ status: 'active' });
    expect(listed.data.map((m) => m.event_name)).toContain('tributary_seats');
  });
});

describe('meter events', () => {
  it('takes events up to 35 days back and 5 minutes ahead of the customer clock, no further', async () => {
    const { cus } = await clocked();
    const send = (timestamp: number, identifier: string) =>
      stripe.billing.meterEvents.create({
        event_name: 'tributary_api_calls',
        identifier,
        timestamp,
        payload: { stripe_customer_id: cus.id, value: '1' },
      });
    await stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: 'tributary_api_calls',
      default_aggregation: { formula: 'sum' },
    });
    expect(await send(T0 - 35 * DAY, 'a')).toMatchObject({
      object: 'billing.meter_event',
      identifier: 'a',
      timestamp: T0 - 35 * DAY,
    });
    expect(await send(T0 + 300, 'b')).toMatchObject({ identifier: 'b' });
    expect(await refusal(send(T0 - 35 * DAY - 1, 'c'))).toMatchObject({
      status: 400,
      param: 'timestamp',
      message: expect.stringContaining('cannot be more than 35 days in past'),
    });
    expect(await refusal(send(T0 + 301, 'd'))).toMatchObject({ status: 400, param: 'timestamp' });
    // a repeated identifier is refused, with no error code (integrations match the sentence)
    expect(await refusal(send(T0, 'a'))).toMatchObject({
      status: 400,
      code: undefined,
      message: expect.stringContaining('already exists with identifier a'),
    });
    expect(
      await refusal(
        stripe.billing.meterEvents.create({
          event_name: 'tributary_api_calls',
          payload: { value: '1' },
        }),
      ),
    ).toMatchObject({ status: 400, code: 'parameter_missing', param: 'payload[stripe_customer_id]' });
  });

  it('a `last` meter bills the latest event by timestamp, not the latest sent', async () => {
    const meter = await stripe.billing.meters.create({
      display_name: 'Members',
      event_name: 'tributary_members',
      default_aggregation: { formula: 'last' },
    });
    const price = await stripe.prices.create({
      currency: 'usd',
      product_data: { name: 'Seats over the limit' },
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 5, unit_amount: 0 },
        { up_to: 'inf', unit_amount: 1_000 },
      ],
    });
    const { clock, cus } = await clocked();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    await advanceClock(stripe, clock.id, T0 + 10 * DAY);
    for (const [value, at] of [
      [8, T0 + 9 * DAY],
      [7, T0 + 2 * DAY],
    ] as const) {
      await stripe.billing.meterEvents.create({
        event_name: 'tributary_members',
        timestamp: at,
        payload: { stripe_customer_id: cus.id, value: String(value) },
      });
    }
    await advanceClock(stripe, clock.id, FEB + 2 * 3600);
    const latest = (await stripe.subscriptions.retrieve(sub.id)).latest_invoice;
    const inv = await stripe.invoices.retrieve(String(latest));
    expect(inv.lines.data[0]).toMatchObject({ quantity: 8, amount: 3_000 });
  });
});

describe('metered graduated prices', () => {
  it('refuses what Stripe refuses', async () => {
    const meter = await stripe.billing.meters.create({
      display_name: 'Volume',
      event_name: 'tributary_volume_refusals',
      default_aggregation: { formula: 'sum' },
    });
    const base = {
      currency: 'usd',
      product_data: { name: 'Overage' },
      recurring: { interval: 'month' as const, usage_type: 'metered' as const, meter: meter.id },
      billing_scheme: 'tiered' as const,
      tiers_mode: 'graduated' as const,
    };
    expect(
      await refusal(
        stripe.prices.create({
          ...base,
          tiers: [
            { up_to: 10, unit_amount: 0 },
            { up_to: 'inf', unit_amount: 1, unit_amount_decimal: Stripe.Decimal.from('0.5') },
          ],
        }),
      ),
    ).toMatchObject({ status: 400, param: 'tiers[1][unit_amount_decimal]' });
    expect(
      await refusal(stripe.prices.create({ ...base, tiers: [{ up_to: 10, unit_amount: 0 }] })),
    ).toMatchObject({ status: 400, param: 'tiers[0][up_to]' });
    expect(
      await refusal(
        stripe.prices.create({
          ...base,
          recurring: { interval: 'month', usage_type: 'metered' },
          tiers: [{ up_to: 'inf', unit_amount: 1 }],
        }),
      ),
    ).toMatchObject({ status: 400, code: 'parameter_missing', param: 'recurring[meter]' });
    expect(
      await refusal(
        stripe.prices.create({
          ...base,
          recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_missing' },
          tiers: [{ up_to: 'inf', unit_amount: 1 }],
        }),
      ),
    ).toMatchObject({ status: 404, code: 'resource_missing', param: 'recurring[meter]' });
  });

  it('an archived price keeps its subscribers and takes no new ones', async () => {
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1_000,
      recurring: { interval: 'month' },
      product_data: { name: 'Old Pro' },
    });
    const { cus } = await clocked();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    expect((await stripe.prices.update(price.id, { active: false })).active).toBe(false);
    const item = sub.items.data[0]!;
    const kept = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: price.id }],
      metadata: { tributary_kind: 'platform_plan' },
    });
    expect(kept.items.data[0]!.price.id).toBe(price.id);
    expect(
      await refusal(stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] })),
    ).toMatchObject({
      status: 400,
      param: 'items[0][price]',
      message: 'The price specified is inactive. This field only accepts active prices.',
    });
  });
});
