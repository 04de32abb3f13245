import { z } from 'zod';
import { resolveSession, SESSION_COOKIE } from '../auth/service.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, toPublicId } from '../http/ids.ts';
import { ctxOf, type RouteDeps, type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, listOf, tenantParams, unixTime } from '../http/schemas.ts';
import { esc, resultPage } from './page.ts';
import {
  authorizeUrlQuery,
  authorizeUrlSchema,
  connectedAccountSchema,
  connectStatusSchema,
  createAccountBody,
  loginLinkSchema,
  onboardingLinkBody,
  onboardingLinkSchema,
  operatorListQuery,
  toApiStatus,
} from './schemas.ts';
import * as connect from './service.ts';

const tokenQuery = z.object({ t: z.string().max(200).optional() });
const callbackQuery = z.object({
  code: z.string().max(500).optional(),
  state: z.string().max(500).optional(),
  scope: z.string().max(100).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(1000).optional(),
});

const connectDeps = (deps: RouteDeps): connect.ConnectDeps => ({
  stripe: deps.services.stripe,
  jobs: deps.services.jobs,
});

export const connectRoutes: RouteModule = (app, deps) => {
  const cdeps = connectDeps(deps);

  // POST /v1/tenants/:id/connect/account — create (or return) the tenant's connected account
  app.post(
    '/v1/tenants/:id/connect/account',
    {
      config: { dunning: 'allowed', access: { tenant: 'connect:write' } },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        body: createAccountBody,
        response: { 200: connectStatusSchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiStatus(await connect.createAccount(scopeOf(req, deps), cdeps, req.body ?? {}));
    },
  );

  // POST /v1/tenants/:id/connect/onboarding_link — a fresh hosted onboarding link (also resumes)
  app.post(
    '/v1/tenants/:id/connect/onboarding_link',
    {
      config: { dunning: 'allowed', access: { tenant: 'connect:write' }, secretFields: ['url'] },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        body: onboardingLinkBody,
        response: { 200: onboardingLinkSchema, ...errorResponses },
      },
    },
    async (req) => {
      const link = await connect.createOnboardingLink(scopeOf(req, deps), cdeps, req.body ?? {});
      return { object: 'connect_onboarding_link' as const, url: link.url, expires_at: link.expiresAt };
    },
  );

  // GET /v1/tenants/:id/connect/status — readiness in plain words
  app.get(
    '/v1/tenants/:id/connect/status',
    {
      config: { access: { tenant: 'connect:read' } },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        response: { 200: connectStatusSchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiStatus(await connect.getStatus(scopeOf(req, deps), cdeps));
    },
  );

  // POST /v1/tenants/:id/connect/refresh — pull the account from Stripe now
  app.post(
    '/v1/tenants/:id/connect/refresh',
    {
      config: { dunning: 'allowed', access: { tenant: 'connect:write' } },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        response: { 200: connectStatusSchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiStatus(await connect.refreshAccount(scopeOf(req, deps), cdeps));
    },
  );

  // POST /v1/tenants/:id/connect/login_link — Express dashboard (Standard: Stripe's dashboard)
  app.post(
    '/v1/tenants/:id/connect/login_link',
    {
      // the Express dashboard edits the payout bank account (owners) and shows payments, refunds, disputes
      config: {
        dunning: 'allowed',
        access: { tenant: 'connect:manage', also: ['payments:read', 'refunds:read', 'disputes:read'] },
        secretFields: ['url'],
      },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        response: { 200: loginLinkSchema, ...errorResponses },
      },
    },
    async (req) => {
      const link = await connect.createLoginLink(scopeOf(req, deps), cdeps);
      return { object: 'connect_login_link' as const, ...link };
    },
  );

  // POST /v1/tenants/:id/connect/disconnect — deauthorize (OAuth) or mark disconnected; history stays
  app.post(
    '/v1/tenants/:id/connect/disconnect',
    {
      config: { dunning: 'allowed', access: { tenant: 'connect:manage' } },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        response: { 200: connectStatusSchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiStatus(await connect.disconnect(scopeOf(req, deps), cdeps));
    },
  );

  // GET /v1/tenants/:id/connect/oauth/authorize_url — link an existing Stripe account (single-use state)
  app.get(
    '/v1/tenants/:id/connect/oauth/authorize_url',
    {
      config: { access: { tenant: 'connect:write' } },
      schema: {
        tags: ['connect'],
        params: tenantParams,
        querystring: authorizeUrlQuery,
        response: { 200: authorizeUrlSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await connect.oauthAuthorizeUrl(scopeOf(req, deps), cdeps, req.query);
      reply.header('cache-control', 'no-store');
      return {
        object: 'connect_oauth_authorize_url' as const,
        url: out.url,
        state_expires_at: unixTime(out.expiresAt)!,
      };
    },
  );

  // GET /v1/connect/accounts — the operator's list of every tenant's connected account
  app.get(
    '/v1/connect/accounts',
    {
      config: { access: { platform: 'connect:read' } },
      schema: {
        tags: ['connect'],
        querystring: operatorListQuery,
        response: { 200: listOf(connectedAccountSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      let startingAfter: string | null = null;
      if (q.starting_after) {
        startingAfter = fromPublicId('tenant', q.starting_after);
        if (!startingAfter)
          throw new ApiError('resource_missing', `No such object for starting_after: '${q.starting_after}'`, {
            param: 'starting_after',
          });
      }
      const page = await connect.listConnectedAccounts(ctxOf(req, deps), {
        limit: q.limit,
        status: q.status,
        kind: q.kind,
        startingAfter,
      });
      return {
        object: 'list' as const,
        has_more: page.hasMore,
        url: '/v1/connect/accounts',
        data: page.rows.map((r) => ({
          object: 'connected_account' as const,
          tenant: { id: toPublicId('tenant', r.tenant_id), name: r.tenant_name },
          status: r.status as connect.ConnectStatus,
          account_id: r.account?.stripeAccountId ?? null,
          kind: r.account?.kind ?? null,
          source: r.account?.source ?? null,
          charges_enabled: Boolean(r.account && !r.account.disconnectedAt && r.account.chargesEnabled),
          payouts_enabled: Boolean(r.account && !r.account.disconnectedAt && r.account.payoutsEnabled),
          currently_due: r.account?.disconnectedAt ? 0 : (r.account?.requirements?.currently_due.length ?? 0),
          connected_at: unixTime(r.account?.connectedAt),
          last_synced_at: unixTime(r.account?.lastSyncedAt),
          last_event_at: unixTime(r.account?.lastEventAt),
        })),
      };
    },
  );

  // GET /connect/onboarding/return — Stripe's return_url: sync, then on to the platform's page
  app.get(
    '/connect/onboarding/return',
    { config: { auth: 'public' }, schema: { hide: true, querystring: tokenQuery } },
    async (req, reply) => {
      const url = await connect.onboardingReturn(deps.db, deps.config, cdeps, req.query.t);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.redirect(url, 303);
    },
  );

  // GET /connect/onboarding/refresh — Stripe's refresh_url: a fresh onboarding link, transparently
  app.get(
    '/connect/onboarding/refresh',
    { config: { auth: 'public' }, schema: { hide: true, querystring: tokenQuery } },
    async (req, reply) => {
      const url = await connect.onboardingRefresh(deps.db, deps.config, cdeps, req.query.t);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.redirect(url, 303);
    },
  );

  // GET /connect/oauth/callback — Stripe's OAuth redirect: check the state, exchange the code, link
  app.get(
    '/connect/oauth/callback',
    { config: { auth: 'public' }, schema: { hide: true, querystring: callbackQuery } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      const user = token ? await resolveSession(deps.db, token) : null;
      const out = await connect.oauthCallback(deps.db, deps.config, cdeps, req.query, user, req.id);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (out.kind === 'redirect') return reply.redirect(out.url, 303);
      return reply
        .code(out.status)
        .type('text/html; charset=utf-8')
        .send(
          resultPage(
            'Could not connect the Stripe account',
            `<p data-testid="connect-error" data-code="${esc(out.code)}">${esc(connect.oauthErrorMessages[out.code])}</p>`,
            deps.config.publicUrl,
          ),
        );
    },
  );
};
