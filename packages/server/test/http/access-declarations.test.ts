import { describe, expect, it } from 'vitest';
import { buildApp, routeModules } from '../../src/app.ts';
import type { RouteModule } from '../../src/http/routing.ts';
import { createLogger } from '../../src/logger.ts';
import { testConfig } from '../helpers/app.ts';
import { testDatabase } from '../helpers/db.ts';

/** Builds the real app with one more route module; the module list is restored whatever happens. */
async function startWith(extra: RouteModule): Promise<unknown> {
  routeModules.push(extra);
  try {
    const app = await buildApp({
      config: testConfig(),
      database: await testDatabase(),
      log: createLogger('silent'),
    });
    await app.close();
    return null;
  } catch (err) {
    return err;
  } finally {
    routeModules.splice(routeModules.indexOf(extra), 1);
  }
}

/** Every /v1 route declares who may call it; the app refuses to start with one that does not. */
describe('access declarations', () => {
  it('start-up fails for a /v1 route that declares no access', async () => {
    const err = await startWith((app) => {
      app.get('/v1/undeclared', async () => ({ ok: true }));
    });
    expect(String(err)).toMatch(/GET \/v1\/undeclared declares no access/);
  });

  it('start-up fails for a tenant declaration on a path without the tenant', async () => {
    const err = await startWith((app) => {
      app.get('/v1/things', { config: { access: { tenant: 'customers:read' } } }, async () => ({}));
    });
    expect(String(err)).toMatch(/GET \/v1\/things.*:id/);
  });

  it('start-up fails for a public route that also declares access', async () => {
    const err = await startWith((app) => {
      app.get('/v1/confused', { config: { auth: 'public', access: 'authenticated' } }, async () => ({}));
    });
    expect(String(err)).toMatch(/GET \/v1\/confused/);
  });

  it('a declared route starts, and a platform declaration cannot leave out its scope', async () => {
    expect(
      await startWith((app) => {
        app.get('/v1/declared', { config: { access: { platform: 'fees:read' } } }, async () => ({}));
      }),
    ).toBeNull();
    const bad = (app: Parameters<RouteModule>[0]) =>
      // @ts-expect-error a platform declaration without its scope does not type-check
      app.get('/v1/scopeless', { config: { access: { platform: undefined } } }, async () => ({}));
    expect(await startWith(bad)).not.toBeNull();
  });
});
