import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedIn } from '../../src/billing/entitlements-cache.ts';
import { type BillingState, tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * Plan changes of a tenant in dunning (docs/platform-billing.md, Restrictions): in `warning` its own
 * credentials cannot accept a change that charges now (the failing card would pay it), a change at the
 * period's end still goes through, the platform's key is not restricted; once `suspended` no quote is made.
 */
describe('plan changes in dunning', () => {
  let t: TestApp;
  const lookup = randomUUID().slice(0, 6);
  const platform = (url: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(t.platformKey), 'idempotency-key': randomUUID() },
      payload,
    });

  async function plan(name: string, amount: number): Promise<string> {
    const res = await platform('/v1/billing/plans', {
      name,
      lookup_key: `${name.toLowerCase()}_${lookup}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: amount }],
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id;
  }

  async function setState(tenantId: string, state: BillingState): Promise<void> {
    await withTenant(t.database.db, tenantId, async (tx) => {
      changedIn(tx, tenantId);
      await tx.update(tenantBilling).set({ state }).where(eq(tenantBilling.tenantId, tenantId));
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('warning: an upgrade is 402 tenant_past_due and charges nothing; a downgrade is scheduled; the platform may upgrade', async () => {
    const [basic, pro, enterprise] = [
      await plan('Basic', 5_000),
      await plan('Pro', 10_000),
      await plan('Enterprise', 50_000),
    ];
    const stripe = sandboxStripe(t);
    const tenant = await createTestTenant(t);
    const customer = await stripe.customers.create({
      name: tenant.publicId,
      metadata: { tributary_kind: 'platform_plan' },
    });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const now = new Date();
    await withTenant(t.database.db, tenant.id, (tx) =>
      tx.insert(tenantBilling).values({
        tenantId: tenant.id,
        planId: fromPublicId('plan', basic)!,
        periodStart: now,
        periodEnd: new Date(now.getTime() + 30 * 86_400_000),
        stripeCustomerId: customer.id,
      }),
    );
    const onPro = await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: pro,
      interval: 'month',
      currency: 'usd',
    });
    expect(onPro.statusCode, onPro.body).toBe(200);
    const api = tenantApi(t, tenant);
    const charges = async () =>
      (await stripe.charges.list({ customer: customer.id, limit: 100 })).data.length;

    await setState(tenant.id, 'warning');
    const up = await api('POST', '/billing/quotes', { plan: enterprise, interval: 'month' });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().amount_due).toBeGreaterThan(0);
    const before = await charges();
    const refused = await api('POST', '/billing/subscription', { quote: up.json().id });
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error).toMatchObject({ code: 'tenant_past_due' });
    expect(refused.json().error.message).toContain('a plan change paid now is paused');
    expect(await charges()).toBe(before);
    expect((await api('GET', '/billing')).json().plan.id).toBe(pro);

    // the platform's key acting for the tenant is not restricted: the same quote is accepted and paid
    const byPlatform = await platform(`/v1/tenants/${tenant.publicId}/billing/subscription`, {
      quote: up.json().id,
    });
    expect(byPlatform.statusCode, byPlatform.body).toBe(200);
    expect(byPlatform.json().status).toBe('applied');

    const down = await api('POST', '/billing/quotes', { plan: basic, interval: 'month' });
    expect(down.json()).toMatchObject({ kind: 'downgrade', amount_due: 0 });
    const scheduled = await api('POST', '/billing/subscription', { quote: down.json().id });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json().status).toBe('scheduled');

    await setState(tenant.id, 'suspended');
    const none = await api('POST', '/billing/quotes', { plan: pro, interval: 'month' });
    expect(none.statusCode).toBe(402);
    expect(none.json().error.code).toBe('tenant_suspended');
    // the plan's own cancellation stays open
    expect((await api('POST', '/billing/subscription/cancel')).statusCode).toBe(200);
  });
});
