import type { RouteOptions } from 'fastify';
import { buildApp, routeModules } from '../../src/app.ts';
import type { RouteModule } from '../../src/http/routing.ts';
import { createLogger } from '../../src/logger.ts';
import { testConfig } from './app.ts';
import { testDatabase } from './db.ts';

/** Every route's options (config, schema) as the app registers them, by `METHOD /path`. */
export async function registeredRoutes(): Promise<Map<string, RouteOptions>> {
  const routes = new Map<string, RouteOptions>();
  const capture: RouteModule = (app) => {
    app.addHook('onRoute', (route) => {
      for (const m of [route.method].flat()) routes.set(`${m} ${route.url}`, route as RouteOptions);
    });
  };
  routeModules.unshift(capture);
  try {
    const app = await buildApp({
      config: testConfig(),
      database: await testDatabase(),
      log: createLogger('silent'),
    });
    await app.close();
  } finally {
    routeModules.splice(routeModules.indexOf(capture), 1);
  }
  return routes;
}
