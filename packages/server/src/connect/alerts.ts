import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import type { Jobs } from '../jobs/define.ts';
import { type AlertSender, alertOwners, notifyField } from '../notifications/service.ts';
import type { Stripe } from '../stripe/client.ts';
import type { HandlerContext, OutboundEventType } from '../webhooks/service.ts';
import { emitOutbound } from '../webhooks/service.ts';
import type { ConnectAccountRow } from './repo.ts';

// The owners' e-mails about their connected account, decided on the change a webhook applies: from a state
// that took payments to one that needs information or is disabled. An account still onboarding (nothing
// submitted yet) is expected to need information, and alerts nobody.

const deps = (ctx: HandlerContext) => ({ config: ctx.config, enqueue: ctx.enqueue });

const due = (row: Pick<ConnectAccountRow, 'requirements'>) => [
  ...new Set([...(row.requirements?.past_due ?? []), ...(row.requirements?.currently_due ?? [])]),
];

/** Answers the alert's sender when the change alerts the owners (for `account.updated`'s `notify`). */
export async function alertAccountChange(
  ctx: HandlerContext,
  before: ConnectAccountRow,
  after: ConnectAccountRow,
): Promise<AlertSender | null> {
  if (!before.detailsSubmitted) return null;
  const account = after.stripeAccountId;
  const wasDisabled = Boolean(before.requirements?.disabled_reason);
  const disabledReason = after.requirements?.disabled_reason ?? null;
  // keyed by the event that made the change: a redelivery of it adds nothing, a later disabling mails again
  if (disabledReason && !wasDisabled) {
    return alertOwners(ctx.tx, deps(ctx), {
      tenantId: after.tenantId,
      template: 'account_disabled',
      data: { accountId: account, reason: disabledReason },
      dedupKey: `account_disabled:${account}:${ctx.event.id}`,
    });
  }
  if (disabledReason || due(before).length > 0 || due(after).length === 0) return null;
  const deadline = after.requirements?.current_deadline ?? null;
  return alertOwners(ctx.tx, deps(ctx), {
    tenantId: after.tenantId,
    template: 'account_needs_information',
    data: {
      accountId: account,
      due: due(after),
      deadline: deadline ? new Date(deadline * 1000).toISOString() : null,
    },
    dedupKey: `account_needs_information:${account}:${ctx.event.id}`,
  });
}

export function alertDeauthorized(ctx: HandlerContext, row: ConnectAccountRow): Promise<AlertSender> {
  return alertOwners(ctx.tx, deps(ctx), {
    tenantId: row.tenantId,
    template: 'account_deauthorized',
    data: { accountId: row.stripeAccountId },
    dedupKey: `account_deauthorized:${row.id}`,
  });
}

/**
 * How `deauthorized` emits when a refresh (not a Stripe event) finds access revoked: the owners' alert
 * first — keyed like the webhook's, so whichever comes first alerts once — then `account.deauthorized`
 * with its `notify` when the platform's app sends owner alerts.
 */
export function emitWithDeauthorizedAlert(tx: Tx, config: Config, jobs: Jobs, row: ConnectAccountRow) {
  return async (type: OutboundEventType, data: Record<string, unknown>) => {
    const alert = await alertOwners(
      tx,
      { config, enqueue: (queue, payload) => jobs.sendInTx(tx, queue, payload) },
      {
        tenantId: row.tenantId,
        template: 'account_deauthorized',
        data: { accountId: row.stripeAccountId },
        dedupKey: `account_deauthorized:${row.id}`,
      },
    );
    await emitOutbound(tx, jobs, { tenantId: row.tenantId, type, data: { ...data, ...notifyField(alert) } });
  };
}

/**
 * A payout to the account's bank that failed (a terminal fact: the event's snapshot is the payout's end): the
 * owners' alert, and the outbound `payout.failed` (with `notify` when the platform's app alerts them).
 */
export async function alertPayoutFailed(ctx: HandlerContext, tenantId: string): Promise<void> {
  const payout = ctx.object as unknown as Stripe.Payout;
  if (payout.object !== 'payout' || payout.status !== 'failed') return;
  const alert = await alertOwners(ctx.tx, deps(ctx), {
    tenantId,
    template: 'payout_failed',
    data: {
      payoutId: payout.id,
      amount: payout.amount,
      currency: payout.currency,
      failureCode: payout.failure_code ?? null,
      failureMessage: payout.failure_message ?? null,
    },
    dedupKey: `payout_failed:${payout.id}`,
  });
  await ctx.emit('payout.failed', {
    object: ctx.object,
    stripe_event: ctx.event.id,
    account: ctx.account,
    ...notifyField(alert),
  });
}
