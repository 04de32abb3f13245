import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

/**
 * A subscription for a customer with no card would be made incomplete on Stripe (its first invoice unpaid)
 * and look like any other: it is refused up front instead, naming what to do. A card that declines makes it
 * incomplete on Stripe: it says so, with the hosted invoice page to complete it, and its payment shows no
 * negative fee.
 */
for (const kind of ['express', 'standard'] as const) {
  describe(`subscriptions without a working card (${kind}-like)`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let price: string;

    beforeAll(async () => {
      p = await startPipeline({
        CONNECT_ACCOUNT_KIND: kind,
        PLATFORM_FEE_BPS: '250',
        PLATFORM_FEE_PASS_THROUGH: 'true',
      });
      tenant = await createTestTenant(p.t, `Incomplete ${kind}`);
      await connectTenant(p.t, tenant);
      const made = await api()('POST', '/products', {
        name: 'Pro',
        price: { currency: 'usd', unit_amount: 10_000, interval: 'month' },
      });
      expect(made.statusCode, made.body).toBe(200);
      price = made.json().price.id;
    });
    afterAll(() => p.close());

    const api = () => tenantApi(p.t, tenant);
    const customer = async (email: string, card?: string) => {
      const c = (await api()('POST', '/customers', { email })).json();
      if (card) {
        const saved = await api()('POST', `/customers/${c.id}/setup_intents`, { payment_method: card });
        expect(saved.statusCode, saved.body).toBe(200);
      }
      return c.id as string;
    };

    it('no card: refused with payment_method_required, nothing made', async () => {
      const c = await customer(`nocard-${kind}@example.com`);
      const res = await api()('POST', '/subscriptions', { customer: c, price });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'payment_method_required', param: 'customer' });
      expect(res.json().error.message).toMatch(/payment method/i);
      const listed = (await api()('GET', `/subscriptions?customer=${c}`)).json().data;
      expect(listed).toEqual([]);
      // a trial needs no card yet
      const trial = await api()('POST', '/subscriptions', { customer: c, price, trial_period_days: 7 });
      expect(trial.statusCode, trial.body).toBe(200);
      expect(trial.json().status).toBe('trialing');
    });

    it('a declining card: incomplete, with the page to complete it; no negative fee', async () => {
      const c = await customer(`declined-${kind}@example.com`, 'pm_card_chargeCustomerFail');
      const res = await api()('POST', '/subscriptions', { customer: c, price });
      expect(res.statusCode, res.body).toBe(200);
      const sub = res.json();
      expect(sub.status).toBe('incomplete');
      expect(sub.complete_payment_url).toMatch(/^https?:\/\//);
      const payments = await waitFor(
        async () => {
          const rows = (await api()('GET', `/payments?customer=${c}`)).json().data;
          return rows.length && rows.every((r: { status: string }) => r.status !== 'pending') ? rows : null;
        },
        'the first invoice payment recorded',
        pipelineState(p),
      );
      for (const pay of payments) {
        expect(pay.fees.platform_fee).toBeGreaterThanOrEqual(0);
        expect(pay.fees.application_fee).toBeGreaterThanOrEqual(0);
        expect(pay.fees.platform_net).toBeGreaterThanOrEqual(0);
      }
    });
  });
}
