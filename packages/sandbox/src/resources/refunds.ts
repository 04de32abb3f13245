// Refunds: full, partial, several — never more than captured. `refund_application_fee` refunds the
// application fee pro rata (fee refund `fr_`), `reverse_transfer` pulls the destination's share back (`trr_`,
// through transfers.ts).
// Status (Stripe's test mode): card refunds succeed at once, except the 4000 0000 0000 7726 card (`pending`,
// then `succeeded`) and 4000 0000 0000 5126 (`succeeded`, then `failed`: the money, the transfer reversal
// and the fee refund come back); US bank account (ACH) refunds are `pending`, then `succeeded`. The later
// step is a scheduler job (`asyncRefundDelayMs`, the customer's test clock if any; `/_sandbox/refunds/settle`
// runs it now) with `refund.updated` + `charge.refund.updated` (+ `refund.failed`).
// A card refund's acquirer reference number (ARN, 23 digits) is `pending` at first and becomes `available`
// when the refund settles: a day after an instant refund (same job machinery, `refund.updated`), or when a
// pending refund succeeds; a failed refund's is `unavailable`.
import { randomInt } from 'node:crypto';
import { type App, type Ctx, systemCtx } from '../app.ts';
import { clockOfCustomer, customerNow, onJob, schedule } from '../billing/scheduler.ts';
import { changes, emit, snapshot } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import { createBalanceTransaction, DAY } from '../money/balance.ts';
import type { Charge, Refund, RefundReference } from '../objects/payments.ts';
import type { Router } from '../router.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import {
  bool,
  enm,
  int,
  listParams,
  mergeMetadata,
  metadata,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';
import { refundApplicationFee, undoFeeRefund } from './application_fees.ts';
import { updateMetadataOnly } from './metadata_update.ts';
import { testCardOf } from './payment_methods.ts';
import { reverseTransfer, undoTransferReversal } from './transfers.ts';

const usd = (n: number) => `$${(n / 100).toFixed(2)}`;

/** Job kinds: a pending refund succeeds; a succeeded refund of the 5126 card fails; a card refund's ARN. */
export const REFUND_JOBS = ['refund_succeed', 'refund_fail', 'refund_reference'];
/** Refund id → the fee refund (`fr_`) it made, to undo if the refund fails. */
const FEE_REFUNDS = 'refund_fee_refunds';

/** Which way a refund of this charge goes: at once, pending → succeeded, or succeeded → failed. */
function flowOf(ctx: Ctx, ch: Charge): { flow: 'instant' | 'pending' | 'fail'; bank: boolean } {
  const type = ch.payment_method_details?.type;
  if (type === 'us_bank_account') return { flow: 'pending', bank: true };
  const pm = ch.payment_method
    ? ctx.app.store.get(ctx.account, String(ch.payment_method), 'payment_method')
    : undefined;
  const refund = pm ? testCardOf(ctx, pm)?.refund : undefined;
  return { flow: refund ?? 'instant', bank: false };
}

function reverseTransferFor(ctx: Ctx, ch: Charge, amount: number, refundId: string): string | null {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const tr = ch.transfer ? app.store.get(platform, String(ch.transfer), 'transfer') : undefined;
  if (!tr) return null;
  const remaining = tr.amount - tr.amount_reversed;
  const x = Math.min(remaining, Math.round((tr.amount * amount) / ch.amount));
  if (x <= 0) return null;
  return reverseTransfer(ctx, tr, x, { sourceRefund: refundId }).id;
}

const refundShape = {
  amount: int,
  charge: str,
  payment_intent: str,
  currency: str,
  customer: str,
  instructions_email: str,
  metadata,
  origin: enm('customer_balance'),
  reason: enm('duplicate', 'fraudulent', 'requested_by_customer'),
  refund_application_fee: bool,
  reverse_transfer: bool,
};

/** Create a refund from validated params — also used by credit notes on paid invoices. */
export function createRefund(ctx: Ctx, p: Valid<typeof refundShape>): Refund {
  const { app } = ctx;
  let ch: Charge | undefined;
  if (p.charge) {
    ch = app.store.get(ctx.account, String(p.charge), 'charge');
    if (!ch) throw notFound('charge', String(p.charge), 'charge');
  } else if (p.payment_intent) {
    const pi = app.store.get(ctx.account, String(p.payment_intent), 'payment_intent');
    if (!pi) throw notFound('payment_intent', String(p.payment_intent), 'payment_intent');
    ch = pi.latest_charge ? app.store.get(ctx.account, String(pi.latest_charge), 'charge') : undefined;
    if (ch?.status !== 'succeeded') {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      );
    }
  } else {
    throw invalidRequest(
      'One of the following params should be provided for this request: payment_intent or charge.',
    );
  }
  if (ch.status !== 'succeeded' || !ch.captured) {
    throw invalidRequest(
      `Charge ${ch.id} has not been captured and cannot be refunded.`,
      undefined,
      'charge_not_refundable',
    );
  }
  const captured = ch.amount_captured;
  const refunded = ch.amount_refunded;
  const remaining = captured - refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${ch.id} has already been refunded.`, undefined, 'charge_already_refunded');
  }
  const amount = p.amount ?? remaining;
  if (amount <= 0) throw invalidRequest('Refund amount must be positive.', 'amount');
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${usd(amount)}) is greater than unrefunded amount on charge (${usd(remaining)})`,
      'amount',
      'amount_too_large',
    );
  }
  const id = newId('re');
  const { flow, bank } = flowOf(ctx, ch);
  const bt = createBalanceTransaction(app, ctx.account, {
    amount: -amount,
    currency: ch.currency,
    type: 'refund',
    reporting_category: 'refund',
    source: id,
    description: 'REFUND FOR CHARGE',
  });
  const refund: Refund = {
    id,
    object: 'refund',
    amount,
    balance_transaction: bt.id,
    charge: ch.id,
    created: nowSeconds(),
    currency: ch.currency,
    customer: ch.customer ?? null,
    customer_account: null,
    description: null,
    destination_details: bank
      ? { type: 'us_bank_transfer', us_bank_transfer: { reference: null, reference_status: 'pending' } }
      : {
          card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
          type: 'card',
        },
    metadata: mergeMetadata({}, p.metadata),
    payment_intent: ch.payment_intent,
    payment_method: ch.payment_method,
    reason: p.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: flow === 'pending' ? 'pending' : 'succeeded',
    transfer_reversal: null,
  };
  if (flow === 'pending') refund.pending_reason = 'processing';
  app.store.insert(ctx.account, refund);
  if (p.reverse_transfer) refund.transfer_reversal = reverseTransferFor(ctx, ch, amount, id);
  const prev = { amount_refunded: refunded, refunded: ch.refunded };
  ch.amount_refunded = refunded + amount;
  ch.refunded = ch.amount_refunded === ch.amount;
  emit(ctx, 'refund.created', refund);
  emit(ctx, 'charge.refunded', ch, { previous: prev });
  if (p.refund_application_fee && ch.application_fee) {
    const platform = app.config.platformAccountId;
    const fee = app.store.get(platform, String(ch.application_fee), 'application_fee');
    if (fee) {
      const x = Math.round((fee.amount * amount) / ch.amount);
      const left = fee.amount - fee.amount_refunded;
      if (Math.min(x, left) > 0) {
        const fr = refundApplicationFee(ctx, fee, Math.min(x, left), {});
        app.store.table<string>(FEE_REFUNDS).set(id, fr.id);
      }
    }
  }
  const delay = flow === 'instant' ? DAY : Math.max(1, Math.ceil(app.config.asyncRefundDelayMs / 1000));
  const kinds = { instant: 'refund_reference', pending: 'refund_succeed', fail: 'refund_fail' };
  schedule(app, {
    at: customerNow(app, ctx.account, ch.customer) + delay,
    owner: ctx.account,
    clock: clockOfCustomer(app, ctx.account, ch.customer),
    kind: kinds[flow],
    target: id,
  });
  app.store.changed();
  return refund;
}

/** The refund's status changed: `refund.updated` and `charge.refund.updated`, with the old values. */
function emitRefundUpdate(ctx: Ctx, refund: Refund, previous: Record<string, unknown>): void {
  emit(ctx, 'refund.updated', refund, { previous });
  emit(ctx, 'charge.refund.updated', refund, { previous });
}

/** An acquirer reference number: 23 digits. */
function arn(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 23) digits += String(randomInt(0, 10));
  return digits;
}

/** The reference the customer's bank can trace the refund by is now known. */
function referenceAvailable(ref: RefundReference): void {
  ref.reference = ref.reference_type === 'acquirer_reference_number' ? arn() : randomString(12).toUpperCase();
  ref.reference_status = 'available';
}

/** An instant card refund settles with the card network: its ARN becomes available (`refund.updated`). */
function settleReference(ctx: Ctx, refund: Refund): void {
  const ref = refund.destination_details.card;
  if (refund.status !== 'succeeded' || ref?.reference_status !== 'pending') return;
  const before = snapshot(refund);
  referenceAvailable(ref);
  ctx.app.store.changed();
  emitRefundUpdate(ctx, refund, changes(before, refund));
}

/** A pending refund (ACH, the 7726 card) reaches the customer. */
function succeedRefund(ctx: Ctx, refund: Refund): void {
  if (refund.status !== 'pending') return;
  const before = snapshot(refund);
  refund.status = 'succeeded';
  delete refund.pending_reason;
  const dd = refund.destination_details;
  const ref = dd.us_bank_transfer ?? dd.card;
  if (ref) referenceAvailable(ref);
  ctx.app.store.changed();
  emitRefundUpdate(ctx, refund, { ...changes(before, refund), pending_reason: before.pending_reason });
}

/**
 * A succeeded refund fails (the 5126 card): a `refund_failure` BT gives the money back
 * (`failure_balance_transaction`), the charge's `amount_refunded` drops again, and the transfer reversal and
 * fee refund it made are undone. Events: `refund.updated`, `charge.refund.updated`, `refund.failed`.
 */
function failRefund(ctx: Ctx, refund: Refund, reason = 'expired_or_canceled_card'): void {
  if (refund.status !== 'succeeded' && refund.status !== 'pending') return;
  const { app } = ctx;
  const amount = refund.amount;
  const why = `Refund ${refund.id} failed`;
  const before = snapshot(refund);
  const bt = createBalanceTransaction(app, ctx.account, {
    amount,
    currency: refund.currency,
    type: 'refund_failure',
    reporting_category: 'refund_failure',
    source: refund.id,
    description: 'REFUND FAILURE',
    available: true,
  });
  refund.status = 'failed';
  const ref = refund.destination_details.us_bank_transfer ?? refund.destination_details.card;
  if (ref) ref.reference_status = 'unavailable';
  refund.failure_reason = reason;
  refund.failure_balance_transaction = bt.id;
  delete refund.pending_reason;
  const ch = app.store.get(ctx.account, String(refund.charge), 'charge');
  if (ch) {
    ch.amount_refunded = Math.max(0, ch.amount_refunded - amount);
    ch.refunded = ch.amount_refunded === ch.amount;
  }
  const platform = app.config.platformAccountId;
  const trr = refund.transfer_reversal
    ? app.store.get(platform, String(refund.transfer_reversal), 'transfer_reversal')
    : undefined;
  if (trr) undoTransferReversal(ctx, trr, why);
  const frId = app.store.table<string>(FEE_REFUNDS).get(refund.id);
  const fr = frId ? app.store.get(platform, frId, 'fee_refund') : undefined;
  if (fr) undoFeeRefund(ctx, fr, why);
  app.store.changed();
  emitRefundUpdate(ctx, refund, changes(before, refund));
  emit(ctx, 'refund.failed', refund);
}

function settleJob(app: App, owner: string, id: string, fn: (ctx: Ctx, refund: Refund) => void): void {
  const refund = app.store.get(owner, id, 'refund');
  if (refund) fn(systemCtx(app, owner), refund);
}

onJob('refund_succeed', (app, job) => settleJob(app, job.owner, job.target, succeedRefund));
onJob('refund_reference', (app, job) => settleJob(app, job.owner, job.target, settleReference));
onJob('refund_fail', (app, job) => settleJob(app, job.owner, job.target, (ctx, r) => failRefund(ctx, r)));

function requireRefund(ctx: Ctx, id: string): Refund {
  return requireOwn(ctx, 'refund', id);
}

export function registerRefunds(r: Router): void {
  r.post('/v1/refunds', (ctx) => createRefund(ctx, validate(refundShape, ctx.params)));
  r.get('/v1/refunds/:id', (ctx) => {
    validate({}, ctx.params);
    return requireRefund(ctx, ctx.path[0]!);
  });
  r.post('/v1/refunds/:id', (ctx) =>
    updateMetadataOnly(ctx, requireRefund(ctx, ctx.path[0]!), 'refund.updated'),
  );
  r.post('/v1/refunds/:id/cancel', (ctx) => {
    validate({}, ctx.params);
    const refund = requireRefund(ctx, ctx.path[0]!);
    throw invalidRequest(
      `You cannot cancel this refund because it has a status of ${refund.status}. Only refunds with a status of requires_action can be canceled.`,
      undefined,
      'refund_unexpected_state',
    );
  });
  r.get('/v1/refunds', (ctx) => {
    const p = validate({ ...listParams, charge: str, payment_intent: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'refund'), p, '/v1/refunds', (x) =>
      matchesSent(x, p, ['charge', 'payment_intent']),
    );
  });
}
