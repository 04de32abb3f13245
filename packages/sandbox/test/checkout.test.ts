// Payment Links and Checkout Sessions through the SDK and their hosted pages (plain HTTP form posts here;
// browser.test.ts clicks through them in Chromium), and customer portal sessions.
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

async function get(url: string) {
  return fetch(url, { redirect: 'manual' });
}

async function pay(url: string, card = '4242 4242 4242 4242', email = 'buyer@example.com') {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card_number: card, exp: '12 / 34', cvc: '123', email }).toString(),
  });
}

describe('payment links', () => {
  it('a connected account link with an application fee, paid once, then inactive', async () => {
    const acct = await stripe.accounts.create({ type: 'standard' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const on = { stripeAccount: acct.id };
    const price = await stripe.prices.create(
      { currency: 'usd', unit_amount: 2500, product_data: { name: 'Lesson' } },
      on,
    );
    const link = await stripe.paymentLinks.create(
      {
        line_items: [{ price: price.id, quantity: 2 }],
        application_fee_amount: 300,
        metadata: { order: '42' },
        payment_intent_data: { metadata: { via: 'link' } },
        after_completion: {
          type: 'redirect',
          redirect: { url: 'https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}' },
        },
        restrictions: { completed_sessions: { limit: 1 } },
      },
      on,
    );
    expect(link).toMatchObject({
      active: true,
      application_fee_amount: 300,
      restrictions: { completed_sessions: { count: 0, limit: 1 } },
    });
    const visit = await get(link.url);
    expect(visit.status).toBe(302);
    const checkoutUrl = new URL(String(visit.headers.get('location')), sb.url).toString();
    const declined = await pay(checkoutUrl, '4000 0000 0000 0002');
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    const done = await pay(checkoutUrl);
    expect(done.status).toBe(302);
    const thanks = String(done.headers.get('location'));
    expect(thanks).toMatch(/^https:\/\/shop\.example\/thanks\?cs=cs_test_/);
    const csId = new URL(thanks).searchParams.get('cs')!;
    const cs = await stripe.checkout.sessions.retrieve(csId, { expand: ['line_items'] }, on);
    expect(cs).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      amount_total: 5000,
      payment_link: link.id,
      mode: 'payment',
      metadata: { order: '42' },
    });
    expect(cs.line_items?.data[0]).toMatchObject({ quantity: 2, amount_total: 5000, description: 'Lesson' });
    const pi = await stripe.paymentIntents.retrieve(String(cs.payment_intent), {}, on);
    expect(pi).toMatchObject({
      status: 'succeeded',
      amount: 5000,
      application_fee_amount: 300,
      metadata: { via: 'link' },
    });
    const fee = (await stripe.applicationFees.list({ limit: 1 })).data[0]!;
    expect(fee).toMatchObject({ amount: 300, account: acct.id });
    const types = (await stripe.events.list({ limit: 30 }, on)).data.map((e) => e.type).reverse();
    const tail = types.slice(types.lastIndexOf('payment_intent.created'));
    expect(tail).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.updated',
      'checkout.session.completed',
      'payment_link.updated',
    ]);
    const after = await stripe.paymentLinks.retrieve(link.id, {}, on);
    expect(after).toMatchObject({
      active: false,
      restrictions: { completed_sessions: { count: 1, limit: 1 } },
    });
    const again = await get(link.url);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('no longer active');
  });

  it('deactivated links say so; application_fee_percent; hosted confirmation', async () => {
    const acct = await stripe.accounts.create({ type: 'standard' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const on = { stripeAccount: acct.id };
    const price = await stripe.prices.create(
      { currency: 'usd', unit_amount: 1000, product_data: { name: 'Tip' } },
      on,
    );
    const link = await stripe.paymentLinks.create(
      {
        line_items: [{ price: price.id, quantity: 1 }],
        application_fee_percent: 12.5,
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'Merci' } },
        inactive_message: 'Sold out',
      },
      on,
    );
    const visit = await get(link.url);
    const done = await pay(new URL(String(visit.headers.get('location')), sb.url).toString());
    const confirmation = await fetch(new URL(String(done.headers.get('location')), sb.url));
    expect(await confirmation.text()).toContain('Merci');
    const cs = (await stripe.checkout.sessions.list({ payment_link: link.id }, on)).data[0]!;
    const pi = await stripe.paymentIntents.retrieve(String(cs.payment_intent), {}, on);
    expect(pi.application_fee_amount).toBe(125);
    await stripe.paymentLinks.update(link.id, { active: false }, on);
    const closed = await get(link.url);
    expect(closed.status).toBe(410);
    expect(await closed.text()).toContain('Sold out');
  });
});

describe('payment links for subscriptions', () => {
  it('a recurring price opens a subscription-mode session; a decline creates nothing', async () => {
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1200,
      recurring: { interval: 'month' },
      product_data: { name: 'Member' },
    });
    const link = await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] });
    const url = new URL(String((await get(link.url)).headers.get('location')), sb.url).toString();
    const declined = await pay(url, '4000 0000 0000 0002');
    expect(declined.status).toBe(402);
    const csId = url.split('/').at(-1)!;
    expect((await stripe.checkout.sessions.retrieve(csId)).subscription).toBeNull();
    await pay(url);
    const cs = await stripe.checkout.sessions.retrieve(csId);
    expect(cs).toMatchObject({ mode: 'subscription', status: 'complete', payment_link: link.id });
    const sub = await stripe.subscriptions.retrieve(String(cs.subscription));
    expect(sub.status).toBe('active');
    expect((await stripe.subscriptions.list({ price: price.id })).data.map((s) => s.id)).toEqual([sub.id]);
  });
});

describe('checkout sessions', () => {
  it('payment mode: success_url redirect, destination charge fee, expiry', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const cs = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 4000, product_data: { name: 'Course' } }, quantity: 1 },
      ],
      success_url: 'https://app.example/ok?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example/cancel',
      payment_intent_data: { application_fee_amount: 400, transfer_data: { destination: acct.id } },
      client_reference_id: 'order_1',
    });
    expect(cs).toMatchObject({
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 4000,
      payment_intent: null,
    });
    expect(cs.url).toContain('/c/pay/');
    const done = await pay(String(cs.url));
    expect(done.headers.get('location')).toBe(`https://app.example/ok?session_id=${cs.id}`);
    const paid = await stripe.checkout.sessions.retrieve(cs.id);
    expect(paid).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      customer_details: { email: 'buyer@example.com' },
    });
    const pi = await stripe.paymentIntents.retrieve(String(paid.payment_intent));
    expect(pi).toMatchObject({
      status: 'succeeded',
      application_fee_amount: 400,
      transfer_data: { destination: acct.id },
    });

    const other = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'X' } }, quantity: 1 },
      ],
      success_url: 'https://app.example/ok',
    });
    const expired = await stripe.checkout.sessions.expire(other.id);
    expect(expired.status).toBe('expired');
    expect(
      (await stripe.events.list({ type: 'checkout.session.expired', limit: 1 })).data[0]!.data.object,
    ).toMatchObject({ id: other.id });
    expect((await get(String(other.url))).status).toBe(410);
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'X' } }, quantity: 1 },
        ],
        payment_intent_data: { application_fee_amount: 10 },
      }),
    ).rejects.toMatchObject({ param: 'payment_intent_data[application_fee_amount]' });
  });

  it('subscription mode with application_fee_percent, setup mode', async () => {
    const acct = await stripe.accounts.create({ type: 'standard' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const on = { stripeAccount: acct.id };
    const price = await stripe.prices.create(
      {
        currency: 'usd',
        unit_amount: 3000,
        recurring: { interval: 'month' },
        product_data: { name: 'Club' },
      },
      on,
    );
    const cs = await stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://app.example/ok',
        subscription_data: { application_fee_percent: 20, metadata: { plan: 'club' } },
      },
      on,
    );
    await pay(String(cs.url));
    const done = await stripe.checkout.sessions.retrieve(cs.id, {}, on);
    expect(done).toMatchObject({ status: 'complete', mode: 'subscription' });
    const sub = await stripe.subscriptions.retrieve(String(done.subscription), {}, on);
    expect(sub).toMatchObject({
      status: 'active',
      application_fee_percent: 20,
      metadata: { plan: 'club' },
      customer: done.customer,
    });
    const inv = await stripe.invoices.retrieve(String(sub.latest_invoice), {}, on);
    expect(inv).toMatchObject({ status: 'paid', amount_paid: 3000 });
    expect((inv as unknown as { application_fee_amount: number }).application_fee_amount).toBe(600);

    const setup = await stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      success_url: 'https://app.example/ok',
    });
    await pay(String(setup.url));
    const s2 = await stripe.checkout.sessions.retrieve(setup.id);
    expect(s2).toMatchObject({ status: 'complete', payment_status: 'no_payment_required' });
    const si = await stripe.setupIntents.retrieve(String(s2.setup_intent));
    expect(si.status).toBe('succeeded');
  });
});

describe('checkout: bank debits and 3-D Secure', () => {
  const bank = (url: string, account: string) =>
    fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        method: 'us_bank_account',
        routing_number: '110000000',
        account_number: account,
        account_holder: 'Jo',
      }).toString(),
    });
  const session = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 10_000, product_data: { name: 'Rent' } }, quantity: 1 },
      ],
      success_url: 'https://app.example/ok',
    });

  it('completes unpaid, then async_payment_succeeded or async_payment_failed when the debit settles', async () => {
    const ok = await session();
    const bad = await session();
    expect((await bank(String(ok.url), '000123456789')).headers.get('location')).toBe(
      'https://app.example/ok',
    );
    await bank(String(bad.url), '000111111116');
    expect(await stripe.checkout.sessions.retrieve(ok.id)).toMatchObject({
      status: 'complete',
      payment_status: 'unpaid',
    });
    expect(
      (
        await stripe.paymentIntents.retrieve(
          String((await stripe.checkout.sessions.retrieve(ok.id)).payment_intent),
        )
      ).status,
    ).toBe('processing');
    await admin(sb, 'payment_intents/settle');
    expect(await stripe.checkout.sessions.retrieve(ok.id)).toMatchObject({ payment_status: 'paid' });
    expect(await stripe.checkout.sessions.retrieve(bad.id)).toMatchObject({ payment_status: 'unpaid' });
    const evs = (await stripe.events.list({ limit: 40 })).data;
    const of = (id: string) =>
      evs
        .filter((e) => (e.data.object as { id: string }).id === id)
        .map((e) => e.type)
        .reverse();
    expect(of(ok.id)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    expect(of(bad.id)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_failed']);
  });

  it('a 3-D Secure card goes through the authentication page and back to success_url', async () => {
    const cs = await session();
    const res = await pay(String(cs.url), '4000 0027 6000 3184');
    expect(res.status).toBe(302);
    const auth = String(res.headers.get('location'));
    expect(auth).toContain('/3ds/authenticate/pi_');
    const done = await fetch(new URL(auth).pathname.replace(/^/, sb.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=complete',
    });
    const back = String(done.headers.get('location'));
    expect(back).toContain(`/c/return/${cs.id}`);
    const final = await get(back);
    expect(final.headers.get('location')).toBe('https://app.example/ok');
    expect(await stripe.checkout.sessions.retrieve(cs.id)).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
    });
  });
});

describe('checkout: setup mode', () => {
  it('setup_intent_data reaches the SetupIntent (metadata, description, on_behalf_of); an unknown account is refused', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const cus = await stripe.customers.create({ email: 'saver@example.com' });
    const cs = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: cus.id,
      allowed_payment_method_types: ['card'],
      success_url: 'https://app.example/saved?cs={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example/cancel',
      setup_intent_data: {
        description: 'Card on file',
        metadata: { order: '7' },
        on_behalf_of: acct.id,
      },
    });
    expect(cs).toMatchObject({
      mode: 'setup',
      allowed_payment_method_types: ['card'],
      payment_method_types: ['card'],
      setup_intent: null,
    });
    const res = await pay(String(cs.url));
    expect(res.headers.get('location')).toBe(`https://app.example/saved?cs=${cs.id}`);
    const done = await stripe.checkout.sessions.retrieve(cs.id);
    const si = await stripe.setupIntents.retrieve(String(done.setup_intent));
    expect(si).toMatchObject({
      status: 'succeeded',
      customer: cus.id,
      description: 'Card on file',
      metadata: { order: '7' },
      on_behalf_of: acct.id,
      usage: 'off_session',
    });
    const pm = await stripe.paymentMethods.retrieve(String(si.payment_method));
    expect(pm).toMatchObject({ customer: cus.id, card: { last4: '4242' } });

    await expect(
      stripe.checkout.sessions.create({
        mode: 'setup',
        currency: 'usd',
        success_url: 'https://app.example/ok',
        setup_intent_data: { on_behalf_of: 'acct_nope' },
      }),
    ).rejects.toMatchObject({ param: 'setup_intent_data[on_behalf_of]', code: 'resource_missing' });
  });

  it('3-D Secure on setup goes through the authentication page, then back to success_url', async () => {
    const cus = await stripe.customers.create({ email: 'setup3ds@example.com' });
    const cs = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: cus.id,
      currency: 'usd',
      success_url: 'https://app.example/saved',
    });
    const res = await pay(String(cs.url), '4000 0025 0000 3155');
    expect(res.status).toBe(302);
    const auth = String(res.headers.get('location'));
    expect(auth).toContain('/3ds/authenticate/seti_');
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('open');
    const done = await fetch(`${sb.url}${new URL(auth).pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=complete',
    });
    const back = String(done.headers.get('location'));
    expect(back).toContain(`/c/return/${cs.id}?setup_intent=seti_`);
    expect((await get(back)).headers.get('location')).toBe('https://app.example/saved');
    const s = await stripe.checkout.sessions.retrieve(cs.id);
    expect(s).toMatchObject({ status: 'complete', payment_status: 'no_payment_required' });
    const si = await stripe.setupIntents.retrieve(String(s.setup_intent));
    expect(si.status).toBe('succeeded');
    expect((await stripe.customers.listPaymentMethods(cus.id)).data.map((m) => m.id)).toEqual([
      si.payment_method,
    ]);
  });

  it('a bank-account-only session offers the bank form and saves the account', async () => {
    const cus = await stripe.customers.create({ email: 'ach-setup@example.com' });
    const cs = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      success_url: 'https://app.example/saved',
    });
    const html = await (await get(String(cs.url))).text();
    expect(html).toContain('id="bank-form"');
    expect(html).not.toContain('id="card_number"');
    // a card posted anyway is refused
    expect((await pay(String(cs.url))).status).toBe(402);
    const res = await fetch(String(cs.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        method: 'us_bank_account',
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder: 'Jo',
      }).toString(),
    });
    expect(res.headers.get('location')).toBe('https://app.example/saved');
    const si = await stripe.setupIntents.retrieve(
      String((await stripe.checkout.sessions.retrieve(cs.id)).setup_intent),
    );
    expect(si).toMatchObject({ status: 'succeeded', payment_method_types: ['us_bank_account'] });
    const pm = await stripe.paymentMethods.retrieve(String(si.payment_method));
    expect(pm).toMatchObject({ type: 'us_bank_account', customer: cus.id });
  });
});

describe('customer portal', () => {
  it('updates the payment method and cancels a subscription', async () => {
    const cus = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const pm = (await stripe.customers.listPaymentMethods(cus.id)).data[0]!;
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 900,
      recurring: { interval: 'month' },
      product_data: { name: 'Basic' },
    });
    const sub = await stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }] });
    const session = await stripe.billingPortal.sessions.create({
      customer: cus.id,
      return_url: 'https://app.example/account',
    });
    expect(session.url).toContain('/p/session/');
    const page = await (await fetch(session.url)).text();
    expect(page).toContain(sub.id);
    const form = (body: Record<string, string>) =>
      fetch(session.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const updated = await (
      await form({ action: 'update_card', card_number: '5555555555554444', exp: '01 / 30', cvc: '1' })
    ).text();
    expect(updated).toContain('Payment method updated.');
    const cusAfter = (await stripe.customers.retrieve(cus.id)) as Stripe.Customer;
    const newPm = await stripe.paymentMethods.retrieve(
      String(cusAfter.invoice_settings.default_payment_method),
    );
    expect(newPm.card?.last4).toBe('4444');
    await form({ action: 'cancel', subscription: sub.id });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
  });
});
