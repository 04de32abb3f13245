// Refunds: full, partial, several — never more than captured. `refund_application_fee` refunds the
// application fee pro rata (fee refund `fr_`), `reverse_transfer` pulls the destination's share back (`trr_`).
import type { Ctx } from '../app.ts';
import { emit } from '../events.ts';
import { createBalanceTransaction } from '../money/balance.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { bool, enm, int, listParams, mergeMetadata, metadata, str, validate } from '../wire/schema.ts';
import { refundApplicationFee } from './application_fees.ts';

const usd = (n: number) => `$${(n / 100).toFixed(2)}`;

function reverseTransfer(ctx: Ctx, ch: Obj, amount: number, refundId: string): string | null {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const tr = ch.transfer ? app.store.get(platform, String(ch.transfer), 'transfer') : undefined;
  if (!tr) return null;
  const remaining = (tr.amount as number) - (tr.amount_reversed as number);
  const x = Math.min(remaining, Math.round(((tr.amount as number) * amount) / (ch.amount as number)));
  if (x <= 0) return null;
  const currency = tr.currency as string;
  const id = newId('trr');
  const bt = createBalanceTransaction(app, platform, {
    amount: x,
    currency,
    type: 'transfer_refund',
    reporting_category: 'transfer_reversal',
    source: id,
  });
  createBalanceTransaction(app, String(tr.destination), {
    amount: -x,
    currency,
    type: 'payment_refund',
    reporting_category: 'refund',
    source: String(tr.destination_payment),
  });
  const trr: Obj = {
    id,
    object: 'transfer_reversal',
    amount: x,
    balance_transaction: bt.id,
    created: nowSeconds(),
    currency,
    destination_payment_refund: null,
    metadata: {},
    source_refund: refundId,
    transfer: tr.id,
  };
  app.store.insert(platform, trr);
  (tr.reversals as { data: Obj[] }).data.unshift(trr);
  tr.amount_reversed = (tr.amount_reversed as number) + x;
  tr.reversed = tr.amount_reversed === tr.amount;
  emit(ctx, 'transfer.reversed', tr, {
    owner: platform,
    previous: { amount_reversed: (tr.amount_reversed as number) - x },
  });
  return id;
}

function create(ctx: Ctx): Obj {
  const p = validate(
    {
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
    },
    ctx.params,
  );
  return createRefund(ctx, p);
}

/** Create a refund from validated params — also used by credit notes on paid invoices. */
export function createRefund(ctx: Ctx, p: Record<string, unknown>): Obj {
  const { app } = ctx;
  let ch: Obj | undefined;
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
  const captured = ch.amount_captured as number;
  const refunded = ch.amount_refunded as number;
  const remaining = captured - refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${ch.id} has already been refunded.`, undefined, 'charge_already_refunded');
  }
  const amount = (p.amount as number | null) ?? remaining;
  if (amount <= 0) throw invalidRequest('Refund amount must be positive.', 'amount');
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${usd(amount)}) is greater than unrefunded amount on charge (${usd(remaining)})`,
      'amount',
      'amount_too_large',
    );
  }
  const id = newId('re');
  const bt = createBalanceTransaction(app, ctx.account, {
    amount: -amount,
    currency: ch.currency as string,
    type: 'refund',
    reporting_category: 'refund',
    source: id,
    description: 'REFUND FOR CHARGE',
  });
  const refund: Obj = {
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
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: mergeMetadata({}, p.metadata),
    payment_intent: ch.payment_intent,
    payment_method: ch.payment_method,
    reason: p.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  app.store.insert(ctx.account, refund);
  if (p.reverse_transfer) refund.transfer_reversal = reverseTransfer(ctx, ch, amount, id);
  const prev = { amount_refunded: refunded, refunded: ch.refunded };
  ch.amount_refunded = refunded + amount;
  ch.refunded = ch.amount_refunded === ch.amount;
  emit(ctx, 'refund.created', refund);
  emit(ctx, 'charge.refunded', ch, { previous: prev });
  if (p.refund_application_fee && ch.application_fee) {
    const platform = app.config.platformAccountId;
    const fee = app.store.get(platform, String(ch.application_fee), 'application_fee');
    if (fee) {
      const x = Math.round(((fee.amount as number) * amount) / (ch.amount as number));
      const left = (fee.amount as number) - (fee.amount_refunded as number);
      if (Math.min(x, left) > 0) refundApplicationFee(ctx, fee, Math.min(x, left), {});
    }
  }
  app.store.changed();
  return refund;
}

function requireRefund(ctx: Ctx, id: string): Obj {
  const r = ctx.app.store.get(ctx.account, id, 'refund');
  if (!r) throw notFound('refund', id);
  return r;
}

export function registerRefunds(r: Router): void {
  r.post('/v1/refunds', create);
  r.get('/v1/refunds/:id', (ctx) => {
    validate({}, ctx.params);
    return requireRefund(ctx, ctx.path[0]!);
  });
  r.post('/v1/refunds/:id', (ctx) => {
    const p = validate({ metadata }, ctx.params);
    const refund = requireRefund(ctx, ctx.path[0]!);
    const prev = { metadata: refund.metadata };
    refund.metadata = mergeMetadata(refund.metadata as Record<string, string>, p.metadata);
    ctx.app.store.changed();
    emit(ctx, 'refund.updated', refund, { previous: prev });
    return refund;
  });
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
    return paginate(
      ctx.app.store.list(ctx.account, 'refund'),
      p,
      '/v1/refunds',
      (x) =>
        (!p.charge || x.charge === p.charge) && (!p.payment_intent || x.payment_intent === p.payment_intent),
    );
  });
}
