import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * 20 concurrent partial refunds totalling more than the charge: the payment's row lock lets exactly as many
 * through as fit, every other request gets a clean 409, and Stripe never sees more than the charge. PGlite runs
 * one transaction at a time, so the race only exists on Postgres.
 */
describe('concurrent refunds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PLATFORM_FEE_BPS: '250' } });
  });
  afterAll(() => t.close());

  it.skipIf(!process.env.DATABASE_URL)(
    '20 partial refunds of $7 on $100: 14 pass, 6 are refused, total ≤ charge',
    async () => {
      const tenant = await createTestTenant(t, 'Refund race');
      await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      const c = (await api('POST', '/customers', { email: 'race@example.com' })).json();
      await api('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' });
      const pay = (
        await api('POST', '/payment_intents', {
          amount: 10_000,
          currency: 'usd',
          customer: c.id,
          off_session: true,
        })
      ).json();
      expect(pay.status).toBe('succeeded');

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.app.inject({
            method: 'POST',
            url: `/v1/tenants/${tenant.publicId}/payments/${pay.id}/refunds`,
            // twenty distinct refunds, each with its own key
            headers: { authorization: `Bearer ${tenant.key}`, 'idempotency-key': `race-${pay.id}-${i}` },
            payload: { amount: 700 },
          }),
        ),
      );
      const ok = results.filter((r) => r.statusCode === 200);
      const refused = results.filter((r) => r.statusCode !== 200);
      expect(ok).toHaveLength(14);
      for (const r of refused) {
        expect(r.statusCode, r.body).toBe(409);
        expect(['refund_exceeds_payment', 'payment_not_refundable']).toContain(r.json().error.code);
      }
      const onStripe = await sandboxStripe(t).refunds.list({
        payment_intent: pay.stripe.payment_intent,
        limit: 100,
      });
      expect(onStripe.data.reduce((n, r) => n + r.amount, 0)).toBe(9800);
      const detail = (await api('GET', `/payments/${pay.id}`)).json();
      expect(detail.amount_refunded).toBe(9800);
      expect(detail.refunds.filter((r: { status: string }) => r.status === 'succeeded')).toHaveLength(14);
      // the last $2 can still be refunded, and nothing more
      expect((await api('POST', `/payments/${pay.id}/refunds`, {})).json()).toMatchObject({ amount: 200 });
      expect((await api('POST', `/payments/${pay.id}/refunds`, { amount: 1 })).statusCode).toBe(409);
    },
  );
});
