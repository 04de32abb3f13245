import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../src/http/access.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { registeredRoutes } from '../helpers/registered.ts';
import { allRouteCases, opsRoutes, platformRoutes, tenantRoutes } from '../helpers/routes.ts';

/** Every route's declared access, read as the app registers it. */
async function declaredAccess(): Promise<Map<string, RouteAccess | undefined>> {
  const routes = await registeredRoutes();
  return new Map(
    [...routes].map(([name, r]) => [name, (r.config as { access?: RouteAccess } | undefined)?.access]),
  );
}

describe('route coverage', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every API route is in the security test table (isolation, RBAC, bad input)', () => {
    const known = new Set([...allRouteCases.map((r) => `${r.method} ${r.path}`), ...opsRoutes]);
    // the dashboard's static files (web/dist) are not API routes
    const api = t.app.routeTable.filter(
      (r) => !r.includes('/docs') && !/^GET \/(assets\/|index\.html|favicon|[^/]+\.(svg|png|ico)$)/.test(r),
    );
    const missing = api.filter((r) => !known.has(r));
    expect(missing).toEqual([]);
    const stale = [...known].filter((r) => !api.includes(r));
    expect(stale).toEqual([]);
  });

  it("the table's scopes are the ones each route declares, the extra ones (`holds`) included", async () => {
    const declared = await declaredAccess();
    const wrong: string[] = [];
    for (const r of [...tenantRoutes, ...platformRoutes]) {
      const access = declared.get(`${r.method} ${r.path}`);
      const name = `${r.method} ${r.path}`;
      if (typeof access !== 'object') {
        if (access !== r.access)
          wrong.push(`${name}: declares ${String(access)}, the table says ${r.access}`);
        continue;
      }
      const [scope, also] =
        'tenant' in access
          ? [access.tenant, [...(access.also ?? [])]]
          : ['platform' in access ? access.platform : access.ownTenants, []];
      if (scope !== r.access) wrong.push(`${name}: declares ${scope}, the table says ${r.access}`);
      if (also.sort().join() !== [...(r.holds ?? [])].sort().join())
        wrong.push(`${name}: declares also ${also.join()}, the table holds ${(r.holds ?? []).join()}`);
    }
    expect(wrong).toEqual([]);
  });
});
