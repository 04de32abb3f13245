import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { toPublicId } from '../http/ids.ts';
import type { Jobs } from '../jobs/boss.ts';
import { type Actor, requireScopes } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { inTenant } from '../scope/tenant.ts';
import { StripeFailure } from '../stripe/gateway.ts';
import { emitOutbound } from '../webhooks/service.ts';
import type { ConnectDeps } from './common.ts';
import { notConnected } from './common.ts';
import type { ConnectAccountRow } from './repo.ts';
import * as repo from './repo.ts';
import { view } from './status.ts';

// ---------------------------------------------------------------------------------------------------------
// Login link, disconnect, deauthorization

export async function createLoginLink(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  // The Express dashboard edits the account's payout bank account, so it is an owner's power like
  // replacing the account (connect:manage); it also shows the account's payments, refunds and disputes,
  // which the caller must be able to read itself (issue 12). The route declares both.
  const row = await inTenant(ctx, tenantId, publicId, 'connect:manage', async (tx, access) => {
    requireScopes(access, ['payments:read', 'refunds:read', 'disputes:read']);
    const current = await repo.currentAccount(tx, tenantId);
    if (!current) throw notConnected();
    return current;
  });
  if (row.kind !== 'express') {
    // Standard accounts sign in to Stripe's own dashboard with their own credentials.
    return { url: 'https://dashboard.stripe.com/', kind: row.kind };
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

export async function disconnect(ctx: Ctx, deps: ConnectDeps, tenantId: string, publicId: string) {
  // An owner's power, for sessions and keys alike: connect:manage (owners, secret keys, the platform).
  const row = await inTenant(ctx, tenantId, publicId, 'connect:manage', async (tx) => {
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
  return inTenant(ctx, tenantId, publicId, 'connect:manage', async (tx) => {
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
