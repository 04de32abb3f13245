import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { ConnectKind } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import { requireScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import { type CallerParams, StripeFailure } from '../stripe/gateway.ts';
import { emitWithDeauthorizedAlert } from './alerts.ts';
import {
  type ConnectDeps,
  LINK_TOKEN_TTL_MS,
  newToken,
  notConnected,
  retrieveAccount,
  sha256,
} from './common.ts';
import { deauthorized } from './lifecycle.ts';
import type { ConnectAccountRow } from './repo.ts';
import * as repo from './repo.ts';
import { type ConnectStatus, deriveStatus, type StatusView, stateFromAccount, view } from './status.ts';

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

const accountInput: CallerParams = { email: 'email', business_type: 'business_type' };

// ---------------------------------------------------------------------------------------------------------
// Create, link, refresh

export async function createAccount(
  scope: TenantScope,
  deps: ConnectDeps,
  input: { email?: string; business_type?: 'individual' | 'company' },
): Promise<StatusView> {
  const { tenantId, publicId } = scope;
  const before = await inTenant(scope, 'connect:write', async (tx) => ({
    current: await repo.currentAccount(tx, tenantId),
    attempt: (await repo.countAccounts(tx, tenantId)) + 1,
  }));
  if (before.current) return view(deps, scope.config, tenantId, before.current);
  const kind = scope.config.CONNECT_ACCOUNT_KIND;
  const fetchedAt = new Date();
  // Deterministic key: a retry after a lost response (or a concurrent request) gets the same account.
  const account = await deps.stripe.call(
    {
      action: 'create the connected account',
      account: null,
      movesMoney: false,
      input: accountInput,
      purpose: 'connect_account',
      record: tenantId,
      attempt: before.attempt,
    },
    (stripe, opts) => stripe.accounts.create(accountCreateParams(scope.config, kind, publicId, input), opts),
  );
  return inTenant(scope, 'connect:write', async (tx) => {
    const row = await repo.insertAccount(tx, {
      tenantId,
      stripeAccountId: account.id,
      kind,
      source: 'created',
      state: stateFromAccount(account),
      syncedAt: fetchedAt,
    });
    if (!row) return view(deps, scope.config, tenantId, await repo.currentAccount(tx, tenantId));
    await repo.setTenantAccount(tx, tenantId, account.id);
    await scope.audit(tx, {
      action: 'connect.account_created',
      target: { kind: 'tenant', id: tenantId },
      data: { account: account.id, kind },
    });
    return view(deps, scope.config, tenantId, row);
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
  return deps.stripe.call(
    {
      action: 'create the onboarding link',
      account: null,
      movesMoney: false,
      purpose: 'account_link',
      record: row.id,
    },
    (stripe, opts) =>
      stripe.accountLinks.create(
        { account: row.stripeAccountId, type: 'account_onboarding', ...onboardingUrls(config, token) },
        opts,
      ),
  );
}

export async function createOnboardingLink(
  scope: TenantScope,
  deps: ConnectDeps,
  input: { return_to?: ReturnTo },
): Promise<{ url: string; expiresAt: number }> {
  const row = await inTenant(scope, 'connect:write', async (tx, access) => {
    const current = await repo.currentAccount(tx, scope.tenantId);
    if (!current) throw notConnected();
    // Hosted onboarding edits what the account submitted, its payout bank account included: finishing a
    // new account's setup is connect:write, changing a set-up one is an owner's (connect:manage).
    if (current.detailsSubmitted) requireScope(access, 'connect:manage');
    const token = linkToken(access.scopes.has('connect:manage'));
    await repo.setLinkToken(
      tx,
      current.id,
      sha256(token),
      new Date(Date.now() + LINK_TOKEN_TTL_MS),
      input.return_to ?? 'platform',
    );
    return { ...current, token };
  });
  const link = await accountLink(deps, scope.config, row, row.token);
  return { url: link.url, expiresAt: link.expires_at };
}

/**
 * The return/refresh token. Its first characters say whether it was issued to a caller holding
 * `connect:manage` (stored hashed, so no holder can change them): a token issued while the account was new
 * must not open onboarding once the account has submitted its details (`onboardingRefresh`).
 */
function linkToken(manage: boolean): string {
  return `${manage ? MANAGE_TOKEN : WRITE_TOKEN}${newToken()}`;
}
const MANAGE_TOKEN = 'm.';
const WRITE_TOKEN = 'w.';

/** Where the tenant lands after onboarding or OAuth: the platform's page, else the dashboard's. */
export function landing(
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
  // Onboarding ended here: the token opens nothing more (a new link gets a new one).
  await withTenant(db, row.tenantId, (tx) => repo.clearLinkToken(tx, row.id));
  let status: ConnectStatus = deriveStatus(row);
  try {
    const fetchedAt = new Date();
    const account = await retrieveAccount(deps, row.stripeAccountId);
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
  if (row.detailsSubmitted && !token!.startsWith(MANAGE_TOKEN)) {
    // issued to finish a new account's setup, which is done: editing it is an owner's (createOnboardingLink)
    return landing(config, row.tenantId, row.linkReturnTo, { connect_error: 'link_expired' }, 'refresh');
  }
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
export async function refreshAccount(scope: TenantScope, deps: ConnectDeps) {
  const { tenantId } = scope;
  const row = await inTenant(scope, 'connect:write', async (tx) => {
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  const fetchedAt = new Date();
  let account: Stripe.Account | null = null;
  let revoked = false;
  try {
    account = await retrieveAccount(deps, row.stripeAccountId);
  } catch (err) {
    // Stripe answers a platform that lost access with a permission error (403): the account left us.
    const lost =
      err instanceof StripeFailure &&
      ((err.kind === 'auth' && err.statusCode === 403) || err.code === 'account_invalid');
    if (lost) revoked = true;
    else throw err;
  }
  const jobs = revoked ? await deps.jobs() : null;
  return inTenant(scope, 'connect:write', async (tx) => {
    if (jobs) {
      await deauthorized(tx, scope, row, null, emitWithDeauthorizedAlert(tx, scope.config, jobs, row));
    } else if (account) {
      await repo.applyState(tx, row.id, stateFromAccount(account), fetchedAt);
    }
    return view(deps, scope.config, tenantId, await repo.latestAccount(tx, tenantId));
  });
}
