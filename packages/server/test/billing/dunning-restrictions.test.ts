import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedIn } from '../../src/billing/entitlements-cache.ts';
import { type BillingState, tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import type { RouteAccess } from '../../src/http/access.ts';
import { type DunningRule, dunningRefusal, registerDunning } from '../../src/http/dunning.ts';
import { asSession, bearer, createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import {
  fillPayments,
  type PaymentFixtures,
  paidPayment,
  paymentFixtures,
  tenantApi,
} from '../helpers/payments.ts';
import { registeredRoutes } from '../helpers/registered.ts';
import { tenantRoutes } from '../helpers/routes.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

// What a tenant's own credentials may do in each phase of dunning (http/dunning.ts), on a connected tenant
// with real payments and a dispute, the webhook pipeline and a worker running.

const MUTATING = new Set(['POST', 'DELETE', 'PATCH', 'PUT']);

/** Moves the tenant's billing state as the dunning engine does: the row, and the entitlements forgotten. */
async function setState(p: Pipeline, tenantId: string, state: BillingState): Promise<void> {
  await withTenant(p.t.database.db, tenantId, async (tx) => {
    changedIn(tx, tenantId);
    await tx
      .update(tenantBilling)
      .set({ state, updatedAt: new Date() })
      .where(eq(tenantBilling.tenantId, tenantId));
  });
}

/** Every mutating route naming a tenant that a tenant credential can call, with its declared rule. */
async function tenantMutatingRoutes(): Promise<Map<string, DunningRule | undefined>> {
  const out = new Map<string, DunningRule | undefined>();
  for (const [name, route] of await registeredRoutes()) {
    const config = route.config as { access?: RouteAccess; dunning?: DunningRule } | undefined;
    const access = config?.access;
    // platform-only routes are the platform's, never restricted
    if (!MUTATING.has(name.split(' ')[0]!) || typeof access !== 'object' || !('tenant' in access)) continue;
    out.set(name, config?.dunning);
  }
  return out;
}

describe('dunning restrictions', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let fx: PaymentFixtures;
  let rules: Map<string, DunningRule | undefined>;

  beforeAll(async () => {
    p = await startPipeline({ DUNNING_RESTRICTED_FEATURES: 'campaigns,exports' });
    tenant = await createTestTenant(p.t);
    fx = await paymentFixtures(p.t, tenant);
    rules = await tenantMutatingRoutes();
  }, 120_000);
  afterAll(() => p?.close());

  const api = () => tenantApi(p.t, tenant);
  const refusedWith = (res: { statusCode: number; json(): { error: { code: string } } }, code: string) => {
    expect(res.statusCode).toBe(402);
    expect(res.json().error.code).toBe(code);
  };

  it('every mutating route a tenant credential can call declares its rule in dunning', async () => {
    const unclassified = [...rules].filter(([, rule]) => rule === undefined).map(([name]) => name);
    expect(unclassified).toEqual([]);
    // the table the isolation and RBAC suites read has them all
    const table = tenantRoutes.filter((r) => MUTATING.has(r.method)).map((r) => `${r.method} ${r.path}`);
    for (const name of rules.keys()) expect(table).toContain(name);
  });

  it('a rule that is not one of the four is refused at start-up', async () => {
    const app = Fastify();
    registerDunning(app, p.t.database.db, async () => 'active');
    expect(() =>
      app.post('/v1/tenants/:id/x', { config: { dunning: 'sometimes' as DunningRule } }, async () => ({})),
    ).toThrow(/unknown dunning rule/);
    await app.close();
  });

  it('the policy: growth is refused from warning on, the rest only once suspended; the grace period refuses nothing', () => {
    expect(dunningRefusal('past_due', 'growth')).toBeNull();
    expect(dunningRefusal('warning', 'growth')?.code).toBe('tenant_past_due');
    expect(dunningRefusal('warning', 'new_business')).toBeNull();
    expect(dunningRefusal('warning', 'plan_change')).toBeNull();
    expect(dunningRefusal('warning', 'paid_upgrade')?.code).toBe('tenant_past_due');
    for (const rule of ['growth', 'new_business', 'plan_change', 'paid_upgrade'] as const)
      expect(dunningRefusal('suspended', rule)?.status).toBe(402);
    expect(dunningRefusal('suspended', 'allowed')).toBeNull();
  });

  it('the grace period (past_due) restricts nothing', async () => {
    await setState(p, tenant.id, 'past_due');
    const key = await api()('POST', '/api_keys', {
      name: 'grace',
      type: 'restricted',
      scopes: ['payments:read'],
    });
    expect(key.statusCode).toBe(200);
  });

  it('warning: new API keys and invitations get 402 tenant_past_due; payments go on', async () => {
    await setState(p, tenant.id, 'warning');
    refusedWith(
      await api()('POST', '/api_keys', { name: 'k', type: 'restricted', scopes: ['payments:read'] }),
      'tenant_past_due',
    );
    refusedWith(await api()('POST', '/invitations', { email: 'w@example.com' }), 'tenant_past_due');
    const { payment } = await paidPayment(api(), 'warning-buyer@example.com');
    expect(payment.status).toBe('succeeded');
    const invoice = await api()('POST', '/invoices', {
      lines: [{ description: 'Still selling', quantity: 1, unit_amount: 1000 }],
    });
    expect(invoice.statusCode).toBe(200);
  });

  it('suspended: every route refusing in suspension answers 402 tenant_suspended, before its body is used', async () => {
    await setState(p, tenant.id, 'suspended');
    const byName = new Map(tenantRoutes.map((r) => [`${r.method} ${r.path}`, r]));
    const refusing = [...rules].filter(([, rule]) => rule && rule !== 'allowed');
    expect(refusing.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        'POST /v1/tenants/:id/api_keys',
        'POST /v1/tenants/:id/invitations',
        'POST /v1/tenants/:id/dashboard_links',
        'POST /v1/tenants/:id/payment_intents',
        'POST /v1/tenants/:id/invoices',
        'POST /v1/tenants/:id/invoices/:invoice_id/send',
        'POST /v1/tenants/:id/subscriptions',
        'POST /v1/tenants/:id/billing/quotes',
        'POST /v1/tenants/:id/billing/subscription',
      ]),
    );
    for (const [name] of refusing) {
      const route = byName.get(name)!;
      const res = await p.t.app.inject({
        method: route.method,
        url: fillPayments(route.path, fx).replace(':id', tenant.publicId),
        headers: { ...bearer(tenant.key), 'idempotency-key': randomUUID() },
        ...(route.body ? { payload: route.body } : {}),
      });
      expect(`${name} ${res.statusCode} ${res.json().error?.code}`).toBe(`${name} 402 tenant_suspended`);
    }
  });

  it('suspended: a dashboard session is refused an invitation in words', async () => {
    await setState(p, tenant.id, 'active');
    const owner = await sessionFor(p.t, tenant, `owner-${tenant.publicId}@example.com`, 'owner');
    await setState(p, tenant.id, 'suspended');
    const res = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/invitations`,
      headers: asSession(owner),
      payload: { email: 'someone@example.com' },
    });
    refusedWith(res, 'tenant_suspended');
    expect(res.json().error.message).toMatch(/suspended.*team invitations.*Billing page/);
  });

  it('suspended: reads, refunds, dispute evidence, cancelling, the portal and the billing page still work; webhooks are processed', async () => {
    await setState(p, tenant.id, 'active');
    const { payment } = await paidPayment(api(), 'refund-me@example.com');
    await setState(p, tenant.id, 'suspended');
    for (const path of ['', '/payments', '/api_keys', '/invoices', '/subscriptions', '/billing'])
      expect((await api()('GET', path)).statusCode).toBe(200);
    const refund = await api()('POST', `/payments/${payment.id}/refunds`, { amount: 500 });
    expect(refund.statusCode).toBe(200);
    const evidence = await api()('POST', `/disputes/${fx.dispute_id}/evidence`, {
      evidence: { uncategorized_text: 'Signed agreement attached.' },
      submit: false,
    });
    expect(evidence.statusCode).toBe(200);
    const portal = await api()('POST', `/customers/${fx.customer_id}/portal_session`, {
      return_url: 'https://app.example.com/account',
    });
    expect(portal.statusCode).toBe(200);
    const canceled = await api()('POST', `/subscriptions/${fx.subscription_id}/cancel`, {
      at_period_end: true,
    });
    expect(canceled.statusCode).toBe(200);
    const contact = await api()('POST', '/billing/contact', { email: 'pay@example.com', name: 'Payer' });
    expect(contact.statusCode).toBe(200);
    // the refund's Stripe events reach the worker and are applied for the suspended tenant
    await waitFor(
      async () =>
        (
          await systemRows<{ id: string }>(
            p.t.database,
            `select id from stripe_events where tenant_id = '${tenant.id}' and status = 'processed' and type like '%refund%'`,
          )
        )[0],
      "the refund's webhook event processed",
      pipelineState(p),
    );
  });

  it("suspended: the platform's key is not restricted, and its change is audited as made on a suspended tenant", async () => {
    await setState(p, tenant.id, 'suspended');
    const platformApi = tenantApi(p.t, tenant, p.t.platformKey);
    const key = await platformApi('POST', '/api_keys', {
      name: 'by platform',
      type: 'restricted',
      scopes: ['payments:read'],
    });
    expect(key.statusCode).toBe(200);
    const log = await platformApi('GET', '/audit_log?limit=20');
    const entry = (log.json().data as { action: string; data: Record<string, unknown> }[]).find(
      (e) => e.action === 'billing.suspended_tenant_action',
    );
    expect(entry?.data).toMatchObject({
      state: 'suspended',
      method: 'POST',
      route: '/v1/tenants/:id/api_keys',
    });
  });

  it('entitlements: state and the restricted features in warning and suspended, back when active', async () => {
    const other = await createTestTenant(p.t);
    const plan = await createPlan(p.t.database, {
      name: 'Growth',
      limits: [],
      features: { campaigns: true, exports: true, reports: true },
    });
    await putOnPlan(p.t.database, other.id, plan);
    const read = async () => (await tenantApi(p.t, other, p.t.platformKey)('GET', '/entitlements')).json();
    expect(await read()).toMatchObject({ state: 'active', restricted: [], features: { campaigns: true } });
    for (const state of ['warning', 'suspended'] as const) {
      await setState(p, other.id, state);
      expect(await read()).toMatchObject({
        state,
        restricted: ['campaigns', 'exports'],
        features: { campaigns: false, exports: false, reports: true },
      });
    }
    await setState(p, other.id, 'warning');
    const check = await tenantApi(p.t, other, p.t.platformKey)('POST', '/entitlements/check', {
      feature: 'campaigns',
    });
    expect(check.json()).toMatchObject({ allowed: false, reason: 'restricted' });
    await setState(p, other.id, 'active');
    expect(await read()).toMatchObject({ state: 'active', restricted: [], features: { campaigns: true } });
  });
});
