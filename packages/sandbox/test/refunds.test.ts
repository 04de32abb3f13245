// Refunds that settle later (ACH and the 7726 card: pending → succeeded; the 5126 card: succeeded → failed,
// with the money, transfer reversal and fee refund given back), card refunds' ARNs, and transfer reversals
// made directly.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, advanceClock, client, receiver, start, until } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function balances(stripeAccount?: string): Promise<number> {
  const b = await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {});
  const sum = (rows: { amount: number }[]) => rows.reduce((s, r) => s + r.amount, 0);
  return sum(b.available) + sum(b.pending);
}

async function enabledExpress(): Promise<Stripe.Account> {
  const acct = await stripe.accounts.create({ type: 'express' });
  await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
  return acct;
}

/** Events about one object, oldest first. */
async function eventsFor(id: string, stripeAccount?: string): Promise<Stripe.Event[]> {
  const list = await stripe.events.list({ limit: 100 }, stripeAccount ? { stripeAccount } : {});
  return list.data.filter((e) => (e.data.object as { id?: string }).id === id).reverse();
}

const settleRefunds = (refund?: string) =>
  admin<{ settled: string[] }>(sb, 'refunds/settle', refund ? { refund } : {});

describe('refunds that fail (4000 0000 0000 5126)', () => {
  it('reads succeeded, then fails: money back, charge amount_refunded restored, events', async () => {
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4000000000005126', exp_month: 12, exp_year: 2040, cvc: '123' },
    } as Stripe.PaymentMethodCreateParams);
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: pm.id,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    const before = await balances();
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 2000 });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 2000 });
    expect(refund.failure_reason).toBeUndefined();
    expect(await balances()).toBe(before - 2000);
    let ch = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(ch).toMatchObject({ amount_refunded: 2000, refunded: false });

    // a second refund of the same charge fails too, but only the one named settles now
    const other = await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    expect((await settleRefunds(refund.id)).settled).toEqual([refund.id]);

    const failed = await stripe.refunds.retrieve(refund.id, { expand: ['failure_balance_transaction'] });
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(failed.balance_transaction).toBe(refund.balance_transaction);
    expect(failed.failure_balance_transaction as Stripe.BalanceTransaction).toMatchObject({
      amount: 2000,
      net: 2000,
      type: 'refund_failure',
      reporting_category: 'refund_failure',
      source: refund.id,
      status: 'available',
    });
    ch = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(ch).toMatchObject({ amount_refunded: 500, refunded: false });
    expect(await balances()).toBe(before - 500);
    expect((await stripe.refunds.retrieve(other.id)).status).toBe('succeeded');

    const evs = await eventsFor(refund.id);
    expect(evs.map((e) => e.type)).toEqual([
      'refund.created',
      'refund.updated',
      'charge.refund.updated',
      'refund.failed',
    ]);
    expect(evs[1]!.data.previous_attributes).toMatchObject({ status: 'succeeded', failure_reason: null });
    expect((evs[3]!.data.object as Stripe.Refund).status).toBe('failed');

    // settling again does nothing to a failed refund; the rest of the charge can be refunded again
    await settleRefunds();
    expect((await stripe.refunds.retrieve(other.id)).status).toBe('failed');
    ch = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(ch).toMatchObject({ amount_refunded: 0, refunded: false });
    expect(await balances()).toBe(before);
    const again = await stripe.refunds.create({ payment_intent: pi.id });
    expect(again.amount).toBe(5000);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => [r.id, r.status])).toEqual([
      [again.id, 'succeeded'],
      [other.id, 'failed'],
      [refund.id, 'failed'],
    ]);
    expect((await stripe.charges.retrieve(ch.id)).refunded).toBe(true);
  });

  it('on a destination charge the transfer reversal and the fee refund are undone', async () => {
    const acct = await enabledExpress();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_refundFail',
      confirm: true,
      application_fee_amount: 123,
      transfer_data: { destination: acct.id },
    });
    const ch = await stripe.charges.retrieve(String(pi.latest_charge));
    const trId = String((ch as unknown as { transfer: string }).transfer);
    const platform0 = await balances();
    expect(await balances(acct.id)).toBe(877);

    const refund = await stripe.refunds.create({
      payment_intent: pi.id,
      reverse_transfer: true,
      refund_application_fee: true,
    });
    expect(refund.status).toBe('succeeded');
    expect(refund.transfer_reversal).toMatch(/^trr_/);
    expect(await balances(acct.id)).toBe(0);
    // the platform refunds 1000, gets 1000 back from the account and gives back its 123 fee
    expect((await balances()) - platform0).toBe(-123);
    expect((await stripe.transfers.retrieve(trId)).amount_reversed).toBe(1000);
    expect((await stripe.applicationFees.retrieve(String(ch.application_fee))).amount_refunded).toBe(123);

    await settleRefunds(refund.id);
    expect(await stripe.refunds.retrieve(refund.id)).toMatchObject({ status: 'failed' });
    expect(await balances(acct.id)).toBe(877);
    expect(await balances()).toBe(platform0);
    const tr = await stripe.transfers.retrieve(trId);
    expect(tr).toMatchObject({ amount_reversed: 0, reversed: false });
    expect(tr.reversals.data.map((r) => r.id)).toEqual([refund.transfer_reversal]);
    expect(await stripe.applicationFees.retrieve(String(ch.application_fee))).toMatchObject({
      amount_refunded: 0,
      refunded: false,
    });
    expect(await stripe.charges.retrieve(ch.id)).toMatchObject({ amount_refunded: 0, refunded: false });
    const trEvents = (await eventsFor(trId)).map((e) => e.type);
    expect(trEvents).toEqual(['transfer.created', 'transfer.reversed', 'transfer.updated']);
  });

  it('fails on its own after asyncRefundDelayMs', async () => {
    const quick = await start({ asyncRefundDelayMs: 1000 });
    try {
      const s = client(quick);
      const pi = await s.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_refundFail',
        confirm: true,
      });
      const refund = await s.refunds.create({ payment_intent: pi.id });
      expect(refund.status).toBe('succeeded');
      const failed = await until(
        async () => {
          const r = await s.refunds.retrieve(refund.id);
          return r.status === 'failed' ? r : undefined;
        },
        'the refund to fail',
        200,
      );
      expect(failed?.failure_reason).toBe('expired_or_canceled_card');
    } finally {
      await quick.close();
    }
  });
});

describe('refunds of customers on a test clock', () => {
  it('settle when the clock advances, at the clock’s time', async () => {
    const frozen = Math.floor(Date.now() / 1000) - 86_400;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_refundFail',
      confirm: true,
    });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe('succeeded');
    await advanceClock(stripe, clock.id, frozen + 60);
    const failed = await stripe.refunds.retrieve(refund.id, { expand: ['failure_balance_transaction'] });
    expect(failed.status).toBe('failed');
    const bt = failed.failure_balance_transaction as Stripe.BalanceTransaction;
    expect(bt.created).toBeGreaterThan(frozen);
    expect(bt.created).toBeLessThanOrEqual(frozen + 60);
  });
});

describe('pending refunds', () => {
  it('4000 0000 0000 7726: pending, then succeeded; a pending refund cannot be canceled', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_pendingRefund',
      confirm: true,
    });
    const before = await balances();
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    expect(refund).toMatchObject({ status: 'pending', pending_reason: 'processing' });
    expect(await balances()).toBe(before - 1000);
    expect((await stripe.charges.retrieve(String(pi.latest_charge))).amount_refunded).toBe(1000);
    await expect(stripe.refunds.cancel(refund.id)).rejects.toMatchObject({
      statusCode: 400,
      code: 'refund_unexpected_state',
    });
    await settleRefunds(refund.id);
    const done = await stripe.refunds.retrieve(refund.id);
    expect(done.status).toBe('succeeded');
    expect(done.pending_reason).toBeUndefined();
    expect(done.destination_details?.card?.reference_status).toBe('available');
    expect(await balances()).toBe(before - 1000);
    const evs = await eventsFor(refund.id);
    expect(evs.map((e) => e.type)).toEqual(['refund.created', 'refund.updated', 'charge.refund.updated']);
    expect(evs[1]!.data.previous_attributes).toMatchObject({
      status: 'pending',
      pending_reason: 'processing',
    });
  });

  it('US bank account (ACH): pending with a us_bank_transfer destination, then succeeded', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method_data: {
        type: 'us_bank_account',
        us_bank_account: {
          routing_number: '110000000',
          account_number: '000123456789',
          account_holder_type: 'individual',
        },
        billing_details: { name: 'Jenny Rosen' },
      } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
      confirm: true,
    });
    expect(pi.status).toBe('processing');
    // a processing debit cannot be refunded yet
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      code: 'charge_not_refundable',
    });
    await admin(sb, 'payment_intents/settle');
    const before = await balances();
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 4000 });
    expect(refund).toMatchObject({
      status: 'pending',
      pending_reason: 'processing',
      destination_details: {
        type: 'us_bank_transfer',
        us_bank_transfer: { reference: null, reference_status: 'pending' },
      },
    });
    expect(await balances()).toBe(before - 4000);
    expect(await stripe.charges.retrieve(String(pi.latest_charge))).toMatchObject({ amount_refunded: 4000 });
    const { settled } = await settleRefunds();
    expect(settled).toContain(refund.id);
    const done = await stripe.refunds.retrieve(refund.id);
    expect(done.status).toBe('succeeded');
    expect(done.destination_details?.us_bank_transfer).toMatchObject({ reference_status: 'available' });
    expect(done.destination_details?.us_bank_transfer?.reference).toEqual(expect.any(String));
    const evs = await eventsFor(refund.id);
    expect(evs.map((e) => e.type)).toEqual(['refund.created', 'refund.updated', 'charge.refund.updated']);
    expect(evs[2]!.data.previous_attributes).toMatchObject({ status: 'pending' });
    expect((await settleRefunds()).settled).toEqual([]);
  });

  it('refunds of other cards succeed at once; only their ARN comes later', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe('succeeded');
    expect('pending_reason' in refund).toBe(false);
    expect((await settleRefunds()).settled).toEqual([refund.id]);
    expect((await stripe.refunds.retrieve(refund.id)).status).toBe('succeeded');
    expect((await settleRefunds()).settled).toEqual([]);
  });
});

describe('acquirer reference numbers (ARN) of card refunds', () => {
  const ARN = /^\d{23}$/;

  it('pending at first; available after the refund settles, announced by refund.updated', async () => {
    const hooks = await receiver();
    try {
      const ep = await stripe.webhookEndpoints.create({ url: hooks.url, enabled_events: ['refund.updated'] });
      const pi = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      });
      const refund = await stripe.refunds.create({ payment_intent: pi.id });
      expect(refund.destination_details).toEqual({
        type: 'card',
        card: { type: 'refund', reference_status: 'pending', reference_type: 'acquirer_reference_number' },
      });
      expect((await settleRefunds(refund.id)).settled).toEqual([refund.id]);
      const done = await stripe.refunds.retrieve(refund.id);
      expect(done.status).toBe('succeeded');
      expect(done.destination_details?.card).toMatchObject({
        reference_status: 'available',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      });
      expect(done.destination_details?.card?.reference).toMatch(ARN);

      const heard = await until(
        () =>
          hooks.received
            .map((r) => JSON.parse(r.body) as Stripe.Event)
            .find((e) => e.type === 'refund.updated' && (e.data.object as Stripe.Refund).id === refund.id),
        'refund.updated webhook',
      );
      const obj = heard?.data.object as Stripe.Refund;
      expect(obj.destination_details?.card?.reference).toBe(done.destination_details?.card?.reference);
      expect(heard?.data.previous_attributes).toMatchObject({
        destination_details: { card: { reference_status: 'pending' } },
      });
      expect((await eventsFor(refund.id)).map((e) => e.type)).toEqual([
        'refund.created',
        'refund.updated',
        'charge.refund.updated',
      ]);
      await stripe.webhookEndpoints.del(ep.id);
    } finally {
      await hooks.close();
    }
  });

  it('a pending (7726) refund gets its ARN when it succeeds; a failed (5126) one has none', async () => {
    const slow = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_pendingRefund',
      confirm: true,
    });
    const pending = await stripe.refunds.create({ payment_intent: slow.id });
    await settleRefunds(pending.id);
    const succeeded = await stripe.refunds.retrieve(pending.id);
    expect(succeeded.destination_details?.card?.reference).toMatch(ARN);

    const failing = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_refundFail',
      confirm: true,
    });
    const toFail = await stripe.refunds.create({ payment_intent: failing.id });
    await settleRefunds(toFail.id);
    const failed = await stripe.refunds.retrieve(toFail.id);
    expect(failed.status).toBe('failed');
    expect(failed.destination_details?.card).toMatchObject({ reference_status: 'unavailable' });
    expect(failed.destination_details?.card?.reference).toBeUndefined();
  });

  it('on a test clock: available once the clock passes a day after the refund', async () => {
    const frozen = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    const advance = async (to: number) => {
      await advanceClock(stripe, clock.id, to);
      return (await stripe.refunds.retrieve(refund.id)).destination_details?.card;
    };
    expect(await advance(frozen + 3600)).toMatchObject({ reference_status: 'pending' });
    const card = await advance(frozen + 2 * 86_400);
    expect(card).toMatchObject({ reference_status: 'available' });
    expect(card?.reference).toMatch(ARN);
    const [updated] = (await eventsFor(refund.id)).filter((e) => e.type === 'refund.updated');
    expect(updated?.created).toBe(frozen + 86_400);
  });
});

describe('transfer reversals', () => {
  it('create (partial, then the rest with the fee), list, retrieve, update, over-limit, idempotency', async () => {
    const acct = await enabledExpress();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      application_fee_amount: 123,
      transfer_data: { destination: acct.id },
    });
    const ch = await stripe.charges.retrieve(String(pi.latest_charge));
    const trId = String((ch as unknown as { transfer: string }).transfer);
    const platform0 = await balances();
    expect(await balances(acct.id)).toBe(877);

    const key = `rev-${Date.now()}`;
    const first = await stripe.transfers.createReversal(
      trId,
      { amount: 300, description: 'partial', metadata: { order: '42' } },
      { idempotencyKey: key },
    );
    expect(first).toMatchObject({
      object: 'transfer_reversal',
      amount: 300,
      currency: 'usd',
      transfer: trId,
      source_refund: null,
      metadata: { order: '42' },
    });
    expect(first.id).toMatch(/^trr_/);
    const replay = await stripe.transfers.createReversal(
      trId,
      { amount: 300, description: 'partial', metadata: { order: '42' } },
      { idempotencyKey: key },
    );
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(
      stripe.transfers.createReversal(trId, { amount: 301 }, { idempotencyKey: key }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError' });

    expect(await balances(acct.id)).toBe(577);
    expect((await balances()) - platform0).toBe(300);
    const bt = await stripe.balanceTransactions.retrieve(String(first.balance_transaction));
    expect(bt).toMatchObject({ amount: 300, type: 'transfer_refund', source: first.id });
    let tr = await stripe.transfers.retrieve(trId);
    expect(tr).toMatchObject({ amount_reversed: 300, reversed: false });

    await expect(stripe.transfers.createReversal(trId, { amount: 701 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'amount',
    });
    await expect(stripe.transfers.createReversal(trId, { amount: 0 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    });

    const rest = await stripe.transfers.createReversal(trId, { refund_application_fee: true });
    expect(rest.amount).toBe(700);
    tr = await stripe.transfers.retrieve(trId);
    expect(tr).toMatchObject({ amount_reversed: 1000, reversed: true });
    expect(tr.reversals.data.map((r) => r.id)).toEqual([rest.id, first.id]);
    // the whole transfer is back and the platform gave its whole fee back
    expect(await balances(acct.id)).toBe(0);
    expect((await balances()) - platform0).toBe(1000 - 123);
    expect(await stripe.applicationFees.retrieve(String(ch.application_fee))).toMatchObject({
      amount_refunded: 123,
      refunded: true,
    });
    await expect(stripe.transfers.createReversal(trId)).rejects.toMatchObject({
      statusCode: 400,
      message: `The transfer ${trId} is already fully reversed.`,
    });

    const list = await stripe.transfers.listReversals(trId, { limit: 1 });
    expect(list.data.map((r) => r.id)).toEqual([rest.id]);
    expect(list.has_more).toBe(true);
    expect(await stripe.transfers.retrieveReversal(trId, first.id)).toMatchObject({ amount: 300 });
    const updated = await stripe.transfers.updateReversal(trId, first.id, { metadata: { note: 'x' } });
    expect(updated.metadata).toEqual({ order: '42', note: 'x' });
    await expect(stripe.transfers.retrieveReversal(trId, 'trr_nope')).rejects.toMatchObject({
      statusCode: 404,
    });

    const evs = await eventsFor(trId);
    expect(evs.map((e) => e.type)).toEqual(['transfer.created', 'transfer.reversed', 'transfer.reversed']);
    expect(evs[1]!.data.previous_attributes).toEqual({ amount_reversed: 0, reversed: false });
    expect(evs[2]!.data.previous_attributes).toEqual({ amount_reversed: 300, reversed: false });
    const feeEvents = await eventsFor(String(ch.application_fee));
    expect(feeEvents.map((e) => e.type)).toEqual(['application_fee.created', 'application_fee.refunded']);

    // a connected account cannot reverse the platform's transfer
    await expect(
      stripe.transfers.createReversal(trId, { amount: 1 }, { stripeAccount: acct.id }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('reverses a standalone transfer in full by default; transfer updates emit transfer.updated', async () => {
    const acct = await enabledExpress();
    // funds available at once (earlier tests' refunds took from the available balance)
    await stripe.paymentIntents.create({
      amount: 100_000,
      currency: 'usd',
      payment_method: 'pm_card_bypassPending',
      confirm: true,
    });
    const tr = await stripe.transfers.create({ amount: 2500, currency: 'usd', destination: acct.id });
    expect(await balances(acct.id)).toBe(2500);
    await stripe.transfers.update(tr.id, { description: 'payout share' });
    const rev = await stripe.transfers.createReversal(tr.id);
    expect(rev.amount).toBe(2500);
    expect(await balances(acct.id)).toBe(0);
    expect(await stripe.transfers.retrieve(tr.id)).toMatchObject({ reversed: true, amount_reversed: 2500 });
    const evs = await eventsFor(tr.id);
    expect(evs.map((e) => e.type)).toEqual(['transfer.created', 'transfer.updated', 'transfer.reversed']);
    expect(evs[1]!.data.previous_attributes).toEqual({ description: null });
  });
});
