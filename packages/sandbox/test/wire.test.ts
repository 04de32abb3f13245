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

describe('wire protocol', () => {
  it('401 without a key, with Stripe’s body', async () => {
    const res = await fetch(`${sb.url}/v1/customers`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/You did not provide an API key/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    await expect(client(sb, {}, 'sk_live_nope').customers.list()).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
    });
  });

  it('accepts basic auth, a[]= arrays and %5B-encoded brackets; echoes Stripe-Version', async () => {
    const auth = `Basic ${Buffer.from('sk_test_abc:').toString('base64')}`;
    const res = await fetch(`${sb.url}/v1/customers`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/x-www-form-urlencoded',
        'stripe-version': '2024-06-20',
      },
      body: 'email=x%40y.z&metadata%5Bplan%5D=pro&preferred_locales[]=en&preferred_locales[]=fr',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('stripe-version')).toBe('2024-06-20');
    const cus = (await res.json()) as Stripe.Customer;
    expect(cus.metadata).toEqual({ plan: 'pro' });
    expect(cus.preferred_locales).toEqual(['en', 'fr']);
  });

  it('rejects unknown and missing parameters, 404s unknown ids and URLs', async () => {
    await expect(stripe.customers.create({ nope: 1 } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_unknown',
      param: 'nope',
      message: 'Received unknown parameter: nope',
    });
    await expect(
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'amount',
      message: 'Missing required param: amount.',
    });
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such customer: 'cus_missing'",
    });
    const res = await fetch(`${sb.url}/v1/nothing`, { headers: { authorization: 'Bearer sk_test_x' } });
    expect(res.status).toBe(404);
    await expect(
      stripe.paymentIntents.create({ amount: 'x' as unknown as number, currency: 'usd' }),
    ).rejects.toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
  });

  it('idempotency: replay with Idempotent-Replayed, mismatch with Stripe’s message', async () => {
    const key = `k-${Date.now()}`;
    const a = await stripe.customers.create({ email: 'a@x.y' }, { idempotencyKey: key });
    const b = await stripe.customers.create({ email: 'a@x.y' }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(
      stripe.customers.create({ email: 'other@x.y' }, { idempotencyKey: key }),
    ).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      message:
        'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
        `Try using a key other than '${key}' if you meant to execute a different request.`,
    });
  });

  it('lists newest first with limit/starting_after/ending_before and auto-pagination', async () => {
    const s2 = client(sb, {}, 'sk_test_list');
    const acct = await s2.accounts.create({
      type: 'custom',
      capabilities: { transfers: { requested: true } },
    });
    const scoped = { stripeAccount: acct.id };
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await s2.customers.create({ name: `c${i}` }, scoped)).id);
    const page1 = await s2.customers.list({ limit: 10 }, scoped);
    expect(page1.data.map((c) => c.id)).toEqual(ids.slice(-10).reverse());
    expect(page1.has_more).toBe(true);
    expect(page1.url).toBe('/v1/customers');
    const page2 = await s2.customers.list({ limit: 10, starting_after: page1.data.at(-1)!.id }, scoped);
    expect(page2.data[0]!.id).toBe(ids[14]);
    const back = await s2.customers.list({ limit: 5, ending_before: page2.data[0]!.id }, scoped);
    expect(back.data.map((c) => c.id)).toEqual(ids.slice(15, 20).reverse());
    const all: string[] = [];
    for await (const c of s2.customers.list({ limit: 7 }, scoped)) all.push(c.id);
    expect(all).toEqual([...ids].reverse());
    await expect(s2.customers.list({ limit: 101 }, scoped)).rejects.toMatchObject({ param: 'limit' });
  });

  it('expands one level, dotted paths and data. on lists; rejects unexpandable paths', async () => {
    const cus = await stripe.customers.create({ email: 'exp@x.y' });
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      expand: ['customer', 'latest_charge.balance_transaction'],
    });
    expect((pi.customer as Stripe.Customer).email).toBe('exp@x.y');
    const charge = pi.latest_charge as Stripe.Charge;
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(88);
    const list = await stripe.paymentIntents.list({ customer: cus.id, expand: ['data.payment_method'] });
    expect((list.data[0]!.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');
    await expect(stripe.customers.retrieve(cus.id, { expand: ['email'] })).rejects.toMatchObject({
      message: 'This property cannot be expanded (email).',
    });
  });

  it('metadata limits are enforced', async () => {
    await expect(stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('fault injection', () => {
  it('500s are retried by the SDK with the same key; a dropped response yields exactly one PaymentIntent', async () => {
    const s = client(sb, { maxNetworkRetries: 3 }, 'sk_test_faults');
    const acct = await stripe.accounts.create({ type: 'custom' });
    await admin(sb, 'faults', { type: 'drop_response', path: '/v1/payment_intents', count: 1 });
    const pi = await s.paymentIntents.create(
      {
        amount: 1500,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        application_fee_amount: 10,
      },
      { stripeAccount: acct.id },
    );
    expect(pi.status).toBe('succeeded');
    expect(pi.lastResponse.headers['idempotent-replayed']).toBe('true');
    const list = await s.paymentIntents.list({}, { stripeAccount: acct.id });
    expect(list.data).toHaveLength(1);

    await admin(sb, 'faults', { type: 'error', path: '/v1/customers', count: 1 });
    const c = await s.customers.create({ email: 'retry@x.y' });
    expect(c.email).toBe('retry@x.y');
  });

  it('429 rate limit, timeouts and latency', async () => {
    await admin(sb, 'faults', { type: 'rate_limit', path: '/v1/balance', count: 1 });
    await expect(stripe.balance.retrieve()).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      code: 'rate_limit',
    });
    await admin(sb, 'faults', { type: 'timeout', path: '/v1/balance', count: 1 });
    await expect(client(sb, { timeout: 300 }).balance.retrieve()).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
    await admin(sb, 'faults', { type: 'latency', latency_ms: 50, path: '/v1/balance', count: 1 });
    const b = await stripe.balance.retrieve();
    expect(b.object).toBe('balance');
    await admin(sb, 'faults', undefined, 'DELETE');
  });

  it('a key in use: 409 idempotency_key_in_use, nothing done; the same key goes through once it is free', async () => {
    const s = client(sb, { maxNetworkRetries: 0 }, 'sk_test_in_use');
    const acct = await stripe.accounts.create({ type: 'custom' });
    await admin(sb, 'faults', { type: 'key_in_use', path: '/v1/payment_intents', count: 1 });
    const params = { amount: 2100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const opts = { stripeAccount: acct.id, idempotencyKey: 'in-use-1' };
    await expect(s.paymentIntents.create(params, opts)).rejects.toMatchObject({
      statusCode: 409,
      code: 'idempotency_key_in_use',
    });
    expect((await s.paymentIntents.list({}, { stripeAccount: acct.id })).data).toEqual([]);
    const done = await s.paymentIntents.create(params, opts);
    expect(done.status).toBe('succeeded');
  });

  it('a stored error: the 500 is kept under the key and replayed; another key goes through', async () => {
    const s = client(sb, { maxNetworkRetries: 0 }, 'sk_test_stored');
    const acct = await stripe.accounts.create({ type: 'custom' });
    await admin(sb, 'faults', { type: 'stored_error', path: '/v1/payment_intents', count: 1 });
    const params = { amount: 2100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    for (let i = 0; i < 2; i++)
      await expect(
        s.paymentIntents.create(params, { stripeAccount: acct.id, idempotencyKey: 'stored-1' }),
      ).rejects.toMatchObject({ statusCode: 500 });
    expect((await s.paymentIntents.list({}, { stripeAccount: acct.id })).data).toEqual([]);
    const done = await s.paymentIntents.create(params, {
      stripeAccount: acct.id,
      idempotencyKey: 'stored-2',
    });
    expect(done.status).toBe('succeeded');
  });

  it('a withheld response: the request is done, the answer never comes; its key replays it later', async () => {
    const s = client(sb, { timeout: 300, maxNetworkRetries: 0 }, 'sk_test_withheld');
    const acct = await stripe.accounts.create({ type: 'custom' });
    await admin(sb, 'faults', { type: 'withhold_response', path: '/v1/payment_intents', count: 1 });
    const params = { amount: 2100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const started = Date.now();
    await expect(
      s.paymentIntents.create(params, { stripeAccount: acct.id, idempotencyKey: 'withheld-1' }),
    ).rejects.toMatchObject({ type: 'StripeConnectionError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // done, though unanswered
    const done = await s.paymentIntents.list({}, { stripeAccount: acct.id });
    expect(done.data.map((p) => [p.amount, p.status])).toEqual([[2100, 'succeeded']]);
    const replayed = await s.paymentIntents.create(params, {
      stripeAccount: acct.id,
      idempotencyKey: 'withheld-1',
    });
    expect(replayed.id).toBe(done.data[0]!.id);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await s.paymentIntents.list({}, { stripeAccount: acct.id })).data).toHaveLength(1);
  });
});
