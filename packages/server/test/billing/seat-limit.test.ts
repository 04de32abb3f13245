import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLink } from '../helpers/access.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

// A hard `seats` limit is enforced where Tributary adds the member: a dashboard link or an invitation opened.
describe('hard seat limit on joining', () => {
  let t: TestApp;
  let hard: string;
  let soft: string;
  beforeAll(async () => {
    t = await startTestApp();
    hard = await createPlan(t.database, {
      name: 'Team',
      limits: [{ metric: 'seats', limit: 2, enforcement: 'hard' }],
    });
    soft = await createPlan(t.database, {
      name: 'Flex',
      limits: [{ metric: 'seats', limit: 1, enforcement: 'soft', overage: '500' }],
    });
  });
  afterAll(() => t.close());

  const onPlan = async (planId: string) => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, planId);
    return tenant;
  };
  const makeLink = async (tenant: TestTenant, email: string, route = 'dashboard_links') => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/${route}`,
      headers: bearer(route === 'dashboard_links' ? t.platformKey : tenant.key),
      payload: { email, role: 'member' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return new URL(res.json().url).pathname;
  };
  const open = (path: string) => t.app.inject({ method: 'GET', url: path });
  const seats = async (tenant: TestTenant) =>
    (
      await systemRows<{ n: number }>(
        t.database,
        `select count(*)::int as n from memberships where tenant_id = '${tenant.id}'`,
      )
    )[0]!.n;
  const check = async (tenant: TestTenant) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/entitlements/check`,
      headers: bearer(tenant.key),
      payload: { metric: 'seats', quantity: 1 },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('a member beyond the limit is refused with 409 plan_limit_reached, and nothing is written', async () => {
    const tenant = await onPlan(hard);
    const owner = await sessionFor(t, tenant, `owner-${tenant.publicId}@example.com`, 'owner');
    const second = await sessionFor(t, tenant, `second-${tenant.publicId}@example.com`, 'member');
    expect(await check(tenant)).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      used: 2,
      limit: 2,
    });

    const email = `third-${tenant.publicId}@example.com`;
    const path = await makeLink(tenant, email);
    const refused = await open(path);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'plan_limit_reached', param: 'seats' });
    expect(refused.json().error.message).toContain('limit of 2 seats on the Team plan');
    expect(refused.cookies.find((c) => c.name === 'trb_session')).toBeUndefined();
    expect(await seats(tenant)).toBe(2);
    const written = await systemRows<{ used_at: Date | null; sessions: number; used_audits: number }>(
      t.database,
      `select l.used_at,
        (select count(*)::int from sessions s where s.user_id = l.user_id) as sessions,
        (select count(*)::int from audit_log a where a.tenant_id = l.tenant_id
          and a.action = 'dashboard_link.used' and a.target like '%' || l.user_id || '%') as used_audits
       from dashboard_links l join users u on u.id = l.user_id where u.email = '${email}'`,
    );
    expect(written).toEqual([{ used_at: null, sessions: 0, used_audits: 0 }]);

    // an invitation is the same door
    const invited = await open(
      await makeLink(tenant, `invitee-${tenant.publicId}@example.com`, 'invitations'),
    );
    expect(invited.statusCode).toBe(409);
    expect(invited.json().error.code).toBe('plan_limit_reached');

    // a member already in takes no new seat: a new link for them still signs in
    const again = await openLink(
      t,
      `http://x${await makeLink(tenant, `second-${tenant.publicId}@example.com`)}`,
    );
    expect(again).not.toBeNull();

    // a seat freed: the refused link (never used) now lets its member in
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${tenant.publicId}/members/${second.userId}`,
      headers: { ...asSession(owner) },
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await check(tenant)).toMatchObject({ allowed: true, reason: 'within_limit', used: 1 });
    expect((await open(path)).statusCode).toBe(303);
    expect(await seats(tenant)).toBe(2);
  });

  it('a soft seat limit lets members in (the overage is billed)', async () => {
    const tenant = await onPlan(soft);
    await sessionFor(t, tenant, `a-${tenant.publicId}@example.com`, 'owner');
    await sessionFor(t, tenant, `b-${tenant.publicId}@example.com`, 'member');
    expect(await seats(tenant)).toBe(2);
    expect(await check(tenant)).toMatchObject({ allowed: true, reason: 'overage', used: 2 });
  });

  it('entitlements/check counts seats as the join path does: the members now, not a stale record', async () => {
    const tenant = await onPlan(hard);
    await sessionFor(t, tenant, `a-${tenant.publicId}@example.com`, 'owner');
    await sessionFor(t, tenant, `b-${tenant.publicId}@example.com`, 'member');
    // the recorded gauge lags (its record failed, or is late): the join path counts the memberships
    await ownerSql(
      t.database,
      `update usage_summaries set used = 0 where tenant_id = '${tenant.id}' and metric = 'seats'`,
    );
    expect(await check(tenant)).toMatchObject({ allowed: false, reason: 'limit_exceeded', used: 2 });
    expect((await open(await makeLink(tenant, `c-${tenant.publicId}@example.com`))).statusCode).toBe(409);
  });

  it.skipIf(!onPostgres)('two joins at once at one seat short of the limit: one gets in', async () => {
    const tenant = await onPlan(hard);
    await sessionFor(t, tenant, `a-${tenant.publicId}@example.com`, 'owner');
    for (let round = 0; round < 5; round++) {
      const paths = await Promise.all(
        [1, 2].map((n) => makeLink(tenant, `r${round}-${n}-${tenant.publicId}@example.com`)),
      );
      const answers = await Promise.all(paths.map(open));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([303, 409]);
      expect(await seats(tenant)).toBe(2);
      // free the seat for the next round
      await ownerSql(
        t.database,
        `delete from memberships where tenant_id = '${tenant.id}' and role = 'member'`,
      );
    }
  });
});
