import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

/** Stripe's fee on a card charge of `amount` `currency` on the platform, from its balance transaction. */
async function feeOf(
  amount: number,
  currency: string,
  extra: Stripe.PaymentIntentCreateParams | object = {},
) {
  const pi = await stripe.paymentIntents.create({
    amount,
    currency,
    payment_method: 'pm_card_visa',
    confirm: true,
    ...extra,
  });
  const ch = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
  const bt = ch.balance_transaction as Stripe.BalanceTransaction;
  return { bt, fee: bt.fee_details.filter((d) => d.type === 'stripe_fee').reduce((n, d) => n + d.amount, 0) };
}

describe("Stripe's fee by (settlement country, currency)", () => {
  it('prices each currency in its own minor units and settles without conversion', async () => {
    expect((await feeOf(10_000, 'usd')).fee).toBe(320); // US/usd: 2.9 % + 30¢
    const eur = await feeOf(10_000, 'eur'); // a US business charging euros: 2.9 % and no fixed part in euros
    expect(eur.fee).toBe(290);
    expect(eur.bt.currency).toBe('eur');
    expect(eur.bt.net).toBe(10_000 - 290);
    expect((await feeOf(50, 'jpy')).fee).toBe(1); // never ¥30 on ¥50
  });

  it('prices a charge on behalf of an account for that account’s country', async () => {
    const acct = await stripe.accounts.create({
      type: 'custom',
      country: 'FR',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const { fee } = await feeOf(10_000, 'eur', {
      on_behalf_of: acct.id,
      transfer_data: { destination: acct.id },
    });
    expect(fee).toBe(175); // FR/eur: 1.5 % + €0.25
  });

  it('takes other prices through /_sandbox/fees, and refuses a bad body', async () => {
    const before = await admin<{ rates: Record<string, unknown> }>(sb, 'fees', undefined, 'GET');
    expect(before.rates['US/usd']).toEqual({ percent_bps: 290, fixed: 30 });
    const set = await admin(sb, 'fees', { rates: { 'US/usd': { percent_bps: 350, fixed: 40 } } });
    expect(set).toMatchObject({ rates: { 'US/usd': { percent_bps: 350, fixed: 40 } } });
    expect((await feeOf(10_000, 'usd')).fee).toBe(390);
    await admin(sb, 'fees', { rates: { 'US/usd': { percent_bps: 290, fixed: 30 } } });
    expect(await admin(sb, 'fees', { rates: { usd: { percent_bps: 1, fixed: 1 } } })).toHaveProperty('error');
  });

  it('refuses a currency Stripe does not take, and a three-decimal amount not ending in 0', async () => {
    await expect(stripe.paymentIntents.create({ amount: 1000, currency: 'xyz' })).rejects.toMatchObject({
      param: 'currency',
    });
    await expect(stripe.paymentIntents.create({ amount: 5125, currency: 'kwd' })).rejects.toMatchObject({
      param: 'amount',
    });
    expect((await stripe.paymentIntents.create({ amount: 5120, currency: 'kwd' })).amount).toBe(5120);
    await expect(
      stripe.prices.create({ currency: 'xyz', unit_amount: 100, product_data: { name: 'P' } }),
    ).rejects.toMatchObject({ param: 'currency' });
  });
});
