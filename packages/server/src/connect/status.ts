import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import type { ConnectKind, StoredRequirements } from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import type { ConnectDeps } from './common.ts';
import type { AccountState, ConnectAccountRow } from './repo.ts';
import * as repo from './repo.ts';

export const connectStatuses = [
  'not_connected',
  'onboarding',
  'restricted',
  'enabled',
  'rejected',
  'deauthorized',
] as const;
export type ConnectStatus = (typeof connectStatuses)[number];

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

export function view(
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

export function getStatus(scope: TenantScope, deps: ConnectDeps) {
  return inTenant(scope, 'connect:read', async (tx) =>
    view(deps, scope.config, scope.tenantId, await repo.latestAccount(tx, scope.tenantId)),
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
// Operator

export async function listConnectedAccounts(
  ctx: Ctx,
  q: { limit: number; status?: ConnectStatus; kind?: ConnectKind; startingAfter?: string | null },
) {
  requirePlatformScope(ctx.actor, 'connect:read');
  return withSystem(ctx.db, 'operator.connect_accounts', (tx) => repo.listAllTenants(tx, q));
}
