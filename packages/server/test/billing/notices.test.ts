import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageAlerts } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { systemRows } from '../helpers/webhooks.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

// The dashboard's notices: the threshold alerts that notified, listed newest first and dismissed one by one.
describe('billing notices API', () => {
  let t: TestApp;
  let plan: string;
  beforeAll(async () => {
    t = await startTestApp();
    plan = await createPlan(t.database, {
      name: 'Notices',
      limits: [
        { metric: 'api_calls', limit: 100, enforcement: 'soft' },
        { metric: 'payment_volume', limit: 5_000_000, enforcement: 'soft', currency: 'usd' },
      ],
    });
  });
  afterAll(() => t.close());

  const onPlan = async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan);
    return tenant;
  };
  const report = (tenant: TestTenant, id: string, quantity: number) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/usage_events`,
      headers: bearer(t.platformKey),
      payload: { metric: 'api_calls', quantity, timestamp: Math.floor(Date.now() / 1000), id },
    });
  const list = (tenant: TestTenant, query = '', headers: Record<string, string> = bearer(tenant.key)) =>
    t.app.inject({ method: 'GET', url: `/v1/tenants/${tenant.publicId}/billing/alerts${query}`, headers });
  const dismiss = (tenant: TestTenant, id: string, headers: Record<string, string> = bearer(tenant.key)) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/billing/alerts/${id}/dismiss`,
      headers,
    });
  /** an alert row as the usage transaction (or a re-base, notified = false) writes it */
  const alertRow = async (
    tenant: TestTenant,
    values: { metric: string; threshold: number; notified: boolean },
  ) => {
    const [billing] = await systemRows<{ period_start: Date }>(
      t.database,
      `select period_start from tenant_billing where tenant_id = '${tenant.id}'`,
    );
    const [row] = await withTenant(t.database.db, tenant.id, (tx) =>
      tx
        .insert(usageAlerts)
        .values({
          tenantId: tenant.id,
          periodStart: new Date(billing!.period_start),
          limitsVersion: 1,
          limit: 5_000_000,
          used: 4_000_000,
          ...values,
        })
        .returning(),
    );
    return toPublicId('usageAlert', row!.id);
  };

  it('lists the alerts that notified, newest first, paginated, money metrics with their currency', async () => {
    const tenant = await onPlan();
    expect((await report(tenant, 'u1', 85)).statusCode).toBe(200);
    expect((await report(tenant, 'u2', 20)).statusCode).toBe(200);
    const volume = await alertRow(tenant, { metric: 'payment_volume', threshold: 80, notified: true });
    // a threshold recorded by a re-base, without a notice, is no notice
    await alertRow(tenant, { metric: 'payment_volume', threshold: 100, notified: false });
    const res = await list(tenant);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'list', has_more: false });
    expect(body.data.map((a: { metric: string; threshold: number }) => [a.metric, a.threshold])).toEqual([
      ['payment_volume', 80],
      ['api_calls', 100],
      ['api_calls', 80],
    ]);
    expect(body.data[0]).toMatchObject({
      object: 'usage_alert',
      id: volume,
      currency: 'usd',
      limit: 5_000_000,
      used: 4_000_000,
      limits_version: 1,
      dismissed_at: null,
    });
    expect(body.data[2]).toMatchObject({ metric: 'api_calls', currency: null, limit: 100, used: 85 });
    expect(body.data[2].id).toMatch(/^ualrt_/);
    expect(typeof body.data[2].period_start).toBe('number');

    const first = (await list(tenant, '?limit=1')).json();
    expect(first).toMatchObject({ has_more: true, data: [{ id: volume }] });
    const next = (await list(tenant, `?limit=2&starting_after=${volume}`)).json();
    expect(next.data.map((a: { threshold: number }) => a.threshold)).toEqual([100, 80]);
    expect(next.has_more).toBe(false);
  });

  it('dismissing is idempotent and audited once; a member may read but not dismiss', async () => {
    const tenant = await onPlan();
    await report(tenant, 'u1', 80);
    const [alert] = (await list(tenant)).json().data;
    const member = await sessionFor(t, tenant, `member-${tenant.publicId}@example.com`, 'member');
    expect((await list(tenant, '', asSession(member))).statusCode).toBe(200);
    const refused = await dismiss(tenant, alert.id, asSession(member));
    expect(refused.statusCode).toBe(403);

    const done = await dismiss(tenant, alert.id);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: alert.id, threshold: 80 });
    expect(done.json().dismissed_at).toBeGreaterThan(0);
    const again = await dismiss(tenant, alert.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().dismissed_at).toBe(done.json().dismissed_at);
    expect((await list(tenant)).json().data[0].dismissed_at).toBe(done.json().dismissed_at);
    const audit = await systemRows<{ target: string; data: { metric: string; threshold: number } }>(
      t.database,
      `select target, data from audit_log where tenant_id = '${tenant.id}' and action = 'billing.alert_dismissed'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ metric: 'api_calls', threshold: 80 });
  });

  it("a malformed id, another tenant's and an alert that never notified are the same 404", async () => {
    const a = await onPlan();
    const b = await onPlan();
    await report(b, 'u1', 90);
    const [bAlert] = (await list(b)).json().data;
    const silent = await alertRow(a, { metric: 'payment_volume', threshold: 100, notified: false });
    for (const id of [bAlert.id, 'ualrt_nope', 'pay_00000000000000000000000000000000', silent]) {
      const res = await dismiss(a, id);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'resource_missing', param: 'alert_id' });
      expect(res.json().error.message).toBe(`No such usage alert: '${id}'`);
    }
    expect((await list(b)).json().data[0].dismissed_at).toBeNull();
  });
});
