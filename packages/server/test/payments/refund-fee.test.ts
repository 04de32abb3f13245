import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';

/**
 * A refund made through the API with `refund_application_fee` answers with the payment already showing the
 * fee given back (no worker runs here: no webhook could tell it).
 */
for (const kind of ['standard', 'express'] as const) {
  describe(`a refund's fee refund, at once (${kind}-like)`, () => {
    let t: TestApp;
    let tenant: TestTenant;

    beforeAll(async () => {
      t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: kind, PLATFORM_FEE_BPS: '250' } });
      tenant = await createTestTenant(t, `Refund fee ${kind}`);
      await connectTenant(t, tenant);
    });
    afterAll(() => t.close());

    it('the net after the refund counts the fee refunded', async () => {
      const api = tenantApi(t, tenant);
      const { payment } = await paidPayment(api, `fee-back-${kind}@example.com`, 'pm_card_visa', 10_000);
      const before = (await api('GET', `/payments/${payment.id}`)).json();
      const appFee = before.fees.application_fee as number;
      const res = await api('POST', `/payments/${payment.id}/refunds`, {
        amount: 4000,
        refund_application_fee: true,
      });
      expect(res.statusCode, res.body).toBe(200);
      const after = (await api('GET', `/payments/${payment.id}`)).json();
      const back = Math.round((appFee * 4000) / 10_000);
      expect(after.fees).toMatchObject({ refunded: 4000, application_fee_refunded: back });
      expect(after.fees.tenant_net).toBe(before.fees.tenant_net - 4000 + back);
      expect(after.fees.platform_net).toBe(before.fees.platform_net - back);
      expect(after.timeline.map((e: { type: string }) => e.type)).toContain('application_fee.refunded');
    });
  });
}
