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

async function submitOnboarding(url: string, action: 'submit' | 'later'): Promise<Response> {
  const page = await fetch(url);
  const html = await page.text();
  const session = /name="session" value="([^"]+)"/.exec(html)![1]!;
  const form = new URLSearchParams({
    session,
    action,
    business_type: 'individual',
    first_name: 'Jenny',
    last_name: 'Rosen',
    email: 'j@example.com',
    phone: '0000000000',
    dob: '1901-01-01',
    ssn: '000-00-0000',
    line1: 'address_full_match',
    city: 'SF',
    state: 'CA',
    postal_code: '94103',
    url: 'https://example.com',
    mcc: '5734',
    product_description: 'Software',
    routing_number: '110000000',
    account_number: '000123456789',
    tos: 'accepted',
  });
  return fetch(new URL(url).pathname ? url : url, { method: 'POST', body: form, redirect: 'manual' });
}

async function balances(stripeAccount?: string) {
  const b = await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {});
  const sum = (rows: { amount: number }[]) => rows.reduce((s, r) => s + r.amount, 0);
  return sum(b.available) + sum(b.pending);
}

describe('accounts', () => {
  it('creates express/standard/custom and controller accounts with fee payer semantics', async () => {
    const express = await stripe.accounts.create({ type: 'express' });
    expect(express.controller).toMatchObject({
      fees: { payer: 'application_express' },
      stripe_dashboard: { type: 'express' },
    });
    expect(express.charges_enabled).toBe(false);
    expect(express.requirements?.currently_due).toContain('external_account');
    expect(express.requirements?.disabled_reason).toBe('requirements.past_due');
    const standard = await stripe.accounts.create({ type: 'standard' });
    expect(standard.controller?.fees?.payer).toBe('account');
    const ctrl = await stripe.accounts.create({
      controller: {
        fees: { payer: 'application' },
        losses: { payments: 'application' },
        stripe_dashboard: { type: 'express' },
      },
    });
    expect(ctrl.type).toBe('express');
    await expect(
      stripe.accounts.create({ type: 'express', controller: { fees: { payer: 'application' } } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'controller' });
    await expect(
      stripe.accounts.create({
        controller: { fees: { payer: 'account' }, stripe_dashboard: { type: 'none' } },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    const list = await stripe.accounts.list({ limit: 100 });
    expect(list.data.map((a) => a.id)).toEqual(expect.arrayContaining([express.id, standard.id, ctrl.id]));
  });

  it('custom account requirements shrink as details arrive; capabilities go active; reject and delete', async () => {
    const acct = await stripe.accounts.create({
      type: 'custom',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    });
    const upd = await stripe.accounts.update(acct.id, {
      business_type: 'individual',
      business_profile: { mcc: '5734', url: 'https://example.com' },
      individual: {
        first_name: 'Jenny',
        last_name: 'Rosen',
        email: 'j@example.com',
        phone: '0000000000',
        id_number: '000000000',
        dob: { day: 1, month: 1, year: 1901 },
        address: { line1: 'address_full_match', city: 'SF', state: 'CA', postal_code: '94103' },
      },
      tos_acceptance: { date: Math.floor(Date.now() / 1000), ip: '127.0.0.1' },
    });
    expect(upd.requirements?.currently_due).toEqual(['external_account']);
    const done = await stripe.accounts.update(acct.id, { external_account: 'btok_us_verified' });
    expect(done.charges_enabled).toBe(true);
    expect(done.payouts_enabled).toBe(true);
    expect(done.capabilities).toEqual({ card_payments: 'active', transfers: 'active' });
    const caps = await stripe.accounts.listCapabilities(acct.id);
    expect(caps.data.map((c) => c.status)).toEqual(['active', 'active']);
    const events = await stripe.events.list(
      { type: 'account.updated', limit: 1 },
      { stripeAccount: acct.id },
    );
    expect(events.data[0]!.account).toBe(acct.id);
    const rejected = await stripe.accounts.reject(acct.id, { reason: 'fraud' });
    expect(rejected.charges_enabled).toBe(false);
    expect(rejected.requirements?.disabled_reason).toBe('rejected.fraud');
    const del = await stripe.accounts.del(acct.id);
    expect(del.deleted).toBe(true);
    await expect(stripe.customers.list({}, { stripeAccount: acct.id })).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('account links: hosted onboarding form completes the account; reuse and expiry go to refresh_url', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({
      account: acct.id,
      type: 'account_onboarding',
      refresh_url: 'https://platform.example/refresh',
      return_url: 'https://platform.example/return',
    });
    expect(link.expires_at - link.created).toBe(300);
    const res = await submitOnboarding(link.url, 'submit');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://platform.example/return');
    const after = await stripe.accounts.retrieve(acct.id);
    expect(after).toMatchObject({ details_submitted: true, charges_enabled: true, payouts_enabled: true });
    expect(after.requirements?.currently_due).toEqual([]);
    const reused = await fetch(link.url, { redirect: 'manual' });
    expect(reused.headers.get('location')).toBe('https://platform.example/refresh');

    const partial = await stripe.accounts.create({ type: 'express' });
    const l2 = await stripe.accountLinks.create({
      account: partial.id,
      type: 'account_onboarding',
      refresh_url: 'https://p.example/r',
      return_url: 'https://p.example/ok',
    });
    await submitOnboarding(l2.url, 'later');
    const p2 = await stripe.accounts.retrieve(partial.id);
    expect(p2.details_submitted).toBe(false);
    expect(p2.requirements?.currently_due).toEqual(
      expect.arrayContaining(['external_account', 'tos_acceptance.date']),
    );
    await expect(
      stripe.accountLinks.create({
        account: partial.id,
        type: 'account_update',
        refresh_url: 'https://p.example/r',
        return_url: 'https://p.example/ok',
      }),
    ).rejects.toMatchObject({ param: 'type' });
    const adv = await admin<Stripe.Account>(sb, `accounts/${partial.id}/onboarding`, { action: 'complete' });
    expect(adv.charges_enabled).toBe(true);
  });

  it('login links for Express accounts open a single-use dashboard', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const ll = await stripe.accounts.createLoginLink(acct.id);
    const page = await fetch(ll.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Express dashboard');
    expect((await fetch(ll.url)).status).toBe(410);
    const std = await stripe.accounts.create({ type: 'standard' });
    await expect(stripe.accounts.createLoginLink(std.id)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('oauth', () => {
  it('consent approve → code → stripe.oauth.token; scoped calls; deauthorize', async () => {
    const authorizeUrl = stripe.oauth
      .authorizeUrl({
        client_id: sb.connectClientId,
        scope: 'read_write',
        state: 'st-1',
        redirect_uri: 'https://platform.example/cb',
      })
      .replace(/^https:\/\/[^/]+/, sb.url);
    expect((await fetch(authorizeUrl)).status).toBe(200);
    const res = await fetch(`${sb.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: sb.connectClientId,
        scope: 'read_write',
        state: 'st-1',
        redirect_uri: 'https://platform.example/cb',
        decision: 'approve',
      }),
    });
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('state')).toBe('st-1');
    const code = loc.searchParams.get('code')!;
    expect(code).toMatch(/^ac_/);
    const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });
    expect(token.stripe_user_id).toMatch(/^acct_/);
    expect(token.scope).toBe('read_write');
    const authorized = await stripe.events.list(
      { type: 'account.application.authorized', limit: 1 },
      { stripeAccount: token.stripe_user_id },
    );
    expect(authorized.data[0]!.data.object).toMatchObject({ id: sb.connectClientId, object: 'application' });
    await expect(
      stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_nope' }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidGrantError',
    });
    // The access token acts as the connected account's key: a direct charge with its key.
    const connected = client(sb, {}, token.access_token!);
    const pi = await connected.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      application_fee_amount: 100,
    });
    expect(pi.application).toBe(sb.connectClientId);
    const fees = await stripe.applicationFees.list({ limit: 1 });
    expect(fees.data[0]).toMatchObject({ account: token.stripe_user_id, amount: 100 });

    await expect(stripe.oauth.token({ grant_type: 'authorization_code', code })).rejects.toMatchObject({
      type: 'StripeInvalidGrantError',
      message:
        'This authorization code has already been used. All tokens issued with this code have been revoked.',
    });
    const de = await stripe.oauth.deauthorize({
      client_id: sb.connectClientId,
      stripe_user_id: token.stripe_user_id!,
    });
    expect(de.stripe_user_id).toBe(token.stripe_user_id);
    await expect(connected.customers.list()).rejects.toMatchObject({ statusCode: 401 });
    const deauth = await stripe.events.list(
      { type: 'account.application.deauthorized' },
      { stripeAccount: undefined },
    );
    expect(deauth.data).toHaveLength(0);
    await expect(stripe.customers.list({}, { stripeAccount: token.stripe_user_id })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(
      stripe.oauth.deauthorize({ client_id: sb.connectClientId, stripe_user_id: token.stripe_user_id! }),
    ).rejects.toMatchObject({ type: 'StripeInvalidClientError' });
  });

  it('deny redirects with error=access_denied', async () => {
    const res = await fetch(`${sb.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: sb.connectClientId,
        state: 's',
        redirect_uri: 'https://platform.example/cb',
        decision: 'deny',
      }),
    });
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('s');
    await expect(
      stripe.oauth.token({ grant_type: 'authorization_code' } as Stripe.OAuthTokenParams),
    ).rejects.toMatchObject({
      type: 'StripeOAuthInvalidRequestError',
    });
    const bad = await fetch(
      `${sb.url}/oauth/authorize?client_id=${sb.connectClientId}&redirect_uri=javascript:x`,
    );
    expect(await bad.text()).toContain('invalid_redirect_uri');
    await expect(
      stripe.oauth.token({ grant_type: 'nope' as 'authorization_code', code: 'x' }),
    ).rejects.toMatchObject({
      type: 'StripeUnsupportedGrantTypeError',
    });
  });
});

describe('charges on connected accounts', () => {
  async function enabled(type: 'express' | 'standard') {
    const acct = await stripe.accounts.create({ type });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    return acct;
  }

  it('destination charge: transfer, py_ payment, application fee; $10 − $1.23 fee − Stripe $0.59', async () => {
    const acct = await enabled('express');
    const platformBefore = await balances();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      application_fee_amount: 123,
      transfer_data: { destination: acct.id },
      on_behalf_of: acct.id,
    });
    const ch = await stripe.charges.retrieve(String(pi.latest_charge), {
      expand: ['transfer', 'application_fee'],
    });
    const tr = ch.transfer as Stripe.Transfer;
    expect(tr).toMatchObject({ amount: 1000, destination: acct.id });
    expect(tr.destination_payment).toMatch(/^py_/);
    expect((ch.application_fee as Stripe.ApplicationFee).amount).toBe(123);
    expect(await balances(acct.id)).toBe(877);
    expect((await balances()) - platformBefore).toBe(64);
    const py = await stripe.charges.retrieve(
      String(tr.destination_payment),
      { expand: ['balance_transaction'] },
      { stripeAccount: acct.id },
    );
    expect(py.balance_transaction as Stripe.BalanceTransaction).toMatchObject({
      type: 'payment',
      fee: 123,
      net: 877,
    });

    const refund = await stripe.refunds.create({
      payment_intent: pi.id,
      reverse_transfer: true,
      refund_application_fee: true,
    });
    expect(refund.transfer_reversal).toMatch(/^trr_/);
    expect(await balances(acct.id)).toBe(0);
    expect(
      (
        await stripe.applicationFees.retrieve(
          String(ch.application_fee && (ch.application_fee as Stripe.ApplicationFee).id),
        )
      ).refunded,
    ).toBe(true);
  });

  it('direct charge: Standard pays Stripe’s fee, Express-like platform pays it', async () => {
    const std = await enabled('standard');
    await stripe.paymentIntents.create(
      {
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 100,
      },
      { stripeAccount: std.id },
    );
    expect(await balances(std.id)).toBe(1000 - 59 - 100);
    const platformBefore = await balances();
    const exp = await enabled('express');
    const pi = await stripe.paymentIntents.create(
      {
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 100,
      },
      { stripeAccount: exp.id },
    );
    expect(await balances(exp.id)).toBe(900);
    expect((await balances()) - platformBefore).toBe(100 - 59);
    const fee = (await stripe.applicationFees.list({ charge: String(pi.latest_charge) })).data[0]!;
    const fr = await stripe.applicationFees.createRefund(fee.id, { amount: 40 });
    expect(fr.amount).toBe(40);
    expect(await balances(exp.id)).toBe(940);
    await expect(stripe.paymentIntents.retrieve(pi.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('an application fee embeds its newest 10 refunds; the rest are paged from its refunds list', async () => {
    const acct = await enabled('standard');
    const pi = await stripe.paymentIntents.create(
      {
        amount: 10_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 1_200,
      },
      { stripeAccount: acct.id },
    );
    const listed = (await stripe.applicationFees.list({ charge: String(pi.latest_charge) })).data[0]!;
    for (let i = 0; i < 12; i++) await stripe.applicationFees.createRefund(listed.id, { amount: 10 });
    const fee = await stripe.applicationFees.retrieve(listed.id);
    expect(fee.amount_refunded).toBe(120);
    expect(fee.refunds.data).toHaveLength(10);
    expect(fee.refunds.has_more).toBe(true);
    const all = [];
    for await (const r of stripe.applicationFees.listRefunds(listed.id, { limit: 5 })) all.push(r);
    expect(all).toHaveLength(12);
    expect(all.slice(0, 10).map((r) => r.id)).toEqual(fee.refunds.data.map((r) => r.id));
  });

  it("an application fee read with its balance transactions and its refunds': the platform's booking", async () => {
    const acct = await enabled('standard');
    const pi = await stripe.paymentIntents.create(
      {
        amount: 10_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 130,
      },
      { stripeAccount: acct.id },
    );
    await stripe.refunds.create(
      { payment_intent: pi.id, amount: 4_000, refund_application_fee: true },
      { stripeAccount: acct.id },
    );
    const listed = (await stripe.applicationFees.list({ charge: String(pi.latest_charge) })).data[0]!;
    const fee = await stripe.applicationFees.retrieve(listed.id, {
      expand: ['balance_transaction', 'refunds.data.balance_transaction'],
    });
    expect(fee.balance_transaction).toMatchObject({
      object: 'balance_transaction',
      type: 'application_fee',
      amount: 130,
      currency: 'usd',
      source: fee.id,
    });
    const [fr] = fee.refunds.data;
    // a 40 % refund gives back 40 % of the fee
    expect(fr).toMatchObject({ amount: 52, fee: fee.id });
    expect(fr!.balance_transaction).toMatchObject({
      object: 'balance_transaction',
      type: 'application_fee_refund',
      amount: -52,
      currency: 'usd',
      source: fr!.id,
    });
  });
});
