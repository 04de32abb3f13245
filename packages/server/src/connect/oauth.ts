import { apiKeyActor } from '../auth/service.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { type Actor, requireScope, tenantAccess } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import { StripeFailure } from '../stripe/gateway.ts';
import { type ConnectDeps, newToken, OAUTH_STATE_TTL_MS, retrieveAccount, sha256 } from './common.ts';
import { landing, type ReturnTo } from './onboarding.ts';
import type { OauthStateRow } from './repo.ts';
import * as repo from './repo.ts';
import { type ConnectStatus, deriveStatus, stateFromAccount } from './status.ts';

// ---------------------------------------------------------------------------------------------------------
// OAuth for existing accounts

export async function oauthAuthorizeUrl(
  scope: TenantScope,
  deps: ConnectDeps,
  input: { return_to?: ReturnTo },
): Promise<{ url: string; expiresAt: Date }> {
  const { base, clientId } = deps.stripe.connect();
  const state = newToken();
  const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
  await inTenant(scope, 'connect:write', async (tx, access) => {
    if (!clientId) {
      throw new ApiError(
        'connect_not_configured',
        "Linking an existing Stripe account needs the platform's Connect client id (STRIPE_CONNECT_CLIENT_ID).",
      );
    }
    // Linking an account when none is connected is onboarding (connect:write); linking one in place of a
    // connected account decides where the tenant's money goes: an owner's power (the callback checks again).
    if (await repo.currentAccount(tx, scope.tenantId)) requireScope(access, 'connect:manage');
    const a = scope.actor;
    await repo.insertOauthState(tx, {
      tenantId: scope.tenantId,
      stateHash: sha256(state),
      callerKind: a.kind === 'user' ? 'user' : a.kind === 'api_key' ? 'api_key' : 'platform',
      callerId: a.kind === 'user' ? a.userId : a.kind === 'api_key' ? a.keyId : null,
      returnTo: input.return_to ?? 'platform',
      expiresAt,
    });
  });
  // Built here rather than with stripe.oauth.authorizeUrl(), which always writes https://<host> with no port.
  const u = new URL('/oauth/authorize', base);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', clientId!);
  u.searchParams.set('scope', 'read_write');
  u.searchParams.set('state', state);
  u.searchParams.set('redirect_uri', oauthRedirectUri(scope.config));
  return { url: u.toString(), expiresAt };
}

export const oauthRedirectUri = (config: Config): string => `${config.publicUrl}/connect/oauth/callback`;

export const oauthErrorMessages = {
  access_denied: 'Connecting was cancelled on Stripe; nothing changed.',
  invalid_grant:
    'Stripe did not accept the authorization (it expired or was already used). Please try again.',
  invalid_redirect_uri:
    "Stripe rejected the redirect URL. The platform operator must add this server's /connect/oauth/callback URL to the Connect settings' redirect URIs.",
  invalid_request: 'Stripe rejected the request. Please try again.',
  state_missing: 'This link is missing its security token. Start again from the Payments setup page.',
  state_invalid:
    'This link is not valid (its security token is unknown). Start again from the Payments setup page.',
  state_expired: 'This link expired (they last 10 minutes). Start again from the Payments setup page.',
  state_reused: 'This link was already used. Start again from the Payments setup page.',
  state_user_mismatch: 'This link was started by someone else. Sign in as that user, or start again.',
  replace_forbidden:
    'A Stripe account is already connected. Only an owner can link another one in its place; nothing changed.',
  account_in_use: 'That Stripe account is already connected to another tenant of this platform.',
  stripe_unavailable: 'Stripe could not be reached. Please try again in a moment.',
  link_expired: 'The onboarding link expired. Start again from the Payments setup page.',
} as const;
export type OauthErrorCode = keyof typeof oauthErrorMessages;

export type CallbackOutcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'error'; code: OauthErrorCode; status: number };

/**
 * The OAuth callback. Every failure becomes a message for the person in the browser, never a 500, and the
 * account is only ever linked to the tenant the (single-use, user-bound) state was issued for.
 */
export async function oauthCallback(
  db: Db,
  config: Config,
  deps: ConnectDeps,
  q: { code?: string; state?: string; error?: string },
  sessionUser: Actor | null,
  requestId: string,
): Promise<CallbackOutcome> {
  if (!q.state) return { kind: 'error', code: 'state_missing', status: 400 };
  const hash = sha256(q.state);
  const checked = await withSystem(db, 'connect.oauth_state', async (tx) => {
    const st = await repo.findOauthState(tx, hash);
    if (!st) return { error: 'state_invalid' as const };
    if (st.usedAt) return { error: 'state_reused' as const, st };
    if (st.expiresAt < new Date()) return { error: 'state_expired' as const, st };
    // The same user, in a session that reaches this tenant: one person may hold sessions bound to other
    // tenants (each opened by that tenant's dashboard link), which must not finish this tenant's flow.
    const reaches =
      sessionUser?.kind === 'user' && (sessionUser.isOperator || sessionUser.memberships.has(st.tenantId));
    if (
      st.callerKind === 'user' &&
      (sessionUser?.kind !== 'user' || sessionUser.userId !== st.callerId || !reaches)
    ) {
      return { error: 'state_user_mismatch' as const };
    }
    if (!(await repo.consumeOauthState(tx, st.id))) return { error: 'state_reused' as const, st };
    return { st };
  });
  const fail = (code: OauthErrorCode, tenantId?: string, returnTo?: ReturnTo | null): CallbackOutcome =>
    tenantId
      ? { kind: 'redirect', url: landing(config, tenantId, returnTo ?? null, { connect_error: code }) }
      : { kind: 'error', code, status: 400 };
  if (checked.error) return fail(checked.error, checked.st?.tenantId, checked.st?.returnTo);
  const st = checked.st!;
  if (q.error || !q.code) {
    const code = q.error && q.error in oauthErrorMessages ? (q.error as OauthErrorCode) : 'invalid_request';
    return fail(code, st.tenantId, st.returnTo);
  }
  // Refused before the code is exchanged, so Stripe does not even authorize the platform on that account;
  // checked again where the link is written (an account may be connected in between).
  const mayReplace = await startedByManager(db, st, sessionUser);
  const connected = await withTenant(db, st.tenantId, (tx) => repo.currentAccount(tx, st.tenantId));
  if (connected && !mayReplace) return fail('replace_forbidden', st.tenantId, st.returnTo);
  let accountId: string;
  let account: Stripe.Account;
  const fetchedAt = new Date();
  try {
    const code = q.code;
    const token = await deps.stripe.call(
      { action: 'exchange the authorization code', account: null, movesMoney: false },
      (stripe, opts) => stripe.oauth.token({ grant_type: 'authorization_code', code }, opts),
    );
    accountId = token.stripe_user_id!;
    account = await retrieveAccount(deps, accountId);
  } catch (err) {
    const f = err instanceof StripeFailure ? err : null;
    const code: OauthErrorCode =
      f?.code === 'invalid_grant'
        ? 'invalid_grant'
        : f?.code === 'invalid_redirect_uri' || /redirect uri/i.test(f?.message ?? '')
          ? 'invalid_redirect_uri'
          : f?.kind === 'unavailable' || f?.kind === 'timeout'
            ? 'stripe_unavailable'
            : 'invalid_request';
    return fail(code, st.tenantId, st.returnTo);
  }
  const heldElsewhere = await withSystem(db, 'connect.oauth_state', (tx) =>
    repo.accountHeldElsewhere(tx, st.tenantId, accountId),
  );
  if (heldElsewhere) return fail('account_in_use', st.tenantId, st.returnTo);
  const actor: Actor = sessionUser ?? { kind: 'system', label: 'Connect OAuth callback' };
  const link = () =>
    withTenant(db, st.tenantId, async (tx): Promise<ConnectStatus | 'replace_forbidden'> => {
      const current = await repo.currentAccount(tx, st.tenantId);
      if (current && current.stripeAccountId === accountId) {
        await repo.applyState(tx, current.id, stateFromAccount(account), fetchedAt);
        return deriveStatus(await repo.currentAccount(tx, st.tenantId));
      }
      if (current && !mayReplace) return 'replace_forbidden';
      if (current) await repo.markDisconnected(tx, current.id, 'disconnected');
      const row = await repo.insertAccount(tx, {
        tenantId: st.tenantId,
        stripeAccountId: accountId,
        kind: 'standard',
        source: 'oauth',
        state: stateFromAccount(account),
        syncedAt: fetchedAt,
      });
      await repo.setTenantAccount(tx, st.tenantId, accountId);
      await insertAudit(tx, actor, requestId, {
        tenantId: st.tenantId,
        action: 'connect.account_linked',
        target: { kind: 'tenant', id: st.tenantId },
        data: { account: accountId, replaced: current?.stripeAccountId ?? null },
      });
      return deriveStatus(row);
    });
  let status: ConnectStatus | 'replace_forbidden';
  try {
    status = await link();
  } catch (err) {
    // a concurrent link of the same account to another tenant lost the race on the unique index
    if (
      (err as { code?: string; cause?: { code?: string } }).code === '23505' ||
      (err as { cause?: { code?: string } }).cause?.code === '23505'
    ) {
      return fail('account_in_use', st.tenantId, st.returnTo);
    }
    throw err;
  }
  if (status === 'replace_forbidden') return fail(status, st.tenantId, st.returnTo);
  return { kind: 'redirect', url: landing(config, st.tenantId, st.returnTo, { connect: 'linked', status }) };
}

/**
 * Whether whoever started this flow holds `connect:manage` in its tenant now (replacing a connected account
 * is an owner's power): the platform, the session user the callback already matched to the state (with
 * that session's powers, a link session's bound role included), or the key that asked, unless revoked since.
 */
async function startedByManager(db: Db, st: OauthStateRow, sessionUser: Actor | null): Promise<boolean> {
  if (st.callerKind === 'platform') return true;
  const actor =
    st.callerKind === 'user' ? sessionUser : st.callerId ? await apiKeyActor(db, st.callerId) : null;
  if (!actor) return false;
  try {
    return tenantAccess(actor, st.tenantId, toPublicId('tenant', st.tenantId)).scopes.has('connect:manage');
  } catch {
    return false; // the caller no longer reaches the tenant at all
  }
}
