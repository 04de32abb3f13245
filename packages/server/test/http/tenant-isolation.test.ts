import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plans } from '../../src/db/schema/index.ts';
import { withSystem } from '../../src/db/tenant.ts';
import { defaultFreePlan } from '../billing/plan-fixtures.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  everyScope,
  restrictedKey,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { fillPayments, type PaymentFixtures, paymentFixtures } from '../helpers/payments.ts';
import { tenantRoutes } from '../helpers/routes.ts';

/**
 * Tenant A's credentials against tenant B's ids, on every tenant route and method: always the 404 a missing
 * id gets (never 403, which would confirm B exists), and B's data unchanged afterwards.
 */
describe('cross-tenant isolation matrix', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let aOwner: TestSession;
  let bOwner: TestSession;
  let bKeyId: string;
  let aRestricted: string;
  let snapshotB: () => Promise<unknown>;
  let bPayments: PaymentFixtures;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Matrix A');
    b = await createTestTenant(t, 'Matrix B');
    aOwner = await sessionFor(t, a, 'matrix-a-owner@example.com', 'owner');
    bOwner = await sessionFor(t, b, 'matrix-b-owner@example.com', 'owner');
    await sessionFor(t, b, 'matrix-b-member@example.com', 'member');
    aRestricted = await restrictedKey(t, a, everyScope);
    bPayments = await paymentFixtures(t, b);
    await paymentFixtures(t, a);
    const keys = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${b.publicId}/api_keys`,
      headers: bearer(b.key),
    });
    bKeyId = keys.json().data[0].id;
    snapshotB = async () => {
      const get = (url: string) =>
        t.app.inject({ method: 'GET', url, headers: bearer(t.platformKey) }).then((r) => r.json());
      const tenant = await get(`/v1/tenants/${b.publicId}`);
      const members = await get(`/v1/tenants/${b.publicId}/members`);
      const apiKeys = await get(`/v1/tenants/${b.publicId}/api_keys`);
      const payments = await get(`/v1/tenants/${b.publicId}/payments/${bPayments.payment_id}`);
      const customer = await get(`/v1/tenants/${b.publicId}/customers/${bPayments.customer_id}`);
      const methods = await get(
        `/v1/tenants/${b.publicId}/customers/${bPayments.customer_id}/payment_methods`,
      );
      const fees = await get(`/v1/tenants/${b.publicId}/fee_schedule`);
      return {
        tenant,
        payments,
        customer,
        methods,
        fees,
        members: members.data,
        keys: apiKeys.data.map((k: { id: string; revoked_at: number | null }) => [k.id, k.revoked_at]),
      };
    };
  });
  afterAll(() => t.close());

  const callers = () => ({
    'tenant secret key': bearer(a.key),
    'restricted key with every scope': bearer(aRestricted),
    'owner session': asSession(aOwner),
  });

  for (const route of tenantRoutes) {
    it(`${route.method} ${route.path} with B's ids answers 404 to A`, async () => {
      const before = await snapshotB();
      for (const [who, headers] of Object.entries(callers())) {
        // B's ids throughout, then A's tenant id with B's sub-resource ids
        const sub =
          /:(user_id|key_id|customer_id|payment_method_id|payment_id|dispute_id|notification_id|event_id|invoice_id|subscription_id|invitation_id|alert_id)/.test(
            route.path,
          );
        const paths = [
          fillPayments(
            route.path
              .replace(':id', b.publicId)
              .replace(':user_id', bOwner.userId)
              .replace(':key_id', bKeyId),
            bPayments,
          ),
          ...(sub
            ? [
                fillPayments(
                  route.path
                    .replace(':id', a.publicId)
                    .replace(':user_id', bOwner.userId)
                    .replace(':key_id', bKeyId),
                  bPayments,
                ),
              ]
            : []),
        ];
        for (const url of paths) {
          // a well-behaved client: money-moving POSTs carry an Idempotency-Key (else a 400 comes first)
          const key = route.idempotency ? { 'idempotency-key': `isolation-${who}-${url}` } : {};
          const res = await t.app.inject({
            method: route.method,
            url,
            headers: { ...headers, ...key },
            payload: route.body,
          });
          expect(res.statusCode, `${who} ${route.method} ${url}: ${res.body}`).toBe(404);
          expect(res.json().error.code).toBe('resource_missing');
        }
      }
      expect(await snapshotB()).toEqual(before);
    });
  }

  it("a 404 for B's id reads exactly like one for an id that never existed", async () => {
    const ghost = 'ten_00000000000000000000000000000000';
    const real = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${b.publicId}`,
      headers: bearer(a.key),
    });
    const missing = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${ghost}`,
      headers: bearer(a.key),
    });
    const strip = (body: { error: { message: string; request_id: string } }) => ({
      ...body.error,
      message: body.error.message.replace(/'.*'/, ''),
      request_id: '',
    });
    expect(strip(real.json())).toEqual(strip(missing.json()));
  });

  it('the platform naming an unknown or malformed tenant gets the same 404 where the route checks it itself', async () => {
    const strip = (body: { error: { message: string; request_id: string } }) => ({
      ...body.error,
      message: body.error.message.replace(/'.*'/, ''),
      request_id: '',
    });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(t.platformKey) });
    const reference = await get('/v1/tenants/ten_00000000000000000000000000000000');
    expect(reference.statusCode).toBe(404);
    // with a default plan, a tenant with no billing row yet is given one on it: never an unknown tenant
    const had = await withSystem(t.database.db, 'operator.billing', (tx) =>
      tx.select({ id: plans.id }).from(plans).where(eq(plans.isDefault, true)),
    );
    const plan = await defaultFreePlan(t);
    for (const id of ['ten_00000000000000000000000000000000', 'ten_nope', 'not-a-tenant']) {
      const res = await get(`/v1/tenants/${id}/entitlements`);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(404);
      expect(strip(res.json())).toEqual(strip(reference.json()));
    }
    expect((await get(`/v1/tenants/${b.publicId}/entitlements`)).statusCode).toBe(200);
    // the files after this one in the worker's database find no default plan, as before
    if (had.length === 0)
      await withSystem(t.database.db, 'operator.billing', (tx) =>
        tx.update(plans).set({ isDefault: false }).where(eq(plans.id, plan.id)),
      );
  });

  it('lists never include another tenant', async () => {
    for (const headers of Object.values(callers())) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/tenants', headers });
      expect(res.json().data.map((x: { id: string }) => x.id)).toEqual([a.publicId]);
    }
    const members = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/members`,
      headers: bearer(a.key),
    });
    expect(members.json().data.map((m: { user: { email: string } }) => m.user.email)).toEqual([
      'matrix-a-owner@example.com',
    ]);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/audit_log?limit=100`,
      headers: bearer(a.key),
    });
    expect(JSON.stringify(audit.json())).not.toContain('matrix-b');
  });

  it("support queries: B's customer is a 404 to A, and no search of A's finds B's", async () => {
    const bCustomer = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${b.publicId}/customers/${bPayments.customer_id}`,
      headers: bearer(b.key),
    });
    const { stripe_customer_id: bStripeId, email: bEmail } = bCustomer.json();
    for (const [who, headers] of Object.entries(callers())) {
      for (const ref of [bPayments.customer_id, bStripeId]) {
        for (const q of ['', `?tenant=${b.publicId}`, '?refresh=true']) {
          const res = await t.app.inject({ method: 'GET', url: `/v1/support/customers/${ref}${q}`, headers });
          expect([res.statusCode, res.json().error?.code], `${who} ${ref}${q}`).toEqual([
            404,
            'resource_missing',
          ]);
        }
      }
      for (const q of [
        `email=${encodeURIComponent(bEmail)}`,
        `customer=${bPayments.customer_id}`,
        `customer=${bStripeId}`,
        `payment=${bPayments.payment_id}`,
      ]) {
        const res = await t.app.inject({ method: 'GET', url: `/v1/support/customers?${q}`, headers });
        expect([res.statusCode, res.json().data], `${who} ${q}`).toEqual([200, []]);
      }
    }
  });

  it('a pagination cursor from B is a missing object to A', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/api_keys?starting_after=${bKeyId}`,
      headers: bearer(a.key),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('resource_missing');
  });

  it('inviting an email that belongs to a user of B reveals nothing about B', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${a.publicId}/dashboard_links`,
      headers: bearer(a.key),
      payload: { email: 'matrix-b-member@example.com' },
    });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['email', 'expires_at', 'object', 'role', 'url']);
    expect(res.body).not.toContain('usr_');
    const members = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${b.publicId}/members`,
      headers: bearer(b.key),
    });
    expect(members.json().data).toHaveLength(2);
  });

  it('platform-only routes refuse tenant credentials', async () => {
    for (const headers of Object.values(callers())) {
      for (const [method, url] of [
        ['GET', '/v1/api_keys'],
        ['GET', '/v1/audit_log'],
        ['GET', '/v1/fee_schedule'],
        ['POST', '/v1/tenants'],
      ] as const) {
        const res = await t.app.inject({
          method,
          url,
          headers,
          payload: method === 'POST' ? { name: 'x' } : undefined,
        });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
    }
  });
});
