import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeys from '../../src/api-keys/service.ts';
import {
  bearer,
  createTestTenant,
  restrictedKey,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { platformRoutes, type RouteCase, tenantRoutes } from '../helpers/routes.ts';

/**
 * Authorization runs before the body is parsed or validated: a caller without the route's scope gets its 403
 * (or, for another tenant, the 404 a missing tenant gets) whatever it sends, and so learns nothing of the
 * route's parameters. Every tenant and platform route of the table, with every kind of bad input.
 */
const servesTenantKeys = new Set([
  '/v1/tenants',
  '/v1/analytics/summary',
  '/v1/analytics/retention',
  '/v1/analytics/fees',
  '/v1/analytics/mrr',
  '/v1/analytics/movements',
  '/v1/analytics/cohorts',
  '/v1/support/customers',
  '/v1/support/customers/:customer_id',
]);

/** A scope that grants nothing on `route`: support's, except on the support routes themselves. */
const unrelatedTo = (route: RouteCase) => (route.access === 'support:read' ? 'events:read' : 'support:read');

describe('authorize before validation', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Authorize first');
    other = await createTestTenant(t, 'Authorize first, other');
  });
  afterAll(() => t.close());

  /** Every path parameter but the tenant's filled with a well-formed id of nothing. */
  const urlOf = (route: RouteCase, tenantId: string) =>
    route.path.replace(':id', tenantId).replace(/:[a-z_]+/g, 'x_00000000000000000000000000000000');

  /** The bad inputs a schema would refuse: broken JSON, an unknown field, a wrong type, a bad query. */
  function badInputs(route: RouteCase): { name: string; url: string; payload?: string }[] {
    if (route.method === 'GET') return [{ name: 'bad query', url: '?limit=0&bogus=1' }];
    const wrong = route.wrongType ? { ...route.body, [route.wrongType[0]]: route.wrongType[1] } : null;
    return [
      { name: 'broken JSON', url: '', payload: '{"name": ' },
      { name: 'unknown field', url: '', payload: JSON.stringify({ ...route.body, surprise: 1 }) },
      ...(wrong ? [{ name: 'wrong type', url: '', payload: JSON.stringify(wrong) }] : []),
    ];
  }

  async function expectRefused(
    route: RouteCase,
    tenantId: string,
    key: string,
    status: 403 | 404,
  ): Promise<void> {
    for (const input of badInputs(route)) {
      const res = await t.app.inject({
        method: route.method,
        url: `${urlOf(route, tenantId)}${input.url}`,
        headers: { ...bearer(key), 'content-type': 'application/json' },
        ...(input.payload === undefined ? {} : { payload: input.payload }),
      });
      expect(res.statusCode, `${input.name}: ${res.body}`).toBe(status);
      expect(res.json().error.code, input.name).toBe(status === 403 ? 'forbidden' : 'resource_missing');
    }
  }

  for (const route of tenantRoutes) {
    it(`${route.method} ${route.path}: 403 before 400 without the scope, 404 for another tenant`, async () => {
      // a key of this tenant holding an unrelated scope (or, for the platform's own routes, all of its own)
      const without = route.platformOnly ? tenant.key : await restrictedKey(t, tenant, ['support:read']);
      await expectRefused(route, tenant.publicId, without, 403);
      if (route.holds) {
        // the route's own scope but not the powers of what it hands out: still refused before validation
        await expectRefused(
          route,
          tenant.publicId,
          await restrictedKey(t, tenant, [route.access as string]),
          403,
        );
      }
      await expectRefused(route, other.publicId, tenant.key, 404);
      // the platform may name any tenant: one that does not exist, or a malformed id, is a 404 all the same
      await expectRefused(route, 'ten_00000000000000000000000000000000', t.platformKey, 404);
      await expectRefused(route, 'ten_zz', t.platformKey, 404);
    });
  }

  it('HEAD is authorized as its GET', async () => {
    const { secret } = await apiKeys.createPlatformKey(t.systemCtx, {
      name: 'unrelated',
      type: 'restricted',
      scopes: ['support:read'],
    });
    const head = await t.app.inject({ method: 'HEAD', url: '/v1/fee_schedule', headers: bearer(secret) });
    expect(head.statusCode).toBe(403);
    const foreign = await t.app.inject({
      method: 'HEAD',
      url: `/v1/tenants/${other.publicId}/customers`,
      headers: bearer(tenant.key),
    });
    expect(foreign.statusCode).toBe(404);
  });

  it("the tenant is the path's: a Tributary-Tenant header naming another one is refused", async () => {
    const get = (url: string, header: string) =>
      t.app.inject({ method: 'GET', url, headers: { ...bearer(t.platformKey), 'tributary-tenant': header } });
    const same = await get(`/v1/tenants/${tenant.publicId}/customers`, tenant.publicId);
    expect(same.statusCode, same.body).toBe(200);
    for (const [url, header] of [
      [`/v1/tenants/${tenant.publicId}/customers`, other.publicId],
      [`/v1/tenants/${tenant.publicId}/customers`, 'ten_zz'],
      ['/v1/events', tenant.publicId],
    ] as const) {
      const res = await get(url, header);
      expect(res.statusCode, `${url} ${header}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'parameter_invalid', param: 'Tributary-Tenant' });
    }
    // and never before authorization: another tenant's caller still gets the 404
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${other.publicId}/customers`,
      headers: { ...bearer(tenant.key), 'tributary-tenant': tenant.publicId },
    });
    expect(foreign.statusCode).toBe(404);
  });

  for (const route of platformRoutes.filter((r) => r.access.includes(':'))) {
    it(`${route.method} ${route.path}: 403 before 400 for tenant keys and a platform key without the scope`, async () => {
      await expectRefused(route, tenant.publicId, await restrictedKey(t, tenant, [unrelatedTo(route)]), 403);
      // these GETs also serve tenant callers (their own tenant)
      if (!(route.method === 'GET' && servesTenantKeys.has(route.path)))
        await expectRefused(route, tenant.publicId, tenant.key, 403);
      const { secret } = await apiKeys.createPlatformKey(t.systemCtx, {
        name: 'unrelated',
        type: 'restricted',
        scopes: [unrelatedTo(route)],
      });
      await expectRefused(route, tenant.publicId, secret, 403);
    });
  }
});
