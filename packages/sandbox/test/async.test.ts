import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, start, until } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

const bank = (account: string) =>
  ({
    type: 'us_bank_account',
    us_bank_account: {
      routing_number: '110000000',
      account_number: account,
      account_holder_type: 'individual',
    },
    billing_details: { name: 'Jenny Rosen' },
  }) as Stripe.PaymentIntentCreateParams.PaymentMethodData;

describe('setup intents', () => {
  it('saves a card; 4000 0025 0000 3155 needs 3DS on setup, then pays off-session', async () => {
    const cus = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: cus.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: 'https://shop.example/done',
    });
    expect(si.status).toBe('requires_action');
    const url = si.next_action!.redirect_to_url!.url!.split('?')[0]!;
    const res = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ action: 'complete' }),
      redirect: 'manual',
    });
    expect(new URL(res.headers.get('location')!).searchParams.get('setup_intent')).toBe(si.id);
    const done = await stripe.setupIntents.retrieve(si.id);
    expect(done.status).toBe('succeeded');
    const pm = await stripe.paymentMethods.retrieve(String(done.payment_method));
    expect(pm.customer).toBe(cus.id);
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: cus.id,
      payment_method: pm.id,
      confirm: true,
      off_session: true,
    });
    expect(pi.status).toBe('succeeded');

    const plain = await stripe.setupIntents.create({
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(plain.status).toBe('succeeded');
    await expect(
      stripe.setupIntents.create({ payment_method: 'pm_card_chargeDeclined', confirm: true }),
    ).rejects.toMatchObject({ type: 'StripeCardError', decline_code: 'generic_decline' });
    const banked = await stripe.setupIntents.create({
      customer: cus.id,
      payment_method_data: bank('000123456789'),
      confirm: true,
    } as Stripe.SetupIntentCreateParams);
    expect(banked.status).toBe('succeeded');
  });
});

describe('US bank account debits', () => {
  it('processing, then succeeded or failed later, with events', async () => {
    const ok = await stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method_data: bank('000123456789'),
      confirm: true,
    });
    const bad = await stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method_data: bank('000111111116'),
      confirm: true,
    });
    expect(ok.status).toBe('processing');
    expect(bad.status).toBe('processing');
    const settled = await admin<{ settled: string[] }>(sb, 'payment_intents/settle');
    expect(settled.settled).toEqual(expect.arrayContaining([ok.id, bad.id]));
    expect((await stripe.paymentIntents.retrieve(ok.id)).status).toBe('succeeded');
    const failed = await stripe.paymentIntents.retrieve(bad.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('no_account');
    const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'charge.pending',
        'payment_intent.processing',
        'payment_intent.payment_failed',
      ]),
    );
    const ch = await stripe.charges.retrieve(String(ok.latest_charge), { expand: ['balance_transaction'] });
    expect((ch.balance_transaction as Stripe.BalanceTransaction).fee).toBe(80);
  });

  it('settles on its own after the configured delay', async () => {
    const quick = await start({ asyncPaymentDelayMs: 20 });
    const s = client(quick);
    const pi = await s.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method_data: bank('000123456789'),
      confirm: true,
    });
    await until(async () => (await s.paymentIntents.retrieve(pi.id)).status === 'succeeded', 'settlement');
    await quick.close();
  });
});

describe('disputes and files', () => {
  it('the dispute card opens a dispute; evidence with an uploaded file wins it', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      confirm: true,
    });
    const disputes = await stripe.disputes.list({ payment_intent: pi.id });
    const dp = disputes.data[0]!;
    expect(dp).toMatchObject({ status: 'needs_response', reason: 'fraudulent', amount: 4000 });
    expect(dp.balance_transactions[0]).toMatchObject({ amount: -4000, fee: 1500, type: 'adjustment' });
    const file = await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: Buffer.from('%PDF-1.4 receipt'), name: 'receipt.pdf', type: 'application/pdf' },
    });
    expect(file).toMatchObject({ purpose: 'dispute_evidence', size: 16, type: 'pdf' });
    const won = await stripe.disputes.update(dp.id, {
      evidence: { uncategorized_text: 'winning_evidence', receipt: file.id },
    });
    expect(won.status).toBe('won');
    expect(won.balance_transactions).toHaveLength(2);
    const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'charge.dispute.closed',
        'charge.dispute.funds_reinstated',
        'charge.dispute.created',
      ]),
    );
    await expect(stripe.disputes.update(dp.id, { evidence: { receipt: 'file_nope' } })).rejects.toMatchObject(
      { statusCode: 400 },
    );
    const pi2 = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      confirm: true,
    });
    const dp2 = (await stripe.disputes.list({ payment_intent: pi2.id })).data[0]!;
    // text evidence takes up to 20,000 characters, as Stripe's reference says (other strings 5,000)
    const logged = await stripe.disputes.update(dp2.id, {
      evidence: { access_activity_log: 'x'.repeat(20_000) },
    });
    expect(logged.evidence.access_activity_log).toHaveLength(20_000);
    await expect(
      stripe.disputes.update(dp2.id, { evidence: { access_activity_log: 'x'.repeat(20_001) } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_invalid_string' });

    const lost = await stripe.disputes.update(dp2.id, {
      evidence: { uncategorized_text: 'losing_evidence' },
    });
    expect(lost.status).toBe('lost');
    const pi3 = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      payment_method: 'pm_card_createDisputeInquiry',
      confirm: true,
    });
    const dp3 = (await stripe.disputes.list({ payment_intent: pi3.id })).data[0]!;
    expect(dp3.status).toBe('warning_needs_response');
    expect((await stripe.disputes.close(dp3.id)).status).toBe('warning_closed');
  });
});

describe('persistence', () => {
  it('a restarted sandbox with the same state file keeps its objects and ids', async () => {
    const file = join(tmpdir(), `sandbox-state-${process.pid}-${Date.now()}.json`);
    const a = await start({ stateFile: file });
    const sa = client(a);
    const cus = await sa.customers.create({ email: 'keep@example.com' });
    const acct = await sa.accounts.create({ type: 'express' });
    await a.close();
    const b = await start({ stateFile: file });
    expect(b.platformAccountId).toBe(a.platformAccountId);
    const sbb = client(b);
    expect((await sbb.customers.retrieve(cus.id)) as Stripe.Customer).toMatchObject({
      email: 'keep@example.com',
    });
    expect((await sbb.accounts.retrieve(acct.id)).type).toBe('express');
    await b.close();
    rmSync(file, { force: true });
  });

  it('reset clears state', async () => {
    const c = await stripe.customers.create({});
    await admin(sb, 'reset');
    await expect(stripe.customers.retrieve(c.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
