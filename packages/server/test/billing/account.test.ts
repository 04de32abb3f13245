import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { authenticate, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { defaultFreePlan, type PlanFixture, paidPlan } from './plan-fixtures.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

/**
 * The tenant's billing account with the platform, end to end: Stripe's hosted page (the sandbox's) saves a card
 * on the tenant's billing customer, whose `setup_intent.succeeded` comes back through the real pipeline and
 * makes it the default; plan invoices come back into the tenant's billing history; the platform credits the
 * balance and issues credit notes.
 */

let p: Pipeline;
let pro: PlanFixture;

type Api = ReturnType<typeof tenantApi>;

const setPlan = (tenant: TestTenant, body: Record<string, unknown>) =>
  p.t.app.inject({
    method: 'POST',
    url: `/v1/tenants/${tenant.publicId}/billing/plan`,
    headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
    payload: body,
  });

const asPlatform = (tenant: TestTenant, url: string, payload: Record<string, unknown>, key = randomUUID()) =>
  p.t.app.inject({
    method: 'POST',
    url: `/v1/tenants/${tenant.publicId}/billing${url}`,
    headers: { ...bearer(p.t.platformKey), 'idempotency-key': key },
    payload,
  });

const billingRow = async (tenant: TestTenant) =>
  (
    await systemRows<{ stripe_customer_id: string | null; stripe_subscription_id: string | null }>(
      p.t.database,
      `select stripe_customer_id, stripe_subscription_id from tenant_billing where tenant_id = '${tenant.id}'`,
    )
  )[0]!;

interface ApiMethod {
  id: string;
  type: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  bank_name: string | null;
  is_default: boolean;
}

const methods = async (api: Api): Promise<ApiMethod[]> => {
  const r = await api('GET', '/billing/payment_methods');
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
};

/** The tenant's browser on Stripe's page: a card saved (3-D Secure when the card asks), back to Billing. */
async function addCard(tenant: TestTenant, api: Api, card: string): Promise<void> {
  const r = await api('POST', '/billing/payment_methods/setup', {});
  expect(r.statusCode, r.body).toBe(200);
  const page = r.json();
  expect(page).toMatchObject({ object: 'billing_setup_page', id: expect.stringMatching(/^cs_/) });
  const posted = await fetch(page.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card_number: card, exp: '12 / 34', cvc: '123', email: 'ap@example.com' }),
  });
  let next = String(posted.headers.get('location'));
  if (next.includes('/3ds/authenticate/')) {
    const back = await authenticate(next, 'complete');
    next = String((await fetch(String(back), { redirect: 'manual' })).headers.get('location'));
  }
  expect(next).toContain(`/tenants/${tenant.publicId}/billing?payment_method=added`);
  const cs = await p.stripe.checkout.sessions.retrieve(page.id);
  expect(cs).toMatchObject({ mode: 'setup', status: 'complete' });
  // the method's setup_intent.succeeded went through the pipeline as the tenant's billing
  await waitFor(
    async () =>
      (
        await systemRows<{ tenant_id: string }>(
          p.t.database,
          `select tenant_id from stripe_events where type = 'setup_intent.succeeded'
             and payload->'data'->'object'->>'id' = '${cs.setup_intent}' and status = 'processed'`,
        )
      )[0]?.tenant_id === tenant.id || null,
    'setup_intent.succeeded applied as billing',
    pipelineState(p),
  );
}

const defaultOnceSet = (api: Api) =>
  waitFor(async () => (await methods(api)).find((m) => m.is_default) ?? null, 'a default payment method');

beforeAll(async () => {
  p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express' });
  await defaultFreePlan(p.t);
  pro = await paidPlan(p.t, p.stripe, { name: 'Account Pro', amount: 2900 });
});
afterAll(() => p?.close());

describe("the tenant's payment methods with the platform", () => {
  it('adds cards through the hosted page (3-D Secure), lists, makes one the default, removes one', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    expect(await methods(api)).toEqual([]);
    await addCard(a, api, '4000 0025 0000 3155');
    const first = await defaultOnceSet(api);
    expect(first).toMatchObject({
      type: 'card',
      brand: 'visa',
      last4: '3155',
      exp_month: 12,
      exp_year: 2034,
      is_default: true,
    });
    // never more card data than a person needs to recognise it
    expect(Object.keys(first).sort()).toEqual(
      [
        'bank_name',
        'brand',
        'created',
        'exp_month',
        'exp_year',
        'id',
        'is_default',
        'last4',
        'object',
        'type',
      ].sort(),
    );
    const customer = (await billingRow(a)).stripe_customer_id!;
    expect(customer).toMatch(/^cus_/);

    // a second card: saved, the default kept
    await addCard(a, api, '4242 4242 4242 4242');
    const both = await waitFor(async () => {
      const list = await methods(api);
      return list.length === 2 ? list : null;
    }, 'two methods');
    const second = both.find((m) => m.last4 === '4242')!;
    expect(second.is_default).toBe(false);
    expect(both.find((m) => m.is_default)!.id).toBe(first.id);

    const made = await api('POST', `/billing/payment_methods/${second.id}/default`);
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({ id: second.id, is_default: true });
    const c = await p.stripe.customers.retrieve(customer);
    expect(
      (c as { invoice_settings: { default_payment_method: string } }).invoice_settings.default_payment_method,
    ).toBe(second.id);

    const removed = await api('DELETE', `/billing/payment_methods/${first.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ id: first.id, deleted: true });
    expect((await methods(api)).map((m) => m.id)).toEqual([second.id]);

    const audit = await systemRows<{ action: string }>(
      p.t.database,
      `select action from audit_log where tenant_id = '${a.id}' and action like 'billing.%'`,
    );
    expect(audit.map((x) => x.action)).toEqual(
      expect.arrayContaining([
        'billing.payment_method_setup_opened',
        'billing.default_payment_method_set',
        'billing.payment_method_removed',
      ]),
    );
  });

  it("a pm id of another customer is a 404, whoever's it is", async () => {
    const a = await createTestTenant(p.t);
    const b = await createTestTenant(p.t);
    const apiA = tenantApi(p.t, a);
    const apiB = tenantApi(p.t, b);
    await addCard(a, apiA, '4242 4242 4242 4242');
    const mine = await defaultOnceSet(apiA);
    // b has no customer yet, then one of its own
    expect((await apiB('POST', `/billing/payment_methods/${mine.id}/default`)).statusCode).toBe(404);
    await apiB('POST', '/billing/contact', { email: 'b@example.com', name: 'B Ltd' });
    // a card attached to no customer at all, and a's card: neither is b's
    const loose = await p.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    for (const id of [mine.id, loose.id, 'pm_nope', 'not-an-id']) {
      for (const [method, url] of [
        ['POST', `/billing/payment_methods/${id}/default`],
        ['DELETE', `/billing/payment_methods/${id}`],
      ] as const) {
        const r = await apiB(method, url);
        expect(r.statusCode, `${method} ${url}`).toBe(404);
        expect(r.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
      }
    }
    // nothing happened to a's card
    expect((await methods(apiA)).map((m) => [m.id, m.is_default])).toEqual([[mine.id, true]]);
  });

  it('the only card while a plan invoice is open: 409 and nothing detached', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    // no card yet: the first plan invoice waits open
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    await addCard(a, api, '4242 4242 4242 4242');
    const only = await defaultOnceSet(api);
    const r = await api('DELETE', `/billing/payment_methods/${only.id}`);
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error).toMatchObject({
      code: 'only_payment_method_with_open_invoice',
      param: 'payment_method',
    });
    expect((await methods(api)).map((m) => m.id)).toEqual([only.id]);
    const pm = await p.stripe.paymentMethods.retrieve(only.id);
    expect(pm.customer).toBe((await billingRow(a)).stripe_customer_id);
  });
});

describe('a bank account and a failed plan invoice', () => {
  it('a US bank account saved on the same page; a failed invoice is in the history with its webhook', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    const r = await api('POST', '/billing/payment_methods/setup', { type: 'us_bank_account' });
    expect(r.statusCode, r.body).toBe(200);
    const saved = await fetch(r.json().url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        method: 'us_bank_account',
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder: 'Pat Doe',
      }),
    });
    expect(saved.headers.get('location')).toContain(`/tenants/${a.publicId}/billing?payment_method=added`);
    const bank = await defaultOnceSet(api);
    expect(bank).toMatchObject({ type: 'us_bank_account', last4: '6789', brand: null, exp_month: null });
    expect(bank.bank_name).toEqual(expect.any(String));

    expect(
      (await api('POST', '/billing/payment_methods/setup', { type: 'cheque' })).json().error,
    ).toMatchObject({
      code: 'parameter_invalid',
      param: 'type',
    });

    const b = await createTestTenant(p.t);
    const apiB = tenantApi(p.t, b);
    expect((await setPlan(b, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const sub = await p.stripe.subscriptions.retrieve((await billingRow(b)).stripe_subscription_id!);
    const invoiceId = String(sub.latest_invoice);
    await expect(
      p.stripe.invoices.pay(invoiceId, { payment_method: 'pm_card_chargeDeclined' }),
    ).rejects.toThrow();
    const hook = await waitFor(
      async () =>
        (
          await systemRows<{ data: Record<string, unknown> }>(
            p.t.database,
            `select data from outbound_events where tenant_id = '${b.id}'
               and type = 'tenant.billing.invoice.payment_failed'`,
          )
        )[0] ?? null,
      'tenant.billing.invoice.payment_failed emitted',
      pipelineState(p),
    );
    expect(hook.data).toMatchObject({
      id: invoiceId,
      tenant: b.publicId,
      status: 'open',
      amount_remaining: 2900,
    });
    const listed = (await apiB('GET', '/billing/invoices')).json().data;
    expect(listed.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [invoiceId, 'open'],
    ]);
  });
});

describe("the tenant's billing contact", () => {
  it('is set on the Stripe customer, validated', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    expect((await api('GET', '/billing/contact')).json()).toMatchObject({
      email: null,
      name: null,
      address: null,
    });
    const bad = await api('POST', '/billing/contact', { email: 'nope', name: 'X' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('email');
    const badCountry = await api('POST', '/billing/contact', {
      email: 'ap@example.com',
      name: 'X',
      address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'USA' },
    });
    expect(badCountry.statusCode).toBe(400);
    expect(badCountry.json().error.param).toBe('address[country]');
    const set = await api('POST', '/billing/contact', {
      email: 'ap@example.com',
      name: 'Acme Accounts',
      address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'us' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const want = {
      object: 'billing_contact',
      email: 'ap@example.com',
      name: 'Acme Accounts',
      address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
    };
    expect(set.json()).toMatchObject(want);
    expect((await api('GET', '/billing/contact')).json()).toMatchObject(want);
    const c = await p.stripe.customers.retrieve((await billingRow(a)).stripe_customer_id!);
    expect(c).toMatchObject({ email: 'ap@example.com', name: 'Acme Accounts' });
  });
});

describe("the tenant's invoices, balance and credits", () => {
  it('a paid plan invoice is in the history (PDF fetchable), with its outbound webhook; a credit note refunds part', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    expect((await api('GET', '/billing/upcoming_invoice')).json()).toEqual({ upcoming_invoice: null });
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const sub = await p.stripe.subscriptions.retrieve((await billingRow(a)).stripe_subscription_id!);
    const invoiceId = String(sub.latest_invoice);
    await p.stripe.invoices.pay(invoiceId, { payment_method: 'pm_card_visa' });
    const listed = await waitFor(
      async () => {
        const data = (await api('GET', '/billing/invoices')).json().data as {
          id: string;
          status: string;
          invoice_pdf: string;
        }[];
        return data.find((i) => i.id === invoiceId && i.status === 'paid') ?? null;
      },
      'the paid invoice mirrored',
      pipelineState(p),
    );
    expect(listed).toMatchObject({
      object: 'billing_invoice',
      status: 'paid',
      currency: 'usd',
      amount_due: 2900,
      amount_paid: 2900,
      amount_remaining: 0,
      number: expect.any(String),
      hosted_invoice_url: expect.any(String),
      period: { start: expect.any(Number), end: expect.any(Number) },
      lines: expect.arrayContaining([
        expect.objectContaining({ amount: 2900, proration: false, period: expect.any(Object) }),
      ]),
    });
    const pdf = await fetch(listed.invoice_pdf);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF');
    const one = await api('GET', `/billing/invoices/${invoiceId}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual(listed);

    const hooks = await waitFor(async () => {
      const rows = await systemRows<{ data: Record<string, unknown> }>(
        p.t.database,
        `select data from outbound_events where tenant_id = '${a.id}' and type = 'tenant.billing.invoice.paid'`,
      );
      return rows.length ? rows : null;
    }, 'tenant.billing.invoice.paid emitted');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.data).toMatchObject({ id: invoiceId, tenant: a.publicId, amount_paid: 2900 });

    // the upcoming renewal
    const upcoming = (await api('GET', '/billing/upcoming_invoice')).json().upcoming_invoice;
    expect(upcoming).toMatchObject({ object: 'billing_upcoming_invoice', currency: 'usd', amount_due: 2900 });
    expect(upcoming.date).toBeGreaterThan(Date.now() / 1000);

    // a credit note refunding 1,000 of it: the platform only, with an Idempotency-Key
    const body = { amount: 1000, refund: true, reason: 'product_unsatisfactory' };
    const tenantTry = await api('POST', `/billing/invoices/${invoiceId}/credit_notes`, body);
    expect(tenantTry.statusCode).toBe(403);
    const key = randomUUID();
    const note = await asPlatform(a, `/invoices/${invoiceId}/credit_notes`, body, key);
    expect(note.statusCode, note.body).toBe(200);
    expect(note.json()).toMatchObject({
      object: 'billing_credit_note',
      invoice: invoiceId,
      amount: 1000,
      refund_amount: 1000,
      credit_amount: 0,
      currency: 'usd',
    });
    // a retry replays: one credit note
    expect((await asPlatform(a, `/invoices/${invoiceId}/credit_notes`, body, key)).json().id).toBe(
      note.json().id,
    );
    const notes = await p.stripe.creditNotes.list({ invoice: invoiceId });
    expect(notes.data).toHaveLength(1);
    const inv = await p.stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
    const pi = String(
      (inv as unknown as { payments: { data: { payment: { payment_intent: string } }[] } }).payments.data[0]!
        .payment.payment_intent,
    );
    const refunds = await p.stripe.refunds.list({ payment_intent: pi });
    expect(refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(1000);

    // credited to the balance instead of refunded
    const credit = await asPlatform(a, `/invoices/${invoiceId}/credit_notes`, { amount: 500, refund: false });
    expect(credit.statusCode, credit.body).toBe(200);
    expect(credit.json()).toMatchObject({ amount: 500, refund_amount: 0, credit_amount: 500 });
    expect((await api('GET', '/billing/balance')).json()).toMatchObject({ balance: -500, credit: 500 });
    expect(refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(1000);

    // too much, and a line that is not the invoice's
    const tooMuch = await asPlatform(a, `/invoices/${invoiceId}/credit_notes`, {
      amount: 999_999,
      refund: true,
    });
    expect(tooMuch.statusCode).toBeGreaterThanOrEqual(400);
    expect(tooMuch.statusCode).toBeLessThan(500);
    const badLine = await asPlatform(a, `/invoices/${invoiceId}/credit_notes`, {
      lines: [{ line: 'il_nope', amount: 100 }],
      refund: false,
    });
    expect(badLine.json().error).toMatchObject({ code: 'resource_missing', param: 'lines[0][line]' });
  });

  it("a first credit must be in the currency of the tenant's plan (it would fix the balance's)", async () => {
    const a = await createTestTenant(p.t);
    const plan = await createPlan(p.t.database, { name: 'Billed in USD', limits: [] });
    await putOnPlan(p.t.database, a.id, plan, { currency: 'usd' });
    const body = { amount: 1000, currency: 'eur', description: 'Goodwill' };
    const refused = await asPlatform(a, '/credits', body);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'parameter_invalid', param: 'currency' });
    const usd = await asPlatform(a, '/credits', { ...body, currency: 'usd' });
    expect(usd.statusCode, usd.body).toBe(200);
  });

  it('a credit is applied by Stripe to the next plan invoice', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    expect((await api('GET', '/billing/balance')).json()).toMatchObject({ balance: 0, credit: 0 });
    const body = { amount: 1000, currency: 'usd', description: 'Sorry for the outage' };
    expect((await api('POST', '/billing/credits', body)).statusCode).toBe(403);
    const credited = await asPlatform(a, '/credits', body);
    expect(credited.statusCode, credited.body).toBe(200);
    expect(credited.json()).toMatchObject({
      object: 'billing_credit',
      id: expect.stringMatching(/^cbtxn_/),
      amount: 1000,
      currency: 'usd',
      ending_balance: -1000,
    });
    expect((await api('GET', '/billing/balance')).json()).toEqual({
      object: 'billing_balance',
      balance: -1000,
      credit: 1000,
      amount_owed: 0,
      currency: 'usd',
    });
    // the balance has its currency: another is Stripe's refusal, a 4xx naming the parameter
    const eur = await asPlatform(a, '/credits', { ...body, currency: 'eur' });
    expect(eur.statusCode, eur.body).toBe(400);
    expect(eur.json().error).toMatchObject({ code: 'parameter_invalid', param: 'currency' });
    expect((await asPlatform(a, '/credits', { ...body, amount: 0 })).json().error.param).toBe('amount');
    expect((await asPlatform(a, '/credits', { ...body, currency: 'kwd', amount: 1005 })).statusCode).toBe(
      400,
    );
    // a card, then the paid plan: its first invoice uses the credit first
    await addCard(a, api, '4242 4242 4242 4242');
    await defaultOnceSet(api);
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const sub = await p.stripe.subscriptions.retrieve((await billingRow(a)).stripe_subscription_id!);
    const invoiceId = String(sub.latest_invoice);
    const mirrored = await waitFor(
      async () => {
        const r = await api('GET', `/billing/invoices/${invoiceId}`);
        return r.statusCode === 200 && r.json().status === 'paid' ? r.json() : null;
      },
      'the first invoice paid',
      pipelineState(p),
    );
    expect(mirrored).toMatchObject({ total: 2900, amount_due: 1900, amount_paid: 1900 });
    expect((await api('GET', '/billing/balance')).json()).toMatchObject({ balance: 0, credit: 0 });
    const audit = await systemRows<{ data: Record<string, unknown> }>(
      p.t.database,
      `select data from audit_log where tenant_id = '${a.id}' and action = 'billing.credit_granted'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ amount: 1000, currency: 'usd' });
  });

  it('the history is refreshable from Stripe, paginated', async () => {
    const a = await createTestTenant(p.t);
    const api = tenantApi(p.t, a);
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const refreshed = await api('POST', '/billing/invoices/refresh');
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json().read).toBeGreaterThanOrEqual(1);
    const page = (await api('GET', '/billing/invoices?limit=1')).json();
    expect(page).toMatchObject({ object: 'list', url: `/v1/tenants/${a.publicId}/billing/invoices` });
    expect(page.data).toHaveLength(1);
    expect(page.data[0].status).toBe('open');
    const other = await createTestTenant(p.t);
    // another tenant's invoice: not found, and not a cursor either
    const apiOther = tenantApi(p.t, other);
    expect((await apiOther('GET', `/billing/invoices/${page.data[0].id}`)).statusCode).toBe(404);
    expect((await apiOther('GET', `/billing/invoices?starting_after=${page.data[0].id}`)).statusCode).toBe(
      404,
    );
  });
});
