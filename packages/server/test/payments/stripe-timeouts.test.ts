import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeRef } from '../../src/stripe/client.ts';
import {
  bearer,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
  testConfig,
} from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, sandboxUrl, tenantApi } from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * A Stripe call that never answers must not hold a request for minutes (the SDK's own
 * default is 80 s a try, three tries). Each try is bounded by STRIPE_TIMEOUT_MS, and all of one request's
 * Stripe calls by STRIPE_REQUEST_BUDGET_MS; the bounds below are functional, asserted loosely (3×).
 */
const TIMEOUT_MS = 3000;
const BUDGET_MS = 1000;

/** The promise's outcome, or a failure naming how long it was waited for (no test waits minutes). */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function clearFaults(t: Pick<TestApp, 'config'>) {
  const res = await fetch(`${sandboxUrl(t)}/_sandbox/faults`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clear faults: ${res.status}`);
}

for (const kind of ['standard', 'express'] as const) {
  describe(`a hung Stripe call during a request (${kind}-like)`, () => {
    let t: TestApp;
    let tenant: TestTenant;
    let acct: string;
    let customer: { id: string; stripe_customer_id: string };
    const opts = () => (kind === 'standard' ? { stripeAccount: acct } : undefined);
    const pay = (body: object, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/payment_intents`,
        headers: { ...bearer(tenant.key), 'idempotency-key': key },
        payload: body,
      });

    beforeAll(async () => {
      t = await startTestApp({
        env: {
          CONNECT_ACCOUNT_KIND: kind,
          STRIPE_TIMEOUT_MS: String(TIMEOUT_MS),
          STRIPE_MAX_NETWORK_RETRIES: '1',
          STRIPE_REQUEST_BUDGET_MS: String(BUDGET_MS),
        },
      });
      tenant = await createTestTenant(t, `Timeouts ${kind}`);
      acct = await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      customer = (await api('POST', '/customers', { email: `hung-${kind}@example.com` })).json();
      const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      expect(saved.statusCode, saved.body).toBe(200);
    });
    afterAll(async () => {
      await clearFaults(t).catch(() => {});
      await t?.close();
    });

    it('a payment whose Stripe answer never comes: 503 within the budget, the row kept, one charge on retry', async () => {
      const body = { amount: 7300, currency: 'usd', customer: customer.id, off_session: true };
      // every try of the call is done at Stripe and never answered
      await sandboxAdmin(t, 'faults', {
        type: 'withhold_response',
        method: 'POST',
        path: '/v1/payment_intents',
        count: 10,
      });
      const started = Date.now();
      const hung = await within(3 * TIMEOUT_MS * 2, pay(body, `hung-${kind}`));
      const elapsed = Date.now() - started;
      expect(hung.statusCode, hung.body).toBe(503);
      expect(hung.json().error.code).toBe('service_unavailable');
      // it did wait for Stripe, and no longer than the request's budget allows (loosely)
      expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS * 0.9);
      expect(elapsed).toBeLessThan(3 * BUDGET_MS);

      const rows = () =>
        systemRows<{ status: string; stripe_payment_intent_id: string | null }>(
          t.database,
          `select status, stripe_payment_intent_id from payments where tenant_id = '${tenant.id}' and amount = 7300`,
        );
      expect(await rows()).toEqual([{ status: 'pending', stripe_payment_intent_id: null }]);
      // the charge was made at Stripe: only the same key may be sent again
      const stripe = sandboxStripe(t);
      const made = await stripe.paymentIntents.list({ customer: customer.stripe_customer_id }, opts());
      expect(made.data.filter((p) => p.amount === 7300).map((p) => p.status)).toEqual(['succeeded']);

      await clearFaults(t);
      const retried = await pay(body, `hung-${kind}`);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(retried.json()).toMatchObject({ status: 'succeeded', amount: 7300 });
      const after = await stripe.paymentIntents.list({ customer: customer.stripe_customer_id }, opts());
      expect(after.data.filter((p) => p.amount === 7300)).toHaveLength(1);
      expect(retried.json().stripe.payment_intent).toBe(after.data.find((p) => p.amount === 7300)!.id);
      expect((await rows()).map((r) => r.status)).toEqual(['succeeded']);
    });

    it('a request making several Stripe calls shares one budget', async () => {
      // saving a card reads the method, creates the SetupIntent, reads it again and sets the default: the
      // last of them hangs, after the others used part of the budget
      await sandboxAdmin(t, 'faults', {
        type: 'timeout',
        method: 'POST',
        path: `/v1/customers/${customer.stripe_customer_id}`,
        count: 10,
      });
      const started = Date.now();
      const hung = await within(
        3 * TIMEOUT_MS * 2,
        tenantApi(t, tenant)('POST', `/customers/${customer.id}/setup_intents`, {
          payment_method: 'pm_card_mastercard',
          set_default: true,
        }),
      );
      const elapsed = Date.now() - started;
      await clearFaults(t);
      expect(hung.statusCode, hung.body).toBe(503);
      expect(elapsed).toBeLessThan(3 * BUDGET_MS);
    });
  });
}

describe('a hung Stripe call outside any request (the worker, the CLI)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await clearFaults(t).catch(() => {});
    await t?.close();
  });

  it('gives up after its own tries of STRIPE_TIMEOUT_MS each (no request budget applies)', async () => {
    const config = testConfig({
      STRIPE_API_BASE: sandboxUrl(t),
      STRIPE_TIMEOUT_MS: '400',
      STRIPE_WORKER_MAX_NETWORK_RETRIES: '1',
      STRIPE_REQUEST_BUDGET_MS: '100',
    });
    await sandboxAdmin(t, 'faults', { type: 'timeout', path: '/v1/balance', count: 2 });
    const started = Date.now();
    await expect(within(10_000, new StripeRef(config).stripe.balance.retrieve())).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
    const elapsed = Date.now() - started;
    // two tries of 400 ms and the SDK's pause between them
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(3 * 1300);
  });
});
