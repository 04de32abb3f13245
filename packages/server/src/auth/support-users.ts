// The operator's support users (issue 23): invited by the operator from the operator dashboard with a
// single-use link to set a password; they then sign in with e-mail and password and read every tenant's
// customers and their money (the support role's scopes, scope/scopes.ts), changing nothing. Never made by a
// tenant's dashboard link: such a link signs in only accounts with no password and no operator role.
import { hash as argonHash } from '@node-rs/argon2';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { parsePathId } from '../http/ids.ts';
import type { PageQuery } from '../http/pagination.ts';
import { type Actor, callerId, requirePlatformScope } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { randomToken, sha256 } from '../secrets.ts';
import * as repo from './repo.ts';
import * as support from './support-users-repo.ts';

export type { SupportUser } from './support-users-repo.ts';

/** The operator (or a platform secret key, which holds every operator power); never a restricted key. */
function requireOperator(actor: Actor, scope: 'members:read' | 'members:write'): void {
  requirePlatformScope(actor, scope);
  if (actor.kind === 'api_key' && actor.type !== 'secret')
    throw ApiError.forbidden(
      "Only the operator manages the platform's support users; restricted keys cannot.",
    );
}

export interface SupportInvitationResult {
  user: support.SupportUser;
  url: string;
}

/**
 * Invites a support user: a new account with operator_role 'support' and no password (or one invited before
 * who has not set it yet: the new link replaces the old one), and a link to set the password, valid
 * INVITATION_TTL_DAYS. Any other existing account — one that signs in already, or a tenant's member — is
 * refused: its e-mail cannot take a second role.
 */
export async function inviteSupportUser(
  ctx: Ctx,
  input: { email: string; name?: string | null },
): Promise<SupportInvitationResult> {
  requireOperator(ctx.actor, 'members:write');
  const token = randomToken(43);
  const user = await withSystem(ctx.db, 'operator.support_users', async (tx) => {
    const found = await repo.findUserByEmail(tx, input.email);
    const reinvite = found?.operatorRole === 'support' && found.passwordHash === null;
    if (found && !reinvite) {
      const taken =
        found.operatorRole !== null ||
        found.passwordHash !== null ||
        (await support.hasMemberships(tx, found.id));
      if (taken)
        throw new ApiError(
          'resource_exists',
          'An account with this e-mail already exists (the operator, a support user or a member of a tenant): invite another address.',
          { param: 'email' },
        );
    }
    const row = found ?? (await repo.insertUser(tx, { email: input.email, name: input.name ?? null }));
    await support.makeSupportUser(tx, row.id, input.name ?? null);
    await support.expireInvitations(tx, row.id);
    await support.insertInvitation(tx, {
      userId: row.id,
      tokenHash: sha256(token),
      createdBy: callerId(ctx.actor),
      ttlSeconds: ctx.config.INVITATION_TTL_DAYS * 86_400,
    });
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'support_user.invited',
      target: { kind: 'user', id: row.id },
      data: { email: input.email, again: reinvite },
    });
    return (await support.getSupportUser(tx, row.id))!;
  });
  return { user, url: `${ctx.config.publicUrl}/support-invitation?token=${token}` };
}

export function listSupportUsers(ctx: Ctx, q: PageQuery) {
  requireOperator(ctx.actor, 'members:read');
  return withSystem(ctx.db, 'operator.support_users', (tx) => support.listSupportUsers(tx, q));
}

/**
 * `user` is the support user's public id; an unknown one, or an account that is no support user, is a 404.
 * Ends their sessions and pending invitation at once.
 */
export function revokeSupportUser(ctx: Ctx, user: string): Promise<support.SupportUser> {
  requireOperator(ctx.actor, 'members:write');
  const userId = parsePathId('user', user, 'support user');
  return withSystem(ctx.db, 'operator.support_users', async (tx) => {
    const found = await support.getSupportUser(tx, userId);
    if (!found) throw ApiError.notFound('support user', user, 'support_user_id');
    await support.revokeSupportUser(tx, userId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'support_user.revoked',
      target: { kind: 'user', id: userId },
      data: { email: found.user.email, was: found.user.passwordHash === null ? 'invited' : 'active' },
    });
    return { user: { ...found.user, operatorRole: null }, invitationExpiresAt: null };
  });
}

/**
 * The invitation's page sets the password: the link is used once (an unknown, used, expired or revoked one is
 * the same 403 support_invitation_invalid), and the support user is signed in. Returns the user's id for the
 * session the route opens.
 */
export async function acceptSupportInvitation(
  db: Db,
  input: { token: string; password: string; name?: string | null },
  requestId: string,
): Promise<string> {
  const passwordHash = await argonHash(input.password);
  return withSystem(db, 'auth.support_invitation_consume', async (tx) => {
    const found =
      input.token.length === 43 ? await support.consumeInvitation(tx, sha256(input.token)) : undefined;
    if (!found)
      throw new ApiError(
        'support_invitation_invalid',
        'This invitation link is invalid, expired, revoked or already used: ask the operator for a new one.',
      );
    await support.setPassword(tx, found.user.id, passwordHash, input.name ?? null);
    await insertAudit(tx, { kind: 'system', label: 'support_invitation' }, requestId, {
      tenantId: null,
      action: 'support_user.joined',
      target: { kind: 'user', id: found.user.id },
      data: { email: found.user.email },
    });
    return found.user.id;
  });
}
