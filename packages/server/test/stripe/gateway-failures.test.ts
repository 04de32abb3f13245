import { type Sandbox, startSandbox } from 'tributary-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { stripeFailureError } from '../../src/http/stripe-failures.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { type StripeCall, StripeFailure } from '../../src/stripe/gateway.ts';
import { testConfig } from '../helpers/app.ts';
import { sandboxAdmin } from '../helpers/payments.ts';

type Send = Parameters<StripeRef['call']>[1];

/**
 * What the gateway makes of Stripe failing, met for real: the `stripe` SDK over HTTP against the sandbox,
 * its faults injected (`/_sandbox/faults`). Each failure is also shown as the API answers it.
 */
describe('gateway failures', () => {
  let sandbox: Sandbox;
  let config: Config;
  let gateway: StripeRef;
  const fault = (body: object) => sandboxAdmin({ config }, 'faults', body);

  /** The failure a call ends with (it must fail). */
  async function failure(call: StripeCall, send: Send): Promise<StripeFailure> {
    const err = await gateway.call(call, send).then(
      (ok) => new Error(`the call succeeded: ${JSON.stringify(ok).slice(0, 200)}`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StripeFailure);
    return err as StripeFailure;
  }

  const apiError = (f: StripeFailure) => {
    const e = stripeFailureError(f);
    return { status: e.status, code: e.code, param: e.param, message: e.message };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    config = testConfig({
      STRIPE_API_BASE: sandbox.url,
      STRIPE_TIMEOUT_MS: '400',
      // one try: each failure is seen as the SDK's last try ends
      STRIPE_WORKER_MAX_NETWORK_RETRIES: '0',
    });
    gateway = new StripeRef(config);
  });
  afterEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
  });
  afterAll(() => sandbox?.close());

  const read = { action: 'read the customer', account: null, movesMoney: false } as const;

  it('a call Stripe did but never answered: timeout, may have happened; its key replays it once', async () => {
    const record = crypto.randomUUID();
    const create = {
      ...read,
      action: 'create the customer',
      purpose: 'customer',
      record,
      attempt: 1,
    } as const;
    const send: Send = (stripe, opts) =>
      stripe.customers.create({ email: `hung-${record}@example.com` }, opts);
    await fault({ type: 'withhold_response', method: 'POST', path: '/v1/customers', count: 1 });
    const f = await failure(create, send);
    expect(f).toMatchObject({ kind: 'timeout', transient: true, mayHaveHappened: true, sent: true });
    expect(apiError(f)).toEqual({
      status: 503,
      code: 'service_unavailable',
      param: null,
      message:
        'Stripe did not answer (create the customer), so it may have happened. Retry with the same Idempotency-Key: it is then done at most once.',
    });
    // the same record, the same key: Stripe hands back the customer it made
    const again = (await gateway.call(create, send)) as {
      id: string;
      lastResponse: { idempotencyKey?: string };
    };
    expect(again.lastResponse.idempotencyKey).toBe(`tributary:customer:${record}:1`);
    const made = await gateway.call(read, (stripe, opts) =>
      stripe.customers.list({ email: `hung-${record}@example.com` }, opts),
    );
    expect(made.data.map((c) => c.id)).toEqual([again.id]);
  });

  it('a call left hanging: timeout', async () => {
    await fault({ type: 'timeout', path: '/v1/customers/cus_hanging', count: 1 });
    const f = await failure(read, (stripe, opts) => stripe.customers.retrieve('cus_hanging', {}, opts));
    expect(f).toMatchObject({ kind: 'timeout', mayHaveHappened: true });
  });

  it('Stripe failing on its side (500) or the connection dropped: unavailable', async () => {
    await fault({ type: 'error', path: '/v1/balance', count: 1 });
    const failed = await failure({ ...read, action: 'read the balance' }, (stripe, opts) =>
      stripe.balance.retrieve({}, opts),
    );
    expect(failed).toMatchObject({
      kind: 'unavailable',
      statusCode: 500,
      transient: true,
      mayHaveHappened: true,
    });
    // a dropped connection is tried again even with no retries (stripe-node), so it is dropped twice
    await fault({ type: 'drop_response', path: '/v1/balance', count: 2 });
    const dropped = await failure({ ...read, action: 'read the balance' }, (stripe, opts) =>
      stripe.balance.retrieve({}, opts),
    );
    expect(dropped).toMatchObject({ kind: 'unavailable', statusCode: null, mayHaveHappened: true });
    expect(apiError(dropped).code).toBe('service_unavailable');
  });

  it('nothing listening: unavailable', async () => {
    const nowhere = new StripeRef(
      testConfig({ STRIPE_API_BASE: 'http://127.0.0.1:9', STRIPE_WORKER_MAX_NETWORK_RETRIES: '0' }),
    );
    const err = await nowhere.call(read, (stripe, opts) => stripe.balance.retrieve({}, opts)).catch((e) => e);
    expect(err).toBeInstanceOf(StripeFailure);
    expect(err).toMatchObject({ kind: 'unavailable', mayHaveHappened: true });
  });

  it('too many calls (429): rate_limited, transient', async () => {
    await fault({ type: 'rate_limit', path: '/v1/balance', count: 1 });
    const f = await failure({ ...read, action: 'read the balance' }, (stripe, opts) =>
      stripe.balance.retrieve({}, opts),
    );
    expect(f).toMatchObject({
      kind: 'rate_limited',
      statusCode: 429,
      transient: true,
      mayHaveHappened: true,
    });
    expect(apiError(f).status).toBe(503);
  });

  it('a key sent again with other parameters: idempotency, may have happened (the first call was done)', async () => {
    const record = crypto.randomUUID();
    const create = {
      ...read,
      action: 'create the customer',
      purpose: 'customer',
      record,
      attempt: 1,
    } as const;
    await gateway.call(create, (stripe, opts) => stripe.customers.create({ name: 'First' }, opts));
    const f = await failure(create, (stripe, opts) => stripe.customers.create({ name: 'Second' }, opts));
    expect(f).toMatchObject({ kind: 'idempotency', transient: false, mayHaveHappened: true });
    expect(apiError(f)).toMatchObject({ status: 502, code: 'stripe_error' });
  });

  it("no such object: invalid_request, 404; the caller's 404 only when the caller's input named it", async () => {
    const f = await failure(read, (stripe, opts) => stripe.customers.retrieve('cus_missing', {}, opts));
    expect(f).toMatchObject({
      kind: 'invalid_request',
      statusCode: 404,
      code: 'resource_missing',
      mayHaveHappened: false,
    });
    // the id is in the path, not a parameter: nothing names the caller's input
    expect(apiError(f)).toEqual({
      status: 502,
      code: 'stripe_error',
      param: null,
      message: 'Stripe refused to read the customer (resource_missing).',
    });
    const named = await failure(
      { ...read, action: 'save the payment method', input: { payment_method: 'payment_method' } },
      (stripe, opts) =>
        stripe.setupIntents.create({ payment_method: 'pm_1UnknownMethod', confirm: true }, opts),
    );
    expect(named).toMatchObject({ statusCode: 404, param: 'payment_method', callerParam: 'payment_method' });
    expect(apiError(named)).toEqual({
      status: 404,
      code: 'resource_missing',
      param: 'payment_method',
      message: 'No such payment method on this account.',
    });
  });

  it("a parameter filled from the caller's input: the caller's 400 naming it; another: 502", async () => {
    const product = await gateway.call({ ...read, action: 'create the product' }, (stripe, opts) =>
      stripe.products.create({ name: 'Quadrennial' }, opts),
    );
    const price: Send = (stripe, opts) =>
      stripe.prices.create(
        {
          product: product.id,
          currency: 'usd',
          unit_amount: 4000,
          recurring: { interval: 'year', interval_count: 4 },
        },
        opts,
      );
    const input = { 'recurring[interval]': 'interval', 'recurring[interval_count]': 'interval_count' };
    const theirs = await failure({ ...read, action: 'create the price', input }, price);
    expect(theirs).toMatchObject({
      kind: 'invalid_request',
      statusCode: 400,
      param: 'recurring[interval_count]',
      callerParam: 'interval_count',
    });
    expect(apiError(theirs)).toMatchObject({
      status: 400,
      code: 'parameter_invalid',
      param: 'interval_count',
    });
    expect(apiError(theirs).message).not.toContain('recurring[');
    const ours = await failure({ ...read, action: 'create the price' }, price);
    expect(ours.callerParam).toBeNull();
    expect(apiError(ours)).toMatchObject({ status: 502, code: 'stripe_error', param: null });
  });

  it('a declined card: card_error with its decline code and the PaymentIntent it left', async () => {
    const f = await failure({ ...read, action: 'create the payment', movesMoney: true }, (stripe, opts) =>
      stripe.paymentIntents.create(
        {
          amount: 1200,
          currency: 'usd',
          payment_method: 'pm_card_chargeDeclined',
          allowed_payment_method_types: ['card'],
          confirm: true,
        },
        opts,
      ),
    );
    expect(f).toMatchObject({
      kind: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      declineCode: 'generic_decline',
      mayHaveHappened: false,
    });
    expect(f.paymentIntent).toMatchObject({ object: 'payment_intent', status: 'requires_payment_method' });
  });

  it("a key Stripe does not know (401), an account that is not the platform's (403): auth", async () => {
    const badKey = new StripeRef(testConfig({ STRIPE_WORKER_MAX_NETWORK_RETRIES: '0' }));
    badKey.use({ secretKey: 'sk_live_not-a-key', apiBase: sandbox.url, webhookSecrets: [] });
    const unauthenticated = await badKey
      .call({ ...read, action: 'read the balance' }, (stripe, opts) => stripe.balance.retrieve({}, opts))
      .catch((e) => e);
    expect(unauthenticated).toMatchObject({ kind: 'auth', statusCode: 401, mayHaveHappened: false });
    expect(apiError(unauthenticated)).toMatchObject({
      status: 502,
      message: 'Stripe refused to read the balance (StripeAuthenticationError).',
    });
    const elsewhere = await failure(
      { ...read, action: 'read the balance', account: 'acct_notConnectedHere' },
      (stripe, opts) => stripe.balance.retrieve({}, opts),
    );
    expect(elsewhere).toMatchObject({ kind: 'auth', statusCode: 403, code: 'account_invalid' });
  });

  it("an OAuth refusal carries OAuth's error as its code", async () => {
    const f = await failure({ ...read, action: 'exchange the authorization code' }, (stripe, opts) =>
      stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_never_issued' }, opts),
    );
    expect(f).toMatchObject({ kind: 'invalid_request', code: 'invalid_grant', statusCode: 400 });
  });

  it('anything else a call throws is not a Stripe failure and passes through as it is', async () => {
    const ours = new TypeError('not a Stripe error');
    await expect(gateway.call(read, () => Promise.reject(ours))).rejects.toBe(ours);
  });
});
