import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { asSession, bearer, sessionFor } from '../helpers/app.ts';
import { saveCardOnSetupPage, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { attempts, stateOf } from './dunning-fixtures.ts';
import { recoveryPlan, tenantInDunning } from './recovery-fixtures.ts';

/**
 * A card added during dunning pays at once: back from Stripe's page, the recovery page (or the dashboard)
 * confirms the session, and the attempt with the new card is made in that request — the tenant `active` in
 * its answer. Once per session: confirming again (or the `setup_intent.succeeded` follow-up) makes no second
 * attempt. Only this tenant's complete session is taken.
 */
describe('recovery: a card added during dunning', () => {
  let p: Pipeline;
  let plan: string;

  const call = (token: string, url: string, body?: object) =>
    p.t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), 'idempotency-key': randomUUID() },
      ...(body ? { payload: body } : {}),
    });
  const confirm = (token: string, session: string) =>
    call(token, '/v1/recovery/payment_methods/confirm', { checkout_session: session });
  const addCard = (token: string, card?: string) =>
    saveCardOnSetupPage(async () => (await call(token, '/v1/recovery/payment_methods/setup')).json(), card);
  /** The sandbox's `invoices.pay` calls made with `pm` (their idempotency keys name the method). */
  const paysWith = async (invoice: string, pm: string) => {
    const res = await fetch(`${p.sandbox.url}/_sandbox/requests?path=/v1/invoices/${invoice}/pay`);
    const { data } = (await res.json()) as { data: { idempotency_key: string | null }[] };
    return data.filter((r) => r.idempotency_key?.includes(pm)).length;
  };
  /** The platform account's webhook endpoint on or off (off: no `setup_intent.succeeded` follow-up). */
  const platformEndpoint = async (enabled: boolean) => {
    const list = await p.stripe.webhookEndpoints.list();
    const ep = list.data.find((e) => e.url.endsWith('/webhooks/stripe'))!;
    await p.stripe.webhookEndpoints.update(ep.id, { disabled: !enabled });
  };
  const savedMethod = async (session: string) => {
    const cs = await p.stripe.checkout.sessions.retrieve(session, { expand: ['setup_intent'] });
    const si = cs.setup_intent as { payment_method: string };
    return si.payment_method;
  };

  beforeAll(async () => {
    p = await startPipeline({}, { freshDatabase: true });
    plan = await recoveryPlan(p);
  }, 60_000);
  afterAll(() => p?.close());

  it('pays at once in the confirming request: active in its answer; confirming again pays nothing more', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Confirm paid', state: 'warning' });
    const token = recoveryToken(p.t.config, d.tenant.id);
    // no webhook follow-up: the request alone makes the attempt
    await platformEndpoint(false);
    try {
      const { session, back } = await addCard(token);
      expect(back).toBe(`${p.t.config.publicUrl}/recover?payment_method=added&checkout_session=${session}`);
      const pm = await savedMethod(session);
      const res = await confirm(token, session);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        object: 'billing_payment_method_confirmation',
        payment_method: { id: pm, type: 'card', is_default: true },
        attempt: { status: 'paid', decline_code: null },
        state: 'active',
      });
      expect(await stateOf(p, d.tenant)).toBe('active');
      expect(await p.stripe.invoices.retrieve(d.invoice)).toMatchObject({
        status: 'paid',
        amount_paid: 10_000,
      });
      // the new card is the default now (the failing one would fail the next renewal)
      const cus = await p.stripe.customers.retrieve(d.customer);
      expect(
        (cus as { invoice_settings: { default_payment_method: string } }).invoice_settings,
      ).toMatchObject({
        default_payment_method: pm,
      });
      expect((await attempts(p, d.tenant)).map((a) => [a.number, a.payment_method, a.status])).toEqual([
        [100, pm, 'succeeded'],
      ]);

      const again = await confirm(token, session);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ attempt: { status: 'paid' }, state: 'active' });
      expect(await attempts(p, d.tenant)).toHaveLength(1);
      expect(await paysWith(d.invoice, pm)).toBe(1);
    } finally {
      await platformEndpoint(true);
    }
  }, 120_000);

  it('a new card that declines: said in the answer; neither a second confirmation nor the webhook tries again', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Confirm declined', state: 'warning' });
    const token = recoveryToken(p.t.config, d.tenant.id);
    const { session } = await addCard(token, '4000000000000341');
    const pm = await savedMethod(session);
    const res = await confirm(token, session);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      payment_method: { id: pm },
      attempt: { status: 'declined', decline_code: expect.any(String), message: expect.any(String) },
      state: 'warning',
    });
    // the method's `setup_intent.succeeded` asked for the same attempt: its follow-up ran and found it made
    await waitFor(
      async () =>
        (
          await systemRows<{ n: number }>(
            p.t.database,
            `select count(*)::int as n from pgboss.job where name = 'billing-followup'
               and data->>'kind' = 'dunning_run' and data->>'paymentMethod' = '${pm}' and state = 'completed'`,
          )
        )[0]!.n > 0,
      "the webhook's attempt with the new card done",
      pipelineState(p),
    );
    const again = await confirm(token, session);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ attempt: { status: 'declined' }, state: 'warning' });
    expect((await attempts(p, d.tenant)).map((a) => [a.number, a.payment_method, a.status])).toEqual([
      [100, pm, 'failed'],
    ]);
    expect(await paysWith(d.invoice, pm)).toBe(1);
    expect(await stateOf(p, d.tenant)).toBe('warning');
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('open');
  }, 120_000);

  it("refuses a session not yet complete (409), another tenant's, a payment page's and a malformed id (404)", async () => {
    const d = await tenantInDunning(p, plan, { name: 'Confirm refused', state: 'suspended' });
    const other = await tenantInDunning(p, plan, { name: 'Confirm other', state: 'warning' });
    const token = recoveryToken(p.t.config, d.tenant.id);
    const open = (await call(token, '/v1/recovery/payment_methods/setup')).json();
    const incomplete = await confirm(token, open.id);
    expect(incomplete.statusCode, incomplete.body).toBe(409);
    expect(incomplete.json().error).toMatchObject({
      code: 'recovery_setup_incomplete',
      param: 'checkout_session',
    });

    // the other tenant's completed page (its own card saved on its own customer)
    const { session: foreign } = await addCard(recoveryToken(p.t.config, other.tenant.id));
    // a payment page on the platform account, not a setup page
    const payment = await p.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: d.customer,
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'x' } }, quantity: 1 },
      ],
      success_url: 'https://example.com/ok',
    });
    for (const id of [foreign, payment.id, 'cs_test_nope', 'nope', `${open.id}'`]) {
      const res = await confirm(token, id);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'resource_missing', param: 'checkout_session' });
    }
    expect(await attempts(p, d.tenant)).toEqual([]);
    expect(await stateOf(p, d.tenant)).toBe('suspended');
    // the token is the credential: another one (or none) opens nothing
    const keyed = await p.t.app.inject({
      method: 'POST',
      url: '/v1/recovery/payment_methods/confirm',
      headers: { ...bearer(d.tenant.key), 'idempotency-key': randomUUID() },
      payload: { checkout_session: foreign },
    });
    expect(keyed.statusCode).toBe(401);
    expect(keyed.json().error.code).toBe('recovery_token_invalid');
  }, 120_000);

  it("the dashboard's Billing page confirms the same way: an admin's new card pays at once", async () => {
    const d = await tenantInDunning(p, plan, { name: 'Confirm dashboard', state: 'suspended' });
    const admin = asSession(await sessionFor(p.t, d.tenant, 'confirm-admin@example.com', 'admin'));
    const member = asSession(await sessionFor(p.t, d.tenant, 'confirm-member@example.com', 'member'));
    const as = (headers: Record<string, string>, path: string, payload?: object) =>
      p.t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${d.tenant.publicId}/billing/payment_methods${path}`,
        headers: { ...headers, 'idempotency-key': randomUUID() },
        payload: payload ?? {},
      });
    const { session, back } = await saveCardOnSetupPage(async () => (await as(admin, '/setup')).json());
    expect(back).toBe(
      `${p.t.config.publicUrl}/tenants/${d.tenant.publicId}/billing?payment_method=added&checkout_session=${session}`,
    );
    const refused = await as(member, '/confirm', { checkout_session: session });
    expect(refused.statusCode, refused.body).toBe(403);
    const res = await as(admin, '/confirm', { checkout_session: session });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      object: 'billing_payment_method_confirmation',
      payment_method: { object: 'billing_payment_method', is_default: true },
      attempt: { status: 'paid' },
      state: 'active',
    });
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('paid');
    const log = await tenantApi(p.t, d.tenant)('GET', '/audit_log?limit=50');
    expect(JSON.stringify(log.json().data)).toContain('billing.payment_method_setup_confirmed');
  }, 120_000);
});
