import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/client.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { StripeRef } from '../stripe/client.ts';
import type { Inbox } from '../webhooks/service.ts';
import { requestCtx } from './auth.ts';

export interface RouteDeps {
  db: Db;
  config: Config;
  services: AppServices;
}

/** Long-lived collaborators of the routes: the job queue (started on first use), Stripe, the inbox. */
export interface AppServices {
  jobs(): Promise<Jobs>;
  stripe: StripeRef;
  inbox: Inbox;
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
