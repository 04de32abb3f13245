import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPaymentVolume } from '../../src/billing/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

// Usage counters stay integers the API can answer: however large the quantities reported, a sum never
// leaves JavaScript's safe integers (nor Postgres's bigint), so no route answers 5xx.
describe('usage counters at their bounds', () => {
  let t: TestApp;
  let plan: string;
  const now = () => Math.floor(Date.now() / 1000);
  const MAX = 999_999_999_999_999;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    plan = await createPlan(t.database, {
      name: 'Bounds',
      limits: [{ metric: 'api_calls', limit: 100, enforcement: 'hard' }],
    });
  });
  afterAll(() => t.close());

  const onPlan = async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan);
    return tenant;
  };
  const batch = (events: Record<string, unknown>[]) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/usage_events/batch',
      headers: bearer(t.platformKey),
      payload: { events },
    });
  const entitlements = (tenant: TestTenant) =>
    t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/entitlements`,
      headers: bearer(t.platformKey),
    });

  it('the largest quantities, summed past the safe integers, leave every route answering', async () => {
    const tenant = await onPlan();
    // more than 15 digits: Stripe's meters refuse the value, so the event is refused here
    const long = await batch([
      { tenant: tenant.publicId, metric: 'api_calls', quantity: MAX + 1, timestamp: now(), id: 'long' },
    ]);
    expect(long.statusCode, long.body).toBe(400);
    expect(long.json().error.code).toBe('parameter_invalid');
    const events = (from: number) =>
      Array.from({ length: 1000 }, (_, i) => ({
        tenant: tenant.publicId,
        metric: 'api_calls',
        quantity: MAX,
        timestamp: now(),
        id: `big_${from + i}`,
      }));
    const first = await batch(events(0));
    expect(first.statusCode, first.body).toBe(200);
    const second = await batch(events(1000));
    expect(second.statusCode, second.body).toBe(200);
    const third = await batch(events(2000));
    expect(third.statusCode, third.body).toBe(200);
    const res = await entitlements(tenant);
    expect(res.statusCode, res.body).toBe(200);
    const used = res.json().metrics.api_calls.used;
    expect(Number.isSafeInteger(used)).toBe(true);
    const check = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/entitlements/check`,
      headers: bearer(t.platformKey),
      payload: { metric: 'api_calls', quantity: MAX },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({ allowed: false, reason: 'limit_exceeded' });
  });
});

// The ids Tributary gives the usage it measures itself (`payment:<ch_…>`, `refund:<re_…>`, `seats:…`) share the
// tenant's id space with the reporter's: a reported id in them would take the place of a payment's volume.
describe("reported usage ids cannot take Tributary's own", () => {
  let t: TestApp;
  let jobs: Jobs;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    jobs = await startJobs(t.database, createLogger('silent'), { work: false, definitions: [] });
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  it('an id starting payment:, refund: or seats: is refused (400), and the payment it names still counts', async () => {
    const plan = await createPlan(t.database, {
      name: 'Ids',
      limits: [{ metric: 'payment_volume', currency: 'usd', limit: 1_000_000, enforcement: 'soft' }],
    });
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan);
    const now = Math.floor(Date.now() / 1000);
    for (const id of ['payment:ch_taken', 'refund:re_taken', 'seats:x']) {
      const one = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/usage_events`,
        headers: bearer(t.platformKey),
        payload: { metric: 'api_calls', quantity: 1, timestamp: now, id },
      });
      expect(one.statusCode, one.body).toBe(400);
      expect(one.json().error).toMatchObject({ code: 'parameter_invalid', param: 'id' });
      const batch = await t.app.inject({
        method: 'POST',
        url: '/v1/usage_events/batch',
        headers: bearer(t.platformKey),
        payload: {
          events: [{ tenant: tenant.publicId, metric: 'api_calls', quantity: 1, timestamp: now, id }],
        },
      });
      expect(batch.statusCode, batch.body).toBe(400);
    }
    const outcome = await withTenant(t.database.db, tenant.id, (tx) =>
      recordPaymentVolume(
        tx,
        { config: t.config, jobs },
        {
          tenantId: tenant.id,
          id: 'payment:ch_taken',
          amount: 5_000,
          currency: 'usd',
          occurredAt: new Date(),
          source: 'payment',
        },
      ),
    );
    expect(outcome).toBe('recorded');
    // an id that only contains the words is the reporter's own
    const own = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/usage_events`,
      headers: bearer(t.platformKey),
      payload: { metric: 'api_calls', quantity: 1, timestamp: now, id: 'my-payment:1' },
    });
    expect(own.statusCode, own.body).toBe(200);
  });
});
