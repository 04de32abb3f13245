import type { Tx } from '../db/client.ts';
import { asUuid, toPublicId } from '../http/ids.ts';
import { type AlertSender, notifyField } from '../notifications/service.ts';
import { type AuditEntry, insertAudit } from '../scope/audit.ts';
import type { Stripe } from '../stripe/client.ts';
import type { EventHandler, HandlerContext, HandlerMap, OutboundEventType } from '../webhooks/service.ts';
import { syncHandler } from '../webhooks/service.ts';
import { alertAccountChange, alertDeauthorized, alertPayoutFailed } from './alerts.ts';
import * as repo from './repo.ts';
import { deauthorized, stateFromAccount } from './service.ts';

// Connect's webhook handlers (issues 6 and 7): the raw object goes to stripe_objects as every domain's does
// (syncHandler), then the tenant's connect_accounts row is brought up to date.

/** Runs the common sync, then `apply` when the event belongs to a known tenant. */
function connectHandler(
  base: EventHandler,
  apply: (ctx: HandlerContext, tenantId: string) => Promise<void>,
): EventHandler {
  return {
    refetch: base.refetch,
    apply: async (ctx) => {
      await base.apply(ctx);
      if (ctx.tenantId) await apply(ctx, ctx.tenantId);
    },
  };
}

const eventTime = (ctx: HandlerContext) => new Date(ctx.event.created * 1000);

/**
 * The account (refetched by the pipeline): its state, behind the last_synced_at guard. Answers the owners'
 * alert when the change makes one.
 */
async function applyAccount(ctx: HandlerContext, tenantId: string): Promise<AlertSender | null> {
  if (ctx.deleted || ctx.object.object !== 'account') return null;
  const row = await repo.accountByStripeId(ctx.tx, tenantId, ctx.object.id);
  if (!row) return null;
  const state = stateFromAccount(ctx.object as unknown as Stripe.Account);
  const changed = await repo.applyState(ctx.tx, row.id, state, ctx.syncedAt, eventTime(ctx));
  if (!changed) await repo.touchEvent(ctx.tx, row.id, eventTime(ctx));
  else if (!row.disconnectedAt) return alertAccountChange(ctx, row, changed);
  return null;
}

/**
 * `account.updated` / `account.application.authorized`: the raw object kept, the state applied, then the
 * outbound `account.updated` — carrying `notify` when the change alerts the owners and the platform's app
 * sends owner alerts.
 */
const accountSync = syncHandler('account');
const accountHandler: EventHandler = {
  refetch: accountSync.refetch,
  apply: async (ctx) => {
    await accountSync.apply(ctx);
    const alert = ctx.tenantId ? await applyAccount(ctx, ctx.tenantId) : null;
    await ctx.emit('account.updated', {
      object: ctx.object,
      stripe_event: ctx.event.id,
      ...notifyField(alert),
    });
  },
};

/** A capability's status (a snapshot: applied only when newer than what we hold). */
async function applyCapability(ctx: HandlerContext, tenantId: string): Promise<void> {
  const cap = ctx.object as { id: string; account?: string; status?: string };
  const acct = cap.account ?? ctx.account;
  if (!acct) return;
  const row = await repo.accountByStripeId(ctx.tx, tenantId, acct);
  if (!row) return;
  if (cap.status && (!row.lastSyncedAt || row.lastSyncedAt < ctx.syncedAt)) {
    await repo.applyState(
      ctx.tx,
      row.id,
      {
        chargesEnabled: row.chargesEnabled,
        payoutsEnabled: row.payoutsEnabled,
        detailsSubmitted: row.detailsSubmitted,
        requirements: row.requirements,
        livemode: row.livemode,
        capabilities: { ...row.capabilities, [cap.id]: cap.status },
      },
      ctx.syncedAt,
      eventTime(ctx),
    );
  } else {
    await repo.touchEvent(ctx.tx, row.id, eventTime(ctx));
  }
}

/** A bank account or card for payouts changed: the account.updated that follows carries the state. */
async function touchAccount(ctx: HandlerContext, tenantId: string): Promise<void> {
  if (!ctx.account) return;
  const row = await repo.accountByStripeId(ctx.tx, tenantId, ctx.account);
  if (row) await repo.touchEvent(ctx.tx, row.id, eventTime(ctx));
}

/** The account disconnected from the platform on Stripe's side. */
async function applyDeauthorized(ctx: HandlerContext, tenantId: string): Promise<void> {
  if (!ctx.account) return;
  const row = await repo.accountByStripeId(ctx.tx, tenantId, ctx.account);
  // an old deauthorization of an account linked again since then changes nothing (`created` is in seconds)
  if (!row || row.disconnectedAt || Math.floor(row.connectedAt.getTime() / 1000) > ctx.event.created) return;
  await repo.touchEvent(ctx.tx, row.id, eventTime(ctx));
  // Stripe acts here, in no request: the audit entry names it and carries no request id.
  const byStripe = {
    tenantId: asUuid('tenant', tenantId),
    publicId: toPublicId('tenant', tenantId),
    audit: (tx: Tx, entry: Omit<AuditEntry, 'tenantId'>) =>
      insertAudit(tx, { kind: 'system', label: 'Stripe' }, null, { ...entry, tenantId }),
  };
  // the owners' alert goes with the outbound `account.deauthorized` (its `notify`, when the platform's app sends it)
  const emit = async (type: OutboundEventType, data: Record<string, unknown>) =>
    ctx.emit(type, { ...data, ...notifyField(await alertDeauthorized(ctx, row)) });
  await deauthorized(ctx.tx, byStripe, row, null, emit);
}

export const connectHandlers: HandlerMap = {
  'account.updated': accountHandler,
  'account.application.authorized': accountHandler,
  // the outbound `account.deauthorized` is emitted by applyDeauthorized, once, with the tenant
  'account.application.deauthorized': connectHandler(syncHandler(undefined), applyDeauthorized),
  'capability.updated': connectHandler(syncHandler(undefined), applyCapability),
  'account.external_account.created': connectHandler(syncHandler(undefined), touchAccount),
  'account.external_account.updated': connectHandler(syncHandler(undefined), touchAccount),
  'account.external_account.deleted': connectHandler(syncHandler(undefined), touchAccount),
  // a failed payout is final: its snapshot is applied as is
  'payout.failed': connectHandler(syncHandler(undefined), alertPayoutFailed),
};
