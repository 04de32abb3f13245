// Each endpoint of platform billing refuses what Stripe refuses, with Stripe's status, error code and param
// (endpoint-refusals.ts), through the real SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { REFUSALS, type RefusalMade } from './endpoint-refusals.ts';
import { PLATFORM_ROWS } from './endpoint-rows-platform.ts';
import { client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;
let made: RefusalMade;

/** Every call platform billing makes, each with a happy path in the conformance rows. */
const PLATFORM_SDKS = [
  ...PLATFORM_ROWS.map((r) => r.sdk),
  'products.create',
  'products.update',
  'prices.create',
  'customers.create',
  'subscriptions.create',
  'subscriptions.update',
  'subscriptions.cancel',
];

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Date.UTC(2026, 0, 1, 12) / 1000 });
  const customer = await stripe.customers.create({ test_clock: clock.id });
  await stripe.paymentMethods
    .attach('pm_card_visa', { customer: customer.id })
    .then((pm) =>
      stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }),
    );
  const product = await stripe.products.create({ name: 'Pro' });
  const price = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 1_000,
    recurring: { interval: 'month' },
    product: product.id,
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  const other = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  const canceled = await stripe.subscriptions.cancel(other.id);
  const archivedPrice = await stripe.prices.update(price.id, { active: false });
  await stripe.billing.meters.create({
    display_name: 'Refused',
    event_name: 'tributary_refused',
    default_aggregation: { formula: 'sum' },
  });
  made = { customer, clock, product, archivedPrice, subscription, canceled };
});
afterAll(() => sb.close());

describe('what platform billing endpoints refuse', () => {
  it.each(REFUSALS.map((r) => [`${r.sdk}: ${r.what}`, r] as const))('%s', async (_name, r) => {
    const err = (await r.call(stripe, made).then(
      () => null,
      (e: unknown) => e,
    )) as Stripe.errors.StripeError | null;
    expect(err, 'refused').toBeInstanceOf(Error);
    expect(err!.type).toBe('StripeInvalidRequestError');
    expect({ status: err!.statusCode, code: err!.code, param: err!.param }).toMatchObject({
      status: r.want.status,
      ...(r.want.code ? { code: r.want.code } : {}),
      ...(r.want.param ? { param: r.want.param } : {}),
    });
    if (r.want.message) expect(err!.message).toMatch(r.want.message);
  });

  it('has a refusal for every endpoint platform billing calls', () => {
    const refused = new Set(REFUSALS.map((r) => r.sdk));
    expect(PLATFORM_SDKS.filter((sdk) => !refused.has(sdk))).toEqual([]);
  });
});
