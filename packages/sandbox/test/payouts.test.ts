// Balances and payouts of connected accounts: funds pending until their available_on, then paid out to the
// account's bank account (pending → in_transit → paid), or failed back into the balance for Stripe's failing
// test bank numbers. /_sandbox/balance/release does days of waiting at once; test clocks do it too.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, advanceClock, client, receiver, start, until } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;
let hooks: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
  hooks = await receiver();
  await stripe.webhookEndpoints.create({
    url: hooks.url,
    enabled_events: ['payout.created', 'payout.updated', 'payout.paid', 'payout.failed'],
    connect: true,
  });
});
afterAll(async () => {
  await hooks.close();
  await sb.close();
});

const release = (account?: string) =>
  admin<{ released: number; payouts: string[] }>(sb, 'balance/release', account ? { account } : {});

async function connected(accountNumber: string, manual = false): Promise<Stripe.Account> {
  const acct = await stripe.accounts.create({
    type: 'express',
    external_account: {
      object: 'bank_account',
      country: 'US',
      currency: 'usd',
      routing_number: '110000000',
      account_number: accountNumber,
    },
    ...(manual ? { settings: { payouts: { schedule: { interval: 'manual' } } } } : {}),
  });
  await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
  return acct;
}

/** A $100 destination charge: the account gets a $100 payment, pending for two days. */
async function pay(acct: Stripe.Account, customer?: string): Promise<void> {
  await stripe.paymentIntents.create({
    amount: 10_000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    customer,
    transfer_data: { destination: acct.id },
  });
}

async function balance(acct: Stripe.Account) {
  const b = await stripe.balance.retrieve({}, { stripeAccount: acct.id });
  const usd = (rows: Stripe.Balance.Available[]) => rows.find((r) => r.currency === 'usd')?.amount ?? 0;
  return { available: usd(b.available), pending: usd(b.pending) };
}

async function eventTypes(acct: Stripe.Account, id: string): Promise<string[]> {
  const list = await stripe.events.list({ limit: 100 }, { stripeAccount: acct.id });
  return list.data
    .filter((e) => (e.data.object as { id?: string }).id === id)
    .map((e) => e.type)
    .reverse();
}

describe('automatic payouts', () => {
  it('pending funds become available and are paid out to the bank account', async () => {
    const acct = await connected('000123456789');
    const ba = acct.external_accounts?.data[0] as Stripe.BankAccount;
    await pay(acct);
    expect(await balance(acct)).toEqual({ available: 0, pending: 10_000 });
    const [payment] = (await stripe.balanceTransactions.list({}, { stripeAccount: acct.id })).data;
    expect(payment).toMatchObject({ type: 'payment', status: 'pending', amount: 10_000 });
    expect(payment!.available_on - payment!.created).toBe(2 * 86_400);
    expect((await stripe.payouts.list({}, { stripeAccount: acct.id })).data).toEqual([]);

    const { payouts } = await release(acct.id);
    expect(payouts).toHaveLength(1);
    const po = await stripe.payouts.retrieve(
      payouts[0]!,
      { expand: ['balance_transaction'] },
      { stripeAccount: acct.id },
    );
    expect(po).toMatchObject({
      object: 'payout',
      amount: 10_000,
      currency: 'usd',
      status: 'paid',
      automatic: true,
      destination: ba.id,
      method: 'standard',
      type: 'bank_account',
      failure_code: null,
      failure_balance_transaction: null,
      reconciliation_status: 'completed',
    });
    expect(po.balance_transaction as Stripe.BalanceTransaction).toMatchObject({
      type: 'payout',
      amount: -10_000,
      net: -10_000,
      reporting_category: 'payout',
      source: po.id,
      status: 'available',
    });
    expect(await balance(acct)).toEqual({ available: 0, pending: 0 });
    const txns = await stripe.balanceTransactions.list({ type: 'payment' }, { stripeAccount: acct.id });
    expect(txns.data[0]).toMatchObject({ id: payment!.id, status: 'available' });
    // the transactions the payout paid out: the payment and the payout itself
    const covered = await stripe.balanceTransactions.list({ payout: po.id }, { stripeAccount: acct.id });
    expect(covered.data.map((t) => t.type).sort()).toEqual(['payment', 'payout']);
    expect(await eventTypes(acct, po.id)).toEqual([
      'payout.created',
      'payout.updated',
      'payout.updated',
      'payout.paid',
    ]);
    const list = await stripe.payouts.list({ status: 'paid' }, { stripeAccount: acct.id });
    expect(list.data.map((p) => p.id)).toEqual([po.id]);

    // the platform heard it through its Connect endpoint, with the account on each event
    const paid = await until(
      () =>
        hooks.received
          .map((r) => JSON.parse(r.body) as Stripe.Event)
          .find((e) => e.type === 'payout.paid' && (e.data.object as Stripe.Payout).id === po.id),
      'payout.paid webhook',
    );
    expect(paid?.account).toBe(acct.id);
  });

  it('a closed bank account (000111111113): the payout is paid, then fails with account_closed and the money comes back', async () => {
    const acct = await connected('000111111113');
    await pay(acct);
    const { payouts } = await release(acct.id);
    const po = await stripe.payouts.retrieve(
      payouts[0]!,
      { expand: ['failure_balance_transaction'] },
      { stripeAccount: acct.id },
    );
    expect(po).toMatchObject({ status: 'failed', failure_code: 'account_closed', amount: 10_000 });
    expect(po.failure_message).toEqual(expect.any(String));
    expect(po.failure_balance_transaction as Stripe.BalanceTransaction).toMatchObject({
      type: 'payout_failure',
      amount: 10_000,
      source: po.id,
      status: 'available',
    });
    expect(await balance(acct)).toEqual({ available: 10_000, pending: 0 });
    // the bank accepted it, then returned it: payout.failed follows payout.paid
    expect(await eventTypes(acct, po.id)).toEqual([
      'payout.created',
      'payout.updated',
      'payout.updated',
      'payout.paid',
      'payout.updated',
      'payout.failed',
    ]);
    // the bank account is errored: no new automatic payout to it
    const again = await stripe.accounts.retrieve(acct.id);
    expect((again.external_accounts?.data[0] as Stripe.BankAccount).status).toBe('errored');
    const baEvents = await stripe.events.list(
      { type: 'account.external_account.updated' },
      { stripeAccount: acct.id },
    );
    expect(baEvents.data[0]?.data).toMatchObject({
      object: { status: 'errored' },
      previous_attributes: { status: 'new' },
    });
    expect((await release(acct.id)).payouts).toEqual([]);
    expect(await balance(acct)).toEqual({ available: 10_000, pending: 0 });
  });

  it('000111111116 fails with no_account', async () => {
    const acct = await connected('000111111116');
    await pay(acct);
    const { payouts } = await release(acct.id);
    const po = await stripe.payouts.retrieve(payouts[0]!, {}, { stripeAccount: acct.id });
    expect(po).toMatchObject({ status: 'failed', failure_code: 'no_account' });
  });
});

describe('manual payouts', () => {
  it('a manual schedule keeps funds available; POST /v1/payouts pays them out; cancel while pending', async () => {
    const acct = await connected('000123456789', true);
    await pay(acct);
    expect((await release(acct.id)).payouts).toEqual([]);
    expect(await balance(acct)).toEqual({ available: 10_000, pending: 0 });

    const opts = { stripeAccount: acct.id };
    await expect(stripe.payouts.create({ amount: 20_000, currency: 'usd' }, opts)).rejects.toMatchObject({
      code: 'balance_insufficient',
    });
    const po = await stripe.payouts.create({ amount: 4000, currency: 'usd', metadata: { run: '1' } }, opts);
    expect(po).toMatchObject({ status: 'pending', automatic: false, amount: 4000, metadata: { run: '1' } });
    expect(po.arrival_date).toBeGreaterThan(po.created);
    expect(await balance(acct)).toEqual({ available: 6000, pending: 0 });

    const other = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, opts);
    const canceled = await stripe.payouts.cancel(other.id, {}, opts);
    expect(canceled.status).toBe('canceled');
    expect(await balance(acct)).toEqual({ available: 6000, pending: 0 });

    expect((await release(acct.id)).payouts).toEqual([po.id]);
    expect((await stripe.payouts.retrieve(po.id, {}, opts)).status).toBe('paid');
    await expect(stripe.payouts.cancel(po.id, {}, opts)).rejects.toMatchObject({ statusCode: 400 });
    expect(await balance(acct)).toEqual({ available: 6000, pending: 0 });
  });

  it('a platform without a bank account cannot pay out', async () => {
    await expect(stripe.payouts.create({ amount: 100, currency: 'usd' })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('test clocks', () => {
  it("advancing the customer's clock makes the funds available and pays them out", async () => {
    const acct = await connected('000123456789');
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ test_clock: clock.id });
    await pay(acct, customer.id);
    expect(await balance(acct)).toEqual({ available: 0, pending: 10_000 });

    await advanceClock(stripe, clock.id, start + 6 * 86_400);
    const [po] = (await stripe.payouts.list({}, { stripeAccount: acct.id })).data;
    expect(po).toMatchObject({ status: 'paid', amount: 10_000, automatic: true });
    expect(po!.created).toBeGreaterThanOrEqual(start + 2 * 86_400);
    expect(await balance(acct)).toEqual({ available: 0, pending: 0 });
  });
});
