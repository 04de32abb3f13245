import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPrice } from '../../src/billing/plans/repo.ts';
import { applySubscription } from '../../src/billing/tenant-plan/sync.ts';
import type { Database } from '../../src/db/client.ts';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  restrictedKey,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { createDatabase } from '../helpers/db.ts';
import { sandboxStripe } from '../helpers/payments.ts';

// The plans catalogue on a database of its own: plans and the default plan are platform-wide.

type Plan = {
  id: string;
  free: boolean;
  is_default: boolean;
  archived: boolean;
  limits_version: number;
  stripe_product_id: string | null;
  features: Record<string, boolean>;
  prices: {
    currency: string;
    interval: string;
    unit_amount: number;
    active: boolean;
    stripe_price_id: string | null;
  }[];
  limits: { metric: string; currency: string | null; limit: number; enforcement: string }[];
  overage_prices: {
    metric: string;
    currency: string;
    interval: string;
    limit: number;
    stripe_price_id: string | null;
  }[];
};

const PRO = {
  name: 'Pro',
  lookup_key: 'pro',
  description: 'For growing platforms',
  trial_days: 14,
  prices: [
    { currency: 'usd', interval: 'month', unit_amount: 4900 },
    { currency: 'usd', interval: 'year', unit_amount: 49000 },
    { currency: 'jpy', interval: 'month', unit_amount: 7000 },
    { currency: 'kwd', interval: 'month', unit_amount: 15_000 },
  ],
  limits: [
    {
      metric: 'payment_volume',
      currency: 'usd',
      limit: 10_000_000,
      enforcement: 'soft',
      overage_unit_amount_decimal: '0.01',
    },
    { metric: 'payment_volume', currency: 'jpy', limit: 1_500_000, enforcement: 'hard' },
    { metric: 'payment_volume', currency: 'kwd', limit: 3_000_000, enforcement: 'hard' },
    { metric: 'seats', limit: 10, enforcement: 'hard' },
    { metric: 'api_calls', limit: 1000, enforcement: 'soft', overage_unit_amount_decimal: '0.5' },
  ],
  features: { sso: false, webhooks: true },
};

describe('plans catalogue', () => {
  let database: Database;
  let t: TestApp;
  let stripe: Stripe;
  let tenant: TestTenant;
  let pro: Plan;
  let subscriptionId: string;
  const op = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.platformKey), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    database = await createDatabase();
    t = await startTestApp({ database });
    stripe = sandboxStripe(t);
    tenant = await createTestTenant(t, 'Subscriber');
  });
  afterAll(async () => {
    await t?.close();
    await database?.close();
  });

  it('creates a paid plan with its product, prices, meters and overage prices on the platform account', async () => {
    const res = await op('POST', '/v1/billing/plans', PRO);
    expect(res.statusCode, res.body).toBe(200);
    pro = res.json();
    expect(pro.id).toMatch(/^plan_/);
    expect(pro.free).toBe(false);
    expect(pro.prices.map((p) => [p.currency, p.interval, p.unit_amount, p.active])).toEqual(
      expect.arrayContaining([
        ['usd', 'month', 4900, true],
        ['usd', 'year', 49000, true],
        ['jpy', 'month', 7000, true],
        ['kwd', 'month', 15000, true],
      ]),
    );
    const product = await stripe.products.retrieve(pro.stripe_product_id!);
    expect(product.metadata).toMatchObject({ tributary_kind: 'platform_plan', tributary_plan_id: pro.id });
    const usdMonth = pro.prices.find((p) => p.currency === 'usd' && p.interval === 'month')!;
    const price = await stripe.prices.retrieve(usdMonth.stripe_price_id!);
    expect(price).toMatchObject({
      unit_amount: 4900,
      currency: 'usd',
      lookup_key: 'tributary_pro_usd_month',
    });
    expect(price.recurring?.interval).toBe('month');
    // overage: api_calls on every price, payment_volume only in usd (the soft one)
    const overage = pro.overage_prices
      .map((o) => `${o.metric}/${o.currency}/${o.interval}/${o.limit}`)
      .sort();
    expect(overage).toEqual([
      'api_calls/jpy/month/1000',
      'api_calls/kwd/month/1000',
      'api_calls/usd/month/1000',
      'api_calls/usd/year/12000',
      'payment_volume/usd/month/10000000',
      'payment_volume/usd/year/120000000',
    ]);
    const yearly = pro.overage_prices.find((o) => o.metric === 'api_calls' && o.interval === 'year')!;
    const metered = await stripe.prices.retrieve(yearly.stripe_price_id!, { expand: ['tiers'] });
    expect(metered.recurring).toMatchObject({ usage_type: 'metered', interval: 'year' });
    expect(metered.tiers_mode).toBe('graduated');
    expect(
      metered.tiers?.map((x) => [
        x.up_to,
        x.unit_amount_decimal === null ? null : String(x.unit_amount_decimal),
      ]),
    ).toEqual([
      [12000, '0'],
      [null, '0.5'],
    ]);
    const meters = await stripe.billing.meters.list();
    expect(meters.data.map((m) => [m.event_name, m.default_aggregation.formula]).sort()).toEqual([
      ['tributary_api_calls', 'sum'],
      ['tributary_payment_volume', 'sum'],
    ]);
  });

  it('makes a free default plan without any Stripe object', async () => {
    const res = await op('POST', '/v1/billing/plans', {
      name: 'Free',
      lookup_key: 'free',
      prices: [{ currency: 'usd', interval: 'month', unit_amount: 0 }],
      limits: [{ metric: 'seats', limit: 2, enforcement: 'hard' }],
      is_default: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ free: true, is_default: true, stripe_product_id: null });
    expect(res.json().prices[0].stripe_price_id).toBeNull();
  });

  it('a price change makes a new Price and leaves existing subscribers on theirs, until migrated', async () => {
    const usdMonth = pro.prices.find((p) => p.currency === 'usd' && p.interval === 'month' && p.active)!;
    // the tenant subscribes on the platform account (a trial: no card needed)
    const customer = await stripe.customers.create({ name: 'Subscriber' });
    // the plan's price and its overage prices in the subscription's currency and interval
    const overage = pro.overage_prices.filter((o) => o.currency === 'usd' && o.interval === 'month');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [usdMonth, ...overage].map((p) => ({ price: p.stripe_price_id! })),
      trial_period_days: 14,
    });
    subscriptionId = sub.id;
    const planId = fromPublicId('plan', pro.id)!;
    const oldRowId = await withTenant(t.database.db, tenant.id, async (tx) => {
      const price = await currentPrice(tx, planId, 'usd', 'month');
      const now = new Date();
      await tx.insert(tenantBilling).values({
        tenantId: tenant.id,
        planId,
        planPriceId: price!.id,
        currency: 'usd',
        interval: 'month',
        stripeCustomerId: customer.id,
        stripeSubscriptionId: sub.id,
        periodStart: now,
        periodEnd: new Date(now.getTime() + 30 * 86_400_000),
      });
      return price!.id;
    });

    const change = {
      prices: PRO.prices.map((p) =>
        p.currency === 'usd' && p.interval === 'month' ? { ...p, unit_amount: 5900 } : p,
      ),
      features: { sso: true, webhooks: true, audit: true },
    };
    const preview = await op('POST', `/v1/billing/plans/${pro.id}/preview`, change);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      tenants_on_plan: 1,
      features_added: ['audit', 'sso'],
      features_removed: [],
      limits_version_bump: false,
      tenants_with_new_limits: 0,
    });
    expect(preview.json().prices).toContainEqual({
      currency: 'usd',
      interval: 'month',
      change: 'changed',
      old_unit_amount: 4900,
      new_unit_amount: 5900,
      tenants_keeping_price: 1,
    });
    // the preview saved nothing
    expect(
      (await op('GET', `/v1/billing/plans/${pro.id}`))
        .json()
        .prices.filter((p: Plan['prices'][0]) => p.unit_amount === 5900),
    ).toEqual([]);

    const saved = await op('POST', `/v1/billing/plans/${pro.id}`, change);
    expect(saved.statusCode, saved.body).toBe(200);
    const after: Plan = saved.json();
    const usd = after.prices.filter((p) => p.currency === 'usd' && p.interval === 'month');
    expect(usd.map((p) => [p.unit_amount, p.active])).toEqual([
      [5900, true],
      [4900, false],
    ]);
    expect(usd[0]!.stripe_price_id).not.toBe(usdMonth.stripe_price_id);
    expect((await stripe.prices.retrieve(usd[0]!.stripe_price_id!)).unit_amount).toBe(5900);
    // other prices untouched, limits too
    expect(after.prices.filter((p) => p.active)).toHaveLength(4);
    expect(after.limits_version).toBe(1);
    // the subscriber keeps its price, here and on Stripe
    const stillAt = new Date();
    const still = await stripe.subscriptions.retrieve(sub.id);
    expect(still.items.data.map((i) => i.price.id)).toContain(usdMonth.stripe_price_id);
    const row = await withTenant(t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    expect(row[0]!.planPriceId).toBe(oldRowId);

    // the preview of the next edit counts it on the superseded price
    const again = await op('POST', `/v1/billing/plans/${pro.id}/preview`, {});
    expect(again.json().superseded).toEqual([
      { currency: 'usd', interval: 'month', unit_amount: 4900, tenants: 1 },
    ]);

    const migrated = await op('POST', `/v1/billing/plans/${pro.id}/migrate`, {
      currency: 'usd',
      interval: 'month',
    });
    expect(migrated.statusCode, migrated.body).toBe(200);
    expect(migrated.json()).toMatchObject({ migrated: 1, failed: [], unit_amount: 5900 });
    const moved = await stripe.subscriptions.retrieve(sub.id);
    expect(moved.items.data.map((i) => i.price.id).sort()).toEqual(
      [usd[0]!.stripe_price_id, ...overage.map((o) => o.stripe_price_id)].sort(),
    );
    const rowAfter = await withTenant(t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    expect(rowAfter[0]!.planPriceId).not.toBe(oldRowId);
    // an event's snapshot read before the migration (still on the old price), applied after it, leaves the
    // tenant on the new price
    await withTenant(t.database.db, tenant.id, (tx) => applySubscription(tx, tenant.id, still, stillAt));
    const kept = await withTenant(t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    expect(kept[0]!.planPriceId).toBe(rowAfter[0]!.planPriceId);
    // audited in the tenant's log and the platform's
    const tenantLog = await op('GET', `/v1/tenants/${tenant.publicId}/audit_log`);
    expect(tenantLog.json().data.map((e: { action: string }) => e.action)).toContain(
      'billing.plan_price_migrated',
    );
    const platformLog = await op('GET', '/v1/audit_log');
    const actions = platformLog.json().data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['plan.created', 'plan.updated', 'plan.migrated']));
    // a second migration finds nobody left
    const twice = await op('POST', `/v1/billing/plans/${pro.id}/migrate`, {
      currency: 'usd',
      interval: 'month',
    });
    expect(twice.json().migrated).toBe(0);
  });

  it('a limit change bumps the limits version and replaces the overage price', async () => {
    const before: Plan = (await op('GET', `/v1/billing/plans/${pro.id}`)).json();
    const oldOverage = before.overage_prices.find(
      (o) => o.metric === 'api_calls' && o.currency === 'usd' && o.interval === 'month',
    )!;
    const limits = PRO.limits.map((l) => (l.metric === 'api_calls' ? { ...l, limit: 2000 } : l));
    const preview = await op('POST', `/v1/billing/plans/${pro.id}/preview`, { limits });
    expect(preview.json()).toMatchObject({ limits_version_bump: true, tenants_with_new_limits: 1 });
    expect(preview.json().limits).toEqual([
      {
        metric: 'api_calls',
        currency: null,
        old: { limit: 1000, enforcement: 'soft', overage_unit_amount_decimal: '0.5' },
        new: { limit: 2000, enforcement: 'soft', overage_unit_amount_decimal: '0.5' },
      },
    ]);
    const res = await op('POST', `/v1/billing/plans/${pro.id}`, { limits });
    expect(res.statusCode, res.body).toBe(200);
    const after: Plan = res.json();
    expect(after.limits_version).toBe(before.limits_version + 1);
    const replaced = after.overage_prices.find(
      (o) => o.metric === 'api_calls' && o.currency === 'usd' && o.interval === 'month',
    )!;
    expect(replaced.limit).toBe(2000);
    expect(replaced.stripe_price_id).not.toBe(oldOverage.stripe_price_id);
    const tiers = (await stripe.prices.retrieve(replaced.stripe_price_id!, { expand: ['tiers'] })).tiers!;
    expect(tiers[0]!.up_to).toBe(2000);
    // payment_volume overage untouched
    expect(after.overage_prices.filter((o) => o.metric === 'payment_volume')).toEqual(
      before.overage_prices.filter((o) => o.metric === 'payment_volume'),
    );
    // a limits body missing a price currency's payment_volume is refused on the plan as it would be
    const bad = await op('POST', `/v1/billing/plans/${pro.id}`, {
      limits: PRO.limits.filter((l) => !(l.metric === 'payment_volume' && l.currency === 'jpy')),
    });
    expect(bad.statusCode, bad.body).toBe(400);

    // the subscriber's api_calls overage item moves to the new overage price when the operator migrates
    const before2 = await stripe.subscriptions.retrieve(subscriptionId);
    expect(before2.items.data.map((i) => i.price.id)).toContain(oldOverage.stripe_price_id);
    const migrated = await op('POST', `/v1/billing/plans/${pro.id}/migrate`, {
      currency: 'usd',
      interval: 'month',
    });
    expect(migrated.json()).toMatchObject({ migrated: 1, failed: [] });
    const after2 = await stripe.subscriptions.retrieve(subscriptionId);
    const prices = after2.items.data.map((i) => i.price.id);
    expect(prices).toContain(replaced.stripe_price_id);
    expect(prices).not.toContain(oldOverage.stripe_price_id);
    expect(prices).toHaveLength(3);
    expect(bad.json().error).toMatchObject({ code: 'parameter_invalid', param: 'limits' });
  });

  it('tenants see the public plans not archived, with current prices only; operator routes are not theirs', async () => {
    const hidden = await op('POST', '/v1/billing/plans', {
      name: 'Enterprise',
      lookup_key: 'enterprise',
      public: false,
    });
    expect(hidden.statusCode, hidden.body).toBe(200);
    const gone = await op('POST', '/v1/billing/plans', { name: 'Legacy', lookup_key: 'legacy' });
    expect((await op('POST', `/v1/billing/plans/${gone.json().id}/archive`)).json().archived).toBe(true);

    const seen = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/billing/plans`,
      headers: bearer(tenant.key),
    });
    expect(seen.statusCode, seen.body).toBe(200);
    const plans: Plan[] = seen.json().data;
    expect(plans.map((p) => p.id)).toContain(pro.id);
    expect(plans).toHaveLength(2);
    expect(plans.some((p) => p.id === hidden.json().id || p.id === gone.json().id)).toBe(false);
    expect(plans.find((p) => p.id === pro.id)!.prices.every((p) => p.active)).toBe(true);

    const member = await sessionFor(t, tenant, 'plans-member@example.com', 'member');
    const memberSees = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/billing/plans`,
      headers: asSession(member),
    });
    expect(memberSees.statusCode).toBe(200);
    const noScope = await restrictedKey(t, tenant, ['payments:read']);
    const refused = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/billing/plans`,
      headers: bearer(noScope),
    });
    expect(refused.statusCode).toBe(403);

    for (const [method, url] of [
      ['GET', '/v1/billing/plans'],
      ['POST', '/v1/billing/plans'],
      ['GET', `/v1/billing/plans/${pro.id}`],
      ['POST', `/v1/billing/plans/${pro.id}/archive`],
      ['POST', `/v1/billing/plans/${pro.id}/migrate`],
      ['GET', '/v1/billing/currency_rates'],
    ] as const) {
      for (const headers of [bearer(tenant.key), asSession(member)]) {
        const res = await t.app.inject({ method, url, headers, payload: method === 'POST' ? {} : undefined });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      }
    }
    expect((await op('GET', `/v1/billing/plans/${pro.id}`)).json().archived).toBe(false);
  });

  it('archives a plan (not the default) and archives its product on Stripe', async () => {
    const list = await op('GET', '/v1/billing/plans?archived=false');
    const free = list.json().data.find((p: Plan) => p.is_default);
    const refused = await op('POST', `/v1/billing/plans/${free.id}/archive`);
    expect(refused.statusCode, refused.body).toBe(400);
    // a new name reaches the product (what the tenants' invoices show)
    const renamed = await op('POST', `/v1/billing/plans/${pro.id}`, { name: 'Pro Plus', description: null });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await stripe.products.retrieve(pro.stripe_product_id!)).toMatchObject({ name: 'Pro Plus' });
    const archived = await op('POST', `/v1/billing/plans/${pro.id}/archive`);
    expect(archived.json()).toMatchObject({ archived: true, public: false });
    expect((await stripe.products.retrieve(pro.stripe_product_id!)).active).toBe(false);
    const onlyArchived = (await op('GET', '/v1/billing/plans?archived=true'))
      .json()
      .data.map((p: Plan) => p.id);
    expect(onlyArchived).toContain(pro.id);
    expect(onlyArchived).not.toContain(free.id);
    expect((await op('GET', '/v1/billing/plans/plan_00000000000000000000000000000000')).statusCode).toBe(404);
  });
});
