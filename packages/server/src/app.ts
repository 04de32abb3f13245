import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { feeReportRoutes } from './analytics/fee-routes.ts';
import { inputsRoutes } from './analytics/inputs-routes.ts';
import { analyticsRoutes } from './analytics/routes.ts';
import { summaryRoutes } from './analytics/summary-routes.ts';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { keyCacheChannel, resolveApiKey, resolveSession, SESSION_COOKIE } from './auth/service.ts';
import { supportUserRoutes } from './auth/support-users-routes.ts';
import { billingMoneyRoutes } from './billing/account/money-routes.ts';
import { billingAccountRoutes } from './billing/account/routes.ts';
import { dunningOperatorRoutes } from './billing/dunning/operator-routes.ts';
import { planRoutes } from './billing/plans/routes.ts';
import { recoveryRoutes } from './billing/recovery/routes.ts';
import { billingStateOf, entitlementsCacheChannel } from './billing/service.ts';
import { tenantPlanRoutes } from './billing/tenant-plan/routes.ts';
import { usageRoutes } from './billing/usage/routes.ts';
import type { Config } from './config.ts';
import { connectRoutes } from './connect/routes.ts';
import type { Database } from './db/client.ts';
import { startListener } from './db/listener.ts';
import { setTenantTxHook, type TenantTxHook } from './db/tenant.ts';
import { feeRoutes } from './fees/routes.ts';
import { registerAuth } from './http/auth.ts';
import { registerDunning } from './http/dunning.ts';
import { handleError, sendError } from './http/error-handler.ts';
import { ApiError } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { registerInputGuard } from './http/input-guard.ts';
import { openApiTransform, openApiTransformObject } from './http/openapi.ts';
import type { RouteDeps, RouteModule } from './http/routing.ts';
import { invoiceRoutes } from './invoices/routes.ts';
import { type Jobs, startJobs } from './jobs/boss.ts';
import type { WorkerPacing } from './jobs/pacing.ts';
import type { Logger } from './logger.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { paymentRoutes } from './payments/routes.ts';
import { randomToken } from './secrets.ts';
import { registerStripeBudget } from './stripe/budget.ts';
import { StripeRef } from './stripe/client.ts';
import { subscriptionRoutes } from './subscriptions/routes.ts';
import { supportRoutes } from './support/routes.ts';
import { invitationRoutes } from './tenants/invitation-routes.ts';
import { tenantRoutes } from './tenants/routes.ts';
import { eventRoutes } from './webhooks/event-routes.ts';
import { inboundWebhookRoutes } from './webhooks/inbound-routes.ts';
import { endpointRoutes } from './webhooks/outbound/routes.ts';
import { Inbox } from './webhooks/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered `METHOD /path`, for the route-coverage tests. */
    routeTable: string[];
  }
}

export const routeModules: RouteModule[] = [
  authRoutes,
  supportUserRoutes,
  tenantRoutes,
  invitationRoutes,
  apiKeyRoutes,
  auditRoutes,
  inboundWebhookRoutes,
  eventRoutes,
  endpointRoutes,
  connectRoutes,
  feeRoutes,
  paymentRoutes,
  analyticsRoutes,
  feeReportRoutes,
  summaryRoutes,
  inputsRoutes,
  invoiceRoutes,
  subscriptionRoutes,
  notificationRoutes,
  tenantPlanRoutes,
  billingAccountRoutes,
  billingMoneyRoutes,
  recoveryRoutes,
  dunningOperatorRoutes,
  planRoutes,
  usageRoutes,
  supportRoutes,
];

export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
const apiPrefixes = [
  '/v1/',
  '/webhooks/',
  '/connect/',
  '/auth/',
  '/docs',
  '/openapi.json',
  '/healthz',
  '/readyz',
];

export interface AppOptions {
  config: Config;
  database: Database;
  log: Logger;
  /** The process's job queue; without one the app starts a send-only queue on first use. */
  jobs?: Jobs;
  stripe?: StripeRef;
  /** The worker's pacing when it runs in this process (`serve`): told of each webhook delivery. */
  pacing?: WorkerPacing;
  /**
   * For tests only, never set by `serve`: `tenantTransaction` runs inside every withTenant transaction of
   * this app's database between its first query and the rest (see db/tenant.ts), so a test can hold a
   * request's transaction open while it breaks the database connection.
   */
  testHooks?: { tenantTransaction?: TenantTxHook };
}

/** Builds the HTTP app from its parts; no globals, so tests build as many as they like. */
export async function buildApp({ config, database, log, ...opts }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: () => `req_${randomToken(20)}`,
    requestIdHeader: false,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
    // a URL the router cannot decode names no route: answered in our error shape, not Fastify's
    frameworkErrors: (_err, request, reply) =>
      sendError(
        reply,
        new ApiError('route_not_found', `Unrecognized request URL (${request.method}).`),
        request.id,
      ),
  }).withTypeProvider<ZodTypeProvider>();
  const routeTable: string[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'public' };
    for (const m of [route.method].flat()) if (m !== 'HEAD') routeTable.push(`${m} ${route.url}`);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('request-id', request.id);
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Tributary API',
        version: '1',
        description: 'Stripe Connect platform backend. Authenticate with `Authorization: Bearer trb_sk_…`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  // per-route limits only (`config.rateLimit`): the support queries' platform-wide callers (support/routes.ts)
  await app.register(fastifyRateLimit, { global: false });
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  if (opts.testHooks?.tenantTransaction) {
    setTenantTxHook(database.db, opts.testHooks.tenantTransaction);
    app.addHook('onClose', async () => setTenantTxHook(database.db, null));
  }
  // resolved API keys and tenants' entitlements, cached while this process hears every change of them
  // (auth/key-cache.ts, billing/entitlements-cache.ts)
  const stopListener = await startListener(database, log, [
    keyCacheChannel(database.db),
    entitlementsCacheChannel(database.db),
  ]);
  app.addHook('onClose', stopListener);
  registerAuth(app, database.db, config, {
    apiKey: resolveApiKey,
    session: resolveSession,
    sessionCookie: SESSION_COOKIE,
  });
  // what a tenant in dunning may still do, once its caller's access is known (before the body is read)
  registerDunning(app, database.db, billingStateOf);
  registerInputGuard(app);
  registerIdempotency(app, database.db, config);
  registerStripeBudget(app, config);
  let ownJobs: Promise<Jobs> | null = null;
  const jobs = (): Promise<Jobs> => {
    if (opts.jobs) return Promise.resolve(opts.jobs);
    // a start that failed (database down) is not kept: the next caller tries again
    ownJobs ??= startJobs(database, log, { work: false, definitions: [] }).catch((err) => {
      ownJobs = null;
      throw err;
    });
    return ownJobs;
  };
  app.addHook('onClose', async () => {
    if (ownJobs) await (await ownJobs).stop();
  });
  // PGlite runs one transaction at a time. On Postgres two group commits overlap (one fills while the other
  // commits): more concurrent flushes make smaller batches and more commits, measured slower
  // (bench/results/webhook-ingest.md).
  const inbox = new Inbox(database.db, jobs, config, {
    maxConcurrent: database.kind === 'pglite' ? 1 : Math.min(2, config.DATABASE_POOL_SIZE),
    pacing: opts.pacing,
  });
  const services = { jobs, stripe: opts.stripe ?? new StripeRef(config), inbox };
  const deps: RouteDeps = { db: database.db, config, services };
  healthRoutes(app, database);
  for (const mod of routeModules) mod(app, deps);

  const hasWeb = existsSync(`${webDist}/index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (request.method === 'GET' && !apiPrefixes.some((p) => path.startsWith(p))) {
      // a recovery link of old, and a support user's invitation, carry their token in the query: no Referer
      // takes it from the page
      if (path === '/recover' || path === '/support-invitation')
        reply.header('referrer-policy', 'no-referrer');
      if (hasWeb) return reply.header('cache-control', 'no-cache').sendFile('index.html');
      return reply
        .type('text/plain')
        .send('The dashboard is not built. Run `npm run build` (npm start does it for you).');
    }
    const err = new ApiError('route_not_found', `Unrecognized request URL (${request.method}: ${path}).`);
    return sendError(reply, err, request.id);
  });
  await app.ready();
  return app;
}
