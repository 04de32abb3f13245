import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { applySubscription } from '../../src/billing/tenant-plan/sync.ts';
import { platformInvoices, tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { hmacSign } from '../../src/secrets.ts';
import { asSession, bearer, restrictedKey, sessionFor } from '../helpers/app.ts';
import { tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { type InDunning, recoveryPlan, tenantInDunning } from './recovery-fixtures.ts';

/**
 * The recovery page's API: a tenant whose May renewal failed (its default card declines; a second card is
 * saved), in warning, pays through its signed link and is active in the same answer; the link reaches
 * nothing but what its own tenant's dunning case owes, its cards and the card page; the dashboard hands the
 * link only to a member who may pay.
 */
describe('dunning recovery', () => {
  let p: Pipeline;
  let plan: string;
  let a: InDunning;
  let b: InDunning;

  const call = (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    opts: { key?: string | null; body?: object } = {},
  ) =>
    p.t.app.inject({
      method,
      url,
      headers: {
        ...bearer(token),
        ...(method === 'POST' && opts.key !== null ? { 'idempotency-key': opts.key ?? randomUUID() } : {}),
      },
      ...(opts.body ? { payload: opts.body } : {}),
    });
  const stateOf = (tenantId: string) =>
    withTenant(p.t.database.db, tenantId, async (tx) => {
      const [r] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
      return r!.state;
    });

  beforeAll(async () => {
    p = await startPipeline({}, { freshDatabase: true });
    plan = await recoveryPlan(p);
    a = await tenantInDunning(p, plan, { name: 'Recovering A' });
    b = await tenantInDunning(p, plan, { name: 'Recovering B' });
  }, 120_000);
  afterAll(() => p?.close());

  it('shows the open invoice and the saved cards, never more of them', async () => {
    const res = await call('GET', '/v1/recovery', recoveryToken(p.t.config, a.tenant.id));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      object: 'billing_recovery',
      tenant: { id: a.tenant.publicId, name: 'Recovering A' },
      state: 'warning',
      amount_owed: 10_000,
      currency: 'usd',
    });
    expect(body.invoices.map((i: { id: string }) => i.id)).toEqual([a.invoice]);
    expect(body.payment_methods.map((m: { id: string }) => m.id).sort()).toEqual(
      [a.declining, a.good].sort(),
    );
    expect(Object.keys(body.payment_methods[0]).sort()).toEqual(
      ['brand', 'exp_month', 'exp_year', 'id', 'is_default', 'last4', 'object', 'type'].sort(),
    );
  });

  it('lists and pays only what the dunning case owes, never another open invoice of the customer', async () => {
    // an open invoice of the billing customer that no dunning case owes (made by the platform at Stripe)
    await p.stripe.invoiceItems.create({ customer: a.customer, amount: 2500, currency: 'usd' });
    const draft = await p.stripe.invoices.create({
      customer: a.customer,
      auto_advance: false,
      pending_invoice_items_behavior: 'include',
    });
    const other = await p.stripe.invoices.finalizeInvoice(draft.id!);
    expect(other.status).toBe('open');
    await waitFor(
      () =>
        withTenant(p.t.database.db, a.tenant.id, async (tx) => {
          const [r] = await tx.select().from(platformInvoices).where(eq(platformInvoices.id, other.id!));
          return r?.status === 'open' || null;
        }),
      'the other invoice mirrored',
    );
    const token = recoveryToken(p.t.config, a.tenant.id);
    const seen = (await call('GET', '/v1/recovery', token)).json();
    expect(seen.invoices.map((i: { id: string }) => i.id)).toEqual([a.invoice]);
    expect(seen.amount_owed).toBe(10_000);
    const status = await tenantApi(p.t, a.tenant)('GET', '/billing/recovery');
    expect(status.json()).toMatchObject({ amount_owed: 10_000, currency: 'usd' });
    const res = await call('POST', '/v1/recovery/pay', token, {
      body: { invoice: other.id, payment_method: a.good },
    });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'resource_missing', param: 'invoice' });
    expect((await p.stripe.invoices.retrieve(other.id!)).status).toBe('open');
  });

  it("a tenant's token neither sees nor pays another tenant's invoice, nor uses its card", async () => {
    const token = recoveryToken(p.t.config, a.tenant.id);
    const seen = (await call('GET', '/v1/recovery', token)).json();
    expect(seen.invoices.map((i: { id: string }) => i.id)).not.toContain(b.invoice);
    const other = await call('POST', '/v1/recovery/pay', token, {
      body: { invoice: b.invoice, payment_method: a.good },
    });
    expect(other.statusCode, other.body).toBe(404);
    expect(other.json().error).toMatchObject({ code: 'resource_missing', param: 'invoice' });
    const card = await call('POST', '/v1/recovery/pay', token, {
      body: { invoice: a.invoice, payment_method: b.good },
    });
    expect(card.statusCode, card.body).toBe(404);
    expect(card.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
    expect((await p.stripe.invoices.retrieve(b.invoice)).status).toBe('open');
    expect((await p.stripe.invoices.retrieve(a.invoice)).status).toBe('open');
  });

  it('refuses a forged, expired or malformed token, and a payment without Idempotency-Key', async () => {
    const valid = recoveryToken(p.t.config, a.tenant.id);
    const [head, exp] = valid.split('.');
    const forgedSig = `${head}.${exp}.${hmacSign('not the server key at all, 32+ chars', `tributary.recovery:${head!.slice(4)}:${exp}`)}`;
    const otherTenant = `rcv_${b.tenant.id.replaceAll('-', '')}.${exp}.${valid.split('.')[2]}`;
    for (const token of [forgedSig, otherTenant, 'rcv_nope', '', p.t.platformKey, b.tenant.key]) {
      const res = await call('GET', '/v1/recovery', token);
      expect(res.statusCode, token).toBe(401);
      expect(res.json().error.code).toBe('recovery_token_invalid');
    }
    const expired = recoveryToken(p.t.config, a.tenant.id, { expiresAt: Math.floor(Date.now() / 1000) - 1 });
    const late = await call('POST', '/v1/recovery/pay', expired, {
      body: { invoice: a.invoice, payment_method: a.good },
    });
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('recovery_token_expired');
    const noKey = await call('POST', '/v1/recovery/pay', valid, {
      key: null,
      body: { invoice: a.invoice, payment_method: a.good },
    });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error).toMatchObject({ code: 'idempotency_key_required', param: 'Idempotency-Key' });
  });

  it('reaches no other route', async () => {
    const token = recoveryToken(p.t.config, a.tenant.id);
    for (const [method, url] of [
      ['GET', `/v1/tenants/${a.tenant.publicId}/billing`],
      ['GET', `/v1/tenants/${a.tenant.publicId}/billing/invoices`],
      ['GET', `/v1/tenants/${a.tenant.publicId}/billing/payment_methods`],
      ['POST', `/v1/tenants/${a.tenant.publicId}/billing/payment_methods/setup`],
      ['GET', `/v1/tenants/${a.tenant.publicId}/billing/recovery`],
      ['GET', `/v1/tenants/${a.tenant.publicId}`],
      ['GET', '/v1/tenants'],
    ] as const) {
      const res = await call(method, url, token);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('api_key_invalid');
    }
    // nor as a cookie or a query parameter
    const query = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.tenant.publicId}/billing?token=${token}`,
    });
    expect(query.statusCode).toBe(401);
  });

  it('a declined card is said in words and changes nothing', async () => {
    const res = await call('POST', '/v1/recovery/pay', recoveryToken(p.t.config, a.tenant.id), {
      body: { invoice: a.invoice, payment_method: a.declining },
    });
    expect(res.statusCode, res.body).toBe(402);
    expect(res.json().error.code).toBe('recovery_payment_failed');
    expect(res.json().error.message).toMatch(/^The invoice was not paid: the card/);
    expect(await stateOf(a.tenant.id)).toBe('warning');
  });

  it('pays with the second card: active in the same answer, the invoice paid exactly once', async () => {
    const token = recoveryToken(p.t.config, a.tenant.id);
    const key = randomUUID();
    const body = { invoice: a.invoice, payment_method: a.good };
    // an event's subscription snapshot read before the payment (still past_due), applied after it
    const [row] = await withTenant(p.t.database.db, a.tenant.id, (tx) =>
      tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, a.tenant.id)),
    );
    const staleAt = new Date();
    const stale = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    expect(stale.status).toBe('past_due');
    const res = await call('POST', '/v1/recovery/pay', token, { key, body });
    expect(res.statusCode, res.body).toBe(200);
    await withTenant(p.t.database.db, a.tenant.id, (tx) =>
      applySubscription(tx, a.tenant.id, stale, staleAt),
    );
    expect(res.json()).toMatchObject({
      object: 'billing_recovery_payment',
      status: 'paid',
      state: 'active',
      invoice: { id: a.invoice, status: 'paid', amount_remaining: 0 },
      url: null,
    });
    expect(await stateOf(a.tenant.id)).toBe('active');
    // the same request again replays; the invoice is no longer open for another one
    const again = await call('POST', '/v1/recovery/pay', token, { key, body });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const twice = await call('POST', '/v1/recovery/pay', token, { body });
    expect(twice.statusCode).toBe(404);
    const inv = await p.stripe.invoices.retrieve(a.invoice);
    expect(inv).toMatchObject({ status: 'paid', amount_paid: 10_000 });
    const charges = (await p.stripe.charges.list({ customer: a.customer, limit: 100 })).data;
    const paidNow = charges.filter((c) => c.status === 'succeeded' && c.payment_method === a.good);
    expect(paidNow).toHaveLength(1);
    expect(paidNow[0]!.amount).toBe(10_000);
    // the summary says so too
    const after = (await call('GET', '/v1/recovery', token)).json();
    expect(after).toMatchObject({ state: 'active', amount_owed: 0, invoices: [] });
    // the audit log names the link, not a person
    const log = await tenantApi(p.t, a.tenant)('GET', '/audit_log?limit=20');
    expect(JSON.stringify(log.json().data)).toContain('billing.recovery_paid');
  });

  it("a card asking for 3-D Secure answers requires_action with the invoice's page", async () => {
    const c = await tenantInDunning(p, plan, {
      name: 'Recovering C',
      state: 'suspended',
      extraCard: 'pm_card_authenticationRequired',
    });
    const res = await call('POST', '/v1/recovery/pay', recoveryToken(p.t.config, c.tenant.id), {
      body: { invoice: c.invoice, payment_method: c.good },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'requires_action', state: 'suspended' });
    expect(res.json().url).toMatch(/^http/);
  }, 60_000);

  it("opens Stripe's page adding a card, back to the recovery page", async () => {
    const token = recoveryToken(p.t.config, b.tenant.id);
    const res = await call('POST', '/v1/recovery/payment_methods/setup', token);
    expect(res.statusCode, res.body).toBe(200);
    const session = await p.stripe.checkout.sessions.retrieve(res.json().id);
    expect(session).toMatchObject({ mode: 'setup', customer: b.customer });
    // back to the page with the session to confirm; the token stays out of what Stripe keeps
    expect(session.success_url).toBe(
      `${p.t.config.publicUrl}/recover?payment_method=added&checkout_session={CHECKOUT_SESSION_ID}`,
    );
    expect(`${session.success_url} ${session.cancel_url}`).not.toContain('rcv_');
  });

  it('the dashboard tells every member what is owed, and gives the link only to one who may pay', async () => {
    const as = async (headers: Record<string, string>, method: 'GET' | 'POST', path: string) =>
      p.t.app.inject({
        method,
        url: `/v1/tenants/${b.tenant.publicId}/billing/recovery${path}`,
        headers: { ...headers, ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) },
      });
    const member = asSession(await sessionFor(p.t, b.tenant, 'recovery-member@example.com', 'member'));
    const admin = asSession(await sessionFor(p.t, b.tenant, 'recovery-admin@example.com', 'admin'));
    const reader = bearer(await restrictedKey(p.t, b.tenant, ['billing:read']));

    for (const who of [member, reader]) {
      const status = await as(who, 'GET', '');
      expect(status.statusCode, status.body).toBe(200);
      expect(status.json()).toEqual({
        object: 'billing_recovery_status',
        state: 'warning',
        amount_owed: 10_000,
        currency: 'usd',
      });
      // the link pays and adds cards: not a reader's to hand out
      const refused = await as(who, 'POST', '/link');
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
    }
    for (const who of [admin, bearer(b.tenant.key), bearer(p.t.platformKey)]) {
      const res = await as(who, 'POST', '/link');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ object: 'billing_recovery_link', expires_at: expect.any(Number) });
      const url = new URL(res.json().url);
      expect(url.pathname).toBe('/recover');
      expect(url.search).toBe('');
      const token = url.hash.replace(/^#token=/, '');
      const summary = await call('GET', '/v1/recovery', token);
      expect(summary.json().tenant.id).toBe(b.tenant.publicId);
    }
    const log = await tenantApi(p.t, b.tenant)('GET', '/audit_log?limit=50');
    expect(JSON.stringify(log.json().data)).toContain('billing.recovery_link_created');
    // paid up: nothing to link to
    const done = await tenantApi(p.t, a.tenant)('POST', '/billing/recovery/link');
    expect(done.statusCode, done.body).toBe(409);
    expect(done.json().error.code).toBe('recovery_nothing_owed');
    expect((await tenantApi(p.t, a.tenant)('GET', '/billing/recovery')).json()).toMatchObject({
      state: 'active',
      amount_owed: 0,
    });
  });
});
