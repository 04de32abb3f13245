import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveApplicationFee } from '../../src/stripe/application-fees.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { connectTenant, sandboxStripe } from '../helpers/payments.ts';

// Stripe embeds an application fee's newest 10 refunds only: the platform's fee revenue would miss the older
// ones of a fee refunded more often. The reader pages the rest, each with its balance transaction.
describe('reading an application fee with every refund', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('a fee refunded twelve times comes with all twelve refunds and their balance transactions', async () => {
    const acct = await connectTenant(t, await createTestTenant(t, 'Twelve fee refunds'));
    const stripe = sandboxStripe(t);
    const pi = await stripe.paymentIntents.create(
      {
        amount: 10_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 1_200,
      },
      { stripeAccount: acct },
    );
    const [listed] = (await stripe.applicationFees.list({ charge: String(pi.latest_charge) })).data;
    for (let i = 0; i < 12; i++) await stripe.applicationFees.createRefund(listed!.id, { amount: 10 + i });
    const fee = await retrieveApplicationFee(stripe, listed!.id, {});
    expect(fee.refunds.data).toHaveLength(12);
    expect(fee.refunds.has_more).toBe(false);
    expect(fee.refunds.data.reduce((sum, r) => sum + r.amount, 0)).toBe(fee.amount_refunded);
    for (const r of fee.refunds.data)
      expect(r.balance_transaction).toMatchObject({ type: 'application_fee_refund', amount: -r.amount });
    expect(fee.balance_transaction).toMatchObject({ type: 'application_fee', amount: 1_200 });
  });
});
