import { forgetApiKey } from '../auth/service.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { parsePathId } from '../http/ids.ts';
import type { PageQuery } from '../http/pagination.ts';
import { type Actor, callerId, requirePlatformScope, type TenantAccess } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { allScopes, expandScopes, isOwnerScope, isScope } from '../scope/scopes.ts';
import type { TenantScope } from '../scope/tenant.ts';
import { inTenant } from '../scope/tenant.ts';
import { randomToken, sha256 } from '../secrets.ts';
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
  // be an owner's powers. Owners, secret keys and the platform all resolve to role 'owner'.
  const full = access ? access.role === 'owner' : actor.kind !== 'api_key' || actor.type === 'secret';
  if (input.type === 'secret' && !full)
    throw ApiError.forbidden(
      'Only an owner or a secret key can create a secret key, which acts as an owner; create a restricted key instead.',
    );
  // The owner scopes decide where the tenant's money goes: only a full credential hands them out, never
  // an admin nor a restricted key that holds one.
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

/** The key's cached answer (a refusal, were it ever presented before) forgotten once its change committed. */
async function forgotten<T extends { row: { secretHash: string } } | { secretHash: string }>(
  ctx: Ctx,
  change: Promise<T>,
): Promise<T> {
  const done = await change;
  forgetApiKey(ctx.db, 'row' in done ? done.row.secretHash : done.secretHash);
  return done;
}

export function createTenantKey(scope: TenantScope, input: NewKeyInput) {
  return forgotten(
    scope,
    inTenant(scope, 'api_keys:write', (tx, access) =>
      create(tx, scope, scope.tenantId, input, checkGrant(scope.actor, access, input)),
    ),
  );
}

export function listTenantKeys(scope: TenantScope, q: PageQuery) {
  return inTenant(scope, 'api_keys:read', (tx) => repo.listApiKeys(tx, scope.tenantId, q));
}

/** `key` is the key's public id, as the caller named it. */
export function revokeTenantKey(scope: TenantScope, key: string) {
  const keyId = parsePathId('apiKey', key, 'api key');
  return forgotten(
    scope,
    inTenant(scope, 'api_keys:write', async (tx) => {
      const row = await repo.revokeApiKey(tx, scope.tenantId, keyId);
      if (!row) throw ApiError.notFound('api key', key);
      await scope.audit(tx, {
        action: 'api_key.revoked',
        target: { kind: 'apiKey', id: row.id },
        data: { name: row.name },
      });
      return row;
    }),
  );
}

export function createPlatformKey(ctx: Ctx, input: NewKeyInput) {
  requirePlatformScope(ctx.actor, 'api_keys:write');
  requireFullPlatform(ctx.actor);
  return forgotten(
    ctx,
    withSystem(ctx.db, 'operator.platform_keys', (tx) =>
      create(tx, ctx, null, input, checkGrant(ctx.actor, null, input)),
    ),
  );
}

export function listPlatformKeys(ctx: Ctx, q: PageQuery) {
  requirePlatformScope(ctx.actor, 'api_keys:read');
  return withSystem(ctx.db, 'operator.platform_keys', (tx) => repo.listApiKeys(tx, null, q));
}

/** `key` is the key's public id, as the caller named it. */
export function revokePlatformKey(ctx: Ctx, key: string) {
  requirePlatformScope(ctx.actor, 'api_keys:write');
  requireFullPlatform(ctx.actor);
  const keyId = parsePathId('apiKey', key, 'api key');
  return forgotten(
    ctx,
    withSystem(ctx.db, 'operator.platform_keys', async (tx) => {
      const row = await repo.revokeApiKey(tx, null, keyId);
      if (!row) throw ApiError.notFound('api key', key);
      await insertAudit(tx, ctx.actor, ctx.requestId, {
        tenantId: null,
        action: 'api_key.revoked',
        target: { kind: 'apiKey', id: row.id },
        data: { name: row.name },
      });
      return row;
    }),
  );
}

/** Managing platform keys needs full platform power: the operator or a platform secret key. */
function requireFullPlatform(actor: Actor): void {
  if (actor.kind === 'api_key' && actor.type !== 'secret')
    throw ApiError.forbidden('Restricted keys cannot manage platform keys.');
}
