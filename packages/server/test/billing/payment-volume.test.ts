import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertMinor } from '../../src/billing/usage/payment-volume.ts';
import { currencyRates } from '../../src/db/schema/index.ts';
import { withSystem } from '../../src/db/tenant.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, sandboxAdmin, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

describe('payment volume conversion', () => {
  it('is decimal-exact across zero-, two- and three-decimal currencies, rounding half away from zero', () => {
    expect(convertMinor(1000, 'jpy', 'usd', '0.0067')).toBe(670);
    expect(convertMinor(1234, 'usd', 'kwd', '0.307')).toBe(3788);
    expect(convertMinor(1000, 'eur', 'usd', '1.08')).toBe(1080);
    expect(convertMinor(-1000, 'eur', 'usd', '1.0805')).toBe(-1081);
    expect(convertMinor(1001, 'usd', 'jpy', '150')).toBe(1502);
    expect(convertMinor(100, 'usd', 'eur', 'abc')).toBeNull();
    expect(convertMinor(100, 'usd', 'eur', '0')).toBeNull();
    // the largest rate the operator may set, to a three-decimal currency: still a number a bigint holds
    expect(convertMinor(99_999_999, 'jpy', 'kwd', '999999999999')).toBe(Number.MAX_SAFE_INTEGER);
    expect(convertMinor(-99_999_999, 'jpy', 'kwd', '999999999999')).toBe(-Number.MAX_SAFE_INTEGER);
  });
});

// Payments and refunds that succeed count in the tenant's payment volume, through the webhook pipeline.
describe('payment volume from payments and refunds', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;
  beforeAll(async () => {
    // the failing refund fails when the test settles it, never on its own before the test saw it succeed
    p = await startPipeline(
      { CONNECT_ACCOUNT_KIND: 'express' },
      { sandbox: { asyncRefundDelayMs: 3_600_000 } },
    );
    const plan = await createPlan(p.t.database, {
      name: 'Volume',
      limits: [{ metric: 'payment_volume', currency: 'usd', limit: 1_000_000, enforcement: 'soft' }],
    });
    await withSystem(p.t.database.db, 'operator.billing', (tx) =>
      tx
        .insert(currencyRates)
        .values({ from: 'eur', to: 'usd', rate: '1.10' })
        .onConflictDoUpdate({ target: [currencyRates.from, currencyRates.to], set: { rate: '1.10' } }),
    );
    tenant = await createTestTenant(p.t);
    await putOnPlan(p.t.database, tenant.id, plan);
    await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(() => p.close());

  const volume = async () => {
    const res = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/entitlements`,
      headers: bearer(p.t.platformKey),
    });
    return res.json().metrics.payment_volume as { used: number; excluded?: Record<string, number> };
  };

  it('a payment counts once, a refund comes off, another currency converts or is shown excluded', async () => {
    const { payment, customer } = await paidPayment(api, 'volume@example.com', 'pm_card_visa', 3000);
    await waitFor(async () => (await volume()).used === 3000, 'the payment counted');
    const refund = await api('POST', `/payments/${payment.id}/refunds`, { amount: 1000 });
    expect(refund.statusCode, refund.body).toBe(200);
    await waitFor(async () => (await volume()).used === 2000, 'the refund taken off');
    for (const [currency, amount] of [
      ['eur', 1000],
      ['gbp', 500],
    ] as const) {
      const res = await api('POST', '/payment_intents', {
        amount,
        currency,
        customer: customer.id,
        off_session: true,
      });
      expect(res.json().status, res.body).toBe('succeeded');
    }
    const seen = await waitFor(async () => {
      const v = await volume();
      return v.used === 3100 && v.excluded?.gbp === 500 ? v : null;
    }, 'eur converted at 1.10, gbp excluded');
    expect(seen.excluded).toEqual({ gbp: 500 });
  });

  it('a refund that succeeded and then failed gives its amount back to the volume, once', async () => {
    const before = (await volume()).used;
    const { payment } = await paidPayment(api, 'refund-fails@example.com', 'pm_card_refundFail', 4000);
    await waitFor(async () => (await volume()).used === before + 4000 || null, 'the payment counted');
    const refund = await api('POST', `/payments/${payment.id}/refunds`, { amount: 1500 });
    expect(refund.json().status, refund.body).toBe('succeeded');
    await waitFor(async () => (await volume()).used === before + 2500 || null, 'the refund taken off');
    await sandboxAdmin(p.t, 'refunds/settle', { refund: refund.json().stripe_refund_id });
    await waitFor(
      async () => (await volume()).used === before + 4000 || null,
      'the failed refund given back',
    );
    // its events delivered again count nothing more
    const again = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/refunds?payment=${payment.id}`,
      headers: bearer(tenant.key),
    });
    expect(again.json().data[0].status).toBe('failed');
    expect((await volume()).used).toBe(before + 4000);
  });
});
