import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterReportJob } from '../../src/billing/usage/meter.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import {
  bearer,
  createTestTenant,
  restrictedKey,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';
import { createPlan, entitlementsAnnounced, putOnPlan, readEntitlements } from './usage-fixtures.ts';

/** The job a handler is called for outside the queue. */
const testJob = { id: 'test', expireInSeconds: 60 };

// Usage events and entitlements through the API, as the platform's app calls them.
describe('usage events and entitlements API', () => {
  let t: TestApp;
  let plan: string;
  const now = () => Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    t = await startTestApp();
    plan = await createPlan(t.database, {
      name: 'Growth',
      features: { sso: true, audit_export: false },
      limits: [
        { metric: 'api_calls', limit: 100, enforcement: 'hard' },
        { metric: 'reports', limit: 10, enforcement: 'soft', overage: '25' },
      ],
    });
  });
  afterAll(() => t.close());

  const onPlan = async (opts: Parameters<typeof putOnPlan>[3] = {}) => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan, opts);
    return tenant;
  };
  const report = (tenant: TestTenant, body: Record<string, unknown>, key = t.platformKey) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/usage_events`,
      headers: bearer(key),
      payload: { metric: 'api_calls', quantity: 1, timestamp: now(), ...body },
    });
  const entitlements = (tenant: TestTenant, key = t.platformKey) => readEntitlements(t, tenant, key);
  const check = async (tenant: TestTenant, body: Record<string, unknown>, key = t.platformKey) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/entitlements/check`,
      headers: bearer(key),
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('a tenant key cannot report usage (403), even its own; a platform key holding usage:write can', async () => {
    const tenant = await onPlan();
    expect((await report(tenant, { id: 'e1' }, tenant.key)).statusCode).toBe(403);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/usage_events/batch',
      headers: bearer(tenant.key),
      payload: {
        events: [{ tenant: tenant.publicId, metric: 'api_calls', quantity: 1, timestamp: now(), id: 'e1' }],
      },
    });
    expect(batch.statusCode).toBe(403);
    const ok = await report(tenant, { id: 'e1', quantity: 7 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      object: 'usage_event',
      id: 'e1',
      status: 'recorded',
      tenant: tenant.publicId,
    });
  });

  it('an event id counts once: a repeat is answered `duplicate` and adds nothing', async () => {
    const tenant = await onPlan();
    expect((await report(tenant, { id: 'same', quantity: 5 })).json().status).toBe('recorded');
    expect((await report(tenant, { id: 'same', quantity: 5 })).json().status).toBe('duplicate');
    const view = await entitlements(tenant, tenant.key);
    expect(view.metrics.api_calls).toMatchObject({ limit: 100, used: 5, remaining: 95, percent: 5 });
  });

  it('timestamps outside 35 days back and 5 minutes ahead, and measured metrics, are refused with stable codes', async () => {
    const tenant = await onPlan();
    const cases: [Record<string, unknown>, string][] = [
      [{ id: 'old', timestamp: now() - 36 * 86400 }, 'usage_timestamp_too_old'],
      [{ id: 'ahead', timestamp: now() + 600 }, 'usage_timestamp_in_future'],
      [{ id: 'pv', metric: 'payment_volume' }, 'usage_metric_reserved'],
      [{ id: 'seats', metric: 'seats' }, 'usage_metric_reserved'],
      [{ id: 'neg', quantity: -1 }, 'parameter_invalid'],
      [{ id: 'frac', quantity: 1.5 }, 'parameter_invalid'],
    ];
    for (const [body, code] of cases) {
      const res = await report(tenant, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
    expect((await report(tenant, { id: 'recent', timestamp: now() - 34 * 86400 })).statusCode).toBe(200);
  });

  it('a batch over several tenants answers each event: recorded, duplicate, or its error', async () => {
    const [a, b] = [await onPlan(), await onPlan()];
    const ev = (tenant: string, id: string, extra: Record<string, unknown> = {}) => ({
      tenant,
      metric: 'api_calls',
      quantity: 2,
      timestamp: now(),
      id,
      ...extra,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/usage_events/batch',
      headers: bearer(t.platformKey),
      payload: {
        events: [
          ev(a.publicId, 'x1'),
          ev(b.publicId, 'x1'),
          ev(a.publicId, 'x1'),
          ev(a.publicId, 'x2', { metric: 'reports' }),
          ev('ten_00000000000000000000000000000000', 'x3'),
          ev(b.publicId, 'x4', { timestamp: now() - 40 * 86400 }),
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(
      body.data.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status),
    ).toEqual([
      'recorded',
      'recorded',
      'duplicate',
      'recorded',
      'resource_missing',
      'usage_timestamp_too_old',
    ]);
    expect(body).toMatchObject({ recorded: 3, duplicates: 1, errors: 2 });
    expect((await entitlements(a)).metrics).toMatchObject({ api_calls: { used: 2 }, reports: { used: 2 } });
    expect((await entitlements(b)).metrics.api_calls.used).toBe(2);
  });

  it('entitlements/check: hard limits refused, soft ones allowed as overage, features, and no plan allows all', async () => {
    const tenant = await onPlan();
    await report(tenant, { id: 'c1', quantity: 95 });
    await report(tenant, { id: 'c2', metric: 'reports', quantity: 9 });
    expect(await check(tenant, { metric: 'api_calls', quantity: 5 })).toMatchObject({
      allowed: true,
      reason: 'within_limit',
      remaining: 5,
    });
    expect(await check(tenant, { metric: 'api_calls', quantity: 6 })).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      enforcement: 'hard',
    });
    expect(await check(tenant, { metric: 'reports', quantity: 2 }, tenant.key)).toMatchObject({
      allowed: true,
      reason: 'overage',
    });
    expect(await check(tenant, { metric: 'unmetered', quantity: 1000 })).toMatchObject({
      allowed: true,
      reason: 'unlimited',
    });
    expect(await check(tenant, { feature: 'sso' })).toMatchObject({
      allowed: true,
      reason: 'feature_included',
    });
    expect(await check(tenant, { feature: 'audit_export' })).toMatchObject({
      allowed: false,
      reason: 'feature_not_included',
    });
    const heard = entitlementsAnnounced(t.database, tenant.id);
    await ownerSql(
      t.database,
      `update tenant_billing set state = 'suspended' where tenant_id = '${tenant.id}'`,
    );
    await heard;
    expect(await check(tenant, { feature: 'sso' })).toMatchObject({ allowed: false, reason: 'suspended' });
    expect(await check(tenant, { metric: 'reports', quantity: 1 })).toMatchObject({
      allowed: false,
      reason: 'suspended',
    });
    const reader = await restrictedKey(t, tenant, ['billing:read']);
    expect((await entitlements(tenant, reader)).plan).toMatchObject({ name: 'Growth' });
    const bare = await createTestTenant(t);
    if (!(await systemRows(t.database, 'select 1 from plans where is_default')).length) {
      expect(await check(bare, { metric: 'api_calls', quantity: 10_000 })).toMatchObject({
        allowed: true,
        reason: 'no_plan',
      });
      expect(await entitlements(bare)).toMatchObject({ plan: null, metrics: {} });
    }
  });

  it('soft-limit usage of a tenant on a Stripe subscription is sent to the meter with our event id', async () => {
    const stripe = new StripeRef(t.config);
    const customer = await stripe.stripe.customers.create({ email: 'billing@tenant.test' });
    const tenant = await onPlan({
      stripeCustomerId: customer.id,
      stripeSubscriptionId: `sub_${customer.id}`,
    });
    expect((await report(tenant, { id: 'm1', metric: 'reports', quantity: 3 })).statusCode).toBe(200);
    const [row] = await systemRows<{ id: string; identifier: string; event_name: string; value: string }>(
      t.database,
      `select id, identifier, event_name, value::text from meter_reports where tenant_id = '${tenant.id}'`,
    );
    expect(row).toMatchObject({
      identifier: `${tenant.publicId}:m1`,
      event_name: 'tributary_reports',
      value: '3',
    });
    const log = createLogger('silent');
    const jobs: Jobs = await startJobs(t.database, log, { work: false, definitions: [] });
    try {
      const deps = { db: t.database.db, config: t.config, stripe, log, jobs: () => jobs };
      await meterReportJob.handle(deps, [{ tenantId: tenant.id, meterReportId: row!.id }], [testJob]);
      // Stripe holds the event by its identifier: the same one again is refused
      await expect(
        stripe.stripe.billing.meterEvents.create({
          event_name: 'tributary_reports',
          identifier: row!.identifier,
          payload: { stripe_customer_id: customer.id, value: '3' },
        }),
      ).rejects.toThrow(/already exists/);
      // a retry of the job after a lost answer counts it as sent
      await meterReportJob.handle(deps, [{ tenantId: tenant.id, meterReportId: row!.id }], [testJob]);
    } finally {
      await jobs.stop();
    }
    const [sent] = await systemRows<{ status: string }>(
      t.database,
      `select status from meter_reports where id = '${row!.id}'`,
    );
    expect(sent!.status).toBe('sent');
  });

  it('seats follow the memberships: members joining through links and one removed', async () => {
    const seatsPlan = await createPlan(t.database, {
      name: 'Team',
      limits: [{ metric: 'seats', limit: 2, enforcement: 'hard' }],
    });
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, seatsPlan);
    expect((await entitlements(tenant)).metrics.seats).toMatchObject({ used: 0, limit: 2 });
    await sessionFor(t, tenant, 'one@seats.test', 'owner');
    const two = await sessionFor(t, tenant, 'two@seats.test', 'member');
    expect((await entitlements(tenant)).metrics.seats).toMatchObject({ used: 2, remaining: 0, percent: 100 });
    expect(await check(tenant, { metric: 'seats', quantity: 1 })).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
    });
    // 100 % was reached by the second member
    const [alert] = (await entitlements(tenant)).alerts;
    expect(alert).toMatchObject({ metric: 'seats', threshold: 100, used: 2 });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${tenant.publicId}/members/${two.userId}`,
      headers: bearer(t.platformKey),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await entitlements(tenant)).metrics.seats).toMatchObject({ used: 1, remaining: 1 });
  });

  it.runIf(onPostgres)('50 concurrent events crossing 80 % fire exactly one alert', async () => {
    const tenant = await onPlan();
    await report(tenant, { id: 'base', quantity: 40 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => report(tenant, { id: `c${i}`, quantity: 1 })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    const alerts = await systemRows<{ threshold: number; used: string }>(
      t.database,
      `select threshold, used::text from usage_alerts where tenant_id = '${tenant.id}'`,
    );
    expect(alerts).toEqual([{ threshold: 80, used: '80' }]);
    const events = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from outbound_events where tenant_id = '${tenant.id}' and type = 'tenant.usage.threshold_reached'`,
    );
    expect(events[0]!.n).toBe(1);
    expect((await entitlements(tenant)).metrics.api_calls.used).toBe(90);
  });
});
