import { insertAudit } from '../audit/service.ts';
import {
  type Actor,
  allScopes,
  callerId,
  expandScopes,
  isOwnerScope,
  isScope,
  requirePlatformScope,
  type TenantAccess,
} from '../auth/service.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { randomToken, sha256 } from '../secrets.ts';
import { inTenant } from '../tenants/service.ts';
import * as repo from './repo.ts';

export type { ApiKeyRow } from './repo.ts';

export interface NewKeyInput {
  name: string;
  type: 'secret' | 'restricted';
  scopes?: string[];
}

/** A key can never hand out more than its creator holds: restricted creators pass on a subset only. */
function checkGrant(actor: Actor, access: TenantAccess | null, input: NewKeyInput): string[] {
  const scopes = input.type === 'restricted' ? [...new Set(input.scopes ?? [])] : [];
  if (input.type === 'restricted') {
    if (scopes.length === 0)
      throw new ApiError('parameter_missing', 'A restricted key needs at least one scope.', {
        param: 'scopes',
      });
    const bad = scopes.find((s) => !isScope(s));
    if (bad)
      throw new ApiError('parameter_invalid', `Unknown scope '${bad}'. See GET /v1/api_key_scopes.`, {
        param: 'scopes',
      });
  } else if (input.scopes?.length) {
    throw new ApiError(
      'parameter_invalid',
      'Secret keys have full access; scopes apply to restricted keys only.',
      { param: 'scopes' },
    );
  }
  const held =
    access?.scopes ??
    (actor.kind === 'api_key' && actor.type === 'restricted'
      ? expandScopes(actor.scopes)
      : new Set(allScopes));
  // A tenant secret key acts as an owner (tenantAccess), so only an owner may create one: an admin's would
  // be an owner's powers (issue 12). Owners, secret keys and the platform all resolve to role 'owner'.
  const full = access ? access.role === 'owner' : actor.kind !== 'api_key' || actor.type === 'secret';
  if (input.type === 'secret' && !full)
    throw ApiError.forbidden(
      'Only an owner or a secret key can create a secret key, which acts as an owner; create a restricted key instead.',
    );
  // The owner scopes decide where the tenant's money goes: only a full credential hands them out, never
  // an admin nor a restricted key that holds one (review of issue 12).
  const ownerOnly = scopes.find((s) => isOwnerScope(s));
  if (ownerOnly && !full)
    throw ApiError.forbidden(`Only an owner, a secret key or the platform can grant '${ownerOnly}'.`);
  const exceeding = scopes.find((s) => !held.has(s as never));
  if (exceeding) throw ApiError.forbidden(`You cannot grant '${exceeding}', which you do not hold.`);
  return scopes;
}

async function create(tx: Tx, ctx: Ctx, tenantId: string | null, input: NewKeyInput, scopes: string[]) {
  const secret = `trb_${input.type === 'secret' ? 'sk' : 'rk'}_${randomToken(40)}`;
  const row = await repo.insertApiKey(tx, {
    tenantId,
    name: input.name,
    type: input.type,
    prefix: secret.slice(0, 14),
    secretHash: sha256(secret),
    scopes,
    createdBy: callerId(ctx.actor),
  });
  await insertAudit(tx, ctx.actor, ctx.requestId, {
    tenantId,
    action: 'api_key.created',
    target: { kind: 'apiKey', id: row.id },
    data: { name: row.name, type: row.type, scopes },
  });
  return { row, secret };
}

export function createTenantKey(ctx: Ctx, tenantId: string, publicId: string, input: NewKeyInput) {
  return inTenant(ctx, tenantId, publicId, 'api_keys:write', (tx, access) =>
    create(tx, ctx, tenantId, input, checkGrant(ctx.actor, access, input)),
  );
}

export function listTenantKeys(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
) {
  return inTenant(ctx, tenantId, publicId, 'api_keys:read', (tx) => repo.listApiKeys(tx, tenantId, q));
}

export function revokeTenantKey(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  keyId: string,
  keyPublicId: string,
) {
  return inTenant(ctx, tenantId, publicId, 'api_keys:write', async (tx) => {
    const row = await repo.revokeApiKey(tx, tenantId, keyId);
    if (!row) throw ApiError.notFound('api key', keyPublicId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId,
      action: 'api_key.revoked',
      target: { kind: 'apiKey', id: row.id },
      data: { name: row.name },
    });
    return row;
  });
}

export function createPlatformKey(ctx: Ctx, input: NewKeyInput) {
  requirePlatformScope(ctx.actor, 'api_keys:write');
  requireFullPlatform(ctx.actor);
  return withSystem(ctx.db, 'operator.platform_keys', (tx) =>
    create(tx, ctx, null, input, checkGrant(ctx.actor, null, input)),
  );
}

export function listPlatformKeys(
  ctx: Ctx,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
) {
  requirePlatformScope(ctx.actor, 'api_keys:read');
  return withSystem(ctx.db, 'operator.platform_keys', (tx) => repo.listApiKeys(tx, null, q));
}

export function revokePlatformKey(ctx: Ctx, keyId: string, keyPublicId: string) {
  requirePlatformScope(ctx.actor, 'api_keys:write');
  requireFullPlatform(ctx.actor);
  return withSystem(ctx.db, 'operator.platform_keys', async (tx) => {
    const row = await repo.revokeApiKey(tx, null, keyId);
    if (!row) throw ApiError.notFound('api key', keyPublicId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'api_key.revoked',
      target: { kind: 'apiKey', id: row.id },
      data: { name: row.name },
    });
    return row;
  });
}

/** Managing platform keys needs full platform power: the operator or a platform secret key. */
function requireFullPlatform(actor: Actor): void {
  if (actor.kind === 'api_key' && actor.type !== 'secret')
    throw ApiError.forbidden('Restricted keys cannot manage platform keys.');
}
