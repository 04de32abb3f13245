// Team invitations: dashboard links made on the Team page, valid INVITATION_TTL_DAYS, listed while pending and
// revocable. Opening one grants its role like any dashboard link (auth/service.ts).
import { ApiError } from '../http/errors.ts';
import { fromPublicId } from '../http/ids.ts';
import { canGrantRole } from '../scope/actor.ts';
import type { TenantScope } from '../scope/tenant.ts';
import { inTenant } from '../scope/tenant.ts';
import * as repo from './repo.ts';

export type PendingInvitation = Awaited<ReturnType<typeof repo.pendingInvitations>>[number];

export function listInvitations(scope: TenantScope): Promise<PendingInvitation[]> {
  return inTenant(scope, 'members:read', (tx) => repo.pendingInvitations(tx, scope.tenantId));
}

/**
 * `invitation` is its public id; a used, expired or revoked one is a 404 like an unknown one. Only a caller
 * who could make the invitation revokes it (an owner's invitation to be owner: an owner), as only an owner
 * removes an owner.
 */
export function revokeInvitation(scope: TenantScope, invitation: string) {
  // a malformed id is answered exactly as an unknown one
  const id = fromPublicId('dashboardLink', invitation);
  if (!id) throw ApiError.notFound('invitation', invitation, 'invitation');
  return inTenant(scope, 'members:write', async (tx, access) => {
    const row = await repo.revokeInvitation(tx, scope.tenantId, id);
    if (!row) throw ApiError.notFound('invitation', invitation, 'invitation');
    // thrown inside the transaction: the revocation rolls back
    if (!canGrantRole(access, row.role))
      throw ApiError.forbidden(
        `This invitation cannot be revoked: it grants the ${row.role} role, whose permissions you do not all hold.`,
      );
    await scope.audit(tx, {
      action: 'invitation.revoked',
      target: { kind: 'dashboardLink', id: row.id },
      data: { email: row.email, role: row.role },
    });
    return row;
  });
}
