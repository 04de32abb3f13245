import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import {
  billingAccountFixtures,
  connectTenant,
  fillPayments,
  sandboxStripe,
  saveCardOnSetupPage,
  suitePlan,
  tenantApi,
} from '../helpers/payments.ts';
import { tenantRoutes } from '../helpers/routes.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * A money-moving POST without an Idempotency-Key could not be told apart from its own retry, so it is
 * refused before anything is written or sent to Stripe: 400 idempotency_key_required, for keys and sessions.
 */
describe('money-moving routes require an Idempotency-Key', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let owner: TestSession;
  let customer: { id: string; stripe_customer_id: string };
  let payment: { id: string; charge_type: string; stripe: { payment_intent: string; account: string } };
  let price: { id: string };
  let freePlan: { lookup_key: string };
  let billingFx: { billing_pm_id: string; billing_invoice_id: string };
  let quote: string;
  let setupSession: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Keys required');
    owner = await sessionFor(t, tenant, 'keys-required-owner@example.com', 'owner');
    await connectTenant(t, tenant);
    const api = tenantApi(t, tenant);
    customer = (await api('POST', '/customers', { email: 'keys-required@example.com' })).json();
    await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    payment = (
      await api('POST', '/payment_intents', {
        amount: 5000,
        currency: 'usd',
        customer: customer.id,
        off_session: true,
      })
    ).json();
    const product = (await api('POST', '/products', { name: 'Keyed plan' })).json();
    price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 1500, interval: 'month' })
    ).json();
    const plan = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/plans',
      headers: bearer(t.platformKey),
      payload: { name: 'Keyed free', lookup_key: `keyed_free_${tenant.id.slice(0, 8)}` },
    });
    if (plan.statusCode !== 200) throw new Error(`plan: ${plan.body}`);
    freePlan = plan.json();
    await suitePlan(t);
    billingFx = await billingAccountFixtures(t, tenant);
    // a trial plan: its quote is accepted with no card (nothing due until the trial ends)
    const trial = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/plans',
      headers: bearer(t.platformKey),
      payload: {
        name: 'Keyed trial',
        lookup_key: `keyed_trial_${tenant.id.slice(0, 8)}`,
        prices: [{ currency: 'usd', interval: 'month', unit_amount: 1500 }],
        trial_days: 14,
      },
    });
    if (trial.statusCode !== 200) throw new Error(`plan: ${trial.body}`);
    const q = await api('POST', '/billing/quotes', { plan: trial.json().id, interval: 'month' });
    if (q.statusCode !== 200) throw new Error(`quote: ${q.body}`);
    quote = q.json().id;
    ({ session: setupSession } = await saveCardOnSetupPage(async () =>
      (await api('POST', '/billing/payment_methods/setup', { type: 'card' })).json(),
    ));
  });
  afterAll(() => t?.close());

  /** Everything a money-moving request could leave behind: our rows, Stripe's objects, the audit log. */
  async function snapshot() {
    const count = async (table: string) =>
      (
        await systemRows<{ n: number }>(
          t.database,
          `select count(*)::int as n from ${table} where tenant_id = '${tenant.id}'`,
        )
      )[0]!.n;
    const stripe = sandboxStripe(t);
    // direct charges live on the connected account, destination charges on the platform
    const acct = payment.charge_type === 'direct' ? { stripeAccount: payment.stripe.account } : undefined;
    return {
      payments: await count('payments'),
      refunds: await count('refunds'),
      subscriptions: await count('subscriptions'),
      billing: await count('tenant_billing'),
      audit: await count('audit_log'),
      stripeIntents: (await stripe.paymentIntents.list({ customer: customer.stripe_customer_id }, acct)).data
        .length,
      stripeRefunds: (await stripe.refunds.list({ payment_intent: payment.stripe.payment_intent }, acct)).data
        .length,
      stripeSubscriptions: (await stripe.subscriptions.list({ customer: customer.stripe_customer_id }, acct))
        .data.length,
    };
  }

  const required = tenantRoutes.filter((r) => r.idempotency === 'required');
  it('the table names the money-moving routes', () => {
    expect(required.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'POST /v1/tenants/:id/billing/credits',
      'POST /v1/tenants/:id/billing/invoices/:billing_invoice_id/credit_notes',
      'POST /v1/tenants/:id/billing/payment_methods/confirm',
      'POST /v1/tenants/:id/billing/plan',
      'POST /v1/tenants/:id/billing/subscription',
      'POST /v1/tenants/:id/billing/subscription/cancel',
      'POST /v1/tenants/:id/billing/subscription/resume',
      'POST /v1/tenants/:id/payment_intents',
      'POST /v1/tenants/:id/payments/:payment_id/refunds',
      'POST /v1/tenants/:id/subscriptions',
    ]);
  });

  const bodies: Record<string, () => object> = {
    '/v1/tenants/:id/payment_intents': () => ({
      amount: 1200,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    }),
    '/v1/tenants/:id/payments/:payment_id/refunds': () => ({ amount: 700 }),
    '/v1/tenants/:id/subscriptions': () => ({ customer: customer.id, price: price.id }),
    // the tenant's plan with the platform: platform only
    '/v1/tenants/:id/billing/plan': () => ({ plan: freePlan.lookup_key }),
    // the tenant's billing account: credits and credit notes, platform only
    '/v1/tenants/:id/billing/credits': () => ({ amount: 700, currency: 'usd', description: 'Keyed credit' }),
    '/v1/tenants/:id/billing/invoices/:billing_invoice_id/credit_notes': () => ({
      amount: 300,
      refund: true,
    }),
    // a quoted plan change (the trial plan's), then cancel and resume its subscription, in the table's order
    '/v1/tenants/:id/billing/subscription': () => ({ quote }),
    '/v1/tenants/:id/billing/subscription/cancel': () => ({}),
    '/v1/tenants/:id/billing/subscription/resume': () => ({}),
    // back from Stripe's page: a card saved on it (in dunning it would pay at once)
    '/v1/tenants/:id/billing/payment_methods/confirm': () => ({ checkout_session: setupSession }),
  };

  for (const route of required) {
    it(`${route.method} ${route.path}: refused without a key, nothing made; done once with one`, async () => {
      const url = fillPayments(route.path.replace(':id', tenant.publicId), {
        payment_id: payment.id,
        ...billingFx,
      });
      const before = await snapshot();
      const key = route.platformOnly ? t.platformKey : tenant.key;
      for (const headers of route.platformOnly ? [bearer(key)] : [bearer(key), asSession(owner)]) {
        const res = await t.app.inject({ method: 'POST', url, headers, payload: bodies[route.path]!() });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({
          code: 'idempotency_key_required',
          param: 'Idempotency-Key',
        });
      }
      expect(await snapshot()).toEqual(before);

      const headers = { ...bearer(key), 'idempotency-key': `required-${route.path}` };
      const done = await t.app.inject({ method: 'POST', url, headers, payload: bodies[route.path]!() });
      expect(done.statusCode, done.body).toBe(200);
      const again = await t.app.inject({ method: 'POST', url, headers, payload: bodies[route.path]!() });
      expect(again.headers['idempotent-replayed']).toBe('true');
      const after = await snapshot();
      expect(after).not.toEqual(before);
      expect(await snapshot()).toEqual(after);
    });
  }

  it('other POSTs still take a request without a key', async () => {
    const res = await tenantApi(t, tenant)('POST', '/customers', { email: 'no-key-needed@example.com' });
    expect(res.statusCode, res.body).toBe(200);
  });
});
