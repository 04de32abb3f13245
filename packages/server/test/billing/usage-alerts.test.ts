import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUsageInTx } from '../../src/billing/service.ts';
import { getEntitlements } from '../../src/billing/usage/entitlements.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { asUuid } from '../../src/http/ids.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { createTestTenant, sessionFor, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { systemRows } from '../helpers/webhooks.ts';
import { changePlan, createPlan, putOnPlan } from './usage-fixtures.ts';

// The worked example of docs/platform-billing.md ("Threshold alerts"), at the service: Pro with a $50,000
// soft limit on payment volume, Enterprise with $250,000.
describe('usage threshold alerts', () => {
  let t: TestApp;
  let jobs: Jobs;
  let pro: string;
  let enterprise: string;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    jobs = await startJobs(t.database, createLogger('silent'), { work: false, definitions: [] });
    const limit = (n: number) => [
      { metric: 'payment_volume', currency: 'usd', limit: n, enforcement: 'soft' as const, overage: '0.5' },
    ];
    pro = await createPlan(t.database, { name: 'Pro', limits: limit(5_000_000) });
    enterprise = await createPlan(t.database, { name: 'Enterprise', limits: limit(25_000_000) });
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  let n = 0;
  const pay = (tenant: TestTenant, amount: number) =>
    withTenant(t.database.db, tenant.id, (tx) =>
      recordUsageInTx(tx, { config: t.config, jobs }, tenant.id, [
        {
          id: `payment:ch_${++n}`,
          metric: 'payment_volume',
          quantity: amount,
          occurredAt: new Date(),
          source: 'payment',
        },
      ]),
    );

  const alerts = (tenant: TestTenant) =>
    systemRows<{ threshold: number; limits_version: number; used: string; notified: boolean }>(
      t.database,
      `select threshold, limits_version, used::text, notified from usage_alerts
        where tenant_id = '${tenant.id}' order by created_at, threshold`,
    );
  const outbound = (tenant: TestTenant) =>
    systemRows<{ data: { threshold: number; limits_version: number; used: number; id: string } }>(
      t.database,
      `select data from outbound_events where tenant_id = '${tenant.id}'
        and type = 'tenant.usage.threshold_reached' order by created_at`,
    );
  const emails = (tenant: TestTenant) =>
    systemRows<{ template: string; subject: string; status: string; recipients: string[] }>(
      t.database,
      `select template, subject, status, recipients from notifications where tenant_id = '${tenant.id}' order by created_at`,
    );

  it('39k → 41k fires 80 %; 41k → 42k nothing; an upgrade re-bases (16.8 %); 42k → 212k fires 80 % of v2', async () => {
    const tenant = await createTestTenant(t);
    await sessionFor(t, tenant, 'owner@usage.test', 'owner');
    await putOnPlan(t.database, tenant.id, pro);
    await pay(tenant, 3_900_000);
    expect(await alerts(tenant)).toEqual([]);
    await pay(tenant, 200_000);
    expect(await alerts(tenant)).toEqual([
      { threshold: 80, limits_version: 1, used: '4100000', notified: true },
    ]);
    await pay(tenant, 100_000);
    expect(await alerts(tenant)).toHaveLength(1);

    await changePlan(t.database, tenant.id, enterprise);
    const view = await getEntitlements(scopeInTenant(t.systemCtx, asUuid('tenant', tenant.id)));
    expect(view.metrics.payment_volume).toMatchObject({
      limit: 25_000_000,
      used: 4_200_000,
      remaining: 20_800_000,
      percent: 16.8,
      enforcement: 'soft',
      currency: 'usd',
      thresholds: [
        { percent: 80, at: 20_000_000, reached: false },
        { percent: 100, at: 25_000_000, reached: false },
      ],
    });
    // nothing was reached under the new limits: both thresholds stay armed
    expect(await alerts(tenant)).toHaveLength(1);

    await pay(tenant, 17_000_000);
    expect((await alerts(tenant)).slice(1)).toEqual([
      { threshold: 80, limits_version: 2, used: '21200000', notified: true },
    ]);
    const events = await outbound(tenant);
    expect(events.map((e) => [e.data.threshold, e.data.limits_version, e.data.used])).toEqual([
      [80, 1, 4_100_000],
      [80, 2, 21_200_000],
    ]);
    expect(events[0]!.data.id).toMatch(/^ualrt_/);
    const mail = (await emails(tenant)).filter((m) => m.template === 'usage_threshold');
    expect(mail).toHaveLength(2);
    expect(mail[0]).toMatchObject({ status: 'pending', recipients: ['owner@usage.test'] });
    expect(mail[0]!.subject).toContain('80%');
  });

  it('39k → 51k on Pro fires 80 % then 100 %, in that order', async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, pro);
    await pay(tenant, 3_900_000);
    await pay(tenant, 1_200_000);
    expect(await alerts(tenant)).toEqual([
      { threshold: 80, limits_version: 1, used: '5100000', notified: true },
      { threshold: 100, limits_version: 1, used: '5100000', notified: true },
    ]);
    expect((await outbound(tenant)).map((e) => e.data.threshold)).toEqual([80, 100]);
  });

  it('a downgrade records thresholds already passed under the new limits without a notice', async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, enterprise);
    await pay(tenant, 4_500_000);
    await changePlan(t.database, tenant.id, pro);
    expect(await alerts(tenant)).toEqual([
      { threshold: 80, limits_version: 2, used: '4500000', notified: false },
    ]);
    expect(await outbound(tenant)).toEqual([]);
    // 100 % stays armed, and fires when reached
    await pay(tenant, 600_000);
    expect((await outbound(tenant)).map((e) => e.data.threshold)).toEqual([100]);
  });

  it('an event id counts once, however often it is recorded', async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, pro);
    const record = () =>
      withTenant(t.database.db, tenant.id, (tx) =>
        recordUsageInTx(tx, { config: t.config, jobs }, tenant.id, [
          {
            id: 'payment:ch_same',
            metric: 'payment_volume',
            quantity: 100,
            occurredAt: new Date(),
            source: 'payment',
          },
          {
            id: 'payment:ch_same',
            metric: 'payment_volume',
            quantity: 100,
            occurredAt: new Date(),
            source: 'payment',
          },
        ]),
      );
    expect(await record()).toEqual(['recorded', 'duplicate']);
    expect(await record()).toEqual(['duplicate', 'duplicate']);
    const view = await getEntitlements(scopeInTenant(t.systemCtx, asUuid('tenant', tenant.id)));
    expect(view.metrics.payment_volume!.used).toBe(100);
  });
});
