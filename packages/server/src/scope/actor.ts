import type { Role } from '../db/schema/index.ts';
import { ApiError } from '../http/errors.ts';
import { expandScopes, isOwnerScope, type Scope, scopesForRole } from './scopes.ts';

/** Who is making a request, as resolved by http/auth. Services decide what the actor may do. */
export type Actor =
  | {
      kind: 'api_key';
      keyId: string;
      tenantId: string | null;
      type: 'secret' | 'restricted';
      scopes: string[];
      label: string;
    }
  | {
      kind: 'user';
      userId: string;
      email: string;
      name: string | null;
      /** the platform's operator: every power over every tenant */
      isOperator: boolean;
      /**
       * an operator's support user (issue 23): the support role's read scopes in every tenant, platform-wide,
       * and nothing else — never isPlatform, so every write and every platform route refuses it
       */
      supportOperator: boolean;
      memberships: ReadonlyMap<string, Role>;
      sessionId: string;
      csrfToken: string;
    }
  | { kind: 'system'; label: string };

export function callerId(actor: Actor): string {
  if (actor.kind === 'api_key') return `key:${actor.keyId}`;
  if (actor.kind === 'user') return `user:${actor.userId}`;
  return `system:${actor.label}`;
}

/** The platform itself: a platform API key or the operator; may act on every tenant. */
export function isPlatform(actor: Actor): boolean {
  return (
    (actor.kind === 'api_key' && actor.tenantId === null) ||
    (actor.kind === 'user' && actor.isOperator) ||
    actor.kind === 'system'
  );
}

/** An operator's support user: reads every tenant's customers and their money, changes nothing. */
export function isSupportOperator(actor: Actor): boolean {
  return actor.kind === 'user' && actor.supportOperator && !actor.isOperator;
}

export interface TenantAccess {
  tenantId: string;
  scopes: ReadonlySet<Scope>;
  /** The dashboard role, or the equivalent for keys: secret keys and the platform act as owner. */
  role: Role;
}

/**
 * What `actor` may do in `tenantId`. An actor with no access at all gets the same 404 as a tenant that does
 * not exist, so no caller can learn that another tenant exists.
 */
export function tenantAccess(actor: Actor, tenantId: string, publicId: string): TenantAccess {
  const missing = () => ApiError.notFound('tenant', publicId);
  if (actor.kind === 'system') return { tenantId, scopes: scopesForRole('owner'), role: 'owner' };
  if (actor.kind === 'api_key') {
    if (actor.tenantId !== null && actor.tenantId !== tenantId) throw missing();
    if (actor.type === 'secret') return { tenantId, scopes: scopesForRole('owner'), role: 'owner' };
    return { tenantId, scopes: expandScopes(actor.scopes), role: 'member' };
  }
  if (actor.isOperator) return { tenantId, scopes: scopesForRole('owner'), role: 'owner' };
  if (isSupportOperator(actor)) return { tenantId, scopes: scopesForRole('support'), role: 'support' };
  const role = actor.memberships.get(tenantId);
  if (!role) throw missing();
  return { tenantId, scopes: scopesForRole(role), role };
}

/**
 * Whether a caller with `access` may hand `role` to someone (a dashboard link, a role change): it must hold
 * every power of the role itself, and only an owner grants owner. A credential never grants more than it
 * holds: a restricted key with `members:write` alone can grant no role at all, since even a
 * member reads everything.
 */
export function canGrantRole(access: TenantAccess, role: Role): boolean {
  if (role === 'owner' && access.role !== 'owner') return false;
  return [...scopesForRole(role)].every((s) => access.scopes.has(s));
}

export function requireScope(access: TenantAccess, scope: Scope): void {
  if (access.scopes.has(scope)) return;
  throw ApiError.forbidden(
    isOwnerScope(scope)
      ? `This action needs the '${scope}' permission: only an owner, a secret key or the platform holds it (and a restricted key one of them gave it to).`
      : `This action needs the '${scope}' permission, which your role or key does not have.`,
  );
}

/**
 * For a route that hands out a link granting more than its own scope (a customer portal, an Express
 * dashboard): the caller must hold every power the link gives.
 */
export function requireScopes(access: TenantAccess, scopes: readonly Scope[]): void {
  for (const scope of scopes) requireScope(access, scope);
}

export function requirePlatform(actor: Actor): void {
  if (!isPlatform(actor))
    throw ApiError.forbidden('Only the platform (a platform API key or the operator) can do this.');
}

/**
 * The platform, and for a platform restricted key also `scope` (the operator and platform secret keys have
 * every scope); or an operator's support user, for a scope of the support role (reads only).
 */
export function requirePlatformScope(actor: Actor, scope: Scope): void {
  // the operator's support users read, platform-wide, what the support role reads in a tenant
  if (isSupportOperator(actor)) {
    if (scopesForRole('support').has(scope)) return;
    throw ApiError.forbidden(
      `This action needs the '${scope}' permission: support users read customers and their payments, and change nothing.`,
    );
  }
  requirePlatform(actor);
  if (actor.kind === 'api_key' && actor.type === 'restricted' && !expandScopes(actor.scopes).has(scope)) {
    throw ApiError.forbidden(`This action needs the '${scope}' permission, which your key does not have.`);
  }
}

export function actorLabel(actor: Actor): {
  type: 'user' | 'api_key' | 'platform' | 'system';
  id: string | null;
  label: string;
} {
  if (actor.kind === 'api_key') return { type: 'api_key', id: actor.keyId, label: actor.label };
  if (actor.kind === 'user') return { type: 'user', id: actor.userId, label: actor.email };
  return { type: 'system', id: null, label: actor.label };
}
