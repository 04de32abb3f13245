import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMrr } from '../../src/cli/sync-mrr.ts';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxStripe } from '../helpers/payments.ts';
import { systemRows, waitFor } from '../helpers/webhooks.ts';
import { DAY, FEB_1, JAN_1, MAR_1 } from './capture-sandbox.ts';

/**
 * `tributary sync mrr` with no webhook ever delivered (the sandbox has no endpoint for this app): each
 * tenant's customers' subscriptions and its plan with the platform rebuilt from Stripe's current objects —
 * their start or trial end, their end, a discount's end — and a second run adds nothing.
 */
const bySubscriptionAndTime = (x: unknown[], y: unknown[]) =>
  (x[0] as string) < (y[0] as string) ? -1 : x[0] === y[0] ? Number(x[1]) - Number(y[1]) : 1;

describe('tributary sync mrr', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let acct: string;
  const stripe = () => sandboxStripe(t);
  const on = () => ({ stripeAccount: acct });

  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard' } });
    tenant = await createTestTenant(t, 'Backfill');
    acct = await connectTenant(t, tenant);
  });
  afterAll(() => t?.close());

  async function advance(clock: string, to: number, opts?: { stripeAccount: string }) {
    await stripe().testHelpers.testClocks.advance(clock, { frozen_time: to }, opts);
    await waitFor(
      async () =>
        (await stripe().testHelpers.testClocks.retrieve(clock, {}, opts)).status === 'ready' || null,
      'the clock ready',
    );
  }

  const rowsOf = async (table: string, where: string) =>
    (
      await systemRows<{ sub: string; mrr: string; at: string; churn_kind: string | null }>(
        t.database,
        `select stripe_subscription_id as sub, mrr, at, churn_kind from ${table} where ${where}`,
      )
    )
      .map((r) => [r.sub, new Date(r.at).getTime() / 1000, Number(r.mrr), r.churn_kind])
      .sort(bySubscriptionAndTime);

  it("rebuilds a tenant's and the platform's history from Stripe, once", async () => {
    const s = stripe();
    const clock = (await s.testHelpers.testClocks.create({ frozen_time: JAN_1 }, on())).id;
    const product = await s.products.create({ name: 'Pro' }, on());
    const pro = await s.prices.create(
      { product: product.id, currency: 'usd', unit_amount: 10_000, recurring: { interval: 'month' } },
      on(),
    );
    const half = await s.coupons.create(
      { percent_off: 50, duration: 'repeating', duration_in_months: 2 },
      on(),
    );
    const subscribe = async (params: Record<string, unknown>) => {
      const cus = await s.customers.create({ test_clock: clock }, on());
      const pm = await s.paymentMethods.attach('pm_card_visa', { customer: cus.id }, on());
      await s.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, on());
      return s.subscriptions.create(
        { customer: cus.id, items: [{ price: pro.id }], ...params } as never,
        on(),
      );
    };
    const a = await subscribe({});
    const b = await subscribe({});
    const d = await subscribe({ discounts: [{ coupon: half.id }] });
    const f = await subscribe({ trial_period_days: 14 });
    await advance(clock, JAN_1 + 4 * DAY, on());
    await s.subscriptions.update(b.id, { cancel_at_period_end: true }, on());
    await advance(clock, MAR_1 + DAY, on());

    // another tenant on a paid plan with the platform
    const other = await createTestTenant(t, 'Backfill plan');
    const planRes = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/plans',
      headers: { ...bearer(t.platformKey), 'idempotency-key': randomUUID() },
      payload: {
        name: 'Pro',
        lookup_key: `pro_${randomUUID().slice(0, 6)}`,
        prices: [{ currency: 'usd', interval: 'month', unit_amount: 20_000 }],
      },
    });
    expect(planRes.statusCode, planRes.body).toBe(200);
    const planClock = (await s.testHelpers.testClocks.create({ frozen_time: JAN_1 })).id;
    const billingCustomer = await s.customers.create({ name: other.publicId, test_clock: planClock });
    const card = await s.paymentMethods.attach('pm_card_visa', { customer: billingCustomer.id });
    await s.customers.update(billingCustomer.id, { invoice_settings: { default_payment_method: card.id } });
    await withTenant(t.database.db, other.id, (tx) =>
      tx.insert(tenantBilling).values({
        tenantId: other.id,
        planId: fromPublicId('plan', planRes.json().id)!,
        periodStart: new Date(JAN_1 * 1000),
        periodEnd: new Date(FEB_1 * 1000),
        stripeCustomerId: billingCustomer.id,
      }),
    );
    const bought = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${other.publicId}/billing/plan`,
      headers: { ...bearer(t.platformKey), 'idempotency-key': randomUUID() },
      payload: { plan: planRes.json().id, interval: 'month', currency: 'usd' },
    });
    expect(bought.statusCode, bought.body).toBe(200);
    const [planSub] = (await s.subscriptions.list({ customer: billingCustomer.id })).data;

    const gateway = new StripeRef(t.config);
    const first = await syncMrr(t.systemCtx, gateway);
    expect(first.completed).toBeGreaterThanOrEqual(5);
    const expected = [
      [a.id, JAN_1, 10_000, null],
      [b.id, JAN_1, 10_000, null],
      [b.id, FEB_1, 0, 'voluntary'], // its end, not the day it asked
      [d.id, JAN_1, 5_000, null],
      [d.id, MAR_1, 10_000, null], // the discount ran out
      [f.id, JAN_1 + 14 * DAY, 10_000, null], // paying from its trial's end
    ].sort(bySubscriptionAndTime);
    expect(await rowsOf('mrr_changes', `tenant_id = '${tenant.id}'`)).toEqual(expected);
    expect(await rowsOf('platform_mrr_changes', `billed_tenant_id = '${other.id}'`)).toEqual([
      [planSub!.id, JAN_1, 20_000, null],
    ]);
    // mirrored as their events would have
    const mirrored = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from subscriptions where tenant_id = '${tenant.id}'`,
    );
    expect(mirrored[0]?.n).toBe(4);

    const again = await syncMrr(t.systemCtx, gateway);
    expect(again).toMatchObject({ subscriptions: first.subscriptions, completed: 0 });
    // other test files' tenants in a shared database are on other sandboxes: reported, never in the way
    expect(again.failed.map((f) => f.tenant)).not.toContain(tenant.publicId);
    const one = await syncMrr(t.systemCtx, gateway, tenant.id);
    expect(one).toMatchObject({ tenants: 1, subscriptions: 4, completed: 0 });
    expect(await rowsOf('mrr_changes', `tenant_id = '${tenant.id}'`)).toEqual(expected);
  }, 180_000);
});
