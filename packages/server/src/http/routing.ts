import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/client.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { TenantScope } from '../scope/tenant.ts';
import type { StripeRef } from '../stripe/client.ts';
import { requestCtx, requestTenantScope } from './auth.ts';

export interface RouteDeps {
  db: Db;
  config: Config;
  services: AppServices;
}

/**
 * Long-lived collaborators of the routes: the job queue (started on first use) and Stripe. A domain that
 * hands its routes one of its own adds it to this interface (`declare module`), and app.ts provides it.
 */
export interface AppServices {
  /** Awaited before a transaction opens, never inside one: on PGlite the queue's first start needs the one connection. */
  jobs(): Promise<Jobs>;
  stripe: StripeRef;
}

export type Router = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Each domain's routes.ts exports one of these; app.ts registers them all. */
export type RouteModule = (app: Router, deps: RouteDeps) => void;

export function ctxOf(request: FastifyRequest, deps: RouteDeps): Ctx {
  return requestCtx(request, deps.db, deps.config);
}

/** The tenant scope of a route declaring `{ tenant: … }` (or a platform route with a tenant `:id`). */
export function scopeOf(request: FastifyRequest, deps: RouteDeps): TenantScope {
  return requestTenantScope(request, deps.db, deps.config);
}
