import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, receiver, start, until } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

interface OutageState {
  active: boolean;
  type: string | null;
  status: number | null;
  path: string | null;
  method: string | null;
  ends_at: number | null;
  affected_requests: number;
  webhooks_held: number;
}

const outage = () => admin<OutageState>(sb, 'outage', undefined, 'GET');

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterEach(() => admin(sb, 'outage', undefined, 'DELETE'));
afterAll(() => sb.close());

describe('outage mode', () => {
  it('answers 500, 503 and 429 with Retry-After in Stripe’s error shape until ended', async () => {
    await admin(sb, 'outage', { type: 'error' });
    const e500 = await stripe.customers.create({}).catch((e: unknown) => e);
    expect(e500).toMatchObject({ type: 'StripeAPIError', statusCode: 500, raw: { type: 'api_error' } });
    expect(await stripe.balance.retrieve().catch((e: unknown) => e)).toMatchObject({ statusCode: 500 });

    await admin(sb, 'outage', { type: 'error', status: 503, retry_after: 30 });
    const e503 = (await stripe.customers.list().catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(e503).toMatchObject({ type: 'StripeAPIError', statusCode: 503, raw: { type: 'api_error' } });
    expect(e503.headers?.['retry-after']).toBe('30');

    await admin(sb, 'outage', { type: 'rate_limit', retry_after: 7 });
    const e429 = (await stripe.customers.create({}).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(e429).toMatchObject({ type: 'StripeRateLimitError', statusCode: 429, code: 'rate_limit' });
    expect(e429.headers?.['retry-after']).toBe('7');

    const state = await outage();
    expect(state).toMatchObject({ active: true, type: 'rate_limit', status: 429, ends_at: null });
    expect(state.affected_requests).toBe(4);
    expect((await admin(sb, 'health', undefined, 'GET')).ok).toBe(true);

    expect(await admin(sb, 'outage', undefined, 'DELETE')).toMatchObject({ active: false });
    const cus = await stripe.customers.create({ email: 'after@example.com' });
    expect(cus.id).toMatch(/^cus_/);
  });

  it('times out (the request hangs); hung connections are reset when it ends', async () => {
    await admin(sb, 'outage', { type: 'timeout' });
    await expect(client(sb, { timeout: 300 }).balance.retrieve()).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
    const hung = client(sb).balance.retrieve();
    await until(async () => (await outage()).affected_requests === 2, 'the second request to hang');
    await admin(sb, 'outage/end');
    // stripe-node retries a reset connection once even with maxNetworkRetries 0; the outage is over by then.
    expect((await hung).object).toBe('balance');
  });

  it('drop_response performs the request but resets the connection; the object exists afterwards', async () => {
    const key = `outage-drop-${Date.now()}`;
    const email = `${key}@example.com`;
    await admin(sb, 'outage', { type: 'drop_response', path: '/v1/customers', method: 'POST' });
    await expect(stripe.customers.create({ email }, { idempotencyKey: key })).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
    await admin(sb, 'outage/end');
    const found = await stripe.customers.list({ email });
    expect(found.data).toHaveLength(1);
    const replay = await stripe.customers.create({ email }, { idempotencyKey: key });
    expect(replay.id).toBe(found.data[0]!.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('a path and method filter only hits matching requests', async () => {
    await admin(sb, 'outage', { type: 'error', path: '/v1/customers', method: 'post' });
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 500 });
    expect((await stripe.customers.list({ limit: 1 })).object).toBe('list');
    expect((await stripe.products.create({ name: 'During the outage' })).id).toMatch(/^prod_/);
    expect(await outage()).toMatchObject({
      active: true,
      path: '/v1/customers',
      method: 'POST',
      affected_requests: 1,
    });
  });

  it('ends by itself after duration_ms on the real clock', async () => {
    const started = await admin<OutageState>(sb, 'outage', { type: 'error', duration_ms: 1000 });
    expect(started.ends_at).toBeGreaterThan(Date.now() - 1000);
    await expect(stripe.balance.retrieve()).rejects.toMatchObject({ statusCode: 500 });
    await until(async () => !(await outage()).active, 'the outage to end');
    expect((await stripe.balance.retrieve()).object).toBe('balance');
  });

  it('rejects an unknown type or a non-5xx error status', async () => {
    const bad = await fetch(`${sb.url}/_sandbox/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'meteor' }),
    });
    expect(bad.status).toBe(400);
    expect(await admin(sb, 'outage', { type: 'error', status: 404 })).toMatchObject({
      error: 'status must be a 5xx code for type error',
    });
    expect((await outage()).active).toBe(false);
  });

  it('holds webhook deliveries during the outage and delivers them all in creation order after', async () => {
    const hook = await receiver();
    const ep = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['customer.created'] });
    await admin(sb, 'outage', { type: 'rate_limit', path: '/v1/balance' });
    const created: string[] = [];
    for (let i = 0; i < 12; i++) created.push((await stripe.customers.create({ name: `held ${i}` })).id);
    await until(async () => (await outage()).webhooks_held === 12, 'twelve held deliveries');
    expect(hook.received).toHaveLength(0);

    await admin(sb, 'outage', undefined, 'DELETE');
    await until(() => hook.received.length >= 12, 'the held deliveries');
    const events = hook.received.map((r) =>
      stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), ep.secret!),
    );
    expect(events.map((e) => (e.data.object as Stripe.Customer).id)).toEqual(created);
    const times = events.map((e) => e.created);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const listed = await stripe.events.list({ type: 'customer.created', limit: 12 });
    expect(events.map((e) => e.id)).toEqual(listed.data.map((e) => e.id).reverse());
    expect((await outage()).webhooks_held).toBe(0);
    await stripe.webhookEndpoints.del(ep.id);
    await hook.close();
  });

  it('a retry that falls due during the outage is held too and sent first, before later events', async () => {
    const slow = await start({ webhookRetrySchedule: [3600] });
    const s = client(slow);
    const hook = await receiver((n) => (n === 0 ? 500 : 200));
    await s.webhookEndpoints.create({ url: hook.url, enabled_events: ['product.created'] });
    const before = await s.products.create({ name: 'before the outage' });
    await until(() => hook.received.length === 1, 'the failed first attempt');
    await admin(slow, 'outage', { type: 'drop_response' });
    for (const name of ['during 0', 'during 1']) {
      await expect(s.products.create({ name })).rejects.toMatchObject({ type: 'StripeConnectionError' });
    }
    expect(await admin(slow, 'webhooks/retry')).toEqual({ retried: 1 });
    await until(
      async () => (await admin<OutageState>(slow, 'outage', undefined, 'GET')).webhooks_held === 3,
      'the retry and two new deliveries held',
    );
    expect(hook.received).toHaveLength(1);

    await admin(slow, 'outage/end');
    await until(() => hook.received.length >= 4, 'the held deliveries');
    const products = hook.received.map(
      (r) => (JSON.parse(r.body) as Stripe.Event).data.object as Stripe.Product,
    );
    expect(products.map((p) => p.name)).toEqual([
      'before the outage',
      'before the outage',
      'during 0',
      'during 1',
    ]);
    expect(products[0]!.id).toBe(before.id);
    await hook.close();
    await slow.close();
  });
});

describe('idempotency key expiry', () => {
  it('a replay returns the first object until the key is expired, then creates a second', async () => {
    const key = `expire-one-${Date.now()}`;
    const first = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: key });
    const replay = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: key });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');

    expect(await admin(sb, 'idempotency/expire', { key })).toEqual({ expired: 1 });
    const second = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: key });
    expect(second.id).not.toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('expires by age or all at once', async () => {
    const key = `expire-age-${Date.now()}`;
    const first = await stripe.products.create({ name: 'Aged' }, { idempotencyKey: key });
    expect(await admin(sb, 'idempotency/expire', { older_than_seconds: 3600 })).toEqual({ expired: 0 });
    expect((await stripe.products.create({ name: 'Aged' }, { idempotencyKey: key })).id).toBe(first.id);

    const all = await admin<{ expired: number }>(sb, 'idempotency/expire');
    expect(all.expired).toBeGreaterThan(0);
    expect((await stripe.products.create({ name: 'Aged' }, { idempotencyKey: key })).id).not.toBe(first.id);
  });

  it('the retention age is an option: with 0 every request with a reused key runs anew', async () => {
    const forgetful = await start({ idempotencyRetentionSeconds: 0 });
    const s = client(forgetful);
    const a = await s.customers.create({ name: 'once' }, { idempotencyKey: 'reused' });
    const b = await s.customers.create({ name: 'once' }, { idempotencyKey: 'reused' });
    expect(b.id).not.toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    await forgetful.close();
  });
});
