import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { allRouteCases, opsRoutes } from '../helpers/routes.ts';

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
});
