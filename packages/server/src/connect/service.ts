import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { insertAudit } from '../audit/repo.ts';
import type { Actor } from '../auth/actor.ts';
import { requirePlatform } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import type { ConnectKind, StoredRequirements } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import { inTenant } from '../tenants/service.ts';
import { emitOutbound } from '../webhooks/outbound/emit.ts';
import type { AccountState, ConnectAccountRow } from './repo.ts';
import * as repo from './repo.ts';

export type { ConnectAccountRow } from './repo.ts';

export const connectStatuses = [
  'not_connected',
  'onboarding',
  'restricted',
  'enabled',
  'rejected',
  'deauthorized',
] as const;
export type ConnectStatus = (typeof connectStatuses)[number];

/** What the connect service needs beyond the request context. */
export interface ConnectDeps {
  stripe: StripeRef;
  jobs(): Promise<Jobs>;
}

const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
/** How long Tributary's onboarding return/refresh URLs keep working (each link call issues a new token). */
const LINK_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

// ---------------------------------------------------------------------------------------------------------
// Status

/** The one status rule (repo.ts#statusSql mirrors it for the operator's filters). */
export function deriveStatus(row: ConnectAccountRow | null): ConnectStatus {
  if (!row) return 'not_connected';
  if (row.disconnectedAt) return row.disconnectReason === 'deauthorized' ? 'deauthorized' : 'not_connected';
  if (row.requirements?.disabled_reason?.startsWith('rejected')) return 'rejected';
  if (row.chargesEnabled && row.payoutsEnabled) return 'enabled';
  if (row.detailsSubmitted || row.onboardingReturnedAt) return 'restricted';
  return 'onboarding';
}

/** The parts of a Stripe account we keep. */
export function stateFromAccount(a: Stripe.Account): AccountState {
  const r = a.requirements;
  const requirements: StoredRequirements | null = r
    ? {
        currently_due: r.currently_due ?? [],
        past_due: r.past_due ?? [],
        eventually_due: r.eventually_due ?? [],
        pending_verification: r.pending_verification ?? [],
        current_deadline: r.current_deadline ?? null,
        disabled_reason: r.disabled_reason ?? null,
        errors: (r.errors ?? []).map((e) => ({ requirement: e.requirement, reason: e.reason })),
      }
    : null;
  return {
    chargesEnabled: Boolean(a.charges_enabled),
    payoutsEnabled: Boolean(a.payouts_enabled),
    detailsSubmitted: Boolean(a.details_submitted),
    requirements,
    capabilities: Object.fromEntries(
      Object.entries(a.capabilities ?? {}).map(([k, v]) => [k, String(v)]),
    ) as Record<string, string>,
    livemode: Boolean((a as { livemode?: boolean }).livemode),
  };
}

export interface StatusView {
  tenantId: string;
  status: ConnectStatus;
  account: ConnectAccountRow | null;
  platformKind: ConnectKind;
  oauthAvailable: boolean;
}

function view(
  deps: ConnectDeps,
  config: Config,
  tenantId: string,
  row: ConnectAccountRow | null,
): StatusView {
  return {
    tenantId,
    status: deriveStatus(row),
    account: row,
    platformKind: config.CONNECT_ACCOUNT_KIND,
    oauthAvailable: deps.stripe.connect().clientId !== null,
  };
}

export function getStatus(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  return inTenant(ctx, tenantId, publicId, 'connect:read', async (tx) =>
    view(deps, ctx.config, tenantId, await repo.latestAccount(tx, tenantId)),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Guard

/**
 * The guard every payment-creating service calls inside its tenant transaction: the tenant's current
 * account, or a clear error when it cannot take charges (never connected, disconnected, deauthorized by the
 * account, or not enabled yet).
 */
export async function requireChargesEnabled(tx: Tx, tenantId: string): Promise<ConnectAccountRow> {
  const row = await repo.currentAccount(tx, tenantId);
  if (!row) {
    const last = await repo.latestAccount(tx, tenantId);
    const why =
      last?.disconnectReason === 'deauthorized'
        ? "The tenant's Stripe account disconnected from the platform; the tenant must connect again before taking payments."
        : 'The tenant has no connected Stripe account; connect one on the Payments setup page first.';
    throw new ApiError('account_not_connected', why);
  }
  if (!row.chargesEnabled) {
    throw new ApiError(
      'account_charges_disabled',
      "The tenant's Stripe account cannot take charges yet: finish onboarding on the Payments setup page.",
    );
  }
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Stripe calls (never inside a transaction)

/** Maps a Stripe SDK failure onto our error table: outages are 503s, refusals 502 with Stripe's message. */
function stripeFailure(err: unknown, what: string): ApiError {
  const e = err as { type?: string; message?: string; statusCode?: number };
  const transient =
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError' ||
    (e.statusCode !== undefined && e.statusCode >= 500);
  if (transient)
    return new ApiError('service_unavailable', `Stripe is unavailable (${what}); try again shortly.`, {
      cause: err,
    });
  return new ApiError('stripe_error', `Stripe refused to ${what}: ${e.message ?? 'unknown error'}`, {
    cause: err,
  });
}

async function callStripe<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err, what);
  }
}

/** Express-like or Standard-like, expressed with controller properties only (never `type` alongside). */
export function accountCreateParams(
  config: Config,
  kind: ConnectKind,
  tenantPublicId: string,
  input: { email?: string; business_type?: 'individual' | 'company' },
): Stripe.AccountCreateParams {
  const controller: Stripe.AccountCreateParams.Controller =
    kind === 'express'
      ? {
          stripe_dashboard: { type: 'express' },
          fees: { payer: 'application' },
          losses: { payments: 'application' },
          requirement_collection: 'stripe',
        }
      : {
          stripe_dashboard: { type: 'full' },
          fees: { payer: 'account' },
          losses: { payments: 'stripe' },
          requirement_collection: 'stripe',
        };
  return {
    country: config.CONNECT_COUNTRY,
    controller,
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    ...(input.email ? { email: input.email } : {}),
    ...(input.business_type ? { business_type: input.business_type } : {}),
    metadata: { tributary_tenant: tenantPublicId },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Create, link, refresh

export async function createAccount(
  ctx: Ctx,
  deps: ConnectDeps,
  tenantId: string,
  publicId: string,
  input: { email?: string; business_type?: 'individual' | 'company' },
): Promise<StatusView> {
  const before = await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => ({
    current: await repo.currentAccount(tx, tenantId),
    attempt: (await repo.countAccounts(tx, tenantId)) + 1,
  }));
  if (before.current) return view(deps, ctx.config, tenantId, before.current);
  const kind = ctx.config.CONNECT_ACCOUNT_KIND;
  const fetchedAt = new Date();
  // Deterministic key: a retry after a lost response (or a concurrent request) gets the same account.
  const account = await callStripe('create the connected account', () =>
    deps.stripe.stripe.accounts.create(accountCreateParams(ctx.config, kind, publicId, input), {
      idempotencyKey: `tributary:connect_account:${tenantId}:${before.attempt}`,
    }),
  );
  return inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    const row = await repo.insertAccount(tx, {
      tenantId,
      stripeAccountId: account.id,
      kind,
      source: 'created',
      state: stateFromAccount(account),
      syncedAt: fetchedAt,
    });
    if (!row) return view(deps, ctx.config, tenantId, await repo.currentAccount(tx, tenantId));
    await repo.setTenantAccount(tx, tenantId, account.id);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId,
      action: 'connect.account_created',
      target: { kind: 'tenant', id: tenantId },
      data: { account: account.id, kind },
    });
    return view(deps, ctx.config, tenantId, row);
  });
}

export type ReturnTo = 'platform' | 'dashboard';

function onboardingUrls(config: Config, token: string) {
  return {
    return_url: `${config.publicUrl}/connect/onboarding/return?t=${token}`,
    refresh_url: `${config.publicUrl}/connect/onboarding/refresh?t=${token}`,
  };
}

/**
 * Account links are single use and expire in minutes, so each request needs a new one: an idempotent replay
 * would hand back a link that was already opened. The key is unique per call for that reason.
 */
function accountLink(deps: ConnectDeps, config: Config, row: ConnectAccountRow, token: string) {
  return callStripe('create the onboarding link', () =>
    deps.stripe.stripe.accountLinks.create(
      { account: row.stripeAccountId, type: 'account_onboarding', ...onboardingUrls(config, token) },
      { idempotencyKey: `tributary:account_link:${row.id}:${randomUUID()}` },
    ),
  );
}

export async function createOnboardingLink(
  ctx: Ctx,
  deps: ConnectDeps,
  tenantId: string,
  publicId: string,
  input: { return_to?: ReturnTo },
): Promise<{ url: string; expiresAt: number }> {
  const token = newToken();
  const row = await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    await repo.setLinkToken(
      tx,
      current.id,
      sha256(token),
      new Date(Date.now() + LINK_TOKEN_TTL_MS),
      input.return_to ?? 'platform',
    );
    return current;
  });
  const link = await accountLink(deps, ctx.config, row, token);
  return { url: link.url, expiresAt: link.expires_at };
}

function notConnected(): ApiError {
  return new ApiError(
    'account_not_connected',
    'The tenant has no connected Stripe account. Create one with POST /v1/tenants/{id}/connect/account.',
  );
}

/** Where the tenant lands after onboarding or OAuth: the platform's page, else the dashboard's. */
function landing(
  config: Config,
  tenantId: string,
  returnTo: ReturnTo | null,
  params: Record<string, string>,
  which: 'return' | 'refresh' = 'return',
): string {
  const tenant = toPublicId('tenant', tenantId);
  const platformUrl = which === 'return' ? config.CONNECT_RETURN_URL : config.CONNECT_REFRESH_URL;
  if (returnTo !== 'dashboard' && platformUrl) {
    const u = new URL(platformUrl);
    u.searchParams.set('tenant', tenant);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }
  const q = new URLSearchParams(params).toString();
  return `${config.publicUrl}/tenants/${tenant}/payments-setup${q ? `?${q}` : ''}`;
}

async function linkTokenRow(db: Db, token: string | undefined): Promise<ConnectAccountRow | null> {
  if (!token || token.length > 100) return null;
  const row = await withSystem(db, 'connect.onboarding_redirect', (tx) =>
    repo.findByLinkToken(tx, sha256(token)),
  );
  if (!row || row.disconnectedAt || !row.linkTokenExpiresAt || row.linkTokenExpiresAt < new Date())
    return null;
  return row;
}

/** Stripe's `return_url`: pull the account's state, then send the tenant on. Never throws (a redirect). */
export async function onboardingReturn(
  db: Db,
  config: Config,
  deps: ConnectDeps,
  token: string | undefined,
): Promise<string> {
  const row = await linkTokenRow(db, token);
  if (!row) return `${config.publicUrl}/?connect_error=link_expired`;
  let status: ConnectStatus = deriveStatus(row);
  try {
    const fetchedAt = new Date();
    const account = await deps.stripe.stripe.accounts.retrieve(row.stripeAccountId);
    status = await withTenant(db, row.tenantId, async (tx) => {
      await repo.markReturned(tx, row.id);
      await repo.applyState(tx, row.id, stateFromAccount(account), fetchedAt);
      return deriveStatus(await repo.currentAccount(tx, row.tenantId));
    });
  } catch {
    // Stripe unreachable: the webhook or a later refresh brings the state; the tenant still gets back.
    await withTenant(db, row.tenantId, (tx) => repo.markReturned(tx, row.id));
  }
  return landing(config, row.tenantId, row.linkReturnTo, { onboarding: 'returned', status });
}

/** Stripe's `refresh_url` (link expired or already used): a fresh link, transparently. */
export async function onboardingRefresh(
  db: Db,
  config: Config,
  deps: ConnectDeps,
  token: string | undefined,
): Promise<string> {
  const row = await linkTokenRow(db, token);
  if (!row) return `${config.publicUrl}/?connect_error=link_expired`;
  try {
    return (await accountLink(deps, config, row, token!)).url;
  } catch {
    return landing(
      config,
      row.tenantId,
      row.linkReturnTo,
      { connect_error: 'stripe_unavailable' },
      'refresh',
    );
  }
}

/** `POST …/connect/refresh`: pull the account from Stripe now. */
export async function refreshAccount(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  const row = await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  const fetchedAt = new Date();
  let account: Stripe.Account | null = null;
  let revoked = false;
  try {
    account = await deps.stripe.stripe.accounts.retrieve(row.stripeAccountId);
  } catch (err) {
    // Stripe answers a platform that lost access with a permission error: the account left us.
    const e = err as { type?: string; code?: string };
    if (e.type === 'StripePermissionError' || e.code === 'account_invalid') revoked = true;
    else throw stripeFailure(err, 'retrieve the account');
  }
  return inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    if (revoked) {
      await deauthorized(tx, ctx.actor, ctx.requestId, tenantId, row, await deps.jobs(), null);
    } else if (account) {
      await repo.applyState(tx, row.id, stateFromAccount(account), fetchedAt);
    }
    return view(deps, ctx.config, tenantId, await repo.latestAccount(tx, tenantId));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Login link, disconnect, deauthorization

export async function createLoginLink(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  const row = await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  if (row.kind !== 'express') {
    // Standard accounts sign in to Stripe's own dashboard with their own credentials.
    return { url: 'https://dashboard.stripe.com/', kind: row.kind };
  }
  // Login links are single use: a new one each time (see accountLink).
  const link = await callStripe('create the login link', () =>
    deps.stripe.stripe.accounts.createLoginLink(
      row.stripeAccountId,
      {},
      { idempotencyKey: `tributary:login_link:${row.id}:${randomUUID()}` },
    ),
  );
  return { url: link.url, kind: row.kind };
}

export async function disconnect(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  const row = await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx, access) => {
    // Dashboard users: owners only. API keys with connect:write act for the platform.
    if (ctx.actor.kind === 'user' && access.role !== 'owner') {
      throw ApiError.forbidden('Only an owner can disconnect the Stripe account.');
    }
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  const { clientId } = deps.stripe.connect();
  if (row.source === 'oauth' && clientId) {
    try {
      await deps.stripe.stripe.oauth.deauthorize({
        client_id: clientId,
        stripe_user_id: row.stripeAccountId,
      });
    } catch (err) {
      // Already disconnected on Stripe's side (invalid_client): carry on and record it.
      const e = err as { type?: string; rawType?: string; raw?: { error?: string } };
      if (e.raw?.error !== 'invalid_client' && e.type !== 'StripeAuthenticationError') {
        throw stripeFailure(err, 'deauthorize the account');
      }
    }
  }
  const jobs = await deps.jobs();
  return inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    const done = await repo.markDisconnected(tx, row.id, 'disconnected');
    if (done) {
      await insertAudit(tx, ctx.actor, ctx.requestId, {
        tenantId,
        action: 'connect.disconnected',
        target: { kind: 'tenant', id: tenantId },
        data: { account: row.stripeAccountId, deauthorized_oauth: row.source === 'oauth' },
      });
      await emitOutbound(tx, jobs, {
        tenantId,
        type: 'account.disconnected',
        data: { tenant: publicId, account: row.stripeAccountId, reason: 'disconnected' },
      });
    }
    return view(deps, ctx.config, tenantId, await repo.latestAccount(tx, tenantId));
  });
}

/**
 * The account left the platform (`account.application.deauthorized`, or Stripe refusing access): mark it,
 * which blocks charges (requireChargesEnabled) and background calls (they look for the current account),
 * audit it, and tell the platform's app (which notifies the tenant's owners; the dashboard shows a banner).
 * Payment history stays: rows keep pointing at the disconnected account.
 */
export async function deauthorized(
  tx: Tx,
  actor: Actor,
  requestId: string | null,
  tenantId: string,
  row: ConnectAccountRow,
  jobs: Jobs | null,
  emit: ((type: string, data: Record<string, unknown>) => Promise<void>) | null,
): Promise<boolean> {
  const done = await repo.markDisconnected(tx, row.id, 'deauthorized');
  if (!done) return false;
  await insertAudit(tx, actor, requestId, {
    tenantId,
    action: 'connect.deauthorized',
    target: { kind: 'tenant', id: tenantId },
    data: { account: row.stripeAccountId },
  });
  const data = {
    tenant: toPublicId('tenant', tenantId),
    account: row.stripeAccountId,
    reason: 'deauthorized',
  };
  if (emit) await emit('account.deauthorized', data);
  else if (jobs) await emitOutbound(tx, jobs, { tenantId, type: 'account.deauthorized', data });
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// OAuth for existing accounts

export async function oauthAuthorizeUrl(
  ctx: Ctx,
  deps: ConnectDeps,
  tenantId: string,
  publicId: string,
  input: { return_to?: ReturnTo },
): Promise<{ url: string; expiresAt: Date }> {
  const { base, clientId } = deps.stripe.connect();
  const state = newToken();
  const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
  await inTenant(ctx, tenantId, publicId, 'connect:write', async (tx) => {
    if (!clientId) {
      throw new ApiError(
        'connect_not_configured',
        "Linking an existing Stripe account needs the platform's Connect client id (STRIPE_CONNECT_CLIENT_ID).",
      );
    }
    const a = ctx.actor;
    await repo.insertOauthState(tx, {
      tenantId,
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
  u.searchParams.set('redirect_uri', oauthRedirectUri(ctx.config));
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
    if (st.callerKind === 'user' && (sessionUser?.kind !== 'user' || sessionUser.userId !== st.callerId)) {
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
  let accountId: string;
  let account: Stripe.Account;
  const fetchedAt = new Date();
  try {
    const token = await deps.stripe.stripe.oauth.token({ grant_type: 'authorization_code', code: q.code });
    accountId = token.stripe_user_id!;
    account = await deps.stripe.stripe.accounts.retrieve(accountId);
  } catch (err) {
    const e = err as { type?: string; code?: string; raw?: { error?: string }; message?: string };
    const raw = e.raw?.error ?? e.code ?? '';
    const code: OauthErrorCode =
      e.type === 'StripeInvalidGrantError' || raw === 'invalid_grant'
        ? 'invalid_grant'
        : raw === 'invalid_redirect_uri' || /redirect uri/i.test(e.message ?? '')
          ? 'invalid_redirect_uri'
          : e.type === 'StripeConnectionError' || e.type === 'StripeAPIError'
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
    withTenant(db, st.tenantId, async (tx) => {
      const current = await repo.currentAccount(tx, st.tenantId);
      if (current && current.stripeAccountId === accountId) {
        await repo.applyState(tx, current.id, stateFromAccount(account), fetchedAt);
        return deriveStatus(await repo.currentAccount(tx, st.tenantId));
      }
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
  let status: ConnectStatus;
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
  return { kind: 'redirect', url: landing(config, st.tenantId, st.returnTo, { connect: 'linked', status }) };
}

// ---------------------------------------------------------------------------------------------------------
// Operator

export async function listConnectedAccounts(
  ctx: Ctx,
  q: { limit: number; status?: ConnectStatus; kind?: ConnectKind; startingAfter?: string | null },
) {
  requirePlatform(ctx.actor);
  return withSystem(ctx.db, 'operator.connect_accounts', (tx) => repo.listAllTenants(tx, q));
}
