// Whose figures an analytics request reads. Under /v1/tenants/:id/analytics the tenant in the path; under
// /v1/analytics the platform's for the platform (the operator, a platform key), and for a key bound to one
// tenant that tenant's own — it can never read the platform's or another tenant's.
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { ctxOf, type RouteDeps, scopeOf } from '../http/routing.ts';
import { isPlatform } from '../scope/actor.ts';
import { type TenantScope, tenantScope } from '../scope/tenant.ts';

export type Audience =
  | { kind: 'platform'; ctx: Ctx; tenant: null }
  | { kind: 'tenant'; scope: TenantScope; tenant: string };

/**
 * The audience of a request to a route declaring `{ tenant: 'analytics:read' }` (with `:id`) or
 * `{ ownTenants: 'analytics:read' }` (without), which has already checked the scope.
 */
export function audienceOf(req: FastifyRequest, deps: RouteDeps): Audience {
  if ((req.params as { id?: string }).id !== undefined) {
    const scope = scopeOf(req, deps);
    return { kind: 'tenant', scope, tenant: scope.publicId };
  }
  const ctx = ctxOf(req, deps);
  if (isPlatform(ctx.actor)) return { kind: 'platform', ctx, tenant: null };
  if (ctx.actor.kind === 'api_key' && ctx.actor.tenantId !== null) {
    const tenantId = ctx.actor.tenantId as TenantScope['tenantId'];
    const scope = tenantScope(ctx, tenantId, toPublicId('tenant', tenantId));
    return { kind: 'tenant', scope, tenant: scope.publicId };
  }
  throw new ApiError(
    'analytics_tenant_required',
    "Name the tenant whose figures you want: GET /v1/tenants/{id}/analytics/… (a tenant's key may leave it out).",
  );
}
