import { randomUUID } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Role } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { type Actor, callerId, canGrantRole, tenantAccess } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { lowerRole, scopesForRole } from '../scope/scopes.ts';
import type { TenantScope } from '../scope/tenant.ts';
import { inTenant } from '../scope/tenant.ts';
import { randomToken, sha256 } from '../secrets.ts';
import { keyCacheOf } from './key-cache.ts';
import * as repo from './repo.ts';

/** for the maintenance job */
export { purgeDeadSessions } from './repo.ts';

export const SESSION_COOKIE = 'trb_session';
const API_KEY_RE = /^trb_(sk|rk)_[0-9A-Za-z]{40}$/;

const keyActor = (key: repo.ApiKeyRow): Actor => ({
  kind: 'api_key',
  keyId: key.id,
  tenantId: key.tenantId,
  type: key.type,
  scopes: key.scopes,
  label: key.name,
});

/**
 * The caller a presented key stands for, from the key cache while it listens to key changes (key-cache.ts),
 * else from the database. last_used_at is touched on a lookup, so it lags use by the cache's TTL at most.
 */
export async function resolveApiKey(db: Db, presented: string): Promise<Actor | null> {
  if (!API_KEY_RE.test(presented)) return null;
  const hash = sha256(presented);
  const cache = keyCacheOf(db);
  const hit = cache?.get(hash);
  if (hit) return hit.actor;
  const mark = cache?.mark() ?? 0;
  const actor = await withSystem(db, 'auth.api_key_lookup', async (tx) => {
    const key = await repo.findActiveApiKey(tx, hash);
    if (!key) return null;
    await repo.touchApiKey(tx, key.id);
    return keyActor(key);
  });
  cache?.set(hash, actor, mark);
  return actor;
}

/**
 * A key revoked or created here: its cached answer forgotten now, so this process's next request sees the
 * change (other processes hear it from the database). `secretHash` is the key's SHA-256, as stored.
 */
export function forgetApiKey(db: Db, secretHash: string): void {
  keyCacheOf(db)?.forget(secretHash);
}

export { keyCacheChannel } from './key-cache.ts';

/**
 * The key with this id as it is now (null once revoked), for work a key started and a browser finishes
 * later without it (Connect's OAuth callback). The id comes from our own row, never from a request.
 */
export async function apiKeyActor(db: Db, keyId: string): Promise<Actor | null> {
  const key = await withSystem(db, 'auth.api_key_lookup', (tx) => repo.findActiveApiKeyById(tx, keyId));
  return key ? keyActor(key) : null;
}

export async function resolveSession(db: Db, token: string): Promise<Actor | null> {
  if (token.length < 20 || token.length > 100) return null;
  return withSystem(db, 'auth.session_lookup', async (tx) => {
    const found = await repo.findLiveSession(tx, sha256(token));
    if (!found) return null;
    const { session, user } = found;
    const common = {
      kind: 'user' as const,
      userId: user.id,
      email: user.email,
      name: user.name,
      sessionId: session.id,
      csrfToken: session.csrfToken,
    };
    if (session.boundTenantId === null) {
      // Unbound sessions come from a password sign-in. One for an account without a password was opened
      // by a dashboard link before sessions were bound and would carry powers no link gave.
      if (user.passwordHash === null) return null;
      return {
        ...common,
        isOperator: user.operatorRole === 'operator',
        supportOperator: user.operatorRole === 'support',
        memberships: new Map(found.memberships.map((m) => [m.tenantId, m.role])),
      };
    }
    // A dashboard link's session: its tenant only, with the lower of the link's role and the stored one
    // (a role lowered since wins; a membership removed since leaves no access), never the operator.
    const stored = found.memberships.find((m) => m.tenantId === session.boundTenantId);
    const role = stored && session.boundRole ? lowerRole(stored.role, session.boundRole) : null;
    return {
      ...common,
      isOperator: false,
      supportOperator: false,
      memberships: new Map(role ? [[session.boundTenantId, role]] : []),
    };
  });
}

export interface NewSession {
  token: string;
  maxAgeSeconds: number;
}

function newSession(
  config: Config,
): NewSession & { row: { tokenHash: string; csrfToken: string; ttlHours: number } } {
  const token = randomToken(43);
  return {
    token,
    maxAgeSeconds: config.SESSION_TTL_HOURS * 3600,
    row: { tokenHash: sha256(token), csrfToken: randomToken(32), ttlHours: config.SESSION_TTL_HOURS },
  };
}

/**
 * A session carrying the user's own powers: for password sign-ins only (the operator and its support users,
 * also right after a support user sets their password).
 */
export async function openSession(db: Db, config: Config, userId: string): Promise<NewSession> {
  const { row, ...session } = newSession(config);
  await withSystem(db, 'auth.session_lookup', (tx) => repo.insertSession(tx, { userId, ...row }));
  return session;
}

export async function logout(db: Db, token: string): Promise<void> {
  await withSystem(db, 'auth.session_lookup', (tx) => repo.revokeSession(tx, sha256(token)));
}

// A fixed hash to verify against when the email is unknown, so both paths cost the same time.
let dummyHash: Promise<string> | undefined;

export async function login(db: Db, config: Config, email: string, password: string): Promise<NewSession> {
  const user = await withSystem(db, 'auth.login', (tx) => repo.findUserByEmail(tx, email));
  dummyHash ??= argonHash('not-a-real-password-0000');
  const ok = await argonVerify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
  if (!user?.passwordHash || !ok)
    throw new ApiError('invalid_credentials', 'The email or password is incorrect.');
  return openSession(db, config, user.id);
}

/** At start-up: if no operator exists yet, mint a one-time setup token and return its URL (else null). */
export async function prepareSetup(db: Db, config: Config): Promise<string | null> {
  const token = randomToken(40);
  const needed = await withSystem(db, 'auth.setup', async (tx) => {
    if (await repo.operatorExists(tx)) return false;
    await repo.replaceSetupToken(tx, sha256(token));
    return true;
  });
  return needed ? `${config.publicUrl}/setup?token=${token}` : null;
}

export async function needsSetup(db: Db): Promise<boolean> {
  return withSystem(db, 'auth.setup', async (tx) => !(await repo.operatorExists(tx)));
}

export async function completeSetup(
  db: Db,
  config: Config,
  input: { token: string; email: string; password: string; name: string },
  requestId: string,
): Promise<NewSession> {
  const passwordHash = await argonHash(input.password);
  const userId = await withSystem(db, 'auth.setup', async (tx) => {
    if (await repo.operatorExists(tx))
      throw new ApiError('setup_already_done', 'The operator account already exists; sign in instead.');
    if (!(await repo.useSetupToken(tx, sha256(input.token)))) {
      throw new ApiError(
        'setup_token_invalid',
        'This setup link is invalid or was already used. Restart the server for a new one.',
      );
    }
    const existing = await repo.findUserByEmail(tx, input.email);
    if (existing)
      throw new ApiError('resource_exists', 'A user with this email already exists.', { param: 'email' });
    const user = await repo.insertUser(tx, {
      email: input.email,
      name: input.name,
      passwordHash,
      operatorRole: 'operator',
    });
    const actor: Actor = { kind: 'system', label: 'setup' };
    await insertAudit(tx, actor, requestId, {
      tenantId: null,
      action: 'operator.created',
      target: { kind: 'user', id: user.id },
      data: { email: input.email },
    });
    return user.id;
  });
  return openSession(db, config, userId);
}

export interface DashboardLinkResult {
  /** the stored link's id (a fresh one naming nothing when no link is stored, so the answer looks the same) */
  id: string;
  url: string;
  expiresAt: Date;
  /** The e-mail as the caller gave it: nothing of an existing account (its id, name or spelling). */
  email: string;
  role: Role;
}

/** A link whose role the caller cannot grant: this depends on the caller alone, never on the e-mail. */
function linkRefused(): ApiError {
  return ApiError.forbidden(
    'This dashboard link cannot be created: a link grants only a role whose permissions you hold yourself (owner: owners only).',
  );
}

/**
 * A single-use, short-lived sign-in URL for one of the platform's users, like Stripe's login links. The
 * session it opens is bound to this tenant with at most this role; the membership is granted when the link
 * is opened, never by creating it.
 *
 * An account that signs in with a password (the operator) never gets one, yet the caller is answered
 * exactly as for any other e-mail — a URL and expiry of the same shape, a `dashboard_link.created` entry in
 * the tenant's audit log — so the answer cannot tell whose e-mail it is. Nothing is
 * stored under that URL's token (a team invitation is stored, to be listed and revoked like any other, and
 * openDashboardLink refuses it): opening it is refused like an expired link. The refusal is recorded in
 * the platform's audit log, which the tenant cannot read.
 */
export async function createDashboardLink(
  scope: TenantScope,
  input: { email: string; name?: string | null; role?: Role },
  opts: { invitation?: boolean } = {},
): Promise<DashboardLinkResult> {
  const { tenantId, publicId: tenantPublicId } = scope;
  const ctx = scope;
  // Checks access and that the tenant exists before any user is created for it.
  const access = await inTenant(scope, 'members:write', async (_tx, a) => a);
  const role = input.role ?? 'member';
  if (!canGrantRole(access, role)) throw linkRefused();
  // a team invitation is stored even for an account that signs in with a password (opening it is refused),
  // since the tenant lists and revokes its invitations: a missing one would tell whose e-mail it is
  const invitation = opts.invitation ?? false;
  const user = await withSystem(ctx.db, 'auth.dashboard_link_user', async (tx) => {
    const found = await repo.insertUser(tx, { email: input.email, name: input.name ?? null });
    if (repo.signsInByLink(found)) return found;
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'dashboard_link.refused',
      target: { kind: 'user', id: found.id },
      data: {
        tenant: tenantPublicId,
        email: input.email,
        role,
        reason: 'the account signs in with a password',
      },
    });
    return invitation ? found : null;
  });
  const token = randomToken(43);
  // a team invitation waits days for its person; a sign-in link from the platform's app is used at once
  const ttlSeconds = invitation
    ? ctx.config.INVITATION_TTL_DAYS * 86_400
    : ctx.config.DASHBOARD_LINK_TTL_SECONDS;
  const link = await withTenant(
    ctx.db,
    tenantId,
    async (tx) => {
      const stored = user
        ? await repo.insertDashboardLink(tx, {
            tenantId,
            userId: user.id,
            role,
            tokenHash: sha256(token),
            createdBy: callerId(ctx.actor),
            ttlSeconds,
            invitation,
            email: input.email,
          })
        : { id: randomUUID(), expiresAt: await repo.linkExpiry(tx, ttlSeconds) };
      // no target: the e-mail as given says whom, and an account's id would tell whether it existed
      await scope.audit(tx, {
        action: invitation ? 'invitation.created' : 'dashboard_link.created',
        data: { email: input.email, role },
      });
      return stored;
    },
    { callerId: callerId(ctx.actor) },
  );
  return {
    id: link.id,
    url: `${ctx.config.publicUrl}/auth/link/${token}`,
    expiresAt: link.expiresAt,
    email: input.email,
    role,
  };
}

/**
 * Whether whoever made a link could still make it now: a link is a grant its creator
 * made, and lapses when that creator — a user since demoted or removed, a key since revoked — no longer
 * holds the role's powers (or `members:write`) in the tenant.
 */
async function creatorMayStillGrant(
  tx: Parameters<Parameters<typeof withSystem>[2]>[0],
  createdBy: string | null,
  tenantId: string,
  role: Role,
): Promise<boolean> {
  if (!createdBy) return false;
  const [kind, id] = createdBy.split(/:(.*)/s) as [string, string | undefined];
  let creator: Actor | null = null;
  if (kind === 'system') return true;
  if (kind === 'user' && id) {
    const found = await repo.userInTenant(tx, id, tenantId);
    if (found?.user.operatorRole === 'operator') return true;
    if (found?.role) {
      const access = { tenantId, scopes: scopesForRole(found.role), role: found.role };
      return access.scopes.has('members:write') && canGrantRole(access, role);
    }
    return false;
  }
  if (kind === 'key' && id) {
    const key = await repo.findActiveApiKeyById(tx, id);
    creator = key ? keyActor(key) : null;
  }
  if (!creator) return false;
  try {
    const access = tenantAccess(creator, tenantId, toPublicId('tenant', tenantId));
    return access.scopes.has('members:write') && canGrantRole(access, role);
  } catch {
    return false;
  }
}

/**
 * Exchanges a dashboard link for a session bound to the link's tenant and role; null when the link is
 * unknown, used or expired, or its account signs in with a password. Consuming the link, granting the
 * membership and opening the session are one transaction.
 */
export async function openDashboardLink(
  db: Db,
  config: Config,
  token: string,
  // the plan's seat limit (billing's `ensureSeatFor`, passed in by the route): throws to refuse the join,
  // which rolls back the link's use too
  ensureSeat: (tx: Tx, tenantId: string, userId: string) => Promise<void> = async () => {},
): Promise<{ session: NewSession; tenantId: string } | null> {
  if (token.length !== 43) return null;
  const { row, ...session } = newSession(config);
  return withSystem(db, 'auth.dashboard_link_consume', async (tx) => {
    const link = await repo.consumeDashboardLink(tx, sha256(token));
    if (!link) return null;
    if (!repo.signsInByLink(link.user)) return null;
    if (!(await creatorMayStillGrant(tx, link.createdBy, link.tenantId, link.role))) {
      // refused like an expired link; the tenant's log says why
      await insertAudit(tx, { kind: 'system', label: 'dashboard_link' }, null, {
        tenantId: link.tenantId,
        action: 'dashboard_link.lapsed',
        target: { kind: 'user', id: link.userId },
        data: { role: link.role, reason: 'its creator can no longer grant this role' },
      });
      return null;
    }
    await ensureSeat(tx, link.tenantId, link.userId);
    await repo.grantMembership(tx, link.tenantId, link.userId, link.role);
    await repo.insertSession(tx, {
      userId: link.userId,
      ...row,
      bound: { tenantId: link.tenantId, role: link.role },
    });
    await insertAudit(tx, { kind: 'system', label: 'dashboard_link' }, null, {
      tenantId: link.tenantId,
      action: 'dashboard_link.used',
      target: { kind: 'user', id: link.userId },
      data: { role: link.role },
    });
    return { session, tenantId: link.tenantId };
  });
}
export { listInvitations, type PendingInvitation, revokeInvitation } from './invitations.ts';
