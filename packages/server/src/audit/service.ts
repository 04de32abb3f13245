import type { Ctx } from '../context.ts';
import { withSystem } from '../db/tenant.ts';
import type { PageQuery } from '../http/pagination.ts';
import { requirePlatform } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { listAudit } from './repo.ts';

export type { AuditRow } from './repo.ts';

/** The tenant's audit log, newest first. */
export function listTenantAudit(scope: TenantScope, q: PageQuery) {
  return inTenant(scope, 'audit_log:read', (tx) => listAudit(tx, scope.tenantId, q));
}

/** The platform's own entries (tenants created, platform keys, refused links), for the platform only. */
export function listPlatformAudit(ctx: Ctx, q: PageQuery) {
  requirePlatform(ctx.actor);
  return withSystem(ctx.db, 'operator.audit', (tx) => listAudit(tx, null, q));
}
