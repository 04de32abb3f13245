import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * A plan (a product with its price, `POST /products` with `price`) is made whole or not at all: a bad price
 * is refused before any Stripe call, and a price Stripe refuses leaves no product behind (archived on Stripe,
 * forgotten here). Express-like: the products live on the platform.
 */
describe('plans are created atomically', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'express' } });
    tenant = await createTestTenant(t, 'Plans');
    await connectTenant(t, tenant);
  });
  afterAll(() => t.close());

  const api = () => tenantApi(t, tenant);
  const ours = async () => (await api()('GET', '/products?limit=100')).json().data as { name: string }[];
  const onStripe = async (name: string) =>
    (await sandboxStripe(t).products.list({ limit: 100 })).data.filter((p) => p.name === name);
  const plan = (name: string, price: Record<string, unknown>) =>
    api()('POST', '/products', { name, price: { currency: 'usd', interval: 'month', ...price } });

  it('a price that cannot be is refused before anything is made', async () => {
    const res = await plan('Pro', { unit_amount: 1000, interval_count: 13 });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'parameter_invalid', param: 'price[interval_count]' });
    const kwd = await plan('Pro', { currency: 'kwd', unit_amount: 1005 });
    expect(kwd.statusCode, kwd.body).toBe(400);
    expect(await ours()).toEqual([]);
    expect(await onStripe('Pro')).toEqual([]);
  });

  it('a price Stripe refuses leaves no product: archived on Stripe, none here', async () => {
    const count = t.config.STRIPE_MAX_NETWORK_RETRIES + 1;
    await sandboxAdmin(t, 'faults', {
      type: 'error',
      status: 400,
      count,
      method: 'POST',
      path: '/v1/prices',
    });
    const res = await plan('Team', { unit_amount: 5000 });
    await fetch(`${t.config.STRIPE_API_BASE}/_sandbox/faults`, { method: 'DELETE' });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(600);
    expect((await ours()).map((p) => p.name)).not.toContain('Team');
    expect((await onStripe('Team')).map((p) => p.active)).toEqual([false]);
  });

  it('a good plan: the product and its price in one request', async () => {
    const res = await plan('Pro', { unit_amount: 2500 });
    expect(res.statusCode, res.body).toBe(200);
    const made = res.json();
    expect(made).toMatchObject({ name: 'Pro', price: { unit_amount: 2500, interval: 'month' } });
    expect(made.price.product).toBe(made.id);
    expect((await ours()).filter((p) => p.name === 'Pro')).toHaveLength(1);
    expect(await onStripe('Pro')).toHaveLength(1);
  });
});
