import type { Ctx } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Role, TenantSettings } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { parsePathId } from '../http/ids.ts';
import type { Page } from '../http/pagination.ts';
import {
  type Actor,
  canGrantRole,
  isPlatform,
  isSupportOperator,
  requirePlatformScope,
} from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { lowerRole } from '../scope/scopes.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import * as repo from './repo.ts';

export type { MemberRow, TenantPlanSummary, TenantRow } from './repo.ts';
export { alertMembers, alertRecipients, getTenant as tenantRowIn, ownerEmails } from './repo.ts';

/** The tenant's row, read in its own transaction (for callers that hold no tenant context yet). */
export function findTenant(db: Db, tenantId: string): Promise<repo.TenantRow | undefined> {
  return withTenant(db, tenantId, (tx) => repo.getTenant(tx, tenantId));
}

export async function createTenant(
  ctx: Ctx,
  input: { name: string; externalId?: string | null; metadata?: Record<string, string> },
) {
  requirePlatformScope(ctx.actor, 'tenants:write');
  return withSystem(ctx.db, 'operator.tenants', async (tx) => {
    const row = await repo.insertTenant(tx, input);
    if (!row)
      throw new ApiError(
        'resource_exists',
        `A tenant with external_id '${input.externalId}' already exists.`,
        { param: 'external_id' },
      );
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: row.id,
      action: 'tenant.created',
      target: { kind: 'tenant', id: row.id },
      data: { name: row.name },
    });
    return row;
  });
}

/**
 * The operator and platform keys see every tenant, each with its plan and billing state (one query for the
 * page); a tenant key its own; a user their memberships.
 */
export async function listTenants(
  ctx: Ctx,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
): Promise<Page<repo.TenantRow & { billing?: repo.TenantPlanSummary }>> {
  if (isPlatform(ctx.actor) || isSupportOperator(ctx.actor)) {
    requirePlatformScope(ctx.actor, 'tenants:read');
    return withSystem(ctx.db, 'operator.tenants', async (tx) => {
      const page = await repo.listTenants(tx, q);
      // each tenant's plan is billing's, which the operator's support users do not read
      if (!isPlatform(ctx.actor)) return page;
      const plans = await repo.planSummaries(
        tx,
        page.data.map((t) => t.id),
      );
      return { ...page, data: page.data.map((t) => ({ ...t, billing: plans.get(t.id) })) };
    });
  }
  const ids = visibleTenantIds(ctx.actor);
  const rows: repo.TenantRow[] = [];
  for (const id of ids) {
    const row = await withTenant(ctx.db, id, (tx) => repo.getTenant(tx, id));
    if (row) rows.push(row);
  }
  rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1));
  let start = 0;
  let end = rows.length;
  if (q.startingAfter) start = rows.findIndex((r) => r.id === q.startingAfter) + 1;
  if (q.endingBefore)
    end = Math.max(
      0,
      rows.findIndex((r) => r.id === q.endingBefore),
    );
  if (
    (q.startingAfter && start === 0) ||
    (q.endingBefore && end === 0 && !rows.some((r) => r.id === q.endingBefore))
  ) {
    throw new ApiError('resource_missing', 'No such object for the pagination cursor.', {
      param: q.startingAfter ? 'starting_after' : 'ending_before',
    });
  }
  const window = q.endingBefore
    ? rows.slice(Math.max(start, end - q.limit), end)
    : rows.slice(start, start + q.limit);
  const hasMore = q.endingBefore ? end - q.limit > start : start + q.limit < end;
  return { data: window, hasMore };
}

function visibleTenantIds(actor: Actor): string[] {
  if (actor.kind === 'api_key') return actor.tenantId ? [actor.tenantId] : [];
  if (actor.kind === 'user') return [...actor.memberships.keys()];
  return [];
}

export function getTenant(scope: TenantScope) {
  return inTenant(scope, 'tenants:read', async (tx) => (await repo.getTenant(tx, scope.tenantId))!);
}

export function updateTenant(
  scope: TenantScope,
  input: { name?: string; metadata?: Record<string, string>; settings?: TenantSettings },
) {
  return inTenant(scope, 'tenants:write', async (tx) => {
    const row = await repo.updateTenant(tx, scope.tenantId, input);
    await scope.audit(tx, {
      action: 'tenant.updated',
      target: { kind: 'tenant', id: scope.tenantId },
      data: { fields: Object.keys(input) },
    });
    return row!;
  });
}

export function listMembers(scope: TenantScope) {
  return inTenant(scope, 'members:read', (tx) => repo.listMembers(tx, scope.tenantId));
}

/** `input.user` is the member's public user id, as the caller named it. */
export function changeRole(scope: TenantScope, input: { user: string; role: Role }) {
  const { tenantId } = scope;
  const { role, user: userPublicId } = input;
  const userId = parsePathId('user', userPublicId, 'member');
  return inTenant(scope, 'members:write', async (tx, access) => {
    await repo.lockTenantMembers(tx, tenantId);
    const member = await repo.getMember(tx, tenantId, userId);
    if (!member) throw ApiError.notFound('member', userPublicId, 'user_id');
    if ((role === 'owner' || member.role === 'owner') && access.role !== 'owner') {
      throw ApiError.forbidden('Only an owner can grant or take away the owner role.');
    }
    // Raising a role grants its powers: only ones the caller holds itself.
    if (lowerRole(member.role, role) !== role && !canGrantRole(access, role)) {
      throw ApiError.forbidden(`You cannot grant the ${role} role: it has permissions you do not hold.`);
    }
    if (member.role === 'owner' && role !== 'owner' && (await repo.countOwners(tx, tenantId)) <= 1) {
      throw new ApiError('last_owner', 'A tenant needs at least one owner; make someone else owner first.', {
        param: 'role',
      });
    }
    await repo.setRole(tx, tenantId, userId, role);
    await scope.audit(tx, {
      action: 'member.role_changed',
      target: { kind: 'user', id: userId },
      data: { from: member.role, to: role },
    });
    return { ...member, role };
  });
}

/**
 * `user` is the member's public user id, as the caller named it. `after` runs in the same transaction once
 * the member is gone (the routes hand in the billing's seat count, which this domain does not import).
 */
export function removeMember(scope: TenantScope, user: string, after?: (tx: Tx) => Promise<void>) {
  const { tenantId } = scope;
  const userId = parsePathId('user', user, 'member');
  return inTenant(scope, 'members:write', async (tx, access) => {
    await repo.lockTenantMembers(tx, tenantId);
    const member = await repo.getMember(tx, tenantId, userId);
    if (!member) throw ApiError.notFound('member', user, 'user_id');
    if (member.role === 'owner' && access.role !== 'owner')
      throw ApiError.forbidden('Only an owner can remove an owner.');
    if (member.role === 'owner' && (await repo.countOwners(tx, tenantId)) <= 1) {
      throw new ApiError('last_owner', 'A tenant needs at least one owner; make someone else owner first.', {
        param: 'user_id',
      });
    }
    await repo.deleteMember(tx, tenantId, userId);
    await after?.(tx);
    await scope.audit(tx, {
      action: 'member.removed',
      target: { kind: 'user', id: userId },
      data: { email: member.email },
    });
  });
}
