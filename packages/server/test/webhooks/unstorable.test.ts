import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { Inbox, parseEvent } from '../../src/webhooks/inbox.ts';
import { verifyStripeSignature } from '../../src/webhooks/verify.ts';
import {
  bearer,
  createTestTenant,
  startTestApp,
  TEST_WEBHOOK_SECRET,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { withFailingRows } from '../helpers/faults.ts';
import { connectTenant, sandboxStripe } from '../helpers/payments.ts';
import { deliver, fakeEvent, sign, systemRows, waitFor } from '../helpers/webhooks.ts';

/** JSON text nested `depth` deep (as text: JSON.stringify itself overflows on it). */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

interface StoredEvent {
  status: string;
  last_error: string | null;
  raw: string | null;
  payload: Record<string, unknown>;
}

/**
 * A signed event jsonb cannot hold as sent (a NUL character, nesting thousands deep) is
 * stored anyway — a storable payload plus the exact signed bytes — acknowledged, and processed from a
 * refetch of its object; one event that cannot be stored at all fails alone, not its whole group commit.
 */
describe('events Postgres cannot store as sent', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let account: string;
  let stripe: Stripe;
  let jobs: Awaited<ReturnType<typeof startWorker>>;

  const stored = async (id: string) =>
    (
      await systemRows<StoredEvent>(
        t.database,
        `select status, last_error, encode(raw_body, 'base64') as raw, payload from stripe_events where id = '${id}'`,
      )
    )[0];
  const processed = (id: string) =>
    waitFor(async () => {
      const row = await stored(id);
      return row && row.status !== 'pending' && row.status !== 'failed' ? row : null;
    }, `event ${id} processed`);
  const appliedObject = async (id: string) =>
    (
      await systemRows<{ data: Record<string, unknown>; tenant_id: string }>(
        t.database,
        `select data, tenant_id from stripe_objects where id = '${id}'`,
      )
    )[0];
  const paymentRows = async (intent: string) =>
    (
      await systemRows<{ n: number }>(
        t.database,
        `select count(*)::int as n from payments where stripe_payment_intent_id = '${intent}'`,
      )
    )[0]!.n;
  const intent = (description: string) =>
    stripe.paymentIntents.create(
      { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, description },
      { stripeAccount: account },
    );
  /** Delivers the exact bytes, signed, to the Connect endpoint; returns the signature header too. */
  const send = async (payload: string) => {
    const header = sign(payload);
    const res = await deliver(t, payload, { path: '/webhooks/stripe/connect', header });
    return { res, header };
  };
  const expectRawKept = (row: StoredEvent, payload: string, header: string) => {
    expect(row.raw).not.toBeNull();
    const raw = Buffer.from(row.raw!, 'base64');
    expect(raw.equals(Buffer.from(payload))).toBe(true);
    // the signature Stripe made still verifies against what was kept
    expect(verifyStripeSignature(raw, header, [TEST_WEBHOOK_SECRET], 300)).toBe(0);
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard', WEBHOOK_RETRY_DELAY_SECONDS: '1' } });
    tenant = await createTestTenant(t, 'Unstorable events');
    account = await connectTenant(t, tenant);
    stripe = sandboxStripe(t);
    jobs = await startWorker(t.config, t.database, createLogger('silent'), {
      stripe: new StripeRef(t.config),
    });
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  it('an event with a NUL is acknowledged, stored with the exact signed body, and applied from a refetch', async () => {
    const pi = await intent('the real description');
    // the snapshot says otherwise (and carries the NUL): what is applied must be the refetched object
    const event = fakeEvent({
      type: 'payment_intent.succeeded',
      account,
      object: { ...pi, amount: 1, description: 'Jen\u0000ny' },
    });
    const payload = JSON.stringify(event);
    const { res, header } = await send(payload);
    expect(res.statusCode, res.body).toBe(200);
    const row = await processed(String(event.id));
    expect(row.status).toBe('processed');
    expectRawKept(row, payload, header);
    const data = (row.payload.data as { object: Record<string, unknown> }).object;
    expect(data.id).toBe(pi.id);
    expect(data.description).not.toContain('\u0000');
    const object = await appliedObject(pi.id);
    expect(object?.data).toMatchObject({ amount: 2000, description: 'the real description' });
    expect(object?.tenant_id).toBe(tenant.id);
    expect(await paymentRows(pi.id)).toBe(1);
  });

  it('an event nested 8,000 deep is acknowledged, kept byte-exact, and its object refetched and applied', async () => {
    const pi = await intent('deep');
    const event = fakeEvent({
      type: 'payment_intent.succeeded',
      account,
      object: { ...pi, extra: '__DEEP__' },
    });
    const payload = JSON.stringify(event).replace('"__DEEP__"', nested(8000));
    const { res, header } = await send(payload);
    expect(res.statusCode, res.body).toBe(200);
    const row = await processed(String(event.id));
    expect(row.status).toBe('processed');
    expectRawKept(row, payload, header);
    // what the pipeline needs, stored as jsonb can hold it
    expect(row.payload).toMatchObject({
      id: event.id,
      type: 'payment_intent.succeeded',
      account,
      created: event.created,
      data: { object: { id: pi.id, object: 'payment_intent' } },
    });
    expect((await appliedObject(pi.id))?.data).toMatchObject({
      id: pi.id,
      amount: 2000,
      status: 'succeeded',
    });
    expect(await paymentRows(pi.id)).toBe(1);

    // the event APIs show it, saying the payload is a summary of a body kept as signed
    for (const [url, key] of [
      [`/v1/tenants/${tenant.publicId}/events/${event.id}`, tenant.key],
      [`/v1/events/${event.id}`, t.platformKey],
    ] as const) {
      const detail = await t.app.inject({ method: 'GET', url, headers: bearer(key) });
      expect(detail.statusCode, detail.body).toBe(200);
      expect(detail.json()).toMatchObject({
        id: event.id,
        status: 'processed',
        payload_form: 'summary',
        raw_body_size: Buffer.byteLength(payload),
      });
    }
    const list = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/events?limit=100`,
      headers: bearer(tenant.key),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(event.id);
  });

  it('a NUL Stripe itself holds (a descriptor suffix) reaches the applied object as a storable string', async () => {
    const pi = await stripe.paymentIntents.create(
      { amount: 1500, currency: 'usd', statement_descriptor_suffix: 'A\u0000B' },
      { stripeAccount: account },
    );
    expect(pi.statement_descriptor_suffix).toBe('A\u0000B');
    const [created] = (
      await stripe.events.list({ type: 'payment_intent.created', limit: 10 }, { stripeAccount: account })
    ).data.filter((e) => (e.data.object as { id: string }).id === pi.id);
    expect(created).toBeDefined();
    const payload = JSON.stringify(created);
    const { res, header } = await send(payload);
    expect(res.statusCode, res.body).toBe(200);
    const row = await processed(created!.id);
    expect(row.status).toBe('processed');
    expectRawKept(row, payload, header);
    const object = await appliedObject(pi.id);
    expect(object?.data.id).toBe(pi.id);
    expect(String(object?.data.statement_descriptor_suffix)).not.toContain('\u0000');
  });

  it('a clean event keeps no raw body (ingest stays one jsonb write)', async () => {
    const event = fakeEvent({ account });
    const { res } = await send(JSON.stringify(event));
    expect(res.statusCode).toBe(200);
    expect((await stored(String(event.id)))?.raw).toBeNull();
  });

  it("a clean body is stored as its own text; a number beyond Postgres's numeric is stored as JavaScript reads it", async () => {
    // the body's text goes to jsonb as sent (numbers as written, not as a double's digits)
    const exact = fakeEvent({ account });
    const exactBody = JSON.stringify(exact).replace(
      '"livemode":false',
      '"livemode":false,"big":12345678901234567890',
    );
    expect((await send(exactBody)).res.statusCode).toBe(200);
    const big = await systemRows<{ big: string }>(
      t.database,
      `select payload->>'big' as big from stripe_events where id = '${exact.id}'`,
    );
    expect(big[0]?.big).toBe('12345678901234567890');
    // jsonb refuses 1e1000000: that body is written from its parsed form (Infinity → null), and acknowledged
    const huge = fakeEvent({ account });
    const hugeBody = JSON.stringify(huge).replace('"livemode":false', '"livemode":false,"huge":1e1000000');
    expect((await send(hugeBody)).res.statusCode).toBe(200);
    expect((await stored(String(huge.id)))?.payload).toMatchObject({ id: huge.id, huge: null });
  });

  it('one event that cannot be stored fails alone; the rest of its group commit is stored and acknowledged', async () => {
    // one flush at a time: while the first commits, the next four queue up and are written as one group
    const inbox = new Inbox(t.database.db, async () => jobs, t.config, { maxConcurrent: 1 });
    const poison = fakeEvent({ id: `evt_poison${Date.now()}` });
    const events = [fakeEvent(), fakeEvent(), poison, fakeEvent(), fakeEvent()];
    await withFailingRows(t.database, 'stripe_events', `id like 'evt_poison%'`, async () => {
      const outcomes = await Promise.allSettled(
        events.map((e) => inbox.store(parseEvent(Buffer.from(JSON.stringify(e)), 'platform'))),
      );
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      for (const o of outcomes) if (o.status === 'fulfilled') expect(o.value).toBe(true);
      // over HTTP: the poisoned delivery alone gets the 503 that makes Stripe retry
      const again = [fakeEvent(), fakeEvent({ id: `evt_poison${Date.now()}b` }), fakeEvent()];
      const answers = await Promise.all(again.map((e) => deliver(t, e)));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 503, 200]);
    });
    const ids = events.filter((e) => e !== poison).map((e) => `'${e.id}'`);
    const rows = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from stripe_events where id in (${ids.join(',')})`,
    );
    expect(rows[0]!.n).toBe(4);
  });

  it('what can never be stored is a 400, so Stripe stops retrying', async () => {
    for (const body of [
      JSON.stringify({ ...fakeEvent(), id: 'evt_\u0000' }),
      JSON.stringify({ ...fakeEvent(), created: 1e20 }),
    ]) {
      const res = await deliver(t, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('webhook_payload_invalid');
    }
  });
});
