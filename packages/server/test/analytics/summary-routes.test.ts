import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPlanSubscription, recordTenantSubscription } from '../../src/analytics/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
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
import { copy, DAY, event, T0 } from './capture-fixtures.ts';

// GET …/analytics/summary and …/analytics/retention, for the platform and for a tenant, and which figures a
// caller gets under /v1/analytics: the platform's for the platform, its own for a tenant's key, never
// another's. The history is recorded through the capture (the sandbox-driven tests make it at Stripe).

const FEB = T0 + 31 * DAY; // 2026-02-01
const MAR = FEB + 28 * DAY; // 2026-03-01

describe('analytics summary and retention', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    a = await createTestTenant(t, 'Summary A');
    b = await createTestTenant(t, 'Summary B');
    // A's customers: x pays 100 from January, doubles in February; y pays 50 in January and leaves in February
    await withTenant(t.database.db, a.id, async (tx) => {
      await recordTenantSubscription(tx, a.id, 'sub_x', event(copy('sub_x', 'cus_x', 10_000), T0));
      await recordTenantSubscription(tx, a.id, 'sub_x', event(copy('sub_x', 'cus_x', 20_000), FEB + DAY));
      await recordTenantSubscription(tx, a.id, 'sub_y', event(copy('sub_y', 'cus_y', 5_000), T0));
      await recordTenantSubscription(
        tx,
        a.id,
        'sub_y',
        event(copy('sub_y', 'cus_y', 5_000, { status: 'canceled', ended_at: FEB + 2 * DAY }), FEB + 2 * DAY),
      );
      // A's plan with the platform: 30 francs from January (the platform's figures are every tenant's: a
      // currency no other test's plans use)
      await recordPlanSubscription(
        tx,
        a.id,
        'cus_plan_a',
        event(copy('sub_plan_a', 'cus_plan_a', 3_000, { currency: 'chf' }), T0),
      );
    });
    // B's customer: 700 yen from February
    await withTenant(t.database.db, b.id, async (tx) => {
      await recordTenantSubscription(
        tx,
        b.id,
        'sub_z',
        event(copy('sub_z', 'cus_z', 700, { currency: 'jpy' }), FEB),
      );
    });
  });
  afterAll(() => t?.close());

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  it("a tenant's summary: the month against the one before, with the changes", async () => {
    const res = await get(`/v1/tenants/${a.publicId}/analytics/summary?month=2026-02`, bearer(a.key));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      object: 'analytics.summary',
      scope: 'tenant',
      tenant: a.publicId,
      month: '2026-02',
      previous_month: '2026-01',
    });
    expect(body.data).toHaveLength(1);
    const [usd] = body.data;
    expect(usd.currency).toBe('usd');
    expect(usd.mrr).toEqual({
      value: 20_000,
      previous: 15_000,
      change: 5_000,
      change_ratio: { numerator: '5000', denominator: '15000', percent: '33.33' },
    });
    expect(usd.arr.value).toBe(240_000);
    expect(usd.paying_customers).toMatchObject({ value: 1, previous: 2, change: -1 });
    expect(usd.churned_mrr).toMatchObject({ value: 5_000, previous: 0 });
    // February: start 150, x's 200 at the end → NRR 133.33 %; GRR (150 − 50) ÷ 150
    expect(usd.nrr.value.percent).toBe('133.33');
    expect(usd.grr.value.percent).toBe('66.67');
    expect(usd.customer_churn).toMatchObject({ value: { percent: '50.00' }, previous: null });
    expect(usd.net_volume).toEqual({ value: 0, previous: 0, change: 0, change_ratio: null });
    expect(usd.gmv).toBeUndefined();
    expect(body.definitions.nrr).toMatch(/customers who paid at the start/);
  });

  it("under /v1/analytics a tenant's key reads its own figures; the platform the platform's", async () => {
    const own = await get('/v1/analytics/summary?month=2026-02', bearer(a.key));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ scope: 'tenant', tenant: a.publicId });
    expect(own.json().data.map((r: { currency: string }) => r.currency)).toEqual(['usd']);
    const other = await get('/v1/analytics/summary?month=2026-02', bearer(b.key));
    expect(other.json()).toMatchObject({ scope: 'tenant', tenant: b.publicId });
    expect(
      other.json().data.map((r: { currency: string; mrr: { value: number } }) => [r.currency, r.mrr.value]),
    ).toEqual([['jpy', 700]]);
    const platform = await get('/v1/analytics/summary?month=2026-02&currency=chf', bearer(t.platformKey));
    expect(platform.statusCode, platform.body).toBe(200);
    expect(platform.json()).toMatchObject({ scope: 'platform', tenant: null });
    const [plan] = platform.json().data;
    expect(plan.mrr.value, JSON.stringify(platform.json().data)).toBe(3_000);
    expect(plan).toHaveProperty('gmv');
    expect(plan).not.toHaveProperty('net_volume');
    // every report there: mrr, movements, cohorts
    for (const path of [
      'mrr?from=2026-01&to=2026-02',
      'movements?period=2026-02',
      'cohorts?from=2026-01&to=2026-02',
    ]) {
      const mine = await get(`/v1/analytics/${path}`, bearer(b.key));
      expect(mine.statusCode, `${path}: ${mine.body}`).toBe(200);
      expect(mine.json(), path).toMatchObject({ scope: 'tenant', tenant: b.publicId });
      expect(JSON.stringify(mine.json()), path).not.toContain('cus_x');
    }
    // the fee report too: a tenant's own, never the platform's, and never grouped by tenant
    const fees = await get('/v1/analytics/fees?from=2026-01&to=2026-02', bearer(a.key));
    expect(fees.statusCode, fees.body).toBe(200);
    expect(fees.json().tenant).toBe(a.publicId);
    const grouped = await get('/v1/analytics/fees?group_by=tenant', bearer(a.key));
    expect(grouped.statusCode).toBe(400);
    expect(grouped.json().error).toMatchObject({ code: 'parameter_invalid', param: 'group_by' });
  });

  it('a key without analytics:read is refused; a member must name the tenant; another tenant is a 404', async () => {
    const without = await restrictedKey(t, a, ['payments:read']);
    for (const url of ['/v1/analytics/summary', '/v1/analytics/retention', '/v1/analytics/fees']) {
      const res = await get(url, bearer(without));
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
    }
    const member = await sessionFor(t, a, 'summary-member@example.com', 'member');
    const unnamed = await get('/v1/analytics/summary', asSession(member));
    expect(unnamed.statusCode, unnamed.body).toBe(400);
    expect(unnamed.json().error.code).toBe('analytics_tenant_required');
    const named = await get(`/v1/tenants/${a.publicId}/analytics/summary?month=2026-02`, asSession(member));
    expect(named.statusCode, named.body).toBe(200);
    const elsewhere = await get(`/v1/tenants/${b.publicId}/analytics/retention`, bearer(a.key));
    expect(elsewhere.statusCode).toBe(404);
    const future = await get('/v1/analytics/summary?month=2999-01', bearer(a.key));
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ code: 'analytics_range_invalid', param: 'month' });
  });

  it('retention per period and over the whole range', async () => {
    const res = await get(
      `/v1/tenants/${a.publicId}/analytics/retention?from=2026-01&to=2026-03`,
      bearer(a.key),
    );
    expect(res.statusCode, res.body).toBe(200);
    const [usd] = res.json().data;
    expect(
      usd.periods.map((p: { period: string; nrr: { percent: string } | null }) => [
        p.period,
        p.nrr?.percent ?? null,
      ]),
    ).toEqual([
      ['2026-01', null], // nobody paid on January 1
      ['2026-02', '133.33'],
      ['2026-03', '100.00'],
    ]);
    // nobody paid before the range: no range retention
    expect(usd.range).toMatchObject({ customers_start: 0, nrr: null, grr: null });
    const later = await get(
      `/v1/tenants/${a.publicId}/analytics/retention?from=2026-02&to=2026-03`,
      bearer(a.key),
    );
    // of x (100) and y (50) paying on February 1: x pays 200, y left → NRR 200 ÷ 150, GRR (100 + 0) ÷ 150
    expect(later.json().data[0].range).toEqual({
      customers_start: 2,
      customers_retained: 1,
      mrr_start: 15_000,
      mrr_end: 20_000,
      mrr_kept: 10_000,
      nrr: { numerator: '20000', denominator: '15000', percent: '133.33' },
      grr: { numerator: '10000', denominator: '15000', percent: '66.67' },
      customer_retention: { numerator: '1', denominator: '2', percent: '50.00' },
    });
    expect(MAR).toBeGreaterThan(FEB);
  });

  it('a discount ending in the future never moves the month in progress or the report time', async () => {
    const c = await createTestTenant(t, 'Summary C');
    const now = Math.floor(Date.now() / 1000);
    const end = now + 400 * DAY; // a repeating coupon's end, written ahead as a change at that instant
    await withTenant(t.database.db, c.id, (tx) =>
      recordTenantSubscription(
        tx,
        c.id,
        'sub_w',
        event(
          copy('sub_w', 'cus_w', 10_000, {
            discounts: [
              {
                id: 'di_w',
                start: now - DAY,
                end,
                source: { coupon: { percent_off: 50, duration: 'repeating' } },
              },
            ],
          }),
          now - DAY,
        ),
      ),
    );
    const res = await get(`/v1/tenants/${c.publicId}/analytics/summary`, bearer(c.key));
    expect(res.statusCode, res.body).toBe(200);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(res.json().month).toBe(thisMonth);
    expect(res.json().as_of).toBeLessThan(now + DAY);
    expect(res.json().data[0].mrr.value).toBe(5_000);
    const mrr = await get(`/v1/tenants/${c.publicId}/analytics/mrr`, bearer(c.key));
    expect(mrr.json().as_of).toBeLessThan(now + DAY);
    expect(mrr.json().data[0].periods.at(-1).period).toBe(thisMonth);
  });

  it('CSV with Accept: text/csv: the summary, retention and cohorts', async () => {
    const csv = async (path: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${a.publicId}/analytics/${path}`,
        headers: { ...bearer(a.key), accept: 'text/csv' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      return res.body.trim().split('\r\n');
    };
    const summary = await csv('summary?month=2026-02');
    expect(summary[0]).toBe('currency,figure,value,previous,change,change_percent');
    expect(summary).toContain('usd,mrr,20000,15000,5000,33.33');
    expect(summary).toContain('usd,nrr_percent,133.33,,,');
    const retention = await csv('retention?from=2026-02&to=2026-03');
    expect(retention[0]).toMatch(/^currency,period,mrr_start,/);
    expect(retention).toContain('usd,2026-02,15000,2,1,133.33,66.67,33.33,-33.33,50.00');
    expect(retention.at(-1)).toBe('usd,range,15000,2,,133.33,66.67,,,');
    const cohorts = await csv('cohorts?from=2026-01&to=2026-02');
    expect(cohorts[0]).toBe(
      'currency,cohort,customers,initial_mrr,offset,period,retained_customers,retained_mrr,customer_retention_percent,mrr_retention_percent',
    );
    // x and y first paid in January: 150 then; in February x alone, at 200
    expect(cohorts).toContain('usd,2026-01,2,15000,1,2026-02,1,20000,50.00,133.33');
  });
});
