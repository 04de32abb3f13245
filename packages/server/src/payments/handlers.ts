import { toPublicId } from '../http/ids.ts';
import { type AlertSender, alertOwners, notifyField } from '../notifications/service.ts';
import type { Stripe } from '../stripe/client.ts';
import { idOf, namedInMetadata } from '../stripe/ids.ts';
import type {
  EventHandler,
  HandlerContext,
  HandlerMap,
  OutboundEventType,
  RefetchableObject,
} from '../webhooks/service.ts';
import { syncHandler } from '../webhooks/service.ts';
import type { SyncFeeBalanceJob } from './charges/application-fee.ts';
import { feeBooked } from './charges/fee-balance.ts';
import { feeDifference, type PaymentFeeTopUpJob } from './charges/fee-top-up.ts';
import type { PaymentReceiptJob } from './charges/receipt.ts';
import type { PaymentRow } from './charges/repo.ts';
import type { ResyncChargeJob } from './charges/resync.ts';
import { toApiPayment } from './charges/schemas.ts';
import type { DefaultPaymentMethodJob } from './customers/default-method.ts';
import * as repo from './customers/repo.ts';
import type { DisputeRow } from './disputes/repo.ts';
import { toApiDispute } from './disputes/schemas.ts';
import { toApiRefund } from './refunds/schemas.ts';
import * as sync from './sync.ts';
import { countPayment, countRefund } from './volume.ts';

// Payments' webhook handlers. The pipeline refetches the object; each handler keeps the raw mirror
// (stripe_objects, as every domain does) and applies it to the payments tables behind their guards. Events
// of destination charges arrive on the platform account (no tenant): the payment's row names the tenant, and
// outbound events go out under it.

type Apply = (ctx: HandlerContext) => Promise<void>;

function handler(refetch: RefetchableObject, apply: Apply): EventHandler {
  const base = syncHandler(refetch);
  return {
    refetch,
    apply: async (ctx) => {
      await base.apply(ctx);
      await apply(ctx);
    },
  };
}

const scopeOf = (ctx: HandlerContext): sync.SyncScope => ({ tenantId: ctx.tenantId, account: ctx.account });
const obj = <T>(ctx: HandlerContext) => ctx.object as unknown as T;

/** The outbound event the platform's app gets; without a payment of ours it still hears of the object. */
async function emitPayment(
  ctx: HandlerContext,
  type: OutboundEventType,
  row: PaymentRow | null,
): Promise<void> {
  const data = { object: ctx.object, stripe_event: ctx.event.id, payment: row ? toApiPayment(row) : null };
  await ctx.emit(type, data, row ? { tenantId: row.tenantId } : undefined);
}

function paymentIntent(outbound?: OutboundEventType): EventHandler {
  return handler('payment_intent', async (ctx) => {
    const synced = ctx.deleted
      ? null
      : await sync.syncPaymentIntent(ctx.tx, scopeOf(ctx), obj<Stripe.PaymentIntent>(ctx), ctx.syncedAt);
    await countPayment(ctx, synced?.row);
    if (outbound) await emitPayment(ctx, outbound, synced?.row ?? null);
  });
}

function charge(outbound?: OutboundEventType): EventHandler {
  return handler('charge', async (ctx) => {
    const synced = ctx.deleted
      ? null
      : await sync.syncCharge(ctx.tx, scopeOf(ctx), obj<Stripe.Charge>(ctx), ctx.syncedAt);
    // From the row's state, not from whether this event changed it: a support refresh (refresh.ts) may have
    // applied the same state first, and the job checks everything again and settles a charge once.
    if (synced && !synced.row.feeTopUpReversal && feeDifference(synced.row) !== null) {
      const job: PaymentFeeTopUpJob = {
        kind: 'payment_fee_top_up',
        tenantId: synced.row.tenantId,
        paymentId: synced.row.id,
      };
      await ctx.enqueue('billing-followup', job);
    }
    // a payment outside an invoice gets its receipt (the follow-up checks everything again; keyed, so once)
    const row = synced?.row;
    if (row?.stripeApplicationFeeId && !(await feeBooked(ctx.tx, row.id))) {
      const job: SyncFeeBalanceJob = {
        kind: 'sync_application_fee',
        tenantId: row.tenantId,
        paymentId: row.id,
      };
      await ctx.enqueue('billing-followup', job);
    }
    await countPayment(ctx, row);
    if (row?.status === 'succeeded' && !row.invoiceId && receiptEvents.has(ctx.event.type)) {
      const job: PaymentReceiptJob = {
        kind: 'send_payment_receipt',
        tenantId: row.tenantId,
        paymentId: row.id,
      };
      await ctx.enqueue('billing-followup', job);
    }
    if (outbound) await emitPayment(ctx, outbound, synced?.row ?? null);
  });
}

/** The events after which a charge may have become a payment to give a receipt for. */
const receiptEvents = new Set(['charge.succeeded', 'charge.captured']);

function refund(outbound?: OutboundEventType): EventHandler {
  return handler('refund', async (ctx) => {
    if (ctx.deleted) return;
    const synced = await sync.syncRefund(ctx.tx, scopeOf(ctx), obj<Stripe.Refund>(ctx), ctx.syncedAt);
    await countRefund(ctx, synced?.row);
    let alert: AlertSender | null = null;
    // a refund that failed (or was canceled) gave its amount back to the charge, which no event tells. From the
    // row's state, as above: the resync reads Stripe again and the owners' alert is sent once (its dedup key).
    if (synced && ['failed', 'canceled'].includes(synced.row.status)) {
      const job: ResyncChargeJob = {
        kind: 'resync_charge',
        tenantId: synced.row.tenantId,
        paymentId: synced.row.paymentId,
      };
      await ctx.enqueue('billing-followup', job);
      if (synced.row.status === 'failed') {
        const r = synced.row;
        alert = await alertOwners(
          ctx.tx,
          { config: ctx.config, enqueue: ctx.enqueue },
          {
            tenantId: r.tenantId,
            template: 'refund_failed',
            data: {
              refundId: toPublicId('refund', r.id),
              paymentId: toPublicId('payment', r.paymentId),
              amount: r.amount,
              currency: r.currency,
              failureReason: r.failureReason,
            },
            dedupKey: `refund_failed:${r.id}`,
          },
        );
      }
    }
    // an event with no webhook of its own (charge.refund.updated, refund.created) that failed the refund still
    // tells the platform's app whom to alert: as `refund.failed`
    const type = outbound ?? (alert?.notify ? 'refund.failed' : undefined);
    if (type && synced) {
      await ctx.emit(
        type,
        {
          object: ctx.object,
          stripe_event: ctx.event.id,
          refund: toApiRefund(synced.row),
          ...notifyField(alert),
        },
        { tenantId: synced.row.tenantId },
      );
    }
  });
}

function dispute(outbound?: 'dispute.opened' | 'dispute.closed' | 'dispute.updated'): EventHandler {
  return handler('dispute', async (ctx) => {
    if (ctx.deleted) return;
    const synced = await sync.syncDispute(ctx.tx, scopeOf(ctx), obj<Stripe.Dispute>(ctx), ctx.syncedAt);
    if (!synced || !outbound) return;
    const d = toApiDispute(synced.row);
    const alert = await alertOwnersOf(ctx, outbound, synced.row, d.payment);
    // Owners are alerted at once, by one sender: Tributary's e-mail, or the platform's app mailing `notify`.
    const notify = notifyField(alert);
    await ctx.emit(
      outbound,
      {
        object: ctx.object,
        stripe_event: ctx.event.id,
        tenant: toPublicId('tenant', synced.row.tenantId),
        dispute: d,
        payment: toApiPayment(synced.payment),
        evidence_due_by: d.evidence_due_by,
        ...notify,
      },
      { tenantId: synced.row.tenantId },
    );
  });
}

/** The owners' e-mail of a dispute opened or closed, once per dispute (its key holds our dispute's id). */
async function alertOwnersOf(
  ctx: HandlerContext,
  outbound: 'dispute.opened' | 'dispute.closed' | 'dispute.updated',
  row: DisputeRow,
  paymentId: string,
) {
  if (outbound === 'dispute.updated') return null;
  const data = {
    disputeId: toPublicId('dispute', row.id),
    paymentId,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    evidenceDueBy: row.evidenceDueBy?.toISOString() ?? null,
  };
  const deps = { config: ctx.config, enqueue: ctx.enqueue };
  if (outbound === 'dispute.opened')
    return alertOwners(ctx.tx, deps, {
      tenantId: row.tenantId,
      template: 'dispute_opened',
      data,
      dedupKey: `dispute_opened:${row.id}`,
    });
  return alertOwners(ctx.tx, deps, {
    tenantId: row.tenantId,
    template: 'dispute_closed',
    data: { ...data, status: row.status },
    dedupKey: `dispute_closed:${row.id}`,
  });
}

/**
 * An application fee taken or refunded: its balance transactions are booked on the payment (the platform's
 * fee revenue); a refund's share goes back into the tenant's nets and shows on the payment's timeline.
 */
const applicationFee = handler('application_fee', async (ctx) => {
  if (ctx.deleted) return;
  await sync.syncApplicationFee(ctx.tx, scopeOf(ctx), obj<Stripe.ApplicationFee>(ctx));
});

const customer = handler('customer', (ctx) =>
  sync.syncCustomer(ctx.tx, scopeOf(ctx), obj<Stripe.Customer>(ctx), ctx.deleted, ctx.syncedAt),
);

const paymentMethod = handler('payment_method', async (ctx) => {
  await sync.syncPaymentMethod(ctx.tx, obj<Stripe.PaymentMethod>(ctx), ctx.deleted, ctx.syncedAt);
});

/**
 * A SetupIntent that succeeded saved a method, however it was confirmed (the API's synchronous path, 3-D
 * Secure, Checkout's setup page, Stripe.js). The method's row comes from `payment_method.attached`; here a
 * customer with no default gets a follow-up that makes this one the default (default-method.ts: a Stripe call,
 * which cannot be made in this transaction). `metadata.tributary_set_default = "false"` (the API's
 * `set_default: false`) opts out.
 */
const setupIntentSucceeded = handler('setup_intent', async (ctx) => {
  if (ctx.deleted) return;
  const si = obj<Stripe.SetupIntent>(ctx);
  const pm = idOf(si.payment_method);
  const stripeCustomer = idOf(si.customer);
  if (si.status !== 'succeeded' || !pm || !stripeCustomer) return;
  if (si.metadata?.tributary_set_default === 'false') return;
  const ours = namedInMetadata(si.metadata, 'tributary_customer', 'customer');
  let customer = ours ? await repo.getCustomer(ctx.tx, ours) : null;
  // metadata is a hint: the SetupIntent's own customer decides, on the account the event came from
  if (customer?.stripeCustomerId !== stripeCustomer)
    customer = await repo.customerByStripeId(ctx.tx, stripeCustomer);
  if (!customer || customer.deleted || customer.defaultPaymentMethod) return;
  if (customer.stripeAccountId !== ctx.account || (ctx.tenantId && customer.tenantId !== ctx.tenantId))
    return;
  const job: DefaultPaymentMethodJob = {
    kind: 'default_payment_method',
    tenantId: customer.tenantId,
    customerId: customer.id,
    stripePaymentMethodId: pm,
  };
  await ctx.enqueue('billing-followup', job);
});

export const paymentHandlers: HandlerMap = {
  'payment_intent.created': paymentIntent(),
  'payment_intent.processing': paymentIntent(),
  'payment_intent.requires_action': paymentIntent(),
  'payment_intent.amount_capturable_updated': paymentIntent(),
  'payment_intent.partially_funded': paymentIntent(),
  'payment_intent.succeeded': paymentIntent('payment.succeeded'),
  'payment_intent.payment_failed': paymentIntent('payment.failed'),
  'payment_intent.canceled': paymentIntent('payment.canceled'),
  'charge.succeeded': charge(),
  'charge.failed': charge(),
  'charge.captured': charge(),
  'charge.pending': charge(),
  'charge.updated': charge(),
  'charge.expired': charge(),
  'charge.refunded': charge('payment.refunded'),
  // the same change as refund.updated (Stripe sends both): the platform's app hears it once
  'charge.refund.updated': refund(),
  'refund.created': refund(),
  'refund.updated': refund('refund.updated'),
  'refund.failed': refund('refund.failed'),
  'charge.dispute.created': dispute('dispute.opened'),
  'charge.dispute.updated': dispute('dispute.updated'),
  'charge.dispute.closed': dispute('dispute.closed'),
  'charge.dispute.funds_withdrawn': dispute(),
  'charge.dispute.funds_reinstated': dispute(),
  'application_fee.created': applicationFee,
  'application_fee.refunded': applicationFee,
  'application_fee.refund.updated': applicationFee,
  'customer.created': customer,
  'customer.updated': customer,
  'customer.deleted': customer,
  'payment_method.attached': paymentMethod,
  'payment_method.updated': paymentMethod,
  'payment_method.detached': paymentMethod,
  'setup_intent.succeeded': setupIntentSucceeded,
};
