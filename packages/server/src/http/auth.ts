import type { RequestScope, TenantScope } from '../scope/tenant.ts';
import { tenantScope } from '../scope/tenant.ts';
import '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/client.ts';
import type { Actor } from '../scope/actor.ts';
import { safeEqual } from '../secrets.ts';
import { registerAccess } from './access.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
    /** Set with the caller, before the body is read, on every /v1 route that declares its access. */
    scope: RequestScope | null;
  }
  interface FastifyContextConfig {
    /** 'public': no caller needed; 'optional': resolve one if present. Default: required. */
    auth?: 'public' | 'optional';
  }
}

/** How a presented credential becomes a caller: the identity domain's, handed in by app.ts. */
export interface CallerResolver {
  apiKey(db: Db, presented: string): Promise<Actor | null>;
  session(db: Db, token: string): Promise<Actor | null>;
  sessionCookie: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic')
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

/**
 * Resolves the caller: an API key (Bearer or Basic) or the dashboard session cookie. Cookie-authenticated
 * state changes must carry the session's CSRF token and, when the browser sends one, a same-origin Origin.
 */
export function registerAuth(app: FastifyInstance, db: Db, config: Config, callers: CallerResolver): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('scope', null);
  app.addHook('onRequest', async (request) => {
    const mode = request.routeOptions.config?.auth;
    // Only the API needs a caller; the dashboard's files, docs and health checks are public.
    if (mode === 'public' || !request.url.startsWith('/v1/')) return;
    const key = presentedKey(request);
    if (key !== null) {
      const actor = await callers.apiKey(db, key);
      if (!actor)
        throw new ApiError(
          'api_key_invalid',
          'Invalid API key provided. Keys look like trb_sk_… or trb_rk_….',
        );
      request.actor = actor;
      return;
    }
    const token = request.cookies[callers.sessionCookie];
    const actor = token ? await callers.session(db, token) : null;
    if (!actor) {
      if (mode === 'optional') return;
      throw new ApiError(
        'not_authenticated',
        'Sign in, or send an API key as "Authorization: Bearer trb_sk_…".',
      );
    }
    if (!SAFE_METHODS.has(request.method) && actor.kind === 'user') {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, actor.csrfToken)) {
        throw new ApiError(
          'csrf_token_invalid',
          'Missing or wrong X-CSRF-Token header for a signed-in request.',
        );
      }
      const origin = request.headers.origin;
      if (
        origin &&
        origin !== new URL(config.publicUrl).origin &&
        origin !== `${request.protocol}://${request.host}`
      ) {
        throw new ApiError('csrf_token_invalid', 'Cross-origin request refused.');
      }
    }
    request.actor = actor;
    request.sessionToken = token ?? null;
  });
  // each route's declared access, checked right after the caller is known and before the body is read
  registerAccess(app, db);
}

export function requestCtx(request: FastifyRequest, db: Db, config: Config): Ctx {
  if (!request.actor) throw new ApiError('not_authenticated', 'Sign in or send an API key.');
  const idem = request.idempotency;
  return {
    db,
    config,
    actor: request.actor,
    requestId: request.id,
    log: request.log,
    ...(idem ? { requestKey: `${idem.caller}:${idem.key}` } : {}),
  };
}

/** The route's tenant scope, resolved before the body was read; only on routes that name a tenant. */
export function requestTenantScope(request: FastifyRequest, db: Db, config: Config): TenantScope {
  const scope = request.scope;
  if (!scope?.tenantId)
    throw new Error(`${request.routeOptions.url} names no tenant: it has no tenant scope`);
  return tenantScope(requestCtx(request, db, config), scope.tenantId, scope.publicId, scope.access);
}
