import type { Tx } from '../db/client.ts';
import type { Jobs } from '../jobs/boss.ts';
import { requireScopes } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { StripeFailure } from '../stripe/gateway.ts';
import { emitOutbound, type OutboundEventType } from '../webhooks/service.ts';
import type { ConnectDeps } from './common.ts';
import { notConnected } from './common.ts';
import type { ConnectAccountRow } from './repo.ts';
import * as repo from './repo.ts';
import { view } from './status.ts';

// ---------------------------------------------------------------------------------------------------------
// Login link, disconnect, deauthorization

export async function createLoginLink(scope: TenantScope, deps: ConnectDeps) {
  // The Express dashboard edits the account's payout bank account, so it is an owner's power like
  // replacing the account (connect:manage); it also shows the account's payments, refunds and disputes,
  // which the caller must be able to read itself. The route declares both.
  const row = await inTenant(scope, 'connect:manage', async (tx, access) => {
    requireScopes(access, ['payments:read', 'refunds:read', 'disputes:read']);
    const current = await repo.currentAccount(tx, scope.tenantId);
    if (!current) throw notConnected();
    return current;
  });
  if (row.kind !== 'express') {
    // Standard accounts sign in to Stripe's own dashboard with their own credentials (the sandbox's page in
    // sandbox mode, since dashboard.stripe.com knows nothing of a sandbox account)
    return { url: deps.stripe.accountDashboardUrl(row.stripeAccountId), kind: row.kind };
  }
  // Login links are single use: a new one each time (see accountLink).
  const link = await deps.stripe.call(
    {
      action: 'create the login link',
      account: null,
      movesMoney: false,
      purpose: 'login_link',
      record: row.id,
    },
    (stripe, opts) => stripe.accounts.createLoginLink(row.stripeAccountId, {}, opts),
  );
  return { url: link.url, kind: row.kind };
}

export async function disconnect(scope: TenantScope, deps: ConnectDeps) {
  const { tenantId, publicId } = scope;
  // An owner's power, for sessions and keys alike: connect:manage (owners, secret keys, the platform).
  const row = await inTenant(scope, 'connect:manage', async (tx) => {
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  const { clientId } = deps.stripe.connect();
  if (row.source === 'oauth' && clientId) {
    try {
      await deps.stripe.call(
        { action: 'deauthorize the account', account: null, movesMoney: false },
        (stripe, opts) =>
          stripe.oauth.deauthorize({ client_id: clientId, stripe_user_id: row.stripeAccountId }, opts),
      );
    } catch (err) {
      // Already disconnected on Stripe's side (OAuth's invalid_client, a 401): carry on and record it.
      const gone = err instanceof StripeFailure && err.kind === 'auth' && err.statusCode === 401;
      if (!gone) throw err;
    }
  }
  const jobs = await deps.jobs();
  return inTenant(scope, 'connect:manage', async (tx) => {
    const done = await repo.markDisconnected(tx, row.id, 'disconnected');
    if (done) {
      await scope.audit(tx, {
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
    return view(deps, scope.config, tenantId, await repo.latestAccount(tx, tenantId));
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
  scope: Pick<TenantScope, 'tenantId' | 'publicId' | 'audit'>,
  row: ConnectAccountRow,
  jobs: Jobs | null,
  emit: ((type: OutboundEventType, data: Record<string, unknown>) => Promise<void>) | null,
): Promise<boolean> {
  const { tenantId } = scope;
  const done = await repo.markDisconnected(tx, row.id, 'deauthorized');
  if (!done) return false;
  await scope.audit(tx, {
    action: 'connect.deauthorized',
    target: { kind: 'tenant', id: tenantId },
    data: { account: row.stripeAccountId },
  });
  const data = {
    tenant: scope.publicId,
    account: row.stripeAccountId,
    reason: 'deauthorized',
  };
  if (emit) await emit('account.deauthorized', data);
  else if (jobs) await emitOutbound(tx, jobs, { tenantId, type: 'account.deauthorized', data });
  return true;
}
