import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntitlementsCache, entitlementsCacheOf } from '../../src/billing/entitlements-cache.ts';
import { LISTENER_NAME } from '../../src/db/listener.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { ownerSql } from '../helpers/webhooks.ts';
import { createPlan, entitlementsAnnounced, putOnPlan, readEntitlements } from './usage-fixtures.ts';

/**
 * Each tenant's entitlements answer is cached (billing/entitlements-cache.ts); it still changes at once: a
 * change made through this process is seen by the very next read, one made elsewhere (SQL, another server)
 * as soon as its announcement arrives. Each test reads first, so the answer is cached when it changes.
 */
describe('entitlements cache', () => {
  let t: TestApp;
  let plan: string;
  const now = () => Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    plan = await createPlan(t.database, {
      name: 'Cached',
      features: { sso: true },
      limits: [{ metric: 'api_calls', limit: 100, enforcement: 'hard' }],
    });
  });
  afterAll(() => t.close());

  const cache = () => entitlementsCacheOf(t.database.db)!;
  const read = (tenant: TestTenant, key = t.platformKey) => readEntitlements(t, tenant, key);
  /** Reads until the answer is in the cache (a read that overlapped an announcement does not store it). */
  const readAndCached = async (tenant: TestTenant) => {
    await expect
      .poll(async () => {
        await read(tenant);
        return cache().get(tenant.id) !== undefined;
      })
      .toBe(true);
    return read(tenant);
  };
  const onPlan = async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan);
    return tenant;
  };

  it('listens, and serves a tenant read twice from the cache', async () => {
    const tenant = await onPlan();
    expect(cache().live).toBe(true);
    const first = await readAndCached(tenant);
    expect(first.plan.name).toBe('Cached');
    expect(await read(tenant)).toEqual(first);
  });

  it('usage reported through the API shows on the very next read (single and batch)', async () => {
    const tenant = await onPlan();
    expect((await readAndCached(tenant)).metrics.api_calls.used).toBe(0);
    const one = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/usage_events`,
      headers: bearer(t.platformKey),
      payload: { id: 'c1', metric: 'api_calls', quantity: 7, timestamp: now() },
    });
    expect(one.statusCode, one.body).toBe(200);
    expect((await read(tenant)).metrics.api_calls.used).toBe(7);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/usage_events/batch',
      headers: bearer(t.platformKey),
      payload: {
        events: [{ tenant: tenant.publicId, id: 'c2', metric: 'api_calls', quantity: 3, timestamp: now() }],
      },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect((await read(tenant)).metrics.api_calls.used).toBe(10);
    // the check answers from the same entitlements
    const check = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/entitlements/check`,
      headers: bearer(t.platformKey),
      payload: { metric: 'api_calls', quantity: 91 },
    });
    expect(check.json()).toMatchObject({ allowed: false, reason: 'limit_exceeded', used: 10, remaining: 90 });
  });

  it('a change made elsewhere (SQL) applies once announced: usage, state', async () => {
    const tenant = await onPlan();
    await readAndCached(tenant);
    let heard = entitlementsAnnounced(t.database, tenant.id);
    await ownerSql(
      t.database,
      `insert into usage_summaries (tenant_id, metric, period_start, used)
       select tenant_id, 'api_calls', period_start, 42 from tenant_billing where tenant_id = '${tenant.id}'`,
    );
    await heard;
    expect((await read(tenant)).metrics.api_calls).toMatchObject({ used: 42, remaining: 58 });
    heard = entitlementsAnnounced(t.database, tenant.id);
    await ownerSql(
      t.database,
      `update tenant_billing set state = 'suspended' where tenant_id = '${tenant.id}'`,
    );
    await heard;
    expect((await read(tenant)).state).toBe('suspended');
  });

  it("a plan's features and limits changed elsewhere apply to every tenant on it once announced", async () => {
    const own = await createPlan(t.database, {
      name: 'Edited',
      features: { sso: false },
      limits: [{ metric: 'api_calls', limit: 10, enforcement: 'soft' }],
    });
    const a = await createTestTenant(t);
    const b = await createTestTenant(t);
    for (const tenant of [a, b]) {
      await putOnPlan(t.database, tenant.id, own);
      await readAndCached(tenant);
    }
    let heard = entitlementsAnnounced(t.database, a.id);
    await ownerSql(t.database, `update plans set features = '{"sso": true}' where id = '${own}'`);
    await heard;
    for (const tenant of [a, b]) expect((await read(tenant)).features).toEqual({ sso: true });
    heard = entitlementsAnnounced(t.database, a.id);
    await ownerSql(
      t.database,
      `update plan_limits set "limit" = 20 where plan_id = '${own}';
       update plans set limits_version = limits_version + 1 where id = '${own}'`,
    );
    await heard;
    for (const tenant of [a, b]) expect((await read(tenant)).metrics.api_calls.limit).toBe(20);
  });

  it('members added elsewhere count as seats once announced (a period with no seat record yet)', async () => {
    const seatsPlan = await createPlan(t.database, {
      name: 'Seats',
      limits: [{ metric: 'seats', limit: 5, enforcement: 'hard' }],
    });
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, seatsPlan);
    const before = (await readAndCached(tenant)).metrics.seats.used;
    const heard = entitlementsAnnounced(t.database, tenant.id);
    await ownerSql(
      t.database,
      `with u as (insert into users (email, name) values ('seat-${tenant.id}@example.com', 'Seat') returning id)
       insert into memberships (tenant_id, user_id, role) select '${tenant.id}', id, 'member' from u`,
    );
    await heard;
    expect((await read(tenant)).metrics.seats.used).toBe(before + 1);
  });

  it('an answer is not kept past the end of the billing period it shows', async () => {
    const tenant = await onPlan();
    const heard = entitlementsAnnounced(t.database, tenant.id);
    const end = new Date(Date.now() + 1500);
    const start = new Date(end);
    start.setUTCMonth(start.getUTCMonth() - 1);
    await ownerSql(
      t.database,
      `update tenant_billing set period_start = '${start.toISOString()}', period_end = '${end.toISOString()}'
       where tenant_id = '${tenant.id}'`,
    );
    await heard;
    const cached = await readAndCached(tenant);
    expect(cached.period.end).toBe(Math.floor(end.getTime() / 1000));
    await expect.poll(() => Date.now() > end.getTime(), { timeout: 5000 }).toBe(true);
    expect(cache().get(tenant.id)).toBeUndefined();
    // a plan with no subscription rolls its period forward a month when read
    const next = await read(tenant);
    expect(next.period).toEqual({ start: Math.floor(end.getTime() / 1000), end: expect.any(Number) });
    expect(next.period.end).toBeGreaterThan(now() + 27 * 86_400);
  });

  it('a tenant deleted elsewhere (SQL) is not found once announced', async () => {
    const tenant = await onPlan();
    await readAndCached(tenant);
    const heard = entitlementsAnnounced(t.database, tenant.id);
    await ownerSql(t.database, `delete from tenants where id = '${tenant.id}'`);
    await heard;
    const gone = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/entitlements`,
      headers: bearer(t.platformKey),
    });
    expect(gone.statusCode).toBe(404);
  });

  it("one tenant's cached answer never answers for another, nor to another's key", async () => {
    const a = await onPlan();
    const b = await onPlan();
    await readAndCached(a);
    expect((await read(b, b.key)).tenant).toBe(b.publicId);
    const stranger = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/entitlements`,
      headers: bearer(b.key),
    });
    expect([403, 404]).toContain(stranger.statusCode);
    expect(stranger.body).not.toContain('Cached');
  });

  it.skipIf(!onPostgres)('while its listener is lost nothing is cached; back, it caches again', async () => {
    const tenant = await onPlan();
    await readAndCached(tenant);
    await ownerSql(
      t.database,
      `select pg_terminate_backend(pid) from pg_stat_activity
       where application_name = '${LISTENER_NAME}' and datname = current_database()`,
    );
    await expect.poll(() => cache().live).toBe(false);
    expect(cache().get(tenant.id)).toBeUndefined();
    // read while down: answered from the database, not stored
    expect((await read(tenant)).plan.name).toBe('Cached');
    await expect.poll(() => cache().live, { timeout: 10_000 }).toBe(true);
    await readAndCached(tenant);
  });
});

describe('EntitlementsCache', () => {
  it('does not store a read that overlapped a change of its tenant or of every tenant', () => {
    const c = new EntitlementsCache();
    c.reset(true);
    const far = Date.now() + 60_000;
    let mark = c.mark();
    c.forget('a');
    c.set('a', { n: 1 }, far, mark);
    expect(c.get('a')).toBeUndefined();
    // another tenant's change does not stop it
    mark = c.mark();
    c.forget('b');
    c.set('a', { n: 2 }, far, mark);
    expect(c.get('a')).toEqual({ n: 2 });
    mark = c.mark();
    c.announced('*');
    c.set('a', { n: 3 }, far, mark);
    expect(c.get('a')).toBeUndefined();
    mark = c.mark();
    c.announced('x a y');
    c.set('a', { n: 4 }, far, mark);
    expect(c.get('a')).toBeUndefined();
  });

  it('stores nothing while not live, and nothing already expired', () => {
    const c = new EntitlementsCache();
    c.set('a', 1, Date.now() + 60_000, c.mark());
    expect(c.get('a')).toBeUndefined();
    c.reset(true);
    c.set('a', 1, Date.now() - 1, c.mark());
    expect(c.get('a')).toBeUndefined();
    c.set('a', 1, Date.now() + 60_000, c.mark());
    expect(c.get('a')).toBe(1);
    c.reset(false);
    expect(c.get('a')).toBeUndefined();
  });
});
