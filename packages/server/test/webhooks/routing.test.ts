import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';
import { ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * Express-like tenants' objects live on the platform account, so their events carry no
 * `account`: each is routed to its tenant by Stripe's own ids (a transfer destination, `on_behalf_of`, or
 * our row for the object's id), never by metadata, and applied inside that tenant's row-level security. An
 * id in a Stripe object's `tributary_*` metadata is only trusted when the row it names is that object's.
 * The attacker here has what the attacker had — one tenant's API key — and, for the deeper bug the
 * API's 400 would hide, write access to Stripe objects' metadata (a Standard-like tenant has it on its own
 * account; on the platform the test plays someone with the platform's Stripe dashboard).
 */

type Api = ReturnType<typeof tenantApi>;

/** The worker's outcome for the event of `type` whose object is `objectId` (and matches `where`). */
async function handled(
  p: Pipeline,
  type: string,
  objectId: string,
  where = '',
): Promise<{ id: string; tenant_id: string | null; status: string }> {
  return waitFor(async () => {
    const rows = await systemRows<{ id: string; tenant_id: string | null; status: string }>(
      p.t.database,
      `select id, tenant_id, status from stripe_events
        where type = '${type}' and payload->'data'->'object'->>'id' = '${objectId}' ${where}
          and status in ('processed', 'ignored', 'dead')
        order by received_at desc`,
    );
    return rows[0];
  }, `${type} of ${objectId} handled`);
}

const ok = async <T = Record<string, unknown>>(
  res: Promise<{ statusCode: number; body: string; json(): unknown }>,
) => {
  const r = await res;
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as T & Record<string, unknown>;
};

/** A tenant invoice, sent: an open invoice with its single-use payment link. */
async function sentInvoice(api: Api) {
  const inv = await ok<{ id: string }>(
    api('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 2500 }],
      currency: 'usd',
    }),
  );
  return ok<{ id: string; status: string; payment_link: { url: string } }>(
    api('POST', `/invoices/${inv.id}/send`),
  );
}

/** Pays a payment link on the sandbox's hosted page with 4242; returns the Checkout Session's id. */
async function payLink(url: string): Promise<void> {
  const visit = await fetch(url, { redirect: 'manual' });
  expect(visit.status).toBe(302);
  const checkout = new URL(String(visit.headers.get('location')), url).toString();
  const paid = await fetch(checkout, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      card_number: '4242 4242 4242 4242',
      exp: '12 / 34',
      cvc: '123',
      email: 'buyer@example.com',
    }).toString(),
  });
  expect(paid.status).toBe(302);
}

/** A trialing subscription of a new customer, made through the API. */
async function trialingSubscription(api: Api, email: string) {
  const customer = await ok<{ id: string }>(api('POST', '/customers', { email }));
  const product = await ok<{ id: string; name: string; stripe_product_id: string }>(
    api('POST', '/products', { name: `Plan of ${email}` }),
  );
  const price = await ok<{ id: string; stripe_price_id: string }>(
    api('POST', '/prices', { product: product.id, unit_amount: 2000, interval: 'month' }),
  );
  const sub = await ok<{ id: string; status: string; stripe: { subscription: string } }>(
    api('POST', '/subscriptions', { customer: customer.id, price: price.id, trial_period_days: 30 }),
  );
  return { customer, product, price, sub };
}

describe('Express-like tenants: platform events go to their tenant, never by metadata', () => {
  let p: Pipeline;
  let a: TestTenant;
  let b: TestTenant;
  let acctA: string;
  let apiA: Api;
  let apiB: Api;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express', PLATFORM_FEE_BPS: '250' });
    a = await createTestTenant(p.t, 'Attacker (Express)');
    b = await createTestTenant(p.t, 'Victim (Express)');
    acctA = await connectTenant(p.t, a);
    await connectTenant(p.t, b);
    apiA = tenantApi(p.t, a);
    apiB = tenantApi(p.t, b);
  });
  afterAll(() => p?.close());

  it("the reproduced takeover: B's customer, e-mail, Stripe customer and cards stay B's", async () => {
    const victim = await ok<{ id: string; stripe_customer_id: string }>(
      apiB('POST', '/customers', { email: 'victim@example.com' }),
    );
    const saved = await ok<{ payment_method: { id: string } }>(
      apiB('POST', `/customers/${victim.id}/setup_intents`, { payment_method: 'pm_card_visa' }),
    );
    const mine = await ok<{ id: string; stripe_customer_id: string }>(
      apiA('POST', '/customers', { email: 'attacker@example.com' }),
    );

    // the API refuses the reserved key outright
    const refused = await apiA('POST', `/customers/${mine.id}`, {
      metadata: { tributary_customer: victim.id },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'metadata_reserved',
      param: 'metadata[tributary_customer]',
    });

    // with write access to the Stripe customer's metadata, Stripe sends customer.updated naming B's row
    await p.stripe.customers.update(mine.stripe_customer_id, {
      email: 'attacker+2@example.com',
      metadata: { tributary_customer: victim.id },
    });
    const event = await handled(
      p,
      'customer.updated',
      mine.stripe_customer_id,
      `and payload->'data'->'object'->>'email' = 'attacker+2@example.com'`,
    );
    // nothing of B's changed
    expect(await ok(apiB('GET', `/customers/${victim.id}`))).toMatchObject({
      email: 'victim@example.com',
      stripe_customer_id: victim.stripe_customer_id,
      default_payment_method: saved.payment_method.id,
    });
    const methods = await ok<{ data: { id: string }[] }>(
      apiB('GET', `/customers/${victim.id}/payment_methods`),
    );
    expect(methods.data.map((m) => m.id)).toEqual([saved.payment_method.id]);
    // B's next card is attached to B's own Stripe customer, so A cannot charge it
    const next = await ok<{ payment_method: { stripe_payment_method_id: string } }>(
      apiB('POST', `/customers/${victim.id}/setup_intents`, { payment_method: 'pm_card_mastercard' }),
    );
    const pm = await p.stripe.paymentMethods.retrieve(next.payment_method.stripe_payment_method_id);
    expect(pm.customer).toBe(victim.stripe_customer_id);
    expect(event).toMatchObject({ status: 'processed', tenant_id: a.id });
    // A's event is applied to A's row
    expect(await ok(apiA('GET', `/customers/${mine.id}`))).toMatchObject({
      email: 'attacker+2@example.com',
      stripe_customer_id: mine.stripe_customer_id,
    });
  });

  it("payments, refunds and disputes of an Express-like tenant are on its Events page, not another tenant's", async () => {
    const disputed = await paidPayment(apiA, 'disputes@example.com', 'pm_card_createDispute');
    const refunded = await paidPayment(apiA, 'refunds@example.com');
    const refund = await ok<{ stripe_refund_id: string | null }>(
      apiA('POST', `/payments/${refunded.payment.id}/refunds`, { amount: 500 }),
    );
    const paymentEvent = await handled(p, 'payment_intent.succeeded', disputed.payment.stripe.payment_intent);
    const refundEvent = await handled(p, 'refund.created', refund.stripe_refund_id!);
    const disputeEvent = await waitFor(async () => {
      const rows = await systemRows<{ id: string; tenant_id: string | null; status: string }>(
        p.t.database,
        `select id, tenant_id, status from stripe_events where type = 'charge.dispute.created'
           and payload->'data'->'object'->>'payment_intent' = '${disputed.payment.stripe.payment_intent}'
           and status = 'processed'`,
      );
      return rows[0];
    }, 'dispute event processed');
    for (const [event, type] of [
      [paymentEvent, 'payment_intent.succeeded'],
      [refundEvent, 'refund.created'],
      [disputeEvent, 'charge.dispute.created'],
    ] as const) {
      expect(event, type).toMatchObject({ status: 'processed', tenant_id: a.id });
      const listed = await ok<{ data: { id: string; tenant: string }[] }>(
        apiA('GET', `/events?type=${type}&limit=100`),
      );
      expect(
        listed.data.map((e) => e.id),
        type,
      ).toContain(event.id);
      expect((await apiA('GET', `/events/${event.id}`)).statusCode).toBe(200);
      const theirs = await ok<{ data: { id: string }[] }>(apiB('GET', `/events?type=${type}&limit=100`));
      expect(
        theirs.data.map((e) => e.id),
        type,
      ).not.toContain(event.id);
      expect((await apiB('GET', `/events/${event.id}`)).statusCode).toBe(404);
    }
    // the attempt history follows the event to its tenant
    const attempts = await systemRows<{ tenant_id: string | null }>(
      p.t.database,
      `select tenant_id from stripe_event_attempts where event_id in ('${paymentEvent.id}', '${refundEvent.id}', '${disputeEvent.id}')`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(attempts.map((x) => x.tenant_id))).toEqual(new Set([a.id]));
    // the tenant's dispute, refund and payment rows are all there
    expect((await ok<{ data: unknown[] }>(apiA('GET', '/disputes'))).data.length).toBeGreaterThan(0);
  });

  it('events stored with no tenant before platform events were routed reach their tenant through the maintenance job', async () => {
    const paid = await paidPayment(apiA, 'stored-dispute@example.com', 'pm_card_createDispute');
    const invoice = await sentInvoice(apiA);
    await payLink(invoice.payment_link.url);
    const paymentEvent = await handled(p, 'payment_intent.succeeded', paid.payment.stripe.payment_intent);
    const disputeEvent = await waitFor(async () => {
      const rows = await systemRows<{ id: string }>(
        p.t.database,
        `select id from stripe_events where type = 'charge.dispute.created' and status = 'processed'
           and payload->'data'->'object'->>'payment_intent' = '${paid.payment.stripe.payment_intent}'`,
      );
      return rows[0];
    }, 'dispute event processed');
    const invoiceEvent = await waitFor(async () => {
      const rows = await systemRows<{ id: string }>(
        p.t.database,
        `select e.id from stripe_events e, invoices i where e.type = 'checkout.session.completed'
           and e.status = 'processed' and i.tenant_id = '${a.id}'
           and e.payload->'data'->'object'->>'payment_link' = i.stripe_payment_link_id`,
      );
      return rows[0];
    }, 'invoice payment event processed');
    const ids = [paymentEvent.id, disputeEvent.id, invoiceEvent.id];
    const list = `('${ids.join("', '")}')`;
    // as an older version stored them: no tenant, and flagged by the migration that added the routing
    await ownerSql(
      p.t.database,
      `update stripe_events set tenant_id = null, routing_pending = true where id in ${list};
       update stripe_event_attempts set tenant_id = null where event_id in ${list}`,
    );
    for (const id of ids) expect((await apiA('GET', `/events/${id}`)).statusCode).toBe(404);

    const { routeStoredPlatformEvents } = await import('../../src/webhooks/service.ts');
    const { createLogger } = await import('../../src/logger.ts');
    expect(await routeStoredPlatformEvents(p.t.database.db, createLogger('silent'))).toBeGreaterThanOrEqual(
      3,
    );

    for (const id of ids) {
      expect((await apiA('GET', `/events/${id}`)).statusCode, id).toBe(200);
      expect((await apiB('GET', `/events/${id}`)).statusCode, id).toBe(404);
    }
    const listed = await ok<{ data: { id: string }[] }>(apiA('GET', '/events?limit=100'));
    expect(listed.data.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
    const filtered = await ok<{ data: { id: string }[] }>(apiA('GET', '/events?type=charge.dispute.created'));
    expect(filtered.data.map((e) => e.id)).toContain(disputeEvent.id);
    const theirs = await ok<{ data: { id: string }[] }>(apiB('GET', '/events?limit=100'));
    expect(theirs.data.map((e) => e.id).filter((id) => ids.includes(id))).toEqual([]);
    const attempts = await systemRows<{ tenant_id: string | null }>(
      p.t.database,
      `select tenant_id from stripe_event_attempts where event_id in ${list}`,
    );
    expect(new Set(attempts.map((x) => x.tenant_id))).toEqual(new Set([a.id]));
    // the operator's replay applies it again in its tenant's scope
    const replayed = await p.t.app.inject({
      method: 'POST',
      url: `/v1/events/${disputeEvent.id}/replay`,
      headers: { ...bearer(p.t.platformKey), 'idempotency-key': `replay-${disputeEvent.id}` },
    });
    expect(replayed.statusCode, replayed.body).toBe(200);
    const again = await waitFor(async () => {
      const rows = await systemRows<{ tenant_id: string; attempts: number }>(
        p.t.database,
        `select tenant_id, attempts from stripe_events where id = '${disputeEvent.id}' and status = 'processed'`,
      );
      return rows[0];
    }, 'the replayed dispute event processed');
    expect(again.tenant_id).toBe(a.id);
    const flagged = await systemRows<{ n: number }>(
      p.t.database,
      `select count(*)::int as n from stripe_events where routing_pending`,
    );
    expect(flagged[0]!.n).toBe(0);
  });

  it("a PaymentIntent whose metadata names another tenant's open payment never takes it", async () => {
    const victim = await ok<{ id: string }>(apiB('POST', '/customers', { email: 'open@example.com' }));
    const open = await ok<{ id: string; status: string; amount: number; stripe: { payment_intent: string } }>(
      apiB('POST', '/payment_intents', { amount: 1500, currency: 'usd', customer: victim.id }),
    );
    const forged = await p.stripe.paymentIntents.create({
      amount: 999,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acctA },
      on_behalf_of: acctA,
      metadata: { tributary_payment: open.id },
    });
    const event = await handled(p, 'payment_intent.succeeded', forged.id);
    await handled(p, 'charge.succeeded', String(forged.latest_charge));
    expect(await ok(apiB('GET', `/payments/${open.id}`))).toMatchObject({
      status: open.status,
      amount: 1500,
      stripe: { payment_intent: open.stripe.payment_intent, charge: null },
    });
    expect(event).toMatchObject({ status: 'processed', tenant_id: a.id });
    const own = await ok<{ data: { amount: number; status: string }[] }>(
      apiA('GET', `/payments?q=${forged.id}`),
    );
    expect(own.data).toMatchObject([{ amount: 999, status: 'succeeded' }]);
    expect((await ok<{ data: unknown[] }>(apiB('GET', `/payments?q=${forged.id}`))).data).toEqual([]);
  });

  it("a refund whose metadata names another tenant's refund never rewrites it", async () => {
    const theirs = await paidPayment(apiB, 'refunded-victim@example.com');
    const victimRefund = await ok<{ id: string; amount: number; stripe_refund_id: string }>(
      apiB('POST', `/payments/${theirs.payment.id}/refunds`, { amount: 300 }),
    );
    const mine = await paidPayment(apiA, 'refunded-attacker@example.com');
    const forged = await p.stripe.refunds.create({
      payment_intent: mine.payment.stripe.payment_intent,
      amount: 200,
      metadata: { tributary_refund: victimRefund.id },
    });
    const event = await handled(p, 'refund.created', forged.id);
    const victimRefunds = await ok<{ data: { id: string; amount: number; stripe_refund_id: string }[] }>(
      apiB('GET', '/refunds'),
    );
    expect(victimRefunds.data.find((r) => r.id === victimRefund.id)).toMatchObject({
      amount: 300,
      stripe_refund_id: victimRefund.stripe_refund_id,
    });
    expect(event).toMatchObject({ status: 'processed', tenant_id: a.id });
    const own = await ok<{ data: { amount: number; stripe_refund_id: string; payment: string }[] }>(
      apiA('GET', '/refunds'),
    );
    expect(own.data.find((r) => r.stripe_refund_id === forged.id)).toMatchObject({
      amount: 200,
      payment: mine.payment.id,
    });
  });

  it("products, prices and subscriptions whose metadata names another tenant's rows never rewrite them", async () => {
    const victim = await trialingSubscription(apiB, 'sub-victim@example.com');
    const product = await p.stripe.products.create({
      name: 'Hijacked name',
      metadata: { tributary_product: victim.product.id },
    });
    const price = await p.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 100,
      recurring: { interval: 'month' },
      metadata: { tributary_price: victim.price.id },
    });
    const mine = await ok<{ id: string; stripe_customer_id: string }>(
      apiA('POST', '/customers', { email: 'sub-attacker@example.com' }),
    );
    await ok(apiA('POST', `/customers/${mine.id}/setup_intents`, { payment_method: 'pm_card_visa' }));
    const sub = await p.stripe.subscriptions.create({
      customer: mine.stripe_customer_id,
      items: [{ price: price.id }],
      transfer_data: { destination: acctA },
      on_behalf_of: acctA,
      metadata: { tributary_subscription: victim.sub.id },
    });
    await handled(p, 'product.created', product.id);
    await handled(p, 'price.created', price.id);
    const subEvent = await handled(p, 'customer.subscription.created', sub.id);

    const products = await ok<{ data: { id: string; name: string; stripe_product_id: string }[] }>(
      apiB('GET', '/products'),
    );
    expect(products.data.find((x) => x.id === victim.product.id)).toMatchObject({
      name: victim.product.name,
      stripe_product_id: victim.product.stripe_product_id,
    });
    const prices = await ok<{ data: { id: string; stripe_price_id: string }[] }>(apiB('GET', '/prices'));
    expect(prices.data.find((x) => x.id === victim.price.id)).toMatchObject({
      stripe_price_id: victim.price.stripe_price_id,
    });
    expect(await ok(apiB('GET', `/subscriptions/${victim.sub.id}`))).toMatchObject({
      status: 'trialing',
      stripe: { subscription: victim.sub.stripe.subscription },
    });
    expect(subEvent.tenant_id).toBe(a.id);
    // the subscription paying out to A is A's (mirrored by its transfer destination)
    const own = await ok<{ data: { stripe: { subscription: string } }[] }>(apiA('GET', '/subscriptions'));
    expect(own.data.map((s) => s.stripe.subscription)).toContain(sub.id);
  });

  it("a Checkout Session whose metadata names another tenant's invoice never pays or touches it", async () => {
    const invoice = await sentInvoice(apiB);
    const product = await p.stripe.products.create({ name: 'Forged invoice' });
    const price = await p.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2500 });
    const link = await p.stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 1 }],
      metadata: { tributary_invoice: invoice.id },
      transfer_data: { destination: acctA },
      on_behalf_of: acctA,
    } as Stripe.PaymentLinkCreateParams);
    await payLink(link.url);
    const session = await waitFor(async () => {
      const rows = await systemRows<{ id: string; tenant_id: string | null; status: string }>(
        p.t.database,
        `select id, tenant_id, status from stripe_events where type = 'checkout.session.completed'
           and payload->'data'->'object'->>'payment_link' = '${link.id}' and status = 'processed'`,
      );
      return rows[0];
    }, 'the forged session handled');
    expect(session.status).toBe('processed');
    expect(await ok(apiB('GET', `/invoices/${invoice.id}`))).toMatchObject({ status: 'open', payments: [] });
  });
  it('a platform event that routes to no tenant, or to two, keeps only its raw object', async () => {
    const victim = await ok<{ id: string; email: string; stripe_customer_id: string }>(
      apiB('POST', '/customers', { email: 'nobody-victim@example.com' }),
    );
    // no row of ours and no destination: routes nowhere, whatever its metadata names
    const stray = await p.stripe.customers.create({
      email: 'stray@example.com',
      metadata: { tributary_customer: victim.id },
    });
    // pays A's account but charges B's customer: two tenants, so neither
    const mixed = await p.stripe.paymentIntents.create({
      amount: 1234,
      currency: 'usd',
      customer: victim.stripe_customer_id,
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: acctA },
    });
    const strayEvent = await handled(p, 'customer.created', stray.id);
    const mixedEvent = await handled(p, 'payment_intent.succeeded', mixed.id);
    for (const event of [strayEvent, mixedEvent]) {
      expect(event).toMatchObject({ status: 'processed', tenant_id: null });
    }
    const raw = await systemRows<{ id: string; tenant_id: string | null }>(
      p.t.database,
      `select id, tenant_id from stripe_objects where id in ('${stray.id}', '${mixed.id}')`,
    );
    expect(raw.map((r) => r.tenant_id)).toEqual([null, null]);
    expect(await ok(apiB('GET', `/customers/${victim.id}`))).toMatchObject({
      email: 'nobody-victim@example.com',
      stripe_customer_id: victim.stripe_customer_id,
    });
    for (const api of [apiA, apiB]) {
      expect((await ok<{ data: unknown[] }>(api('GET', `/payments?q=${mixed.id}`))).data).toEqual([]);
    }
  });

  it('a replay routes an event stored without its tenant (before routing existed) to it', async () => {
    const { payment } = await paidPayment(apiA, 'replayed@example.com');
    const event = await handled(p, 'payment_intent.succeeded', payment.stripe.payment_intent);
    expect(event.tenant_id).toBe(a.id);
    await ownerSql(p.t.database, `update stripe_events set tenant_id = null where id = '${event.id}'`);
    expect((await apiA('GET', `/events/${event.id}`)).statusCode).toBe(404);
    const replay = await p.t.app.inject({
      method: 'POST',
      url: `/v1/events/${event.id}/replay`,
      headers: bearer(p.t.platformKey),
    });
    expect(replay.statusCode, replay.body).toBe(200);
    const routed = await waitFor(async () => {
      const [row] = await systemRows<{ tenant_id: string | null; status: string; attempts: number }>(
        p.t.database,
        `select tenant_id, status, attempts from stripe_events where id = '${event.id}'`,
      );
      return row?.status === 'processed' && row.attempts === 1 ? row : null;
    }, 'the replay processed');
    expect(routed.tenant_id).toBe(a.id);
    expect((await apiA('GET', `/events/${event.id}`)).statusCode).toBe(200);
    expect(await ok(apiA('GET', `/payments/${payment.id}`))).toMatchObject({
      status: 'succeeded',
      amount: 3000,
    });
  });
});

describe("Standard-like tenants: metadata on their own account's objects names only that object's row", () => {
  let p: Pipeline;
  let s: TestTenant;
  let acct: string;
  let api: Api;
  const on = () => ({ stripeAccount: acct });

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard', PLATFORM_FEE_BPS: '250' });
    s = await createTestTenant(p.t, 'Standard with a dashboard');
    acct = await connectTenant(p.t, s);
    api = tenantApi(p.t, s);
  });
  afterAll(() => p?.close());

  it('a customer naming another customer of the tenant updates only itself', async () => {
    const one = await ok<{ id: string; stripe_customer_id: string }>(
      api('POST', '/customers', { email: 'one@example.com' }),
    );
    const two = await ok<{ id: string; stripe_customer_id: string }>(
      api('POST', '/customers', { email: 'two@example.com' }),
    );
    await p.stripe.customers.update(
      one.stripe_customer_id,
      { email: 'one+changed@example.com', metadata: { tributary_customer: two.id } },
      on(),
    );
    const event = await handled(
      p,
      'customer.updated',
      one.stripe_customer_id,
      `and payload->'data'->'object'->>'email' = 'one+changed@example.com'`,
    );
    expect(event).toMatchObject({ status: 'processed', tenant_id: s.id });
    expect(await ok(api('GET', `/customers/${one.id}`))).toMatchObject({
      email: 'one+changed@example.com',
      stripe_customer_id: one.stripe_customer_id,
    });
    expect(await ok(api('GET', `/customers/${two.id}`))).toMatchObject({
      email: 'two@example.com',
      stripe_customer_id: two.stripe_customer_id,
    });
  });

  it('a PaymentIntent made on the dashboard naming an open payment gets its own row', async () => {
    const c = await ok<{ id: string }>(api('POST', '/customers', { email: 'open-std@example.com' }));
    const open = await ok<{ id: string; status: string; stripe: { payment_intent: string } }>(
      api('POST', '/payment_intents', { amount: 1500, currency: 'usd', customer: c.id }),
    );
    const made = await p.stripe.paymentIntents.create(
      {
        amount: 777,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        metadata: { tributary_payment: open.id },
      },
      on(),
    );
    await handled(p, 'payment_intent.succeeded', made.id);
    await handled(p, 'charge.succeeded', String(made.latest_charge));
    expect(await ok(api('GET', `/payments/${open.id}`))).toMatchObject({
      status: open.status,
      amount: 1500,
      stripe: { payment_intent: open.stripe.payment_intent, charge: null },
    });
    const own = await ok<{ data: { id: string; amount: number; status: string }[] }>(
      api('GET', `/payments?q=${made.id}`),
    );
    expect(own.data).toMatchObject([{ amount: 777, status: 'succeeded' }]);
    expect(own.data[0]!.id).not.toBe(open.id);
  });

  it('a refund made on the dashboard naming another refund gets its own row', async () => {
    const first = await paidPayment(api, 'refund-one@example.com');
    const original = await ok<{ id: string; stripe_refund_id: string }>(
      api('POST', `/payments/${first.payment.id}/refunds`, { amount: 300 }),
    );
    const second = await paidPayment(api, 'refund-two@example.com');
    const made = await p.stripe.refunds.create(
      {
        payment_intent: second.payment.stripe.payment_intent,
        amount: 200,
        metadata: { tributary_refund: original.id },
      },
      on(),
    );
    await handled(p, 'refund.created', made.id);
    const list = await ok<{
      data: { id: string; amount: number; stripe_refund_id: string; payment: string }[];
    }>(api('GET', '/refunds'));
    expect(list.data.find((r) => r.id === original.id)).toMatchObject({
      amount: 300,
      stripe_refund_id: original.stripe_refund_id,
      payment: first.payment.id,
    });
    expect(list.data.find((r) => r.stripe_refund_id === made.id)).toMatchObject({
      amount: 200,
      payment: second.payment.id,
    });
  });

  it('products, prices and subscriptions naming other rows are mirrored as their own', async () => {
    const existing = await trialingSubscription(api, 'std-sub@example.com');
    const product = await p.stripe.products.create(
      { name: 'Dashboard product', metadata: { tributary_product: existing.product.id } },
      on(),
    );
    const price = await p.stripe.prices.create(
      {
        product: product.id,
        currency: 'usd',
        unit_amount: 900,
        recurring: { interval: 'month' },
        metadata: { tributary_price: existing.price.id },
      },
      on(),
    );
    const c = await ok<{ id: string; stripe_customer_id: string }>(
      api('POST', '/customers', { email: 'std-sub2@example.com' }),
    );
    await ok(api('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' }));
    const sub = await p.stripe.subscriptions.create(
      {
        customer: c.stripe_customer_id,
        items: [{ price: price.id }],
        metadata: { tributary_subscription: existing.sub.id },
      },
      on(),
    );
    await handled(p, 'product.created', product.id);
    await handled(p, 'price.created', price.id);
    await handled(p, 'customer.subscription.created', sub.id);

    const products = await ok<{ data: { id: string; name: string; stripe_product_id: string }[] }>(
      api('GET', '/products'),
    );
    expect(products.data.find((x) => x.id === existing.product.id)).toMatchObject({
      name: existing.product.name,
      stripe_product_id: existing.product.stripe_product_id,
    });
    expect(products.data.find((x) => x.stripe_product_id === product.id)).toMatchObject({
      name: 'Dashboard product',
    });
    const prices = await ok<{ data: { id: string; stripe_price_id: string }[] }>(api('GET', '/prices'));
    expect(prices.data.find((x) => x.id === existing.price.id)).toMatchObject({
      stripe_price_id: existing.price.stripe_price_id,
    });
    expect(prices.data.map((x) => x.stripe_price_id)).toContain(price.id);
    expect(await ok(api('GET', `/subscriptions/${existing.sub.id}`))).toMatchObject({
      status: 'trialing',
      stripe: { subscription: existing.sub.stripe.subscription },
    });
    const subs = await ok<{ data: { stripe: { subscription: string } }[] }>(api('GET', '/subscriptions'));
    expect(subs.data.map((x) => x.stripe.subscription)).toContain(sub.id);
  });

  it('a Checkout Session of another link naming an invoice never pays or touches it', async () => {
    const invoice = await sentInvoice(api);
    const product = await p.stripe.products.create({ name: 'Dashboard link' }, on());
    const price = await p.stripe.prices.create(
      { product: product.id, currency: 'usd', unit_amount: 2500 },
      on(),
    );
    const link = await p.stripe.paymentLinks.create(
      { line_items: [{ price: price.id, quantity: 1 }], metadata: { tributary_invoice: invoice.id } },
      on(),
    );
    await payLink(link.url);
    await waitFor(async () => {
      const rows = await systemRows<{ id: string }>(
        p.t.database,
        `select id from stripe_events where type = 'checkout.session.completed'
           and payload->'data'->'object'->>'payment_link' = '${link.id}' and status = 'processed'`,
      );
      return rows[0];
    }, 'the session handled');
    expect(await ok(api('GET', `/invoices/${invoice.id}`))).toMatchObject({ status: 'open', payments: [] });
  });
});
