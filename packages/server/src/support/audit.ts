import type { Ctx } from '../context.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { callerId } from '../scope/actor.ts';
import { type AuditEntry, insertAudit } from '../scope/audit.ts';

// Support's one write of its own: who looked at what, and why (a platform-wide caller's reason). In a
// transaction of its own — the lookup's reads run READ ONLY, which could not hold it — written before the
// read, so a lookup is on record even when it finds nothing or fails.

/**
 * Where a support caller looks: one tenant (a tenant's key or member, or the platform naming it), or every
 * tenant (the platform, giving a reason).
 */
export type Audience =
  | { kind: 'tenant'; tenantId: string; reason: string | null }
  | { kind: 'all'; reason: string };

export function recordLookup(
  ctx: Ctx,
  audience: Audience,
  tenantId: string | null,
  entry: Omit<AuditEntry, 'tenantId'>,
): Promise<void> {
  const data = {
    ...entry.data,
    ...(audience.reason !== null ? { reason: audience.reason } : {}),
    across_tenants: audience.kind === 'all',
  };
  const write = { ...entry, tenantId, data };
  if (tenantId === null)
    return withSystem(ctx.db, 'operator.audit', (tx) => insertAudit(tx, ctx.actor, ctx.requestId, write));
  return withTenant(ctx.db, tenantId, (tx) => insertAudit(tx, ctx.actor, ctx.requestId, write), {
    callerId: callerId(ctx.actor),
  });
}
