import Stripe from 'stripe';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetedHttpClient, withStripeBudget } from '../../src/stripe/budget.ts';
import { inProcessHttpClient } from '../../src/stripe/in-process.ts';
import { createStripeClient } from '../../src/stripe/target.ts';

/**
 * The SDK talking to the sandbox of its own process without a socket: answered by the sandbox's own request
 * pipeline (idempotency, errors, Stripe-Account, expansion, its request log), and over HTTP whatever the
 * sandbox cannot answer so (a multipart upload; any call while a fault or an outage is set).
 */
describe('the in-process transport to the embedded sandbox', () => {
  let sandbox: Sandbox;
  let overHttp: string[];
  let stripe: Stripe;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    overHttp = [];
    const node = Stripe.createNodeHttpClient();
    const counted: Stripe.HttpClient = {
      getClientName: () => node.getClientName(),
      makeRequest(...args: Parameters<Stripe.HttpClient['makeRequest']>) {
        overHttp.push(`${args[3]} ${args[2]}`);
        return node.makeRequest(...args);
      },
    };
    stripe = createStripeClient(
      { secretKey: 'sk_test_in_process', apiBase: sandbox.url },
      { timeoutMs: 5_000, maxNetworkRetries: 2 },
      budgetedHttpClient(inProcessHttpClient(sandbox.call, counted)),
    );
  });
  afterAll(() => sandbox.close());

  const admin = (path: string, init?: RequestInit) =>
    fetch(`${sandbox.url}/_sandbox/${path}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });

  it('answers without HTTP: objects, lists with query parameters, expansion and a connected account', async () => {
    const customer = await stripe.customers.create({ email: 'in@process.test', metadata: { n: '1' } });
    expect(customer).toMatchObject({ object: 'customer', email: 'in@process.test', metadata: { n: '1' } });
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    const listed = await stripe.customers.list({ email: 'in@process.test', limit: 1 });
    expect(listed.data.map((c) => c.id)).toEqual([customer.id]);
    const pi = await stripe.paymentIntents.create(
      { amount: 1_000, currency: 'jpy', payment_method: 'pm_card_visa', confirm: true },
      { idempotencyKey: 'in-process-pi' },
    );
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['balance_transaction'],
    });
    expect((charge.balance_transaction as Stripe.BalanceTransaction).currency).toBe('jpy');
    const account = await stripe.accounts.create({ type: 'standard' });
    const theirs = await stripe.customers.create({ name: 'Theirs' }, { stripeAccount: account.id });
    expect((await stripe.customers.retrieve(theirs.id, {}, { stripeAccount: account.id })).id).toBe(
      theirs.id,
    );
    await expect(stripe.customers.retrieve(theirs.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(overHttp).toEqual([]);
    // the sandbox's own pipeline saw them (its request log)
    const log = (await (await admin('requests?path=/v1/customers')).json()) as { data: { path: string }[] };
    expect(log.data.length).toBeGreaterThanOrEqual(4);
  });

  it("replays an idempotent request as Stripe does, and refuses the key's reuse with other parameters", async () => {
    const first = await stripe.customers.create({ name: 'Once' }, { idempotencyKey: 'in-process-once' });
    const again = await stripe.customers.create({ name: 'Once' }, { idempotencyKey: 'in-process-once' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(
      stripe.customers.create({ name: 'Other' }, { idempotencyKey: 'in-process-once' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it("gives the SDK Stripe's errors, typed", async () => {
    await expect(stripe.charges.retrieve('ch_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
    await expect(
      stripe.paymentIntents.create({
        amount: 500,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
        confirm: true,
      }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    expect(overHttp).toEqual([]);
  });

  it('sends a multipart upload over HTTP', async () => {
    const file = await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: Buffer.from('evidence'), name: 'evidence.png', type: 'image/png' },
    });
    expect(file).toMatchObject({ object: 'file', filename: 'evidence.png' });
    expect(overHttp).toEqual(['POST /v1/files']);
    overHttp.length = 0;
  });

  it("goes over HTTP while a fault is set, so the fault's effect on the connection is real", async () => {
    const fault = await admin('faults', {
      method: 'POST',
      body: JSON.stringify({ type: 'drop_response', count: 1, method: 'POST', path: '/v1/customers' }),
    });
    expect(fault.ok).toBe(true);
    // the first try goes over HTTP, is done and its answer lost (the connection reset); the fault used up,
    // the SDK's retry with the same key is answered in-process: the replay
    const customer = await stripe.customers.create(
      { name: 'Dropped once' },
      { idempotencyKey: 'in-process-drop' },
    );
    expect(customer.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(overHttp).toEqual(['POST /v1/customers']);
    overHttp.length = 0;
  });

  it("cuts a try to what is left of the API request's budget", async () => {
    await expect(withStripeBudget(0, () => stripe.customers.list({ limit: 1 }))).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
  });

  it('goes over HTTP once the sandbox is closed: the call fails as a connection would', async () => {
    const other = await startSandbox({ port: 0 });
    const client = createStripeClient(
      { secretKey: 'sk_test_in_process', apiBase: other.url, sandbox: other },
      { timeoutMs: 2_000, maxNetworkRetries: 0 },
    );
    expect((await client.customers.create({ name: 'Before' })).object).toBe('customer');
    await other.close();
    await expect(client.customers.create({ name: 'After' })).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
  });
});
