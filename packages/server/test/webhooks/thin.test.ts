import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant } from '../helpers/app.ts';
import { ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * Thin events (v2 event notifications) end to end: a sandbox event destination with thin payloads pointing at
 * Tributary's /webhooks/stripe → verified with its signing secret, stored as kind 'thin', the full event
 * fetched from /v2/core/events in the job and processed by the snapshot type's handler. Stripe's v2 event of
 * a v1 type has no `data`: the object comes from the refetch of stateful objects, or (refetch off) from
 * `related_object.url` in the event's context.
 */
describe.each(['true', 'false'])('thin events with the sandbox (WEBHOOK_REFETCH=%s)', (refetch) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ WEBHOOK_REFETCH: refetch });
    // only the thin destination delivers in this file: the snapshot endpoints would store the same objects
    for (const ep of (await p.stripe.webhookEndpoints.list({ limit: 100 })).data) {
      await p.stripe.webhookEndpoints.del(ep.id);
    }
    const ed = (await p.stripe.v2.core.eventDestinations.create({
      name: 'tributary thin',
      type: 'webhook_endpoint',
      event_payload: 'thin',
      enabled_events: ['v1.customer.created', 'v1.payment_intent.succeeded'],
      events_from: ['self', 'other_accounts'],
      webhook_endpoint: { url: `${p.url}/webhooks/stripe` },
    } as Stripe.V2.Core.EventDestinationCreateParams)) as unknown as {
      webhook_endpoint: { signing_secret: string };
    };
    p.t.config.webhookSecrets.push(ed.webhook_endpoint.signing_secret);
  });
  afterAll(() => p.close());

  it('a thin notification is verified, stored as thin, its full event fetched and processed', async () => {
    const customer = await p.stripe.customers.create({ email: 'thin@example.com', name: 'Thin' });
    const row = await waitFor(async () => {
      const [r] = await systemRows<{
        id: string;
        type: string;
        kind: string;
        status: string;
        attempts: number;
        last_error: string | null;
        payload: { object: string; related_object?: { id: string } };
      }>(
        p.t.database,
        `select * from stripe_events where kind = 'thin' and payload->'related_object'->>'id' = '${customer.id}'`,
      );
      return r && r.status !== 'pending' ? r : null;
    }, 'thin customer.created settled');
    expect(row, row.last_error ?? '').toMatchObject({
      type: 'v1.customer.created',
      kind: 'thin',
      status: 'processed',
      attempts: 1,
    });
    // stored as delivered: the notification, not the object
    expect(row.payload.object).toBe('v2.core.event');
    expect(JSON.stringify(row.payload)).not.toContain('thin@example.com');
    // the handler applied the object fetched through the full event
    const [obj] = await systemRows<{ data: { email: string } }>(
      p.t.database,
      `select data from stripe_objects where id = '${customer.id}'`,
    );
    expect(obj?.data).toMatchObject({ email: 'thin@example.com' });

    const detail = await p.t.app.inject({
      method: 'GET',
      url: `/v1/events/${row.id}`,
      headers: bearer(p.t.platformKey),
    });
    expect(detail.json()).toMatchObject({ id: row.id, kind: 'thin', status: 'processed' });
    // filters by the snapshot type find the thin notification too
    for (const type of ['customer.created', 'customer.*', 'v1.customer.created']) {
      const found = await p.t.app.inject({
        method: 'GET',
        url: `/v1/events?type=${type}&limit=100`,
        headers: bearer(p.t.platformKey),
      });
      expect(
        found.json().data.map((e: { id: string }) => e.id),
        type,
      ).toContain(row.id);
    }
  });

  it("a connected account's thin event reaches its tenant with the object in the account's context", async () => {
    const tenant = await createTestTenant(p.t);
    const acct = await p.stripe.accounts.create({ type: 'standard' });
    await ownerSql(
      p.t.database,
      `update tenants set stripe_account_id = '${acct.id}' where id = '${tenant.id}'`,
    );
    const pi = await p.stripe.paymentIntents.create(
      { amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true },
      { stripeAccount: acct.id },
    );
    const row = await waitFor(async () => {
      const [r] = await systemRows<{
        id: string;
        tenant_id: string | null;
        account: string | null;
        status: string;
        last_error: string | null;
      }>(
        p.t.database,
        `select * from stripe_events where kind = 'thin' and type = 'v1.payment_intent.succeeded'
           and payload->'related_object'->>'id' = '${pi.id}'`,
      );
      return r && r.status !== 'pending' ? r : null;
    }, 'thin payment_intent.succeeded settled');
    expect(row, row.last_error ?? '').toMatchObject({
      status: 'processed',
      account: acct.id,
      tenant_id: tenant.id,
    });
    const [obj] = await systemRows<{ tenant_id: string; data: { status: string; amount: number } }>(
      p.t.database,
      `select tenant_id, data from stripe_objects where id = '${pi.id}'`,
    );
    expect(obj).toMatchObject({ tenant_id: tenant.id, data: { status: 'succeeded', amount: 1234 } });
    // the tenant sees it in its own events, with the notification as payload
    const detail = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/events/${row.id}`,
      headers: bearer(tenant.key),
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ id: row.id, kind: 'thin', payload: { context: acct.id } });
    // its attempt history, recorded in the tenant's transaction (RLS) with the outcome
    expect(detail.json().attempt_history).toMatchObject([{ attempt: 1, outcome: 'processed', error: null }]);
  });

  it('a thin notification signed with an unknown secret is rejected', async () => {
    const before = await systemRows<{ n: number }>(
      p.t.database,
      `select count(*)::int as n from stripe_events where kind = 'thin'`,
    );
    const body = JSON.stringify({
      id: 'evt_thin_forged',
      object: 'v2.core.event',
      type: 'v1.customer.created',
      created: new Date().toISOString(),
      livemode: false,
      related_object: { id: 'cus_forged', type: 'customer', url: '/v1/customers/cus_forged' },
    });
    const { sign } = await import('../helpers/webhooks.ts');
    const res = await fetch(`${p.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(body, 'whsec_not_ours') },
      body,
    });
    expect(res.status).toBe(400);
    const after = await systemRows<{ n: number }>(
      p.t.database,
      `select count(*)::int as n from stripe_events where kind = 'thin'`,
    );
    expect(after).toEqual(before);
  });
});
