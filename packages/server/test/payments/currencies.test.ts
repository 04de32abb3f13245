import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, tenantApi } from '../helpers/payments.ts';

/**
 * Fees outside USD: the platform nets its schedule in every currency, whatever Stripe's fee turns out to be,
 * and a currency Stripe does not take is refused before anything reaches Stripe.
 */
for (const kind of ['express', 'standard'] as const) {
  describe(`currencies on ${kind}-like accounts`, () => {
    let t: TestApp;
    let tenant: TestTenant;
    let customerId: string;

    beforeAll(async () => {
      t = await startTestApp({
        env: { CONNECT_ACCOUNT_KIND: kind, PLATFORM_FEE_BPS: '250', PLATFORM_FEE_PASS_THROUGH: 'true' },
      });
      tenant = await createTestTenant(t, `Currencies ${kind}`);
      await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      const c = await api('POST', '/customers', { email: `fx-${kind}@example.com` });
      customerId = c.json().id;
      const saved = await api('POST', `/customers/${customerId}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      expect(saved.statusCode, saved.body).toBe(200);
    });
    afterAll(() => t.close());

    const pay = (amount: number, currency: string) =>
      tenantApi(t, tenant)('POST', '/payment_intents', {
        amount,
        currency,
        customer: customerId,
        off_session: true,
      });

    it('€100.00 at 2.5 % leaves the platform €2.50 and adds up', async () => {
      const res = await pay(10_000, 'eur');
      expect(res.statusCode, res.body).toBe(200);
      const { fees, amount, status } = res.json();
      expect(status).toBe('succeeded');
      expect(fees).toMatchObject({ platform_fee: 250, platform_net: 250, final: true });
      expect(fees.tenant_net + fees.platform_net + fees.stripe_fee).toBe(amount);
      expect(res.json().fee_schedule).toMatchObject({ percent_bps: 250, pass_through_stripe_fee: true });
    });

    it('¥50 never shows the platform a negative net', async () => {
      const res = await pay(50, 'jpy');
      expect(res.statusCode, res.body).toBe(200);
      const { fees, amount } = res.json();
      expect(fees.final).toBe(true);
      expect(fees.platform_net).toBe(1); // 2.5 % of ¥50, half up to whole yen
      expect(fees.platform_net).toBeGreaterThanOrEqual(0);
      expect(fees.tenant_net + fees.platform_net + fees.stripe_fee).toBe(amount);
    });

    it("Stripe's real fee above or below the estimate: the platform still nets its schedule", async () => {
      for (const [rate, sign] of [
        [{ percent_bps: 390, fixed: 45 }, 1],
        [{ percent_bps: 150, fixed: 10 }, -1],
      ] as const) {
        await sandboxAdmin(t, 'fees', { rates: { 'US/usd': rate } });
        try {
          const res = await pay(10_000, 'usd');
          expect(res.statusCode, res.body).toBe(200);
          const { fees, amount } = res.json();
          expect(fees.stripe_fee).toBe(Math.floor((10_000 * rate.percent_bps + 5000) / 10_000) + rate.fixed);
          expect(fees.platform_net).toBe(250);
          expect(fees.tenant_net + fees.platform_net + fees.stripe_fee).toBe(amount);
          // Express-like: the platform paid Stripe's fee, the difference went by transfer (reversal)
          expect(Math.sign(fees.fee_top_up)).toBe(kind === 'express' ? sign : 0);
          const again = await tenantApi(t, tenant)('GET', `/payments/${res.json().id}`);
          expect(again.json().fees).toEqual(fees);
        } finally {
          await sandboxAdmin(t, 'fees', { rates: { 'US/usd': { percent_bps: 290, fixed: 30 } } });
        }
      }
    });

    it('a currency Stripe does not take is refused: 400 currency_unsupported', async () => {
      const res = await pay(1000, 'xyz');
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'currency_unsupported', param: 'currency' });
      const preview = await tenantApi(t, tenant)('GET', '/fee_schedule/preview?amount=1000&currency=xyz');
      expect(preview.json().error?.code).toBe('currency_unsupported');
    });

    it('a three-decimal currency takes amounts in tens of its minor unit', async () => {
      const odd = await pay(5125, 'kwd');
      expect(odd.statusCode).toBe(400);
      expect(odd.json().error).toMatchObject({ code: 'parameter_invalid', param: 'amount' });
      const ok = await pay(5120, 'kwd');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().fees.platform_net).toBe(128);
    });

    it('an amount smaller than the fees it would carry is refused: 400 amount_too_small', async () => {
      const platform = tenantApi(t, tenant, t.platformKey);
      const set = await platform('POST', '/fee_schedule', { fixed: { usd: 100 } });
      expect(set.statusCode, set.body).toBe(200);
      try {
        const res = await pay(100, 'usd');
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'amount_too_small', param: 'amount' });
      } finally {
        await platform('POST', '/fee_schedule', { fixed: null });
      }
    });
  });
}

describe('currencies wherever they enter', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Currencies elsewhere');
    await connectTenant(t, tenant);
  });
  afterAll(() => t.close());

  it('invoices, prices and fee schedules refuse xyz; three-decimal amounts come in tens', async () => {
    const api = tenantApi(t, tenant);
    const platform = tenantApi(t, tenant, t.platformKey);
    const line = (unit_amount: number) => [{ description: 'Work', quantity: 1, unit_amount }];
    const refusals = [
      await api('POST', '/invoices', { currency: 'xyz', lines: line(1000) }),
      await platform('POST', '/fee_schedule', { fixed: { xyz: 10 } }),
      await platform('POST', '/fee_schedule', { min: { usd: 10, xyz: 10 } }),
    ];
    for (const r of refusals) expect(r.json().error?.code, r.body).toBe('currency_unsupported');
    const product = await api('POST', '/products', { name: 'Plan' });
    expect(product.statusCode, product.body).toBe(200);
    const price = (currency: string, unit_amount: number) =>
      api('POST', '/prices', { product: product.json().id, currency, unit_amount, interval: 'month' });
    expect((await price('xyz', 1000)).json().error.code).toBe('currency_unsupported');
    const odd = await price('bhd', 1005);
    expect(odd.json().error).toMatchObject({ code: 'parameter_invalid', param: 'unit_amount' });
    const oddInvoice = await api('POST', '/invoices', { currency: 'omr', lines: line(2345) });
    expect(oddInvoice.json().error).toMatchObject({
      code: 'parameter_invalid',
      param: 'lines[0][unit_amount]',
    });
    const fine = await api('POST', '/invoices', { currency: 'omr', lines: line(2340) });
    expect(fine.statusCode, fine.body).toBe(200);
  });
});
