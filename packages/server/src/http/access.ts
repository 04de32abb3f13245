import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../db/client.ts';
import { tenantExists } from '../db/tenant.ts';
import {
  type Actor,
  isPlatform,
  isSupportOperator,
  requirePlatformScope,
  requireScopes,
  tenantAccess,
} from '../scope/actor.ts';
import { expandScopes, isScope, type Scope, scopesForRole } from '../scope/scopes.ts';
import type { RequestScope } from '../scope/tenant.ts';
import { ApiError } from './errors.ts';
import { fromPublicId, parsePathId, toPublicId } from './ids.ts';

/**
 * Who may call a /v1 route, declared in its options (`config: { access }`) and checked right after
 * authentication, before the body is parsed or validated, so a caller without the right learns nothing of
 * the route's parameters:
 * - `{ tenant: scope }` — the tenant named by the `:id` path parameter, holding `scope` there. Another
 *   tenant's id, an unknown one and a malformed one are all the same 404, so no caller learns that a tenant
 *   it cannot reach exists. `also` lists the scopes the route needs besides: the powers of what it hands
 *   out (a customer portal cancels subscriptions), checked here too, so the service never refuses after
 *   validation for a scope the route did not declare. `existence: 'route'` (GET routes only, which read no
 *   body) leaves the check that a platform-named tenant exists to the route's own tenant transaction, which
 *   must answer the same 404 (a hot path's one statement proves it: its billing row or its tenant row).
 * - `{ platform: scope }` — the platform only: the operator, a platform secret key, or a platform restricted
 *   key holding `scope`. `secretOnly` refuses restricted keys whatever they hold. An `:id` in the path names
 *   a tenant, checked as for tenant routes.
 * - `{ ownTenants: scope }` — any caller, over every tenant it reaches (all of them for the platform),
 *   holding `scope` in each.
 * - `'authenticated'` — any caller; `'session'` — a dashboard session only.
 * Routes with `auth: 'public'` (or `'optional'`) declare no access. The services check again (defence in
 * depth).
 */
export type RouteAccess =
  | 'authenticated'
  | 'session'
  | { tenant: Scope; also?: readonly Scope[]; existence?: 'route' }
  | { platform: Scope; secretOnly?: true }
  | { ownTenants: Scope };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const TENANT_PARAM = /\/:id(\/|$)/;

function scopeOf(access: Exclude<RouteAccess, string>): unknown {
  if ('tenant' in access) return access.tenant;
  if ('platform' in access) return access.platform;
  return access.ownTenants;
}

/** Refuses, at start-up, a /v1 route that does not say who may call it (or says it badly). */
export function checkDeclaration(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): void {
  if (!route.url.startsWith('/v1/')) return;
  const name = `${[route.method].flat().join(',')} ${route.url}`;
  const { auth, access } = (route.config ?? {}) as { auth?: string; access?: RouteAccess };
  if (auth === 'public' || auth === 'optional') {
    if (access !== undefined) throw new Error(`${name} is ${auth} and also declares access: keep one`);
    return;
  }
  if (access === undefined)
    throw new Error(`${name} declares no access: add config.access (see http/access.ts)`);
  if (access === 'authenticated' || access === 'session') return;
  if (typeof access !== 'object' || !isScope(String(scopeOf(access))))
    throw new Error(`${name} declares access without a known scope: ${JSON.stringify(access)}`);
  if ('tenant' in access && access.also?.some((s) => !isScope(s)))
    throw new Error(`${name} declares an unknown scope in 'also': ${JSON.stringify(access.also)}`);
  if (
    'tenant' in access &&
    access.existence !== undefined &&
    [route.method].flat().some((m) => m !== 'GET' && m !== 'HEAD')
  )
    throw new Error(`${name} leaves the tenant check to the route, which only a GET (or HEAD) route may do`);
  if ('tenant' in access && !TENANT_PARAM.test(route.url))
    throw new Error(`${name} declares tenant access but its path has no :id naming the tenant`);
}

/** The caller holds `scope` in every tenant it reaches (GET /v1/tenants lists all of them). */
function requireOwnTenantsScope(actor: Actor, scope: Scope): void {
  // every tenant for the operator's support users too, with the support role's scopes in each
  if (isPlatform(actor) || isSupportOperator(actor)) {
    requirePlatformScope(actor, scope);
    return;
  }
  const holds =
    actor.kind === 'api_key'
      ? actor.type === 'secret' || expandScopes(actor.scopes).has(scope)
      : actor.kind === 'user' && [...actor.memberships.values()].every((r) => scopesForRole(r).has(scope));
  if (!holds) throw ApiError.forbidden(`This action needs the '${scope}' permission, which you do not have.`);
}

function requireSecret(actor: Actor): void {
  if (actor.kind === 'api_key' && actor.type !== 'secret')
    throw ApiError.forbidden(
      'Only the operator or a platform secret key can do this; restricted keys cannot.',
    );
}

/** Checks the declaration; returns the caller's scope, with the tenant the path names, if any. */
async function authorize(request: FastifyRequest, db: Db, access: RouteAccess): Promise<RequestScope> {
  const actor = request.actor;
  if (!actor) throw new ApiError('not_authenticated', 'Sign in or send an API key.');
  const none: RequestScope = { actor, tenantId: null, publicId: null, access: null };
  if (access === 'authenticated') return none;
  if (access === 'session') {
    if (actor.kind !== 'user')
      throw new ApiError('not_authenticated', 'No dashboard session: sign in first.');
    return none;
  }
  if ('ownTenants' in access) {
    requireOwnTenantsScope(actor, access.ownTenants);
    return none;
  }
  const publicId = (request.params as { id?: string }).id;
  if (publicId === undefined) {
    if ('tenant' in access) throw new Error('tenant access on a path without :id'); // refused at start-up
    requirePlatformScope(actor, access.platform);
    if (access.secretOnly) requireSecret(actor);
    return none;
  }
  const tenantId = parsePathId('tenant', publicId);
  // another tenant's credentials get the 404 of a tenant that does not exist, before any 403
  const held = tenantAccess(actor, tenantId, publicId);
  if ('tenant' in access) requireScopes(held, [access.tenant, ...(access.also ?? [])]);
  else {
    requirePlatformScope(actor, access.platform);
    if (access.secretOnly) requireSecret(actor);
  }
  // only the platform (and its support users) can name a tenant it does not belong to: one that does not
  // exist is a 404 too
  const routeChecks = 'tenant' in access && access.existence === 'route';
  if ((isPlatform(actor) || isSupportOperator(actor)) && !routeChecks && !(await tenantExists(db, tenantId)))
    throw ApiError.notFound('tenant', publicId);
  return { actor, tenantId, publicId: toPublicId('tenant', tenantId), access: held };
}

/**
 * The tenant is the one in the path. `Tributary-Tenant` is no part of the API (no route ever read it): a
 * request naming another tenant in it is refused rather than silently acting on the path's.
 */
function checkTenantHeader(request: FastifyRequest, tenantId: string | null): void {
  const header = request.headers['tributary-tenant'];
  if (header === undefined || (tenantId !== null && fromPublicId('tenant', String(header)) === tenantId))
    return;
  throw new ApiError(
    'parameter_invalid',
    'The tenant is named by the path (/v1/tenants/{id}/…); a Tributary-Tenant header must name the same tenant or be left out.',
    { param: 'Tributary-Tenant' },
  );
}

/**
 * Start-up: every /v1 route declares its access. Per request, right after authentication: the declaration
 * is checked before the body is parsed or validated.
 */
export function registerAccess(app: FastifyInstance, db: Db): void {
  app.addHook('onRoute', checkDeclaration);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined) return;
    request.scope = await authorize(request, db, access);
    checkTenantHeader(request, request.scope.tenantId);
  });
}
