import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { tenantRowExists, withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { type TenantId, type TenantPublicId, toPublicId } from '../http/ids.ts';
import { type Actor, callerId, requireScope, type TenantAccess, tenantAccess } from './actor.ts';
import { type AuditEntry, insertAudit } from './audit.ts';
import type { Scope } from './scopes.ts';

/**
 * Who calls and, on a route naming a tenant, which tenant and what the caller may do there: resolved once
 * per request, before the body is read (http/access.ts), as `request.scope`.
 */
export type RequestScope =
  | { actor: Actor; tenantId: TenantId; publicId: TenantPublicId; access: TenantAccess }
  | { actor: Actor; tenantId: null; publicId: null; access: null };

/**
 * A service call on one tenant's behalf: who calls, which tenant (its uuid and its public id, kept apart by
 * their types), and what the caller may do there, resolved once. Services take `(scope, input)`.
 */
export interface TenantScope extends Ctx {
  readonly tenantId: TenantId;
  readonly publicId: TenantPublicId;
  readonly access: TenantAccess;
  /** Records `entry` for this tenant, by this caller, in `tx` (so it exists exactly when the change does). */
  audit(tx: Tx, entry: Omit<AuditEntry, 'tenantId'>): Promise<void>;
}

/**
 * The scope of `ctx`'s caller in a tenant. A caller with no access there gets the 404 of a tenant that does
 * not exist, so it learns nothing of it.
 */
export function tenantScope(
  ctx: Ctx,
  tenantId: TenantId,
  publicId: TenantPublicId,
  access: TenantAccess = tenantAccess(ctx.actor, tenantId, publicId),
): TenantScope {
  // a caller's powers in one tenant never stand for another's
  if (access.tenantId !== tenantId)
    throw new Error('tenantScope: the access was resolved for another tenant');
  return {
    ...ctx,
    tenantId,
    publicId,
    access,
    audit: (tx, entry) => insertAudit(tx, ctx.actor, ctx.requestId, { ...entry, tenantId }),
  };
}

/** The scope of `ctx`'s caller (the CLI, a job, a test) in a tenant it names by its uuid. */
export function scopeInTenant(ctx: Ctx, tenantId: TenantId): TenantScope {
  return tenantScope(ctx, tenantId, toPublicId('tenant', tenantId));
}

type TenantWork<T> = (tx: Tx, access: TenantAccess) => Promise<T>;

/**
 * Runs `fn` in the scope's tenant transaction (row-level security on that tenant alone) after checking
 * the caller holds `need` there and the tenant still exists.
 */
export async function inTenant<T>(scope: TenantScope, need: Scope, fn: TenantWork<T>): Promise<T> {
  requireScope(scope.access, need);
  return withTenant(
    scope.db,
    scope.tenantId,
    async (tx) => {
      if (!(await tenantRowExists(tx, scope.tenantId))) throw ApiError.notFound('tenant', scope.publicId);
      return fn(tx, scope.access);
    },
    { callerId: callerId(scope.actor) },
  );
}
