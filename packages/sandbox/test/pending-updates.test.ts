// Plan changes that must be paid for, as Stripe documents them: `payment_behavior=pending_if_incomplete`
// (pending_update until the proration invoice is paid — by `invoices.pay` or after 3-D Secure — or expires
// after 23 hours, the invoice voided), `error_if_incomplete` (402, nothing changes), `default_incomplete`,
// the on-session default of `off_session`; credit note previews; a detached card stops being a default.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const HOUR = 3600;
const T0 = Date.UTC(2026, 2, 1, 12) / 1000;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

/** An active monthly subscription paid with a good card, then `card` made the customer's default. */
async function subscribed(card: string) {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const cus = await stripe.customers.create({ email: 'plan@example.com', test_clock: clock.id });
  const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: good.id } });
  const product = await stripe.products.create({ name: 'Plan' });
  const recurring = { interval: 'month' as const };
  const basic = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 1000,
    recurring,
    product: product.id,
  });
  const pro = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 5000,
    recurring,
    product: product.id,
  });
  const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: basic.id }] });
  expect(sub.status).toBe('active');
  const next = await stripe.paymentMethods.attach(card, { customer: cus.id });
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: next.id } });
  return { clock, cus, sub, basic, pro, good };
}

function upgrade(
  s: { sub: Stripe.Subscription; pro: Stripe.Price },
  extra: Stripe.SubscriptionUpdateParams = {},
) {
  return stripe.subscriptions.update(s.sub.id, {
    items: [{ id: s.sub.items.data[0]!.id, price: s.pro.id }],
    proration_behavior: 'always_invoice',
    payment_behavior: 'pending_if_incomplete',
    ...extra,
  });
}

async function eventTypes(sub: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) {
    if ((e.data.object as { id?: string }).id === sub) out.push(e.type);
  }
  return out.reverse();
}

describe('pending updates (payment_behavior=pending_if_incomplete)', () => {
  it('a declined proration keeps the old price in pending_update; paying the invoice applies it', async () => {
    const s = await subscribed('pm_card_chargeCustomerFail');
    const updated = await upgrade(s);
    expect(updated.status).toBe('active');
    expect(updated.items.data[0]!.price.id).toBe(s.basic.id);
    expect(updated.pending_update).toMatchObject({ expires_at: T0 + 23 * HOUR, trial_end: null });
    expect(updated.pending_update!.subscription_items!.map((i) => i.price.id)).toEqual([s.pro.id]);
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(inv).toMatchObject({ status: 'open', billing_reason: 'subscription_update' });
    expect(inv.amount_due).toBe(4000);

    const paid = await stripe.invoices.pay(inv.id, { payment_method: s.good.id });
    expect(paid.status).toBe('paid');
    const after = await stripe.subscriptions.retrieve(s.sub.id);
    expect(after.pending_update).toBeNull();
    expect(after.status).toBe('active');
    expect(after.items.data.map((i) => i.price.id)).toEqual([s.pro.id]);
    const types = await eventTypes(s.sub.id);
    expect(types).toContain('customer.subscription.pending_update_applied');
    expect(types.at(-1)).toBe('customer.subscription.updated');
  });

  it('unpaid, it expires after 23 hours on the test clock: invoice voided, items unchanged', async () => {
    const s = await subscribed('pm_card_chargeCustomerFail');
    const updated = await upgrade(s);
    const invId = String(updated.latest_invoice);
    await advanceClock(stripe, s.clock.id, T0 + 22 * HOUR);
    expect((await stripe.subscriptions.retrieve(s.sub.id)).pending_update).not.toBeNull();
    await advanceClock(stripe, s.clock.id, T0 + 23 * HOUR + 60);
    const after = await stripe.subscriptions.retrieve(s.sub.id);
    expect(after.pending_update).toBeNull();
    expect(after.status).toBe('active');
    expect(after.items.data.map((i) => i.price.id)).toEqual([s.basic.id]);
    expect((await stripe.invoices.retrieve(invId)).status).toBe('void');
    expect(await eventTypes(s.sub.id)).toContain('customer.subscription.pending_update_expired');
  });

  it('voiding the invoice cancels the pending update; a new change to the items replaces it', async () => {
    const s = await subscribed('pm_card_chargeCustomerFail');
    const first = await upgrade(s);
    await stripe.invoices.voidInvoice(String(first.latest_invoice));
    const cleared = await stripe.subscriptions.retrieve(s.sub.id);
    expect(cleared.pending_update).toBeNull();
    expect(cleared.items.data[0]!.price.id).toBe(s.basic.id);

    const second = await upgrade(s);
    const third = await stripe.subscriptions.update(s.sub.id, {
      items: [{ id: s.sub.items.data[0]!.id, quantity: 2 }],
      proration_behavior: 'none',
    });
    expect(third.pending_update).toBeNull();
    expect(third.items.data[0]).toMatchObject({ quantity: 2, price: { id: s.basic.id } });
    expect((await stripe.invoices.retrieve(String(second.latest_invoice))).status).toBe('void');
  });

  it('3-D Secure on session: the PaymentIntent waits in requires_action; authenticating applies the update', async () => {
    const s = await subscribed('pm_card_threeDSecure2Required');
    const updated = await upgrade(s, { expand: ['latest_invoice.confirmation_secret'] });
    expect(updated.pending_update).not.toBeNull();
    const latest = updated.latest_invoice as Stripe.Invoice;
    expect(latest.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    const inv = await stripe.invoices.retrieve(latest.id, {
      expand: ['payments.data.payment.payment_intent', 'confirmation_secret'],
    });
    expect(inv.status).toBe('open');
    expect(inv.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    const pi = inv.payments!.data[0]!.payment.payment_intent as Stripe.PaymentIntent;
    expect(pi.status).toBe('requires_action');
    const url = String(pi.next_action?.use_stripe_sdk?.stripe_js);
    expect(url).toContain(`/3ds/authenticate/${pi.id}`);
    const res = await fetch(url.split('?')[0]!, {
      method: 'POST',
      body: new URLSearchParams({ action: 'complete' }),
    });
    expect(res.status).toBe(200);
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('paid');
    const after = await stripe.subscriptions.retrieve(s.sub.id);
    expect(after.pending_update).toBeNull();
    expect(after.items.data.map((i) => i.price.id)).toEqual([s.pro.id]);
  });

  it('3-D Secure: the hosted invoice page pays the pending invoice with a card that authenticates', async () => {
    const s = await subscribed('pm_card_threeDSecure2Required');
    const updated = await upgrade(s);
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    const form = await fetch(String(inv.hosted_invoice_url), {
      method: 'POST',
      body: new URLSearchParams({ card_number: '4000000000003220', exp: '12 / 34', cvc: '123' }),
      redirect: 'manual',
    });
    expect(form.status).toBe(302);
    const auth = form.headers.get('location')!;
    expect(auth).toContain('/3ds/authenticate/pi_');
    const done = await fetch(auth.split('?')[0]!, {
      method: 'POST',
      body: new URLSearchParams({ action: 'complete' }),
      redirect: 'manual',
    });
    expect(done.headers.get('location')).toContain(String(inv.hosted_invoice_url));
    const after = await stripe.subscriptions.retrieve(s.sub.id);
    expect(after.pending_update).toBeNull();
    expect(after.items.data[0]!.price.id).toBe(s.pro.id);
  });

  it('off_session=true is refused with pending updates; without it a 3DS card is not declined', async () => {
    const s = await subscribed('pm_card_threeDSecure2Required');
    const e = await upgrade(s, { off_session: true }).catch((x: unknown) => x);
    expect(e).toMatchObject({ statusCode: 400, param: 'off_session' });
    const plain = await stripe.subscriptions.update(s.sub.id, {
      items: [{ id: s.sub.items.data[0]!.id, price: s.pro.id }],
      proration_behavior: 'always_invoice',
    });
    // allow_incomplete: the update stands, the invoice waits for authentication
    expect(plain.items.data[0]!.price.id).toBe(s.pro.id);
    const inv = await stripe.invoices.retrieve(String(plain.latest_invoice), {
      expand: ['payments.data.payment.payment_intent'],
    });
    expect((inv.payments!.data[0]!.payment.payment_intent as Stripe.PaymentIntent).status).toBe(
      'requires_action',
    );
  });

  it('works through /v1/subscription_items too', async () => {
    const s = await subscribed('pm_card_chargeCustomerFail');
    const itemId = s.sub.items.data[0]!.id;
    const refused = await stripe.subscriptionItems
      .update(itemId, { quantity: 3, metadata: { a: 'b' }, payment_behavior: 'pending_if_incomplete' })
      .catch((x: unknown) => x);
    expect(refused).toMatchObject({ statusCode: 400, param: 'metadata' });
    const item = await stripe.subscriptionItems.update(itemId, {
      quantity: 3,
      proration_behavior: 'always_invoice',
      payment_behavior: 'pending_if_incomplete',
    });
    expect(item.quantity).toBe(1);
    const sub = await stripe.subscriptions.retrieve(s.sub.id);
    expect(sub.pending_update!.subscription_items).toMatchObject([{ id: itemId, quantity: 3 }]);
    await stripe.invoices.pay(String(sub.latest_invoice), { payment_method: s.good.id });
    expect((await stripe.subscriptionItems.retrieve(itemId)).quantity).toBe(3);
  });

  it('refuses parameters pending updates do not support', async () => {
    const s = await subscribed('pm_card_visa');
    for (const extra of [{ metadata: { a: 'b' } }, { description: 'x' }, { cancel_at_period_end: true }]) {
      const e = await upgrade(s, extra).catch((x: unknown) => x);
      expect(e).toMatchObject({ statusCode: 400, param: Object.keys(extra)[0] });
    }
    const e = await stripe.subscriptions
      .update(s.sub.id, {
        items: [{ id: s.sub.items.data[0]!.id, price: s.pro.id, metadata: { a: 'b' } }],
        payment_behavior: 'pending_if_incomplete',
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ statusCode: 400, param: 'items[0][metadata]' });
    // a paid update applies at once, with no pending_update
    const ok = await upgrade(s, { payment_behavior: 'pending_if_incomplete' });
    expect(ok.pending_update).toBeNull();
    expect(ok.items.data[0]!.price.id).toBe(s.pro.id);
  });
});

describe('other payment behaviours on update', () => {
  it('error_if_incomplete: a 402 card error and the subscription unchanged', async () => {
    const s = await subscribed('pm_card_chargeCustomerFail');
    const e = await upgrade(s, { payment_behavior: 'error_if_incomplete' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ statusCode: 402, type: 'StripeCardError' });
    const after = await stripe.subscriptions.retrieve(s.sub.id);
    expect(after.items.data.map((i) => i.price.id)).toEqual([s.basic.id]);
    expect(after.latest_invoice).toBe(s.sub.latest_invoice);
    expect(after.status).toBe('active');
    const invoices = await stripe.invoices.list({ subscription: s.sub.id });
    const update = invoices.data.find((i) => i.billing_reason === 'subscription_update');
    expect(update?.status).toBe('void');
  });

  it('default_incomplete: the update stands, its invoice open and unattempted, the subscription past_due', async () => {
    const s = await subscribed('pm_card_visa');
    const updated = await upgrade(s, { payment_behavior: 'default_incomplete' });
    expect(updated.items.data[0]!.price.id).toBe(s.pro.id);
    expect(updated.status).toBe('past_due');
    const inv = await stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(inv).toMatchObject({ status: 'open', attempt_count: 0 });
    await stripe.invoices.pay(inv.id);
    expect((await stripe.subscriptions.retrieve(s.sub.id)).status).toBe('active');
  });
});

describe('invoice preview of an ending subscription', () => {
  it('cancel_now credits the unused time at once; cancel_at_period_end has no next period', async () => {
    const s = await subscribed('pm_card_visa');
    await advanceClock(stripe, s.clock.id, T0 + 10 * 24 * HOUR);
    const t = T0 + 10 * 24 * HOUR;
    const now = await stripe.invoices.createPreview({
      subscription: s.sub.id,
      subscription_details: { cancel_now: true, proration_date: t },
    });
    const item = s.sub.items.data[0]!;
    const frac = (item.current_period_end - t) / (item.current_period_end - item.current_period_start);
    expect(now.lines.data).toHaveLength(1);
    expect(now.lines.data[0]!.amount).toBe(-Math.round(1000 * frac));
    expect(now.total).toBe(-Math.round(1000 * frac));
    const atEnd = await stripe.invoices.createPreview({
      subscription: s.sub.id,
      subscription_details: { cancel_at_period_end: true },
    });
    expect(atEnd.lines.data).toHaveLength(0);
    expect((await stripe.subscriptions.retrieve(s.sub.id)).status).toBe('active');
  });
});

describe('credit note preview', () => {
  it('previews the credit note and its lines without issuing one', async () => {
    const cus = await stripe.customers.create({ email: 'cn@example.com' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 3000, currency: 'usd' });
    const draft = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
      pending_invoice_items_behavior: 'include',
    });
    const inv = await stripe.invoices.finalizeInvoice(draft.id);
    const preview = await stripe.creditNotes.preview({ invoice: inv.id, amount: 1200 });
    expect(preview).toMatchObject({
      object: 'credit_note',
      total: 1200,
      invoice: inv.id,
      type: 'pre_payment',
    });
    const lines = await stripe.creditNotes.listPreviewLineItems({ invoice: inv.id, amount: 1200, limit: 5 });
    expect(lines.data.reduce((t, l) => t + l.amount, 0)).toBe(1200);
    expect((await stripe.creditNotes.list({ invoice: inv.id })).data).toHaveLength(0);
    expect((await stripe.invoices.retrieve(inv.id)).amount_due).toBe(3000);
    const tooMuch = await stripe.creditNotes
      .preview({ invoice: inv.id, amount: 5000 })
      .catch((x: unknown) => x);
    expect(tooMuch).toMatchObject({ statusCode: 400 });
  });
});

describe('detaching a default payment method', () => {
  it("clears the customer's invoice default and the subscriptions' default", async () => {
    const cus = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 700,
      recurring: { interval: 'month' },
      product_data: { name: 'Detach' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    expect(sub.default_payment_method).toBe(pm.id);
    await stripe.paymentMethods.detach(pm.id);
    const after = await stripe.customers.retrieve(cus.id);
    expect((after as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
    expect((await stripe.subscriptions.retrieve(sub.id)).default_payment_method).toBeNull();
  });
});
