import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  restrictedKey,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import {
  connectTenant,
  paidPayment,
  sandboxAdmin,
  sandboxStripe,
  sandboxUrl,
  tenantApi,
} from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

// Support queries (issue 23, docs/support.md): lookups, tenant scoping, refresh from Stripe, and the
// read-only guarantee checked from outside: the sandbox's request log (no non-GET reached Stripe) and every
// table's row count and newest write (only the mirror tables and the audit log changed).

/** Tables a support lookup may write: the audit log always, the mirror on refresh. */
const MIRROR_TABLES = new Set([
  'customers',
  'payment_methods',
  'payments',
  'refunds',
  'disputes',
  'subscriptions',
  'subscription_invoices',
  'stripe_objects',
]);

interface Paid {
  customer: { id: string; stripe_customer_id: string };
  payment: {
    id: string;
    charge_type: string;
    stripe: { payment_intent: string; charge: string; account?: string };
  };
}

describe('support queries', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let supportA: string;
  let paidA: Paid;
  let paidA2: Paid;
  let paidB: Paid;
  let tables: string[];

  const get = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: bearer(key) });

  beforeAll(async () => {
    t = await startTestApp({ env: { SUPPORT_RATE_LIMIT_PER_MINUTE: '1000' } });
    a = await createTestTenant(t, 'Support A');
    b = await createTestTenant(t, 'Support B');
    await connectTenant(t, a);
    await connectTenant(t, b);
    paidA = (await paidPayment(tenantApi(t, a), 'Jo.Doe@Example.com')) as unknown as Paid;
    paidA2 = (await paidPayment(
      tenantApi(t, a),
      'jo.doe@example.COM',
      'pm_card_visa',
      1234,
    )) as unknown as Paid;
    paidB = (await paidPayment(tenantApi(t, b), 'jo.doe@example.com')) as unknown as Paid;
    supportA = await restrictedKey(t, a, ['support:read']);
    tables = (
      await systemRows<{ name: string }>(
        t.database,
        `select table_name as name from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      )
    ).map((r) => r.name);
  });
  afterAll(() => t?.close());

  /** Each table's row count and newest write (xmin); api_keys by count (authenticating touches last_used_at). */
  async function signature(): Promise<Map<string, string>> {
    const rows = await systemRows<{ t: string; s: string }>(
      t.database,
      tables
        .map(
          (name) =>
            `select '${name}' as t, count(*)::text || ':' || ${name === 'api_keys' ? "''" : 'coalesce(max(xmin::text::bigint), 0)::text'} as s from "${name}"`,
        )
        .join(' union all '),
    );
    return new Map(rows.map((r) => [r.t, r.s]));
  }

  async function requestLogLength(): Promise<number> {
    const res = await fetch(`${sandboxUrl(t)}/_sandbox/requests`);
    return ((await res.json()) as { data: unknown[] }).data.length;
  }

  async function requestsSince(n: number): Promise<{ method: string; path: string }[]> {
    const res = await fetch(`${sandboxUrl(t)}/_sandbox/requests`);
    return ((await res.json()) as { data: { method: string; path: string }[] }).data.slice(n);
  }

  it('finds every customer of the tenant by e-mail, whatever its letter case', async () => {
    const res = await get('/v1/support/customers?email=JO.DOE%40example.com', supportA);
    expect(res.statusCode).toBe(200);
    const data = res.json().data as { tenant: { id: string }; customer: { id: string }; source: string }[];
    expect(data.map((d) => d.customer.id).sort()).toEqual([paidA.customer.id, paidA2.customer.id].sort());
    expect(data.every((d) => d.tenant.id === a.publicId && d.source === 'mirror')).toBe(true);
  });

  it('finds by customer, payment, and last4 with amount', async () => {
    for (const q of [
      `customer=${paidA.customer.id}`,
      `customer=${paidA.customer.stripe_customer_id}`,
      `payment=${paidA.payment.id}`,
      `payment=${paidA.payment.stripe.payment_intent}`,
      `payment=${paidA.payment.stripe.charge}`,
      'last4=4242&amount=3000&currency=USD',
    ]) {
      const res = await get(`/v1/support/customers?${q}`, supportA);
      expect(res.statusCode, q).toBe(200);
      expect(
        res.json().data.map((d: { customer: { id: string } }) => d.customer.id),
        q,
      ).toEqual([paidA.customer.id]);
    }
  });

  it('shows one customer with its payments and timeline, from the mirror', async () => {
    const res = await get(`/v1/support/customers/${paidA.customer.id}`, supportA);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      object: 'support_customer',
      tenant: { id: a.publicId, name: 'Support A' },
      customer: { id: paidA.customer.id, email: 'Jo.Doe@Example.com' },
      source: 'mirror',
    });
    expect(body.payments).toEqual([
      expect.objectContaining({ id: paidA.payment.id, amount: 3000, currency: 'usd', status: 'succeeded' }),
    ]);
    expect(body.payment_methods).toEqual([
      {
        id: expect.stringMatching(/^cpm_/),
        type: 'card',
        brand: 'visa',
        last4: '4242',
        exp_month: expect.any(Number),
        exp_year: expect.any(Number),
      },
    ]);
    expect(body.timeline.length).toBeGreaterThan(0);
    const at = body.timeline.map((e: { at: number }) => e.at);
    expect(at).toEqual([...at].sort((x, y) => y - x));
  });

  it('refresh reads a change made at Stripe behind our back, and nothing but GETs reach Stripe', async () => {
    const stripe = sandboxStripe(t);
    const p = paidA.payment;
    const opts = p.charge_type === 'direct' ? { stripeAccount: p.stripe.account } : undefined;
    // made on Stripe directly (no Tributary call, no webhook delivered to us)
    const refund = await stripe.refunds.create(
      { payment_intent: p.stripe.payment_intent, amount: 500 },
      opts,
    );
    const before = await get(`/v1/support/customers/${paidA.customer.id}`, supportA);
    expect(before.json().refunds.map((r: { stripe_id: string }) => r.stripe_id)).not.toContain(refund.id);

    const sig = await signature();
    const logAt = await requestLogLength();
    const fresh = await get(`/v1/support/customers/${paidA.customer.id}?refresh=true`, supportA);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().source).toBe('stripe');
    expect(fresh.json().refunds).toEqual([
      expect.objectContaining({
        stripe_id: refund.id,
        amount: 500,
        payment: p.id,
        expected_arrival: expect.any(Object),
      }),
    ]);
    const sent = await requestsSince(logAt);
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
    const after = await signature();
    const changed = [...after].filter(([k, v]) => sig.get(k) !== v).map(([k]) => k);
    expect(changed.filter((k) => !MIRROR_TABLES.has(k) && k !== 'audit_log')).toEqual([]);
    expect(changed).toContain('refunds');
    expect(fresh.json().refunds[0].arn).toBeNull();

    // the card network settles it: Stripe gives its ARN, which the next refresh shows
    await sandboxAdmin(t, 'refunds/settle', { refund: refund.id });
    const settled = await get(`/v1/support/customers/${paidA.customer.id}?refresh=true`, supportA);
    expect(settled.json().refunds[0]).toMatchObject({
      stripe_id: refund.id,
      status: 'succeeded',
      arn: expect.stringMatching(/^\d{23}$/),
      arn_status: 'available',
    });
    expect(settled.json().timeline.some((e: { summary: string }) => e.summary.includes('ARN'))).toBe(true);
  });

  it('every support route, with and without refresh, sends no non-GET to Stripe and writes only the audit log and the mirror', async () => {
    const urls = [
      `/v1/support/customers?email=jo.doe%40example.com`,
      `/v1/support/customers?customer=${paidA.customer.id}`,
      `/v1/support/customers?payment=${paidA.payment.id}`,
      `/v1/support/customers?last4=4242&amount=1234`,
      `/v1/support/customers/${paidA2.customer.id}`,
      `/v1/support/customers/${paidA2.customer.id}?refresh=true`,
    ];
    for (const url of urls) {
      const sig = await signature();
      const logAt = await requestLogLength();
      const res = await get(url, supportA);
      expect(res.statusCode, url).toBe(200);
      expect(
        (await requestsSince(logAt)).filter((r) => r.method !== 'GET'),
        url,
      ).toEqual([]);
      const after = await signature();
      const changed = [...after].filter(([k, v]) => sig.get(k) !== v).map(([k]) => k);
      const allowed = url.includes('refresh=true') ? MIRROR_TABLES : new Set<string>();
      expect(
        changed.filter((k) => !allowed.has(k) && k !== 'audit_log'),
        url,
      ).toEqual([]);
      expect(changed, url).toContain('audit_log');
    }
  });

  it('a tenant-scoped support key sees its tenant only, and no other route', async () => {
    expect((await get(`/v1/support/customers/${paidB.customer.id}`, supportA)).statusCode).toBe(404);
    expect(
      (await get(`/v1/support/customers/${paidB.customer.id}?tenant=${b.publicId}`, supportA)).statusCode,
    ).toBe(404);
    const byEmail = await get('/v1/support/customers?email=jo.doe%40example.com', supportA);
    expect(byEmail.json().data.some((d: { tenant: { id: string } }) => d.tenant.id === b.publicId)).toBe(
      false,
    );
    expect((await get(`/v1/tenants/${a.publicId}/customers`, supportA)).statusCode).toBe(403);
    expect((await get(`/v1/tenants/${a.publicId}/payments`, supportA)).statusCode).toBe(403);
  });

  it('a platform-wide caller names the tenant or gives a reason', async () => {
    const none = await get('/v1/support/customers?email=jo.doe%40example.com', t.platformKey);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('support_tenant_or_reason_required');
    for (const tenant of ['ten_00000000000000000000000000000000', 'ten_nope']) {
      for (const url of [
        `/v1/support/customers?email=jo.doe%40example.com&tenant=${tenant}`,
        `/v1/support/customers/${paidB.customer.id}?tenant=${tenant}`,
      ]) {
        const res = await get(url, t.platformKey);
        expect([res.statusCode, res.json().error?.code], url).toEqual([404, 'resource_missing']);
      }
    }
    const named = await get(
      `/v1/support/customers?email=jo.doe%40example.com&tenant=${b.publicId}`,
      t.platformKey,
    );
    expect(named.json().data.map((d: { customer: { id: string } }) => d.customer.id)).toEqual([
      paidB.customer.id,
    ]);
    const across = await get(
      '/v1/support/customers?email=jo.doe%40example.com&reason=ticket%20123',
      t.platformKey,
    );
    expect(across.statusCode).toBe(200);
    expect(across.json().data).toHaveLength(3);
    const detail = await get(`/v1/support/customers/${paidB.customer.id}?reason=ticket%20123`, t.platformKey);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().tenant.id).toBe(b.publicId);
    const audit = await systemRows<{ action: string; data: { reason?: string } }>(
      t.database,
      `select action, data from audit_log where action like 'support.%' and data->>'reason' = 'ticket 123'`,
    );
    expect(audit.map((r) => r.action).sort()).toEqual([
      'support.customer.viewed',
      'support.customers.searched',
    ]);
  });

  it('bad input is a 400 with a stable code', async () => {
    const cases: [string, string][] = [
      ['/v1/support/customers', 'support_search_criteria_invalid'],
      [
        `/v1/support/customers?email=x%40y.com&customer=${paidA.customer.id}`,
        'support_search_criteria_invalid',
      ],
      ['/v1/support/customers?customer=nope', 'parameter_invalid'],
      ['/v1/support/customers?payment=re_123', 'parameter_invalid'],
      ['/v1/support/customers?last4=4242&amount=12.5', 'parameter_invalid'],
      ['/v1/support/customers?last4=42&amount=100', 'parameter_invalid'],
      ['/v1/support/customers?last4=4242', 'parameter_missing'],
      ['/v1/support/customers?email=x%40y.com&currency=usd', 'parameter_invalid'],
      ['/v1/support/customers?email=x%40y.com&bogus=1', 'parameter_unknown'],
      [`/v1/support/customers/${paidA.customer.id}?refresh=yes`, 'parameter_invalid'],
      ['/v1/support/customers/nope', 'parameter_invalid'],
    ];
    for (const [url, code] of cases) {
      const res = await get(url, supportA);
      expect([res.statusCode, res.json().error?.code], url).toEqual([400, code]);
    }
  });
});

describe('support refresh on a direct-charge (Standard-like) tenant', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard' } });
    a = await createTestTenant(t, 'Direct');
    await connectTenant(t, a);
  });
  afterAll(() => t?.close());

  it("shows a cancel and a refund made on the tenant's account behind our back, with source stripe", async () => {
    const api = tenantApi(t, a);
    const paid = (await paidPayment(api, 'direct@example.com')) as unknown as Paid;
    expect(paid.payment.charge_type).toBe('direct');
    const product = (await api('POST', '/products', { name: 'Direct plan' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 2000, interval: 'month' })
    ).json();
    const sub = await api('POST', '/subscriptions', {
      customer: paid.customer.id,
      price: price.id,
      trial_period_days: 30,
    });
    expect(sub.statusCode, sub.body).toBe(200);
    const key = await restrictedKey(t, a, ['support:read']);
    const url = `/v1/support/customers/${paid.customer.id}`;
    const before = (await t.app.inject({ method: 'GET', url, headers: bearer(key) })).json();
    expect(before.subscriptions).toEqual([
      expect.objectContaining({
        status: 'trialing',
        plan: expect.objectContaining({ product_name: 'Direct plan' }),
      }),
    ]);
    const stripe = sandboxStripe(t);
    const opts = { stripeAccount: paid.payment.stripe.account };
    await stripe.subscriptions.cancel(before.subscriptions[0].stripe_id, {}, opts);
    const refund = await stripe.refunds.create({ payment_intent: paid.payment.stripe.payment_intent }, opts);
    const logAt = ((await (await fetch(`${sandboxUrl(t)}/_sandbox/requests`)).json()) as { data: unknown[] })
      .data.length;
    const fresh = await t.app.inject({ method: 'GET', url: `${url}?refresh=true`, headers: bearer(key) });
    expect(fresh.statusCode, fresh.body).toBe(200);
    const body = fresh.json();
    expect(body.source).toBe('stripe');
    expect(body.subscriptions).toEqual([expect.objectContaining({ status: 'canceled' })]);
    expect(body.refunds).toEqual([expect.objectContaining({ stripe_id: refund.id, amount: 3000 })]);
    expect(body.payments[0]).toMatchObject({ amount_refunded: 3000 });
    const sent = (
      (await (await fetch(`${sandboxUrl(t)}/_sandbox/requests`)).json()) as {
        data: { method: string; account?: string | null }[];
      }
    ).data.slice(logAt);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('support refresh of a dispute', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Disputed');
    await connectTenant(t, a);
  });
  afterAll(() => t?.close());

  it('shows a dispute Stripe opened, with its reason and evidence due date, once refreshed', async () => {
    const paid = (await paidPayment(
      tenantApi(t, a),
      'disputed@example.com',
      'pm_card_createDispute',
    )) as unknown as Paid;
    const key = await restrictedKey(t, a, ['support:read']);
    const url = `/v1/support/customers/${paid.customer.id}?refresh=true`;
    const res = await t.app.inject({ method: 'GET', url, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    const [dispute] = res.json().disputes;
    expect(dispute).toMatchObject({
      stripe_id: expect.stringMatching(/^dp_/),
      payment: paid.payment.id,
      amount: 3000,
      status: expect.any(String),
      reason: expect.any(String),
      evidence_due_by: expect.any(Number),
    });
    expect(res.json().payments[0].dispute_status).toBe(dispute.status);
    expect(res.json().timeline.some((e: { kind: string }) => e.kind === 'dispute')).toBe(true);
  });
});

describe('support rate limit', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp({ env: { SUPPORT_RATE_LIMIT_PER_MINUTE: '3' } });
    a = await createTestTenant(t, 'Limited');
  });
  afterAll(() => t?.close());

  it('limits platform-wide callers per credential, not tenant callers', async () => {
    const url = `/v1/support/customers?email=x%40example.com&tenant=${a.publicId}`;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await t.app.inject({ method: 'GET', url, headers: bearer(t.platformKey) })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await t.app.inject({ method: 'GET', url, headers: bearer(t.platformKey) });
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const key = await restrictedKey(t, a, ['support:read']);
    for (let i = 0; i < 5; i++)
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/v1/support/customers?email=x%40example.com',
            headers: bearer(key),
          })
        ).statusCode,
      ).toBe(200);
  });
});
