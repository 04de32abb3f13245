import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, receiver, start, until } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start({ webhookRetrySchedule: [0.1, 0.1] });
  stripe = client(sb);
});
afterAll(() => sb.close());

describe('webhooks', () => {
  it('delivers signed events that stripe.webhooks.constructEvent verifies', async () => {
    const hook = await receiver();
    const ep = await stripe.webhookEndpoints.create({
      url: hook.url,
      enabled_events: ['payment_intent.succeeded', 'charge.succeeded'],
    });
    expect(ep.secret).toMatch(/^whsec_/);
    expect((await stripe.webhookEndpoints.retrieve(ep.id)).secret).toBeUndefined();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await until(() => hook.received.length >= 2, 'deliveries');
    const types = hook.received.map((r) => {
      const ev = stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), ep.secret!);
      return ev.type;
    });
    expect(types).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
    const ev = JSON.parse(hook.received[1]!.body) as Stripe.Event;
    expect((ev.data.object as Stripe.PaymentIntent).id).toBe(pi.id);
    expect(() => stripe.webhooks.constructEvent(hook.received[0]!.body, 't=1,v1=bad', ep.secret!)).toThrow();
    await stripe.webhookEndpoints.del(ep.id);
    await hook.close();
  });

  it('retries failed deliveries on the schedule and records attempts', async () => {
    const hook = await receiver((n) => (n < 2 ? 500 : 200));
    const ep = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['customer.created'] });
    const cus = await stripe.customers.create({ email: 'retry@example.com' });
    await until(() => hook.received.length >= 3, 'three attempts');
    const attempts = await until(async () => {
      const a = await admin<{
        data: { attempt: number; status: number; succeeded: boolean; event: string }[];
      }>(sb, `webhooks/attempts?endpoint=${ep.id}`, undefined, 'GET');
      return a.data.length >= 3 ? a.data : null;
    });
    expect(attempts!.map((a) => [a.attempt, a.status, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    const ev = JSON.parse(hook.received[0]!.body) as Stripe.Event;
    expect((ev.data.object as Stripe.Customer).id).toBe(cus.id);
    await stripe.webhookEndpoints.del(ep.id);
    await hook.close();
  });

  it('retry now via /_sandbox/webhooks/retry', async () => {
    const slow = await start({ webhookRetrySchedule: [3600] });
    const s = client(slow);
    const hook = await receiver((n) => (n === 0 ? 503 : 200));
    await s.webhookEndpoints.create({ url: hook.url, enabled_events: ['*'] });
    await s.customers.create({});
    await until(() => hook.received.length === 1, 'first attempt');
    await until(
      async () =>
        (await admin<{ data: unknown[] }>(slow, 'webhooks/attempts', undefined, 'GET')).data.length === 1,
    );
    const r = await admin<{ retried: number }>(slow, 'webhooks/retry');
    expect(r.retried).toBe(1);
    expect(hook.received).toHaveLength(2);
    await hook.close();
    await slow.close();
  });

  it('connect endpoints receive connected accounts’ events with `account`', async () => {
    const hook = await receiver();
    const plain = await receiver();
    const ep = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['*'], connect: true });
    await stripe.webhookEndpoints.create({ url: plain.url, enabled_events: ['payment_intent.created'] });
    const acct = await stripe.accounts.create({ type: 'custom' });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { stripeAccount: acct.id });
    await until(() => hook.received.length >= 1, 'connect delivery');
    const ev = stripe.webhooks.constructEvent(
      hook.received[0]!.body,
      String(hook.received[0]!.headers['stripe-signature']),
      ep.secret!,
    );
    expect(ev.account).toBe(acct.id);
    expect(ev.type).toBe('payment_intent.created');
    // A platform event that `plain` takes, made after the connected account's: deliveries to one endpoint go
    // out in event order, so once it has arrived the connected account's event would have come before it.
    const own = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await until(() => plain.received.length >= 1, 'the platform event');
    expect(plain.received).toHaveLength(1);
    const only = JSON.parse(plain.received[0]!.body) as Stripe.Event;
    expect(only.account).toBeUndefined();
    expect((only.data.object as Stripe.PaymentIntent).id).toBe(own.id);
    await hook.close();
    await plain.close();
  });

  it('thin events: v2 notifications parsed by parseEventNotification, full event from /v2/core/events', async () => {
    const hook = await receiver();
    const ed = (await stripe.v2.core.eventDestinations.create({
      name: 'thin',
      type: 'webhook_endpoint',
      event_payload: 'thin',
      enabled_events: ['v1.customer.created'],
      webhook_endpoint: { url: hook.url },
    } as Stripe.V2.Core.EventDestinationCreateParams)) as unknown as {
      webhook_endpoint: { signing_secret: string };
    };
    const cus = await stripe.customers.create({ name: 'thin' });
    await until(() => hook.received.length >= 1, 'thin delivery');
    const r = hook.received[0]!;
    const notif = stripe.parseEventNotification(
      r.body,
      String(r.headers['stripe-signature']),
      ed.webhook_endpoint.signing_secret,
    );
    expect(notif.type).toBe('v1.customer.created');
    const full = (await notif.fetchEvent()) as unknown as {
      id: string;
      data?: unknown;
      related_object: { id: string };
    };
    expect(full.id).toBe(notif.id);
    expect(full.related_object.id).toBe(cus.id);
    // as Stripe's: a v1 type's v2 event carries no snapshot
    expect(full.data).toBeUndefined();
    const related = await (
      notif as unknown as { fetchRelatedObject(): Promise<{ id: string }> }
    ).fetchRelatedObject();
    expect(related.id).toBe(cus.id);
    expect(() =>
      stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), 'whsec_x'),
    ).toThrow();
    await hook.close();
  });

  it('events list filters by type and retrieves by id', async () => {
    const list = await stripe.events.list({ type: 'customer.*', limit: 3 });
    expect(list.data.every((e) => e.type.startsWith('customer.'))).toBe(true);
    const one = await stripe.events.retrieve(list.data[0]!.id);
    expect(one.api_version).toBe(Stripe.API_VERSION);
  });
});
