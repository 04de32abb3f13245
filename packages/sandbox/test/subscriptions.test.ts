// Subscriptions on test clocks: trial → active → renewal → failed payment (past_due) → retries on days
// 1/3/5 → canceled, a retry that succeeds, prorations equal to Stripe's formula, incomplete_expired,
// cancel at period end, pause collection, application_fee_percent, metered usage, coupons.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, advanceClock, client, receiver, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000; // 2026-01-01 12:00 UTC

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function advance(clock: string, to: number, opts?: Stripe.RequestOptions): Promise<void> {
  expect((await advanceClock(stripe, clock, to, opts)).status).toBe('advancing');
}

async function setup(opts?: Stripe.RequestOptions, card = 'pm_card_visa') {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0, name: 'billing' }, opts);
  const cus = await stripe.customers.create({ email: 'sub@example.com', test_clock: clock.id }, opts);
  const pm = await stripe.paymentMethods.attach(card, { customer: cus.id }, opts);
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, opts);
  const price = await stripe.prices.create(
    { currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Pro' } },
    opts,
  );
  return { clock, cus, pm, price };
}

/** Events about one subscription's customer, oldest first. */
async function eventsFor(customer: string, opts?: Stripe.RequestOptions) {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 }, opts)) all.push(e);
  return all.reverse().filter((e) => (e.data.object as { customer?: string }).customer === customer);
}

describe('subscriptions with a test clock', () => {
  it('trial → active → renewal → failed payment → retries on days 1, 3, 5 → canceled', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    expect(sub).toMatchObject({
      status: 'trialing',
      trial_start: T0,
      trial_end: T0 + 7 * DAY,
      start_date: T0,
    });
    expect(sub.items.data[0]).toMatchObject({ current_period_start: T0, current_period_end: T0 + 7 * DAY });
    const trialInvoice = await stripe.invoices.retrieve(String(sub.latest_invoice));
    expect(trialInvoice).toMatchObject({
      status: 'paid',
      amount_due: 0,
      billing_reason: 'subscription_create',
    });
    expect(trialInvoice.parent).toMatchObject({
      type: 'subscription_details',
      subscription_details: { subscription: sub.id },
    });

    // Trial ends: active, first charge.
    const trialEnd = T0 + 7 * DAY;
    await advance(clock.id, trialEnd + 3600);
    const active = await stripe.subscriptions.retrieve(sub.id);
    expect(active.status).toBe('active');
    const renewal = trialEnd + 31 * DAY; // 2026-01-08 → 2026-02-08
    expect(active.items.data[0]).toMatchObject({
      current_period_start: trialEnd,
      current_period_end: renewal,
    });
    const first = await stripe.invoices.retrieve(String(active.latest_invoice));
    expect(first).toMatchObject({
      status: 'paid',
      amount_paid: 2000,
      billing_reason: 'subscription_cycle',
      created: trialEnd,
    });

    // The card starts failing; the renewal fails, then retries 1, 3 and 5 days after the failure.
    const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: bad.id } });
    // The renewal invoice is created at the period end and charged an hour later.
    const collected = renewal + 3600;
    await advance(clock.id, renewal + 60);
    const draft = await stripe.invoices.retrieve(
      String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice),
    );
    expect(draft).toMatchObject({ status: 'draft', automatically_finalizes_at: collected, created: renewal });
    await advance(clock.id, collected);
    const pastDue = await stripe.subscriptions.retrieve(sub.id);
    expect(pastDue.status).toBe('past_due');
    const failing = await stripe.invoices.retrieve(String(pastDue.latest_invoice));
    expect(failing).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: collected + DAY,
      amount_due: 2000,
    });

    await advance(clock.id, renewal + 6 * DAY);
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: collected + 5 * DAY });
    expect(ended.cancellation_details?.reason).toBe('payment_failed');
    const last = await stripe.invoices.retrieve(failing.id);
    expect(last).toMatchObject({ status: 'open', attempt_count: 4, next_payment_attempt: null });

    const evs = await eventsFor(cus.id);
    const upcoming = evs.filter((e) => e.type === 'invoice.upcoming');
    // Before the trial converts and before the renewal.
    expect(upcoming.map((e) => e.created)).toEqual([trialEnd - 3 * DAY, renewal - 3 * DAY]);
    expect(upcoming[1]!.data.object).toMatchObject({ amount_due: 2000, billing_reason: 'upcoming' });
    expect('id' in upcoming[1]!.data.object).toBe(false);
    const failures = evs.filter((e) => e.type === 'invoice.payment_failed').map((e) => e.created);
    expect(failures).toEqual([collected, collected + DAY, collected + 3 * DAY, collected + 5 * DAY]);
    const subEvents = evs
      .filter((e) => e.type.startsWith('customer.subscription.'))
      .map((e) => [
        e.type,
        (e.data.object as Stripe.Subscription).status,
        (e.data.previous_attributes as { status?: string } | undefined)?.status ?? null,
      ]);
    expect(subEvents).toEqual([
      ['customer.subscription.created', 'trialing', null],
      ['customer.subscription.trial_will_end', 'trialing', null],
      ['customer.subscription.updated', 'active', 'trialing'],
      ['customer.subscription.updated', 'active', null],
      ['customer.subscription.updated', 'past_due', 'active'],
      ['customer.subscription.deleted', 'canceled', null],
    ]);
    // Everything about a clocked customer carries the clock's timestamps, in order.
    const times = evs.map((e) => e.created);
    expect(times[0]).toBe(T0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The renewal's own events, in Stripe's order.
    const atRenewal = evs.filter((e) => e.created === renewal).map((e) => e.type);
    expect(atRenewal).toEqual(['customer.subscription.updated', 'invoice.created']);
    expect(evs.filter((e) => e.created === collected).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'invoice.finalized',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
  });

  it('a retry that succeeds brings the subscription back to active', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id, quantity: 2 }],
    });
    expect(sub.status).toBe('active');
    expect((await stripe.invoices.retrieve(String(sub.latest_invoice))).amount_paid).toBe(4000);
    const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    const renewal = Date.UTC(2026, 1, 1, 12) / 1000 + 3600;
    await advance(clock.id, renewal + 60);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: good.id });
    await advance(clock.id, renewal + DAY + 60);
    const back = await stripe.subscriptions.retrieve(sub.id);
    expect(back.status).toBe('active');
    const inv = await stripe.invoices.retrieve(String(back.latest_invoice));
    expect(inv).toMatchObject({ status: 'paid', attempt_count: 2, amount_paid: 4000 });
    expect(inv.status_transitions.paid_at).toBe(renewal + DAY);
    const evs = await eventsFor(cus.id);
    const reactivated = evs.filter(
      (e) => e.type === 'customer.subscription.updated' && e.data.previous_attributes?.status === 'past_due',
    );
    expect(reactivated).toHaveLength(1);
    expect(reactivated[0]!.created).toBe(renewal + DAY);
  });

  it('a renewal needing authentication sends invoice.payment_action_required', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const sca = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: cus.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: sca.id });
    const renewal = Date.UTC(2026, 1, 1, 12) / 1000 + 3600;
    await advance(clock.id, renewal + 60);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    const types = (await eventsFor(cus.id)).filter((e) => e.created === renewal).map((e) => e.type);
    expect(types).toContain('invoice.payment_action_required');
    expect(types.indexOf('invoice.payment_failed')).toBeLessThan(
      types.indexOf('invoice.payment_action_required'),
    );
  });

  it('retry schedule and final state come from /_sandbox/billing/settings', async () => {
    await admin(sb, 'billing/settings', {
      retry_days: [2],
      final_subscription_status: 'unpaid',
      final_invoice_status: 'uncollectible',
    });
    try {
      const { clock, cus, price } = await setup();
      const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
      const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
      await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: bad.id } });
      const renewal = Date.UTC(2026, 1, 1, 12) / 1000;
      await advance(clock.id, renewal + 3 * DAY);
      const s = await stripe.subscriptions.retrieve(sub.id);
      expect(s.status).toBe('unpaid');
      expect((await stripe.invoices.retrieve(String(s.latest_invoice))).status).toBe('uncollectible');
    } finally {
      await admin(sb, 'billing/settings', {
        retry_days: [1, 3, 5],
        final_subscription_status: 'canceled',
        final_invoice_status: 'open',
      });
    }
  });

  it('prorations for quantity and price changes equal Stripe’s formula', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id, quantity: 1 }],
    });
    const ps = T0;
    const pe = Date.UTC(2026, 1, 1, 12) / 1000;
    const t = T0 + 10 * DAY + 7 * 3600;
    await advance(clock.id, t);
    const item = sub.items.data[0]!;
    await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity: 3 }], proration_date: t });
    const frac = (pe - t) / (pe - ps);
    const pending = (await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data.reverse();
    expect(pending.map((ii) => ii.amount)).toEqual([-Math.round(2000 * frac), Math.round(6000 * frac)]);
    expect(pending.every((ii) => ii.proration && ii.period.start === t && ii.period.end === pe)).toBe(true);
    expect(pending[0]!.description).toMatch(/^Unused time on Pro after 11 Jan 2026/);

    // always_invoice: a price change is invoiced and paid at once.
    const bigger = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 5000,
      recurring: { interval: 'month' },
      product: String(price.product),
    });
    const t2 = t + 5 * DAY;
    await advance(clock.id, t2);
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: bigger.id }],
      proration_behavior: 'always_invoice',
      proration_date: t2,
    });
    const f2 = (pe - t2) / (pe - ps);
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(inv.billing_reason).toBe('subscription_update');
    const amounts = inv.lines.data.map((l) => l.amount);
    const expected = [
      -Math.round(2000 * frac),
      Math.round(6000 * frac),
      -Math.round(6000 * f2),
      Math.round(15000 * f2),
    ];
    expect(amounts).toEqual(expected);
    expect(inv).toMatchObject({ status: 'paid', amount_paid: expected.reduce((a, b) => a + b, 0) });

    // none: no proration items.
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, quantity: 1 }],
      proration_behavior: 'none',
    });
    expect((await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data).toHaveLength(0);
    // The next renewal charges the new price in full.
    await advance(clock.id, pe + 3600);
    const next = await stripe.invoices.retrieve(
      String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice),
    );
    expect(next).toMatchObject({ amount_due: 5000, status: 'paid', period_start: ps, period_end: pe });
  });

  it('a price of another billing period starts a new period now, invoiced at once (and billing_cycle_anchor=now)', async () => {
    // "the first full period of the new plan begins immediately [...] and the customer is charged for the
    // first period" (support.stripe.com/questions/handling-subscription-changes)
    const { clock, cus, price } = await setup();
    const yearly = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 96_000,
      recurring: { interval: 'year' },
      product: String(price.product),
    });
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: yearly.id }] });
    const pe = Date.UTC(2027, 0, 1, 12) / 1000;
    expect(sub.items.data[0]).toMatchObject({ current_period_start: T0, current_period_end: pe });
    const monthly = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 50_000,
      recurring: { interval: 'month' },
      product: String(price.product),
    });
    const t = T0 + 282 * DAY; // Oct 10
    await advance(clock.id, t);
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: monthly.id }],
      proration_behavior: 'create_prorations',
    });
    const next = Date.UTC(2026, 10, 10, 12) / 1000; // Nov 10
    expect(updated.billing_cycle_anchor).toBe(t);
    expect(updated.items.data[0]).toMatchObject({ current_period_start: t, current_period_end: next });
    // the unused year as a credit, the new month in full, collected now
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    const credit = -Math.round((96_000 * (pe - t)) / (pe - T0));
    expect(inv).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      amount_paid: 50_000 + credit,
    });
    expect(inv.lines.data.map((l) => [l.amount, l.parent?.type, l.period])).toEqual([
      [50_000, 'subscription_item_details', { start: t, end: next }],
      [credit, 'invoice_item_details', { start: t, end: pe }],
    ]);
    expect((await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data).toHaveLength(0);
    // renewals follow the new anchor, monthly
    await advance(clock.id, next + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]).toMatchObject({
      current_period_start: next,
      current_period_end: Date.UTC(2026, 11, 10, 12) / 1000,
    });
    const cycle = await stripe.invoices.retrieve(String(renewed.latest_invoice));
    expect(cycle).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'paid',
      amount_paid: 50_000,
    });

    // the same billing period keeps the anchor unless billing_cycle_anchor=now asks for a new one
    const t2 = next + 5 * DAY;
    await advance(clock.id, t2);
    const kept = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: price.id }],
      proration_behavior: 'none',
    });
    expect(kept).toMatchObject({ billing_cycle_anchor: t, latest_invoice: renewed.latest_invoice });
    // (the SDK types the parameter with a name it does not declare)
    const reset = await stripe.subscriptions.update(sub.id, {
      billing_cycle_anchor: 'now' as never,
      proration_behavior: 'none',
    });
    expect(reset.billing_cycle_anchor).toBe(t2);
    expect(reset.items.data[0]).toMatchObject({
      current_period_start: t2,
      current_period_end: Date.UTC(2026, 11, 15, 12) / 1000,
    });
    const fresh = await stripe.invoices.retrieve(String(reset.latest_invoice));
    expect(fresh).toMatchObject({ billing_reason: 'subscription_update', status: 'paid', amount_paid: 2000 });
  });

  it('create_preview shows the prorations and next invoice an update would produce, storing nothing', async () => {
    const { clock, cus, price } = await setup();
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id, quantity: 2 }],
    });
    const ps = T0;
    const pe = Date.UTC(2026, 1, 1, 12) / 1000;
    const t = T0 + 20 * DAY;
    await advance(clock.id, t);
    const item = sub.items.data[0]!;
    const details = { items: [{ id: item.id, quantity: 5 }], proration_date: t };
    const upcoming = await stripe.invoices.createPreview({
      customer: cus.id,
      subscription: sub.id,
      subscription_details: details,
    });
    const frac = (pe - t) / (pe - ps);
    const credit = -Math.round(4000 * frac);
    const debit = Math.round(10_000 * frac);
    expect(upcoming.lines.data.map((l) => l.amount)).toEqual([credit, debit, 10_000]);
    expect(upcoming).toMatchObject({
      amount_due: credit + debit + 10_000,
      status: 'draft',
      billing_reason: 'upcoming',
    });
    expect(upcoming.id).toMatch(/^upcoming_in_/);
    const now = await stripe.invoices.createPreview({
      customer: cus.id,
      subscription: sub.id,
      subscription_details: { ...details, proration_behavior: 'always_invoice' },
    });
    expect(now.amount_due).toBe(credit + debit);
    expect((await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data).toHaveLength(0);
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, quantity: 5 }],
      proration_date: t,
      proration_behavior: 'always_invoice',
    });
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(inv.amount_paid).toBe(now.amount_due);
    const fresh = await stripe.invoices.createPreview({
      customer: cus.id,
      subscription_details: { items: [{ price: price.id, quantity: 3 }] },
    });
    expect(fresh).toMatchObject({ amount_due: 6000, billing_reason: 'subscription_create' });
  });

  it('a first payment that fails leaves it incomplete, then incomplete_expired after 23 h', async () => {
    const { clock, cus, price } = await setup(undefined, 'pm_card_chargeCustomerFail');
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('incomplete');
    await advance(clock.id, T0 + 23 * 3600 + 1);
    const s = await stripe.subscriptions.retrieve(sub.id);
    expect(s.status).toBe('incomplete_expired');
    expect((await stripe.invoices.retrieve(String(s.latest_invoice))).status).toBe('void');

    const strict = await stripe.subscriptions
      .create({ customer: cus.id, items: [{ price: price.id }], payment_behavior: 'error_if_incomplete' })
      .catch((e: Error) => e);
    expect(strict).toMatchObject({ type: 'StripeCardError', code: 'card_declined', statusCode: 402 });

    const pending = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.confirmation_secret'],
    });
    expect(pending.status).toBe('incomplete');
    const inv = pending.latest_invoice as Stripe.Invoice;
    expect(inv.confirmation_secret?.client_secret).toMatch(/^pi_.*_secret_/);
    const piId = String(inv.confirmation_secret?.client_secret).split('_secret_')[0]!;
    await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect((await stripe.subscriptions.retrieve(pending.id)).status).toBe('active');
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('paid');
  });

  it('a trial ending without a payment method pauses (trial_settings), resume starts a paid cycle', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1500,
      recurring: { interval: 'month' },
      product_data: { name: 'Trial' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    await advance(clock.id, T0 + 14 * DAY + 60);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused');
    expect(
      (await stripe.events.list({ type: 'customer.subscription.paused', limit: 1 })).data[0]!.data.object,
    ).toMatchObject({ id: sub.id });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const resumed = await stripe.subscriptions.resume(sub.id);
    expect(resumed.status).toBe('active');
    await stripe.testHelpers.testClocks.del(clock.id);
    await expect(stripe.subscriptions.retrieve(sub.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(await stripe.customers.retrieve(cus.id)).toMatchObject({ deleted: true });
    expect(resumed.items.data[0]!.current_period_start).toBe(T0 + 14 * DAY + 60);
    expect(await stripe.invoices.retrieve(String(resumed.latest_invoice))).toMatchObject({
      status: 'paid',
      amount_paid: 1500,
    });
  });

  it('cancel at period end, cancel now, pause collection', async () => {
    const { clock, cus, price } = await setup();
    const a = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const b = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const c = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const pe = Date.UTC(2026, 1, 1, 12) / 1000;
    const ending = await stripe.subscriptions.update(a.id, { cancel_at_period_end: true });
    expect(ending).toMatchObject({ cancel_at_period_end: true, cancel_at: pe, status: 'active' });
    const paused = await stripe.subscriptions.update(c.id, {
      pause_collection: { behavior: 'mark_uncollectible' },
    });
    expect(paused.pause_collection).toEqual({ behavior: 'mark_uncollectible', resumes_at: null });
    const canceled = await stripe.subscriptions.cancel(b.id, { cancellation_details: { comment: 'bye' } });
    expect(canceled).toMatchObject({ status: 'canceled', canceled_at: T0, ended_at: T0 });
    await advance(clock.id, pe + 3600);
    expect(await stripe.subscriptions.retrieve(a.id)).toMatchObject({ status: 'canceled', ended_at: pe });
    const pc = await stripe.subscriptions.retrieve(c.id);
    expect(pc.status).toBe('active');
    expect((await stripe.invoices.retrieve(String(pc.latest_invoice))).status).toBe('uncollectible');
    expect((await stripe.subscriptions.list({ customer: cus.id, status: 'all' })).data).toHaveLength(3);
  });

  it('application_fee_percent on a connected account, coupons, metered usage', async () => {
    const acct = await stripe.accounts.create({ type: 'standard' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const on = { stripeAccount: acct.id };
    const { clock, cus, price } = await setup(on);
    const coupon = await stripe.coupons.create(
      { percent_off: 50, duration: 'repeating', duration_in_months: 1 },
      on,
    );
    const meter = await stripe.billing.meters.create(
      { display_name: 'API calls', event_name: 'api_call', default_aggregation: { formula: 'sum' } },
      on,
    );
    const metered = await stripe.prices.create(
      {
        currency: 'usd',
        unit_amount: 10,
        recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
        product: String(price.product),
      },
      on,
    );
    const sub = await stripe.subscriptions.create(
      {
        customer: cus.id,
        items: [{ price: price.id }, { price: metered.id }],
        application_fee_percent: 10,
        discounts: [{ coupon: coupon.id }],
      },
      on,
    );
    const first = await stripe.invoices.retrieve(String(sub.latest_invoice), {}, on);
    expect(first).toMatchObject({ subtotal: 2000, total: 1000, amount_paid: 1000, status: 'paid' });
    expect((first as unknown as { application_fee_amount: number }).application_fee_amount).toBe(100);
    const fee = (await stripe.applicationFees.list({ limit: 1 })).data[0]!;
    expect(fee).toMatchObject({ amount: 100, account: acct.id });
    for (const v of [100, 250]) {
      await stripe.billing.meterEvents.create(
        { event_name: 'api_call', payload: { stripe_customer_id: cus.id, value: String(v) } },
        on,
      );
    }
    const pe = Date.UTC(2026, 1, 1, 12) / 1000;
    await advance(clock.id, pe + 3600, on);
    const s2 = await stripe.subscriptions.retrieve(sub.id, {}, on);
    const second = await stripe.invoices.retrieve(String(s2.latest_invoice), {}, on);
    // Coupon for one month only: the second invoice is full price plus 350 units of usage.
    expect(second.lines.data.map((l) => l.amount).sort((x, y) => x - y)).toEqual([2000, 3500]);
    expect(second).toMatchObject({ total: 5500, amount_paid: 5500 });
    expect((second as unknown as { application_fee_amount: number }).application_fee_amount).toBe(550);
    const evs = await stripe.events.list({ limit: 5 }, on);
    expect(evs.data.every((e) => e.account === acct.id)).toBe(true);
  });

  it('a restarted sandbox keeps subscriptions, their items and pending clock work', async () => {
    const file = join(tmpdir(), `sandbox-billing-${process.pid}-${Date.now()}.json`);
    const a = await start({ stateFile: file });
    const sa = client(a);
    const clock = await sa.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await sa.customers.create({ test_clock: clock.id });
    const pm = await sa.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const price = await sa.prices.create({
      currency: 'usd',
      unit_amount: 700,
      recurring: { interval: 'week' },
      product_data: { name: 'Box' },
    });
    const sub = await sa.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    await a.close();
    const b = await start({ stateFile: file });
    try {
      const sbb = client(b);
      const item = (await sbb.subscriptions.retrieve(sub.id)).items.data[0]!;
      await sbb.subscriptionItems.update(item.id, { quantity: 2, proration_behavior: 'none' });
      expect((await sbb.subscriptions.retrieve(sub.id)).items.data[0]!.quantity).toBe(2);
      await advanceClock(sbb, clock.id, T0 + 7 * DAY + 3600);
      const renewed = await sbb.subscriptions.retrieve(sub.id);
      const inv = await sbb.invoices.retrieve(String(renewed.latest_invoice));
      expect(inv).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 1400, status: 'paid' });
      const payments = await sbb.invoicePayments.list({ invoice: inv.id });
      expect(payments.data[0]).toMatchObject({ status: 'paid', amount_paid: 1400 });
    } finally {
      await b.close();
      rmSync(file, { force: true });
    }
  });

  it('a Connect webhook endpoint receives signed billing events from connected accounts', async () => {
    const hook = await receiver();
    try {
      const we = await stripe.webhookEndpoints.create({
        url: hook.url,
        connect: true,
        enabled_events: ['invoice.paid', 'customer.subscription.created', 'test_helpers.test_clock.ready'],
      });
      const acct = await stripe.accounts.create({ type: 'standard' });
      await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
      const on = { stripeAccount: acct.id };
      const { clock, cus, price } = await setup(on);
      await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] }, on);
      await advance(clock.id, Date.UTC(2026, 1, 1, 12) / 1000 + 3600, on);
      await admin(sb, 'webhooks/flush');
      const events = hook.received.map((r) =>
        stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), String(we.secret)),
      );
      // Deliveries run concurrently: compare the set, not the arrival order.
      expect(events.map((e) => e.type).sort()).toEqual([
        'customer.subscription.created',
        'invoice.paid',
        'invoice.paid',
        'test_helpers.test_clock.ready',
      ]);
      expect(events.every((e) => e.account === acct.id)).toBe(true);
    } finally {
      await hook.close();
    }
  });
});
