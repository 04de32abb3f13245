import '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ensureSeatFor, recordSeatsFor } from '../billing/service.ts';
import type { Config } from '../config.ts';
import { type OperatorRole, operatorRoles } from '../db/schema/index.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import type { RouteModule } from '../http/routing.ts';
import { errorResponses, roleSchema } from '../http/schemas.ts';
import type { Actor } from '../scope/actor.ts';
import { findTenant } from '../tenants/service.ts';
import { loginLimiter } from './rate-limit.ts';
import {
  completeSetup,
  login,
  logout,
  type NewSession,
  needsSetup,
  openDashboardLink,
  SESSION_COOKIE,
} from './service.ts';

const sessionSchema = z.object({
  object: z.literal('session'),
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    is_operator: z.boolean(),
    /** `operator`: runs the platform; `support`: an operator's support user (reads only); null: a tenant's user */
    operator_role: z.enum(operatorRoles).nullable(),
  }),
  memberships: z.array(
    z.object({ tenant: z.object({ id: z.string(), name: z.string() }), role: roleSchema }),
  ),
  csrf_token: z.string(),
});

const password = z.string().min(12, 'at least 12 characters').max(256);

function secureCookie(config: Config): boolean {
  return config.COOKIE_SECURE === 'auto'
    ? config.publicUrl.startsWith('https:')
    : config.COOKIE_SECURE === 'true';
}

export function setSessionCookie(reply: FastifyReply, config: Config, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie(config),
    path: '/',
    maxAge: session.maxAgeSeconds,
  });
}

export const authRoutes: RouteModule = (app, deps) => {
  const { db, config } = deps;

  async function describe(actor: Actor | null) {
    if (actor?.kind !== 'user')
      throw new ApiError('not_authenticated', 'No dashboard session: sign in first.');
    const memberships = [];
    for (const [tenantId, role] of actor.memberships) {
      const tenant = await findTenant(db, tenantId);
      if (tenant)
        memberships.push({ tenant: { id: toPublicId('tenant', tenant.id), name: tenant.name }, role });
    }
    return {
      object: 'session' as const,
      user: {
        id: toPublicId('user', actor.userId),
        email: actor.email,
        name: actor.name,
        is_operator: actor.isOperator,
        operator_role: (actor.isOperator
          ? 'operator'
          : actor.supportOperator
            ? 'support'
            : null) as OperatorRole | null,
      },
      memberships,
      csrf_token: actor.csrfToken,
    };
  }

  // GET /v1/setup — whether the operator account still has to be created
  app.get(
    '/v1/setup',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], response: { 200: z.object({ needs_setup: z.boolean() }) } },
    },
    async () => ({
      needs_setup: await needsSetup(db),
    }),
  );

  // POST /v1/auth/setup — create the operator with the one-time token printed at first start
  app.post(
    '/v1/auth/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        body: z.strictObject({
          token: z.string().min(1).max(200),
          email: z.email().max(254),
          password,
          name: z.string().trim().min(1).max(200),
        }),
        response: {
          200: z.object({ object: z.literal('session'), created: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const session = await completeSetup(db, config, req.body, req.id);
      setSessionCookie(reply, config, session);
      return { object: 'session' as const, created: true as const };
    },
  );

  // POST /v1/auth/login — operator (or any user with a password) signs in
  app.post(
    '/v1/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(256) }),
        response: {
          200: z.object({ object: z.literal('session'), created: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      loginLimiter.check(`${req.ip}|${req.body.email.toLowerCase()}`);
      const session = await login(db, config, req.body.email, req.body.password);
      loginLimiter.reset(`${req.ip}|${req.body.email.toLowerCase()}`);
      setSessionCookie(reply, config, session);
      return { object: 'session' as const, created: true as const };
    },
  );

  // POST /v1/auth/logout
  app.post(
    '/v1/auth/logout',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['auth'],
        response: {
          200: z.object({ object: z.literal('session'), deleted: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      if (req.sessionToken) await logout(db, req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { object: 'session' as const, deleted: true as const };
    },
  );

  // GET /v1/auth/session — the signed-in user, their tenants and the CSRF token for state changes
  app.get(
    '/v1/auth/session',
    {
      config: { access: 'session' },
      schema: { tags: ['auth'], response: { 200: sessionSchema, ...errorResponses } },
    },
    async (req) => describe(req.actor),
  );

  // GET /auth/link/:token — a dashboard link: sign in and land on the tenant
  app.get(
    '/auth/link/:token',
    { config: { auth: 'public' }, schema: { hide: true, params: z.object({ token: z.string().max(200) }) } },
    async (req, reply) => {
      const opened = await openDashboardLink(db, config, req.params.token, ensureSeatFor);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (!opened) return reply.redirect('/sign-in?error=link_invalid', 303);
      // the tenant's seat count with the platform: a gauge read again each time, so a failure here only
      // leaves it until the next change
      await recordSeatsFor(db, { config, jobs: await deps.services.jobs() }, opened.tenantId).catch((err) =>
        req.log.error({ err }, 'recording the seat count failed'),
      );
      setSessionCookie(reply, config, opened.session);
      return reply.redirect(`/tenants/${toPublicId('tenant', opened.tenantId)}`, 303);
    },
  );
};
