import { formatAmount } from '../currency.ts';
import { toPublicId } from '../http/ids.ts';
import { unixTime } from '../http/schemas.ts';
import type { CustomerRecords, CustomerRow } from './repo.ts';
import type { SupportCustomer, TimelineEntry } from './schemas.ts';
import { expectedArrival, failureInWords } from './words.ts';

// The support answer's JSON, built from the mirror's rows (docs/support.md shows each shape).

type Answer = Omit<SupportCustomer, 'source' | 'as_of' | 'tenant' | 'timeline'>;
type Event = { id: string; type: string; created: Date; objectId: string };

const money = (amount: number, currency: string) => formatAmount(amount, currency);
const seconds = (d: Date | null | undefined): number => unixTime(d) ?? 0;

/** The refund's trace reference, as Stripe's raw refund (kept in the raw mirror) gives it. */
function referenceOf(raw: Record<string, unknown> | null): {
  arn: string | null;
  status: string | null;
  kind: 'card' | 'bank' | null;
} {
  const dd = (raw?.destination_details ?? null) as {
    card?: { reference?: string | null; reference_status?: string | null };
    us_bank_transfer?: { reference?: string | null; reference_status?: string | null };
  } | null;
  const ref = dd?.card ?? dd?.us_bank_transfer ?? null;
  return {
    arn: ref?.reference ?? null,
    status: ref?.reference_status ?? null,
    kind: dd?.card ? 'card' : dd?.us_bank_transfer ? 'bank' : null,
  };
}

export function customerAnswer(c: CustomerRow, r: CustomerRecords): Answer {
  const payId = (id: string) => toPublicId('payment', id);
  return {
    object: 'support_customer',
    customer: {
      id: toPublicId('customer', c.id),
      stripe_id: c.stripeCustomerId,
      email: c.email,
      name: c.name,
      deleted: c.deleted,
      as_of: unixTime(c.lastSyncedAt),
    },
    payments: r.pays.map((p) => ({
      id: payId(p.id),
      stripe_payment_intent_id: p.stripePaymentIntentId,
      stripe_charge_id: p.stripeChargeId,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      amount_refunded: p.amountRefunded,
      fee: p.feesFinal ? { stripe: p.stripeFee, application: p.applicationFeeAmount } : null,
      net: p.feesFinal ? p.tenantNet : null,
      failure_code: p.failureCode,
      failure_reason: failureInWords(p.failureCode, p.failureMessage),
      receipt_url: p.receiptUrl,
      dispute_status: p.disputeStatus,
      card:
        p.paymentMethodLast4 || p.paymentMethodBrand
          ? { brand: p.paymentMethodBrand, last4: p.paymentMethodLast4 }
          : null,
      created: seconds(p.chargeCreated ?? p.createdAt),
      as_of: unixTime(p.chargeSyncedAt ?? p.lastSyncedAt),
    })),
    subscriptions: r.subs.map(({ sub, price, productName }) => ({
      id: toPublicId('subscription', sub.id),
      stripe_id: sub.stripeSubscriptionId,
      status: sub.status,
      plan: price
        ? {
            price: toPublicId('price', price.id),
            stripe_price_id: price.stripePriceId,
            product_name: productName,
            unit_amount: price.unitAmount,
            currency: price.currency,
            interval: price.interval,
            interval_count: price.intervalCount,
          }
        : null,
      quantity: sub.quantity,
      current_period_end: unixTime(sub.currentPeriodEnd),
      cancel_at_period_end: sub.cancelAtPeriodEnd,
      canceled_at: unixTime(sub.canceledAt),
      trial_end: unixTime(sub.trialEnd),
      created: seconds(sub.createdAt),
      as_of: unixTime(sub.lastSyncedAt),
    })),
    invoices: [
      ...r.subInvoices.map((i) => ({
        id: i.stripeInvoiceId,
        kind: 'subscription' as const,
        number: i.number,
        status: i.status,
        currency: i.currency,
        amount_due: i.amountDue,
        amount_paid: i.amountPaid,
        url: i.hostedInvoiceUrl,
        subscription: toPublicId('subscription', i.subscriptionId),
        created: seconds(i.createdAt),
        as_of: unixTime(i.lastSyncedAt),
      })),
      ...r.ownInvoices.map((i) => ({
        id: toPublicId('invoice', i.id),
        kind: 'invoice' as const,
        number: i.externalReference,
        status: i.status,
        currency: i.currency,
        amount_due: i.amountTotal,
        amount_paid: i.status === 'paid' ? i.amountTotal : 0,
        url: i.paymentLinkUrl,
        subscription: null,
        created: seconds(i.createdAt),
        as_of: unixTime(i.updatedAt),
      })),
    ].sort((a, b) => b.created - a.created),
    refunds: r.refundRows.map(({ refund: f, raw }) => {
      const ref = referenceOf(raw);
      const created = seconds(f.stripeCreated ?? f.createdAt);
      return {
        id: toPublicId('refund', f.id),
        stripe_id: f.stripeRefundId,
        payment: payId(f.paymentId),
        amount: f.amount,
        currency: f.currency,
        status: f.status,
        reason: f.reason,
        failure_reason: f.failureReason,
        arn: ref.arn,
        arn_status: ref.status,
        expected_arrival: expectedArrival(f.status, created, ref.kind),
        created,
        as_of: unixTime(f.lastSyncedAt),
      };
    }),
    disputes: r.disputeRows.map((d) => ({
      id: toPublicId('dispute', d.id),
      stripe_id: d.stripeDisputeId,
      payment: payId(d.paymentId),
      amount: d.amount,
      currency: d.currency,
      status: d.status,
      reason: d.reason,
      evidence_due_by: unixTime(d.evidenceDueBy),
      created: seconds(d.stripeCreated ?? d.createdAt),
      as_of: unixTime(d.lastSyncedAt),
    })),
    // brand, last4 and expiry only: never a fingerprint, billing details or anything else of the card
    payment_methods: r.methods.map((m) => ({
      id: toPublicId('paymentMethod', m.id),
      type: m.type,
      brand: m.brand,
      last4: m.last4,
      exp_month: m.expMonth,
      exp_year: m.expYear,
    })),
  };
}

/** The Stripe ids of everything in the answer, mapped to our id (the timeline names ours where we have it). */
export function stripeIdsOf(
  c: CustomerRow,
  r: CustomerRecords,
): Map<string, { kind: TimelineEntry['kind']; id: string }> {
  const ids = new Map<string, { kind: TimelineEntry['kind']; id: string }>();
  const put = (stripeId: string | null, kind: TimelineEntry['kind'], id: string) => {
    if (stripeId) ids.set(stripeId, { kind, id });
  };
  put(c.stripeCustomerId, 'customer', toPublicId('customer', c.id));
  for (const p of r.pays) {
    put(p.stripePaymentIntentId, 'payment', toPublicId('payment', p.id));
    put(p.stripeChargeId, 'payment', toPublicId('payment', p.id));
  }
  for (const { refund: f } of r.refundRows) put(f.stripeRefundId, 'refund', toPublicId('refund', f.id));
  for (const d of r.disputeRows) put(d.stripeDisputeId, 'dispute', toPublicId('dispute', d.id));
  for (const { sub } of r.subs)
    put(sub.stripeSubscriptionId, 'subscription', toPublicId('subscription', sub.id));
  for (const i of r.subInvoices) put(i.stripeInvoiceId, 'invoice', i.stripeInvoiceId);
  for (const m of r.methods)
    put(m.stripePaymentMethodId, 'payment_method', toPublicId('paymentMethod', m.id));
  return ids;
}

/** Plain words for a stored Stripe event: `charge.refunded` → "charge refunded". */
const eventWords = (type: string) => `Stripe: ${type.replaceAll('.', ' ').replaceAll('_', ' ')}`;

/** Everything in `a` and the webhook events that changed it, newest first. */
export function timelineOf(
  a: Answer,
  events: readonly Event[],
  ids: Map<string, { kind: TimelineEntry['kind']; id: string }>,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (e: Omit<TimelineEntry, 'stripe_event'>) => out.push({ ...e, stripe_event: null });
  for (const p of a.payments) {
    const words = `${money(p.amount, p.currency)} payment ${p.status.replaceAll('_', ' ')}`;
    const why = p.failure_reason ? `: ${p.failure_reason}` : '';
    add({
      at: p.created,
      kind: 'payment',
      type: `payment.${p.status}`,
      object: p.id,
      summary: `${words}${why}`,
    });
  }
  for (const f of a.refunds) {
    const arn = f.arn ? `; ARN ${f.arn}` : '';
    add({
      at: f.created,
      kind: 'refund',
      type: `refund.${f.status}`,
      object: f.id,
      summary: `Refund of ${money(f.amount, f.currency)} ${f.status}${arn}`,
    });
  }
  for (const d of a.disputes) {
    const due = d.evidence_due_by
      ? `; evidence due ${new Date(d.evidence_due_by * 1000).toISOString().slice(0, 10)}`
      : '';
    add({
      at: d.created,
      kind: 'dispute',
      type: `dispute.${d.status}`,
      object: d.id,
      summary: `Dispute of ${money(d.amount, d.currency)} (${d.reason.replaceAll('_', ' ')}): ${d.status.replaceAll('_', ' ')}${due}`,
    });
  }
  for (const s of a.subscriptions) {
    const plan = s.plan?.product_name ? ` to ${s.plan.product_name}` : '';
    const end = s.cancel_at_period_end ? ', cancels at the end of the period' : '';
    add({
      at: s.created,
      kind: 'subscription',
      type: `subscription.${s.status}`,
      object: s.id,
      summary: `Subscription${plan}: ${s.status.replaceAll('_', ' ')}${end}`,
    });
  }
  for (const i of a.invoices) {
    add({
      at: i.created,
      kind: 'invoice',
      type: `invoice.${i.status}`,
      object: i.id,
      summary: `Invoice of ${money(i.amount_due, i.currency)}: ${i.status}`,
    });
  }
  for (const e of events) {
    const of = ids.get(e.objectId);
    out.push({
      at: seconds(e.created),
      kind: of?.kind ?? 'customer',
      type: e.type,
      object: of?.id ?? e.objectId,
      summary: eventWords(e.type),
      stripe_event: e.id,
    });
  }
  return out.sort((x, y) => y.at - x.at);
}
