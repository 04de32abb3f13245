import { eq } from 'drizzle-orm';
import { accountHolder } from '../../connect/service.ts';
import type { Tx } from '../../db/client.ts';
import { type ChargeType, type ConnectKind, invoices } from '../../db/schema/index.ts';
import { settledNets, stripeFeeFor } from '../../fees/service.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf, namedInMetadata } from '../../stripe/ids.ts';
import type { Synced, SyncScope } from '../common.ts';
import { customerByStripeId } from '../customers/repo.ts';
import * as repo from './repo.ts';

// A PaymentIntent's and a charge's state applied to the payment rows (one row per charge), behind their guards.

const payerOf = (t: ChargeType) => (t === 'direct' ? 'account' : 'platform') as 'account' | 'platform';

/** PaymentIntent status → ours: a declined attempt waiting for a new payment method reads `failed`. */
export function paymentStatus(pi: Pick<Stripe.PaymentIntent, 'status' | 'last_payment_error'>): string {
  if (pi.status === 'requires_payment_method' && pi.last_payment_error) return 'failed';
  return pi.status;
}

export function nextActionUrl(pi: Pick<Stripe.PaymentIntent, 'next_action'>): string | null {
  const na = pi.next_action as
    | { redirect_to_url?: { url?: string | null }; use_stripe_sdk?: { stripe_js?: string } }
    | null
    | undefined;
  return na?.redirect_to_url?.url ?? na?.use_stripe_sdk?.stripe_js ?? null;
}

export function piFields(pi: Stripe.PaymentIntent, syncedAt: Date): repo.PiFields {
  const err = pi.last_payment_error;
  const status = paymentStatus(pi);
  return {
    stripePaymentIntentId: pi.id,
    amount: pi.amount,
    currency: pi.currency,
    status,
    failureCode: err ? (err.code ?? err.decline_code ?? 'payment_failed') : null,
    failureMessage: err ? (err.message ?? null) : null,
    nextActionUrl: status === 'requires_action' ? nextActionUrl(pi) : null,
    ...(status === 'succeeded' ? { succeededAt: syncedAt } : {}),
  };
}

/** Where the payment lives and for whom: from the scope, or a destination charge's `transfer_data`. */
async function owner(
  tx: Tx,
  scope: SyncScope,
  destination: string | null,
): Promise<{ tenantId: string; account: string; kind: ConnectKind; chargeType: ChargeType } | null> {
  if (scope.account) {
    if (!scope.tenantId) return null;
    const t = await accountHolder(tx, scope.account);
    return {
      tenantId: scope.tenantId,
      account: scope.account,
      kind: t?.kind ?? 'standard',
      chargeType: 'direct',
    };
  }
  if (!destination) return null;
  const t = await accountHolder(tx, destination);
  if (!t || (scope.tenantId && t.tenantId !== scope.tenantId)) return null;
  return {
    tenantId: t.tenantId,
    account: destination,
    kind: t.kind,
    chargeType: 'destination',
  };
}

type Owner = NonNullable<Awaited<ReturnType<typeof owner>>>;

/** What a charge or PaymentIntent tells of the payment it belongs to. */
interface PaymentFacts {
  metadata: unknown;
  paymentIntent: string | null;
  amount: number;
  currency: string;
  applicationFee: number;
  destination: string | null;
  customer: string | null;
  description: string | null;
}

/** Stripe's fee estimate and the nets it gives, until the balance transaction tells the real fee. */
function estimated(amount: number, currency: string, applicationFee: number, chargeType: ChargeType) {
  const stripeFee = stripeFeeFor(amount, currency);
  return {
    applicationFeeAmount: applicationFee,
    stripeFee,
    ...settledNets({ amount, applicationFee, stripeFee, stripeFeePayer: payerOf(chargeType) }),
  };
}

/**
 * A new row for the PaymentIntent: another attempt of one we know (its first row gives the tenant, the
 * customer, the invoice and our fee), or one we did not start (e.g. a hosted page) told by Stripe.
 */
async function newPaymentRow(
  tx: Tx,
  scope: SyncScope,
  facts: PaymentFacts,
  sibling: repo.PaymentRow | undefined,
  charge: string | null,
): Promise<repo.PaymentRow | null> {
  if (sibling) {
    const fee = facts.applicationFee || sibling.applicationFeeAmount;
    return repo.insertPaymentOnce(tx, {
      tenantId: sibling.tenantId,
      stripeAccountId: sibling.stripeAccountId,
      accountKind: sibling.accountKind,
      chargeType: sibling.chargeType,
      stripePaymentIntentId: facts.paymentIntent ?? sibling.stripePaymentIntentId,
      stripeChargeId: charge,
      customerId: sibling.customerId,
      invoiceId: sibling.invoiceId,
      amount: facts.amount,
      currency: facts.currency,
      status: 'pending',
      description: sibling.description,
      metadata: sibling.metadata,
      platformFee: sibling.platformFee,
      feeSchedule: sibling.feeSchedule,
      ...estimated(facts.amount, facts.currency, fee, sibling.chargeType),
    });
  }
  if (!facts.paymentIntent) return null;
  const who = await owner(tx, scope, facts.destination);
  if (!who) return null;
  const customer = facts.customer ? await customerByStripeId(tx, facts.customer) : null;
  // a tenant invoice's hosted link names its invoice, whose row holds the platform's own part of the fee
  const invoice = await invoiceNamedBy(tx, who, facts);
  const sameAmount = invoice?.amountTotal === facts.amount && invoice.platformFee !== null;
  // Not started through our API: the fee is whatever the charge carries.
  return repo.insertPaymentOnce(tx, {
    tenantId: who.tenantId,
    stripeAccountId: who.account,
    accountKind: who.kind,
    chargeType: who.chargeType,
    stripePaymentIntentId: facts.paymentIntent,
    stripeChargeId: charge,
    // a hosted link's customer is a guest on Stripe: the invoice's customer is the payer we know
    customerId: customer?.tenantId === who.tenantId ? customer.id : (invoice?.customerId ?? null),
    amount: facts.amount,
    currency: facts.currency,
    status: 'pending',
    description: facts.description,
    metadata: {},
    invoiceId: invoice?.id ?? null,
    platformFee: sameAmount ? invoice.platformFee! : facts.applicationFee,
    ...estimated(facts.amount, facts.currency, facts.applicationFee, who.chargeType),
  });
}

/**
 * The invoice `metadata.tributary_invoice` names, when this payment can be its: one of the tenant's sent
 * invoices, on the same account with the same kind of charge and currency, not paid by another
 * PaymentIntent. (A link's PaymentIntent does not carry the link's id to compare; a duplicate payment
 * through a raced link is linked by the Checkout Session's handler instead.)
 */
async function invoiceNamedBy(tx: Tx, who: Owner, facts: PaymentFacts) {
  const id = namedInMetadata(facts.metadata, 'tributary_invoice', 'invoice');
  // read from the table itself: the invoices domain builds on payments, not the other way round
  const [inv] = id ? await tx.select().from(invoices).where(eq(invoices.id, id)) : [];
  if (!inv || inv.tenantId !== who.tenantId || inv.status === 'draft') return null;
  if (inv.stripePaymentIntentId && inv.stripePaymentIntentId !== facts.paymentIntent) return null;
  const matches =
    inv.stripeAccountId === who.account &&
    inv.chargeType === who.chargeType &&
    inv.currency === facts.currency;
  return matches ? inv : null;
}

/**
 * The rows of the payment's PaymentIntent: by its id, and the row `metadata.tributary_payment` names when
 * that row is still waiting for its PaymentIntent (our own request's answer not applied yet) and was made for
 * this tenant, account and kind of charge. A row holding another PaymentIntent is never this one's.
 */
async function intentRef(tx: Tx, scope: SyncScope, facts: PaymentFacts): Promise<repo.IntentRef> {
  const ref = { paymentIntent: facts.paymentIntent };
  const id = namedInMetadata(facts.metadata, 'tributary_payment', 'payment');
  const row = id && scope.tenantId ? await repo.getPayment(tx, id) : null;
  if (!row || row.stripePaymentIntentId !== null || row.stripeChargeId !== null) return ref;
  const direct = scope.account !== null;
  const account = direct ? scope.account : facts.destination;
  const matches =
    row.tenantId === scope.tenantId &&
    row.stripeAccountId === account &&
    row.chargeType === (direct ? 'direct' : 'destination');
  return matches ? { ...ref, id: row.id } : ref;
}

/**
 * The row of a charge: its own, else the PaymentIntent's open row (which the first charge claims), else a
 * new row — a declined attempt and the success after it are two rows.
 */
async function rowForCharge(
  tx: Tx,
  scope: SyncScope,
  chargeId: string,
  facts: PaymentFacts,
): Promise<repo.PaymentRow | null> {
  const rows = await repo.paymentsOf(tx, { ...(await intentRef(tx, scope, facts)), charge: chargeId });
  const own = rows.find((r) => r.stripeChargeId === chargeId);
  if (own) return own;
  const open = rows.find((r) => r.stripeChargeId === null);
  if (open) {
    const claimed = await repo.claimOpenPayment(tx, open.id, chargeId, facts.paymentIntent);
    if (claimed) return claimed;
  }
  return (
    (await newPaymentRow(tx, scope, facts, rows[0], chargeId)) ?? (await repo.paymentByCharge(tx, chargeId))
  );
}

/** PaymentIntent states that mean an attempt is under way without a charge yet. */
const attempting = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

const inProgress = (pi: Stripe.PaymentIntent) =>
  attempting.has(pi.status) && !(pi.status === 'requires_payment_method' && pi.last_payment_error);

/**
 * The row a PaymentIntent's own state belongs on: its open row (an attempt without a charge; once the
 * attempt is over, linked to its charge), else the row of its latest charge while that charge has not been
 * synced itself. A new open row is made for a new attempt after a failed charge — but not from a stale
 * PaymentIntent, one whose latest charge is not the newest we hold.
 */
async function rowForIntent(
  tx: Tx,
  scope: SyncScope,
  pi: Stripe.PaymentIntent,
  facts: PaymentFacts,
): Promise<{ target: repo.PaymentRow | null; latestRow: repo.PaymentRow | null }> {
  const latest = idOf(pi.latest_charge);
  const rows = await repo.paymentsOf(tx, await intentRef(tx, scope, facts));
  const charged = rows.filter((r) => r.stripeChargeId !== null);
  const latestRow = latest ? (charged.find((r) => r.stripeChargeId === latest) ?? null) : null;
  const open = rows.find((r) => r.stripeChargeId === null) ?? null;
  const settled = latestRow?.chargeSyncedAt === null ? latestRow : null;
  if (open) {
    if (!latest || inProgress(pi)) return { target: open, latestRow };
    // the attempt is over: the open row is its charge's, unless that charge has a row already (then the
    // open row is a leftover of concurrent batches: never given the charge's outcome; see maintenance)
    if (latestRow) return { target: settled, latestRow };
    const claimed = await repo.claimOpenPayment(tx, open.id, latest, pi.id);
    return { target: claimed, latestRow: claimed };
  }
  if (!latest) {
    if (charged.length) return { target: null, latestRow }; // a snapshot from before its first charge
    return { target: await newPaymentRow(tx, scope, facts, undefined, null), latestRow };
  }
  const newAttempt = inProgress(pi) && charged.every((r) => r.stripeChargeId === latest);
  const made =
    latestRow ??
    (await newPaymentRow(tx, scope, facts, rows[0], latest)) ??
    (await repo.paymentByCharge(tx, latest));
  if (!newAttempt) return { target: made?.chargeSyncedAt === null ? made : null, latestRow: made };
  return { target: await newPaymentRow(tx, scope, facts, made ?? rows[0], null), latestRow: made };
}

const piFacts = (pi: Stripe.PaymentIntent): PaymentFacts => ({
  metadata: pi.metadata,
  paymentIntent: pi.id,
  amount: pi.amount,
  currency: pi.currency,
  applicationFee: pi.application_fee_amount ?? 0,
  destination: idOf(pi.transfer_data?.destination),
  customer: idOf(pi.customer),
  description: pi.description,
});

/**
 * Applies a PaymentIntent. Its state lands on the row it describes (see rowForIntent); the answer is the
 * payment the outbound event speaks of: the row of its latest charge when there is one.
 */
export async function syncPaymentIntent(
  tx: Tx,
  scope: SyncScope,
  pi: Stripe.PaymentIntent,
  syncedAt: Date,
): Promise<Synced<repo.PaymentRow> | null> {
  const { target, latestRow } = await rowForIntent(tx, scope, pi, piFacts(pi));
  const applied = target
    ? await repo.applyPaymentIntent(tx, target.id, piFields(pi, syncedAt), syncedAt)
    : null;
  const row = applied ?? target ?? latestRow;
  return row ? { row, changed: applied !== null } : null;
}

/** The charge's balance transaction fee that is Stripe's (not the application fee), when expanded. */
export function actualStripeFee(charge: Stripe.Charge): number | null {
  const bt = charge.balance_transaction;
  if (!bt || typeof bt === 'string') return null;
  const details = bt.fee_details ?? [];
  const stripe = details.filter((d) => d.type === 'stripe_fee');
  if (stripe.length) return stripe.reduce((n, d) => n + d.amount, 0);
  // a direct charge on an account whose fees the platform pays carries only the application fee
  return details.every((d) => d.type === 'application_fee') ? null : 0;
}

/** A charge's status in our words: `processing` while a bank debit settles, `canceled` for a released hold. */
export function chargeStatus(charge: Pick<Stripe.Charge, 'status' | 'captured' | 'refunded'>): string {
  if (charge.status === 'failed') return 'failed';
  if (charge.status === 'pending') return 'processing';
  if (!charge.captured) return charge.refunded ? 'canceled' : 'requires_capture';
  return 'succeeded';
}

export function chargeFields(charge: Stripe.Charge, row: repo.PaymentRow): repo.ChargeFields {
  const pmd = charge.payment_method_details;
  const card = pmd?.card;
  const bank = pmd?.us_bank_account;
  const status = chargeStatus(charge);
  const failed = status === 'failed';
  const fields: repo.ChargeFields = {
    chargeCreated: new Date(charge.created * 1000),
    status,
    failureCode: failed ? (charge.failure_code ?? charge.outcome?.reason ?? 'payment_failed') : null,
    failureMessage: failed ? (charge.failure_message ?? null) : null,
    nextActionUrl: null,
    paymentMethodType: pmd?.type ?? null,
    paymentMethodBrand: card?.brand ?? bank?.bank_name ?? null,
    paymentMethodLast4: card?.last4 ?? bank?.last4 ?? null,
    receiptUrl: charge.receipt_url ?? null,
    amountRefunded: charge.amount_refunded ?? 0,
    ...(status === 'succeeded' ? { succeededAt: new Date(charge.created * 1000) } : {}),
  };
  const feeId = idOf(charge.application_fee);
  if (feeId) fields.stripeApplicationFeeId = feeId;
  if (failed) {
    // nothing moved: no fee was taken and nobody earned anything
    Object.assign(fields, {
      stripeFee: 0,
      applicationFeeAmount: 0,
      tenantNet: 0,
      platformNet: 0,
      feesFinal: true,
    });
    return fields;
  }
  const fee = actualStripeFee(charge);
  if (charge.status === 'succeeded' && fee !== null) {
    const applicationFee = charge.application_fee_amount ?? row.applicationFeeAmount;
    Object.assign(fields, {
      stripeFee: fee,
      applicationFeeAmount: applicationFee,
      ...settledNets({
        amount: row.amount,
        applicationFee,
        stripeFee: fee,
        stripeFeePayer: payerOf(row.chargeType),
      }),
      feesFinal: true,
    });
  }
  return fields;
}

export async function syncCharge(
  tx: Tx,
  scope: SyncScope,
  charge: Stripe.Charge,
  syncedAt: Date,
): Promise<Synced<repo.PaymentRow> | null> {
  const row = await rowForCharge(tx, scope, charge.id, {
    metadata: charge.metadata,
    paymentIntent: idOf(charge.payment_intent),
    amount: charge.amount,
    currency: charge.currency,
    applicationFee: charge.application_fee_amount ?? 0,
    destination: idOf(charge.transfer_data?.destination) ?? idOf(charge.on_behalf_of),
    customer: idOf(charge.customer),
    description: charge.description,
  });
  if (!row) return null;
  const applied = await repo.applyCharge(tx, row.id, chargeFields(charge, row), syncedAt);
  return { row: applied ?? row, changed: applied !== null };
}

/**
 * The payment a refund or dispute belongs to. Its charge, when expanded (the pipeline's refetch), is applied
 * first, so one seen before its charge's own events still lands on its row. A bare id that finds nothing on
 * a tenant's own account means the charge's events are still to come: thrown, the event is retried.
 */
export async function paymentOf(
  tx: Tx,
  scope: SyncScope,
  of: { charge: string | Stripe.Charge | null; payment_intent?: string | Stripe.PaymentIntent | null },
  syncedAt: Date,
): Promise<repo.PaymentRow | null> {
  if (of.charge && typeof of.charge === 'object') {
    const synced = await syncCharge(tx, scope, of.charge, syncedAt);
    if (synced) return synced.row;
  }
  const charge = idOf(of.charge);
  const found = await repo.findPayment(tx, { charge, paymentIntent: idOf(of.payment_intent) });
  if (!found && typeof of.charge === 'string' && scope.account && scope.tenantId) {
    throw new Error(`charge ${charge} is not recorded yet`);
  }
  return found;
}
