import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

/**
 * A payment confirmed after the API answered (Stripe.js would): the charge's event brings Stripe's real fee,
 * and its follow-up settles the difference from the estimate, so the platform still nets its schedule.
 */
describe("Stripe's real fee settled from the charge's event (Express-like)", () => {
  let p: Pipeline;
  let tenant: TestTenant;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express', PLATFORM_FEE_BPS: '250' });
    tenant = await createTestTenant(p.t, 'Late confirmation');
    await connectTenant(p.t, tenant);
  });
  afterAll(() => p.close());

  it('a €100.00 payment confirmed on the client, Stripe dearer than estimated: the platform nets €2.50', async () => {
    await sandboxAdmin(p.t, 'fees', { rates: { 'US/eur': { percent_bps: 400, fixed: 35 } } });
    const api = tenantApi(p.t, tenant);
    const created = await api('POST', '/payment_intents', { amount: 10_000, currency: 'eur' });
    expect(created.statusCode, created.body).toBe(200);
    const pay = created.json();
    expect(pay.client_secret).toBeTruthy();
    await p.stripe.paymentIntents.confirm(pay.stripe.payment_intent, { payment_method: 'pm_card_visa' });
    const settled = await waitFor(
      async () => {
        const fees = (await api('GET', `/payments/${pay.id}`)).json().fees;
        return fees.final && fees.fee_top_up !== 0 ? fees : null;
      },
      'the fee top-up',
      pipelineState(p),
    );
    expect(settled).toMatchObject({ stripe_fee: 435, platform_net: 250, fee_top_up: 145 });
    expect(settled.tenant_net + settled.platform_net + settled.stripe_fee).toBe(10_000);
  });
});
