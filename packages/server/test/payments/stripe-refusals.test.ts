import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * What Stripe refuses because of the caller's input is the caller's 4xx
 * with a stable code and our parameter's name; what Stripe refuses of our own making stays a 502, and
 * neither echoes Stripe's text (its ids and accounts).
 */
describe('Stripe refusals', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let acct: string;
  let customer: { id: string; stripe_customer_id: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard' } });
    tenant = await createTestTenant(t, 'Refusals');
    acct = await connectTenant(t, tenant);
    customer = (await tenantApi(t, tenant)('POST', '/customers', { email: 'refusals@example.com' })).json();
  });
  afterAll(() => t?.close());

  it('a bad payment_method on a setup intent: 400 when malformed, 404 when unknown, never 502', async () => {
    const api = tenantApi(t, tenant);
    const malformed = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'card 4242 4242 4242 4242',
    });
    expect(malformed.statusCode, malformed.body).toBe(400);
    expect(malformed.json().error).toMatchObject({ code: 'parameter_invalid', param: 'payment_method' });
    for (const payment_method of ['pm_1UnknownMethod', 'pm_card_noSuchTestToken']) {
      const unknown = await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method });
      expect(unknown.statusCode, unknown.body).toBe(404);
      expect(unknown.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
      expect(unknown.body).not.toMatch(/connected account|acct_/);
    }
  });

  it("a value Stripe refuses (a price billed every four years): 400 naming our parameter, Stripe's text kept out", async () => {
    const api = tenantApi(t, tenant);
    const product = (await api('POST', '/products', { name: 'Quadrennial' })).json();
    const res = await api('POST', '/prices', {
      product: product.id,
      unit_amount: 4000,
      interval: 'year',
      interval_count: 4,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'parameter_invalid', param: 'interval_count' });
    expect(res.body).not.toContain('recurring[');
    // refused: nothing kept
    const rows = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from prices where tenant_id = '${tenant.id}'`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("Stripe refusing what we sent of our own (a customer deleted on Stripe's side): 502 without Stripe's text", async () => {
    const api = tenantApi(t, tenant);
    const gone = (await api('POST', '/customers', { email: 'gone@example.com' })).json();
    await sandboxStripe(t).customers.del(gone.stripe_customer_id, {}, { stripeAccount: acct });
    const res = await api('POST', `/customers/${gone.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    expect(res.statusCode, res.body).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'stripe_error', param: null });
    expect(res.body).not.toContain(gone.stripe_customer_id);
    expect(res.body).not.toContain('No such');
  });
});
