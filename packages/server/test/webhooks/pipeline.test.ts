import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import {
  ownerSql,
  type Pipeline,
  pipelineState,
  startPipeline,
  systemRows,
  waitFor,
} from '../helpers/webhooks.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** The platform's app: answers `status()` and keeps every request. */
async function receiver(status: () => number): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got, server };
}

describe('webhook pipeline with the sandbox', () => {
  let p: Pipeline;
  let app: Awaited<ReturnType<typeof receiver>>;
  let endpointSecret: string;
  beforeAll(async () => {
    // its own database: the shared one holds other files' platform endpoints and queued deliveries, which
    // this test's counts and waits must not depend on
    p = await startPipeline({}, { freshDatabase: true });
    app = await receiver(() => 200);
    const ep = await p.t.app.inject({
      method: 'POST',
      url: '/v1/webhook_endpoints',
      headers: bearer(p.t.platformKey),
      payload: { url: app.url },
    });
    expect(ep.statusCode, ep.body).toBe(200);
    endpointSecret = ep.json().secret;
  });
  afterAll(async () => {
    await p.close();
    app.server.close();
  });

  const event = async (id: string) =>
    (
      await systemRows<Record<string, unknown>>(
        p.t.database,
        `select * from stripe_events where id = '${id}'`,
      )
    )[0];

  it('sandbox payment → signed delivery → stored → processed → outbound webhook verified', async () => {
    // a destination charge paying an Express-like tenant: a platform event, routed to the tenant
    const tenant = await createTestTenant(p.t);
    const acct = await connectTenant(p.t, tenant);
    const pi = await p.stripe.paymentIntents.create({
      amount: 4200,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acct },
    });
    const [succeeded] = (
      await p.stripe.events.list({ type: 'payment_intent.succeeded', limit: 10 })
    ).data.filter((e) => (e.data.object as { id: string }).id === pi.id);
    expect(succeeded).toBeDefined();
    const row = await waitFor(
      async () => {
        const r = await event(succeeded!.id);
        return r?.status === 'processed' ? r : null;
      },
      'payment_intent.succeeded processed',
      pipelineState(p),
    );
    expect(row).toMatchObject({
      type: 'payment_intent.succeeded',
      attempts: 1,
      source: 'platform',
      tenant_id: tenant.id,
    });
    const [applied] = await systemRows<{ tenant_id: string; data: { status: string; amount: number } }>(
      p.t.database,
      `select tenant_id, data from stripe_objects where id = '${pi.id}'`,
    );
    expect(applied).toMatchObject({ tenant_id: tenant.id, data: { status: 'succeeded', amount: 4200 } });

    const delivery = await waitFor(
      async () =>
        app.got.find((g) => JSON.parse(g.body).type === 'payment.succeeded' && g.body.includes(pi.id)),
      'outbound payment.succeeded',
      pipelineState(p),
    );
    const verified = new Webhook(endpointSecret).verify(delivery.body, delivery.headers) as {
      type: string;
      data: { object: { id: string } };
    };
    expect(verified.type).toBe('payment.succeeded');
    expect(verified.data.object.id).toBe(pi.id);
    expect(delivery.headers['webhook-id']).toMatch(/^oevt_/);
  });

  it('connected account events reach the owning tenant and its events list', async () => {
    const tenant = await createTestTenant(p.t);
    const acct = await p.stripe.accounts.create({ type: 'standard' });
    await ownerSql(
      p.t.database,
      `update tenants set stripe_account_id = '${acct.id}' where id = '${tenant.id}'`,
    );
    const customer = await p.stripe.customers.create({ email: 'c@example.com' }, { stripeAccount: acct.id });
    const created = await waitFor(async () => {
      const [r] = await systemRows<{ id: string; tenant_id: string; status: string }>(
        p.t.database,
        `select id, tenant_id, status from stripe_events where type = 'customer.created' and account = '${acct.id}'`,
      );
      return r?.status === 'processed' ? r : null;
    }, 'customer.created processed');
    expect(created.tenant_id).toBe(tenant.id);
    const list = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/events?type=customer.*`,
      headers: bearer(tenant.key),
    });
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(created.id);
    const [obj] = await systemRows<{ tenant_id: string }>(
      p.t.database,
      `select tenant_id from stripe_objects where id = '${customer.id}'`,
    );
    expect(obj!.tenant_id).toBe(tenant.id);
  });

  it('events with no handler are stored and acknowledged as ignored; replay processes again', async () => {
    const triggered = await fetch(`${p.sandbox.url}/_sandbox/events/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'balance.available', object: { id: null, object: 'balance' } }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const row = await waitFor(async () => {
      const r = await event(triggered.id);
      return r?.status === 'ignored' ? r : null;
    }, 'ignored');
    expect(row.attempts).toBe(1);
    const replay = await p.t.app.inject({
      method: 'POST',
      url: `/v1/events/${triggered.id}/replay`,
      headers: bearer(p.t.platformKey),
    });
    expect(replay.statusCode, replay.body).toBe(200);
    await waitFor(
      async () =>
        (await event(triggered.id))?.status === 'ignored' && (await event(triggered.id))!.attempts === 1,
      'replayed',
    );
    const detail = await p.t.app.inject({
      method: 'GET',
      url: `/v1/events/${triggered.id}`,
      headers: bearer(p.t.platformKey),
    });
    expect(detail.json()).toMatchObject({
      id: triggered.id,
      status: 'ignored',
      payload: { id: triggered.id },
    });
    const stats = await p.t.app.inject({
      method: 'GET',
      url: '/v1/events/stats',
      headers: bearer(p.t.platformKey),
    });
    expect(stats.json().ignored).toBeGreaterThan(0);
  });

  it('database unavailable → 5xx, nothing acknowledged; the sandbox retry delivers after recovery', async () => {
    await ownerSql(p.t.database, 'revoke insert on stripe_events from tributary_system');
    let customerId: string;
    try {
      const c = await p.stripe.customers.create({ email: 'down@example.com' });
      customerId = c.id;
      const attempts = await waitFor(async () => {
        const res = await fetch(`${p.sandbox.url}/_sandbox/webhooks/attempts`).then((r) => r.json());
        const mine = (res as { data: { event: string; status?: number; response_status?: number }[] }).data;
        const ev = (await p.stripe.events.list({ type: 'customer.created', limit: 5 })).data.find(
          (e) => (e.data.object as { id: string }).id === c.id,
        );
        return ev && mine.some((a) => a.event === ev.id) ? ev : null;
      }, 'a failed delivery attempt');
      expect(await event(attempts.id)).toBeUndefined();
    } finally {
      await ownerSql(p.t.database, 'grant insert on stripe_events to tributary_system');
    }
    await fetch(`${p.sandbox.url}/_sandbox/webhooks/retry`, { method: 'POST' });
    await waitFor(async () => {
      const [r] = await systemRows<{ status: string }>(
        p.t.database,
        `select status from stripe_events where type = 'customer.created' and payload->'data'->'object'->>'id' = '${customerId!}'`,
      );
      return r?.status === 'processed';
    }, 'processed after recovery');
  });
});
