import { recordTenantSubscription, type SubscriptionEvent } from '../analytics/service.ts';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { computeFees, effectiveSchedule, stripePricing } from '../fees/service.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import { idOf } from '../stripe/ids.ts';
import { type MirrorScope, subscriptionRowFor } from './mirror.ts';
import * as repo from './repo.ts';

// Stripe's subscriptions and their invoices applied to our rows (webhook handlers, and the API after its own
// calls), and the `invoice.created` follow-up that sets a draft renewal's application fee.

const date = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);

/** Stripe's subscription → our columns (billing periods live on the item in current API versions). */
export function subscriptionState(s: Stripe.Subscription): repo.SubscriptionState {
  const item = s.items?.data?.[0] as
    | (Stripe.SubscriptionItem & { current_period_start?: number; current_period_end?: number })
    | undefined;
  const legacy = s as unknown as { current_period_start?: number; current_period_end?: number };
  return {
    stripeSubscriptionId: s.id,
    stripeItemId: item?.id ?? null,
    status: s.status,
    quantity: item?.quantity ?? 1,
    applicationFeePercent: s.application_fee_percent != null ? String(s.application_fee_percent) : null,
    trialEnd: date(s.trial_end),
    currentPeriodStart: date(item?.current_period_start ?? legacy.current_period_start),
    currentPeriodEnd: date(item?.current_period_end ?? legacy.current_period_end),
    cancelAtPeriodEnd: s.cancel_at_period_end ?? false,
    canceledAt: date(s.canceled_at),
    latestInvoice: idOf(s.latest_invoice),
  };
}

/**
 * Applies a refetched subscription to our row behind the guard (mirroring one made elsewhere); with its
 * event, the tenant's MRR history records the event's copy in the same transaction (whatever the guard says:
 * an older copy still belongs at its own time).
 */
export async function syncSubscription(
  tx: Tx,
  scope: MirrorScope,
  s: Stripe.Subscription,
  syncedAt: Date,
  event?: SubscriptionEvent,
): Promise<repo.SubscriptionRow | null> {
  const row = await subscriptionRowFor(tx, scope, s);
  if (!row) return null;
  if (event) await recordTenantSubscription(tx, row.tenantId, s.id, event);
  return repo.applySubscription(tx, row.id, subscriptionState(s), syncedAt);
}

/** The subscription a Stripe invoice bills, if one of ours. */
export async function subscriptionOfInvoice(
  tx: Tx,
  inv: Stripe.Invoice,
): Promise<repo.SubscriptionRow | null> {
  const parent = (inv as unknown as { parent?: { subscription_details?: { subscription?: unknown } } })
    .parent;
  const legacy = (inv as unknown as { subscription?: unknown }).subscription;
  const subId = idOf(parent?.subscription_details?.subscription) ?? idOf(legacy);
  return subId ? repo.subscriptionByStripeId(tx, subId) : null;
}

/** The PaymentIntent that paid (or is paying) a Stripe invoice: `payments` now, `payment_intent` before. */
export function invoicePaymentIntent(inv: Stripe.Invoice): string | null {
  const payments = (inv as unknown as { payments?: { data?: { payment?: { payment_intent?: unknown } }[] } })
    .payments;
  const legacyPi = (inv as unknown as { payment_intent?: unknown }).payment_intent;
  return (
    idOf(payments?.data?.find((p) => p.payment?.payment_intent)?.payment?.payment_intent) ?? idOf(legacyPi)
  );
}

export async function syncSubscriptionInvoice(
  tx: Tx,
  inv: Stripe.Invoice,
  syncedAt: Date,
): Promise<repo.SubscriptionRow | null> {
  const sub = await subscriptionOfInvoice(tx, inv);
  if (!sub || !inv.id) return null;
  const pi = invoicePaymentIntent(inv);
  const line = inv.lines?.data?.[0] as { period?: { start?: number; end?: number } } | undefined;
  await repo.upsertSubscriptionInvoice(
    tx,
    sub.tenantId,
    sub.id,
    {
      stripeInvoiceId: inv.id,
      stripePaymentIntentId: pi,
      number: inv.number ?? null,
      status: inv.status ?? 'draft',
      billingReason: inv.billing_reason ?? null,
      currency: inv.currency,
      amountDue: inv.amount_due,
      amountPaid: inv.amount_paid,
      applicationFeeAmount:
        (inv as { application_fee_amount?: number | null }).application_fee_amount ?? null,
      hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
      periodStart: date(line?.period?.start ?? inv.period_start),
      periodEnd: date(line?.period?.end ?? inv.period_end),
    },
    syncedAt,
  );
  return sub;
}

/**
 * The `invoice.created` follow-up: a draft renewal invoice gets the whole application fee the fee model
 * gives for its amount (percent, fixed part, min/max, pass-through), keyed by the invoice and the amount.
 */
export async function setSubscriptionInvoiceFee(
  deps: { db: Db; config: Config; stripe: StripeRef },
  job: { tenantId: string; stripeInvoiceId: string; account: string | null },
): Promise<void> {
  const inv = await deps.stripe.call(
    { action: 'read the invoice', account: job.account, movesMoney: false },
    (stripe, opts) => stripe.invoices.retrieve(job.stripeInvoiceId, {}, opts),
  );
  if (inv.status !== 'draft') return;
  const decided = await withTenant(deps.db, job.tenantId, async (tx) => {
    const sub = await subscriptionOfInvoice(tx, inv);
    if (!sub) return null;
    const fees = computeFees({
      amount: inv.amount_due,
      currency: inv.currency,
      kind: sub.accountKind,
      schedule: await effectiveSchedule(tx, deps.config, job.tenantId),
      pricing: stripePricing(deps.config),
    });
    return fees.applicationFeeAmount;
  });
  if (
    decided === null ||
    (inv as { application_fee_amount?: number | null }).application_fee_amount === decided
  )
    return;
  const updated = await deps.stripe.call(
    {
      action: "set the invoice's application fee",
      account: job.account,
      movesMoney: true,
      purpose: 'subscription_invoice_fee',
      record: inv.id!,
      discriminator: [inv.amount_due, decided],
    },
    (stripe, opts) => stripe.invoices.update(inv.id!, { application_fee_amount: decided }, opts),
  );
  await withTenant(deps.db, job.tenantId, (tx) => syncSubscriptionInvoice(tx, updated, new Date()));
}
