import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../src/http/ids.ts';
import { topUpPaymentFee } from '../../src/payments/charges/fee-top-up.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * The fee top-up of an Express-like payment (the difference between Stripe's real fee and the estimate) when
 * the API's own attempt was refused and the follow-up runs later: after a refund that reversed most of the
 * transfer, and after many other transfers to the account.
 */
describe('fee top-up limits (Express-like)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let acct: string;
  let customer: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: { CONNECT_ACCOUNT_KIND: 'express', PLATFORM_FEE_BPS: '250', PLATFORM_FEE_PASS_THROUGH: 'true' },
    });
    tenant = await createTestTenant(t, 'Top-up limits');
    acct = await connectTenant(t, tenant);
    const api = tenantApi(t, tenant);
    customer = (await api('POST', '/customers', { email: 'limits@example.com' })).json().id;
    const saved = await api('POST', `/customers/${customer}/setup_intents`, {
      payment_method: 'pm_card_visa',
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });
  afterAll(() => t.close());

  const stripe = () => sandboxStripe(t);
  const api = () => tenantApi(t, tenant);
  /** A $100.00 payment whose immediate top-up call (`path`) Stripe refuses once: left to the follow-up. */
  async function paymentWithTopUpRefused(path: string) {
    // every try the SDK makes of it (the sandbox's error asks for a retry)
    const count = t.config.STRIPE_MAX_NETWORK_RETRIES + 1;
    await sandboxAdmin(t, 'faults', { type: 'error', status: 400, count, method: 'POST', path });
    const res = await api()('POST', '/payment_intents', {
      amount: 10_000,
      currency: 'usd',
      customer,
      off_session: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    const pay = res.json();
    expect(pay.status).toBe('succeeded');
    await fetch(`${t.config.STRIPE_API_BASE}/_sandbox/faults`, { method: 'DELETE' });
    expect(pay.fees).toMatchObject({ final: true, fee_top_up: 0 });
    return pay as { id: string; stripe: { charge: string } };
  }
  const runFollowUp = (paymentId: string) =>
    topUpPaymentFee(
      { db: t.database.db, stripe: new StripeRef(t.config) },
      { tenantId: tenant.id, paymentId: fromPublicId('payment', paymentId)! },
    );

  it('after a partial refund, the reversal takes only what the transfer still holds and records the rest', async () => {
    // Stripe dearer than the 2.9 % + 30¢ estimate: 4 % + 35¢ = $4.35, so $1.15 is to be taken back
    await sandboxAdmin(t, 'fees', { rates: { 'US/usd': { percent_bps: 400, fixed: 35 } } });
    const pay = await paymentWithTopUpRefused('/reversals');
    const refund = await api()('POST', `/payments/${pay.id}/refunds`, { amount: 9990 });
    expect(refund.statusCode, refund.body).toBe(200);
    const charge = await stripe().charges.retrieve(pay.stripe.charge);
    const transfer = await stripe().transfers.retrieve(charge.transfer as string);
    const left = transfer.amount - transfer.amount_reversed;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(115);

    await runFollowUp(pay.id);
    const reversals = await stripe().transfers.listReversals(transfer.id, { limit: 100 });
    const topUps = reversals.data.filter((r) => r.metadata?.tributary_fee_top_up === charge.id);
    expect(topUps.map((r) => r.amount)).toEqual([left]);
    const fees = (await api()('GET', `/payments/${pay.id}`)).json().fees;
    expect(fees).toMatchObject({ fee_top_up: left, fee_top_up_uncollected: 115 - left });

    // again (a retried job): nothing more is asked of the emptied transfer
    await runFollowUp(pay.id);
    const again = await stripe().transfers.listReversals(transfer.id, { limit: 100 });
    expect(again.data.filter((r) => r.metadata?.tributary_fee_top_up === charge.id)).toHaveLength(1);
  });

  it('a surplus transfer made earlier for the charge is found behind more than 100 newer transfers', async () => {
    // Stripe cheaper than the estimate: 1 % + 10¢ = $1.10, so $2.10 is handed back to the account
    await sandboxAdmin(t, 'fees', { rates: { 'US/usd': { percent_bps: 100, fixed: 10 } } });
    const pay = await paymentWithTopUpRefused('/v1/transfers');
    // an earlier run made the transfer but died before recording it
    const earlier = await stripe().transfers.create({
      amount: 210,
      currency: 'usd',
      destination: acct,
      source_transaction: pay.stripe.charge,
      metadata: { tributary_fee_top_up: pay.stripe.charge },
    });
    for (let i = 0; i < 101; i++) {
      await stripe().transfers.create({
        amount: 1,
        currency: 'usd',
        destination: acct,
        source_transaction: pay.stripe.charge,
      });
    }
    await runFollowUp(pay.id);
    const fees = (await api()('GET', `/payments/${pay.id}`)).json().fees;
    expect(fees).toMatchObject({ fee_top_up: -210, platform_net: 250 });
    const all = await stripe()
      .transfers.list({ destination: acct, limit: 100 })
      .autoPagingToArray({ limit: 1000 });
    const topUps = all.filter((x) => x.metadata?.tributary_fee_top_up === pay.stripe.charge);
    expect(topUps.map((x) => x.id)).toEqual([earlier.id]);
  });
});
