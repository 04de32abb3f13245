import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { errorResponses } from '../http/schemas.ts';
import { type Actor, callerId, isPlatform, isSupportOperator } from '../scope/actor.ts';
import {
  supportCustomerParams,
  supportCustomerQuery,
  supportCustomerSchema,
  supportMatchListSchema,
  supportSearchQuery,
} from './schemas.ts';
import { customerDetail, searchCustomers } from './service.ts';

// Support queries (docs/support.md): GET only, `support:read`, audited. Platform-wide callers (the
// platform's keys and sessions, the operator's support users) are rate-limited per credential
// (@fastify/rate-limit, registered by app.ts with `global: false`), so a leaked support credential cannot
// sweep every tenant's customers quickly. A tenant's own callers reach one tenant only; their refreshes,
// which read Stripe on the platform's rate limit, are limited per tenant.

const platformWide = (actor: Actor) => isPlatform(actor) || isSupportOperator(actor);
const refreshing = (req: FastifyRequest) =>
  (req.query as { refresh?: unknown } | undefined)?.refresh === 'true';

export const supportRoutes: RouteModule = (app, deps) => {
  const rateLimit = {
    max: deps.config.SUPPORT_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    // runs after authentication (route hooks follow the app's): keyed by the credential, never the address
    keyGenerator: (req: FastifyRequest) => {
      if (!req.actor) return req.ip;
      if (platformWide(req.actor)) return `caller:${callerId(req.actor)}`;
      return `tenant-refresh:${req.scope?.tenantId ?? callerId(req.actor)}`;
    },
    allowList: (req: FastifyRequest) => !req.actor || (!platformWide(req.actor) && !refreshing(req)),
    errorResponseBuilder: (req: FastifyRequest, ctx: { ttl: number; max: number }) =>
      new ApiError(
        'rate_limited',
        req.actor && !platformWide(req.actor)
          ? `Too many support refreshes: at most ${ctx.max} a minute for a tenant. Try again later.`
          : `Too many support lookups: at most ${ctx.max} a minute for a platform-wide caller. Try again later.`,
        { retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)) },
      ),
  };
  const stripe = deps.services.stripe.readOnly();

  // GET /v1/support/customers — every customer matching one criterion, with its tenant
  app.get(
    '/v1/support/customers',
    {
      config: { access: { ownTenants: 'support:read' }, rateLimit },
      schema: {
        tags: ['support'],
        querystring: supportSearchQuery,
        response: { 200: supportMatchListSchema, ...errorResponses },
      },
    },
    async (req) => ({ data: await searchCustomers(ctxOf(req, deps), req.query) }),
  );

  // GET /v1/support/customers/:customer_id — one customer's payments, subscriptions, invoices, refunds,
  // disputes, saved cards and timeline (`refresh=true`: read from Stripe first)
  app.get(
    '/v1/support/customers/:customer_id',
    {
      config: { access: { ownTenants: 'support:read' }, rateLimit },
      schema: {
        tags: ['support'],
        params: supportCustomerParams,
        querystring: supportCustomerQuery,
        response: { 200: supportCustomerSchema, ...errorResponses },
      },
    },
    async (req) => customerDetail(ctxOf(req, deps), stripe, req.params.customer_id, req.query),
  );
};
