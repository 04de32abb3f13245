// Transfers from the platform to connected accounts (created by destination charges or directly) and their
// reversals (`trr_`): made directly (`POST /v1/transfers/:id/reversals`) or by a refund with
// `reverse_transfer` — both through `reverseTransfer`.
import type { App, Ctx } from '../app.ts';
import { changes, emit, snapshot } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import { balanceOf, createBalanceTransaction, platformAndAccount, type Side } from '../money/balance.ts';
import type { Transfer, TransferReversal } from '../objects/money.ts';
import type { Router } from '../router.ts';
import { isConnected } from '../wire/auth.ts';
import { invalidRequest, notFound, paramError } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import {
  bool,
  enm,
  int,
  listParams,
  type MetadataParam,
  mergeMetadata,
  metadata,
  str,
  validate,
} from '../wire/schema.ts';
import { refundApplicationFee } from './application_fees.ts';

function requireTransfer(ctx: Ctx, id: string): Transfer {
  return requireOwn(ctx, 'transfer', id);
}

export interface ReversalOptions {
  /** The refund that reversed the transfer (`reverse_transfer`), else null. */
  sourceRefund?: string | null;
  metadata?: MetadataParam;
  /** Refund the application fee of the transfer's charge: all of what is left on a full reversal, else pro
   * rata to the amount reversed. */
  refundApplicationFee?: boolean;
}

/** A reversal moves money back from the connected account's payment (`py_`) to the platform. */
function reversalSides(app: App, tr: Transfer, source: string): [Side, Side] {
  return [
    {
      account: app.config.platformAccountId,
      type: 'transfer_refund',
      reporting_category: 'transfer_reversal',
      source,
    },
    {
      account: tr.destination,
      type: 'payment_refund',
      reporting_category: 'refund',
      source: tr.destination_payment,
    },
  ];
}

/**
 * Move `amount` of transfer `tr` (owned by the platform) back from the connected account: the connected
 * account's `payment_refund` BT, the platform's `transfer_refund` BT, a `trr_` on the transfer,
 * `amount_reversed`/`reversed`, and `transfer.reversed`. The caller checks the amount fits.
 */
export function reverseTransfer(
  ctx: Ctx,
  tr: Transfer,
  amount: number,
  opts: ReversalOptions = {},
): TransferReversal {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const currency = tr.currency;
  const id = newId('trr');
  const bt = platformAndAccount(app, amount, currency, ...reversalSides(app, tr, id));
  const trr: TransferReversal = {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: bt.id,
    created: nowSeconds(),
    currency,
    destination_payment_refund: null,
    metadata: mergeMetadata({}, opts.metadata),
    source_refund: opts.sourceRefund ?? null,
    transfer: tr.id,
  };
  app.store.insert(platform, trr);
  tr.reversals.data.unshift(trr);
  const prev = { amount_reversed: tr.amount_reversed, reversed: tr.reversed };
  tr.amount_reversed = tr.amount_reversed + amount;
  tr.reversed = tr.amount_reversed === tr.amount;
  emit(ctx, 'transfer.reversed', tr, { owner: platform, previous: prev });
  if (opts.refundApplicationFee) {
    const ch = tr.source_transaction ? app.store.get(platform, tr.source_transaction, 'charge') : null;
    const fee = ch?.application_fee ? app.store.get(platform, ch.application_fee, 'application_fee') : null;
    if (fee) {
      const left = fee.amount - fee.amount_refunded;
      const share = tr.reversed ? left : Math.round((fee.amount * amount) / tr.amount);
      if (Math.min(share, left) > 0) refundApplicationFee(ctx, fee, Math.min(share, left), {});
    }
  }
  app.store.changed();
  return trr;
}

/**
 * Undo reversal `trr` (its refund failed): counter-entries of its two balance transactions give the money
 * back to the connected account, `amount_reversed` drops by its amount (`transfer.updated`). The `trr_`
 * stays on the transfer as the record of what happened.
 */
export function undoTransferReversal(ctx: Ctx, trr: TransferReversal, why: string): void {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const tr = app.store.get(platform, trr.transfer, 'transfer');
  if (!tr) return;
  const { amount, currency } = trr;
  platformAndAccount(app, -amount, currency, ...reversalSides(app, tr, trr.id), why);
  const prev = { amount_reversed: tr.amount_reversed, reversed: tr.reversed };
  tr.amount_reversed = tr.amount_reversed - amount;
  tr.reversed = tr.amount_reversed === tr.amount;
  app.store.changed();
  emit(ctx, 'transfer.updated', tr, { owner: platform, previous: prev });
}

function requireReversal(ctx: Ctx, tr: Transfer, id: string): TransferReversal {
  const trr = ctx.app.store.get(ctx.account, id, 'transfer_reversal');
  if (!trr || trr.transfer !== tr.id) throw notFound('transfer reversal', id);
  return trr;
}

export function registerTransfers(r: Router): void {
  r.post('/v1/transfers', (ctx) => {
    const p = validate(
      {
        amount: int,
        currency: str,
        destination: str,
        description: str,
        metadata,
        source_transaction: str,
        source_type: enm('bank_account', 'card', 'fpx'),
        transfer_group: str,
      },
      ctx.params,
      ['currency', 'destination'],
    );
    const { app } = ctx;
    const dest = String(p.destination);
    if (!ctx.platform || !isConnected(app, dest)) {
      throw invalidRequest(`No such destination: '${dest}'`, 'destination', 'resource_missing');
    }
    const amount = p.amount;
    if (!amount || amount <= 0)
      throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
    const currency = p.currency.toLowerCase();
    if (!p.source_transaction) {
      const available = balanceOf(app, ctx.account).available.find((b) => b.currency === currency);
      if ((available?.amount ?? 0) < amount) {
        throw invalidRequest(
          'You have insufficient available funds in your Stripe account. Try adding funds directly to your ' +
            'available balance by creating Charges using the 4000000000000077 test card. See: ' +
            'https://stripe.com/docs/testing#available-balance',
          undefined,
          'balance_insufficient',
        );
      }
    }
    const id = newId('tr');
    const bt = createBalanceTransaction(app, ctx.account, {
      amount: -amount,
      currency,
      type: 'transfer',
      reporting_category: 'transfer',
      source: id,
    });
    const pyId = newId('py');
    const pyBt = createBalanceTransaction(app, dest, {
      amount,
      currency,
      type: 'payment',
      reporting_category: 'charge',
      source: pyId,
      available: true,
    });
    app.store.table<string>('payment_bts').set(pyId, pyBt.id);
    const tr: Transfer = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: bt.id,
      created: nowSeconds(),
      currency,
      description: p.description ?? null,
      destination: dest,
      destination_payment: pyId,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: p.source_transaction ?? null,
      source_type: p.source_type ?? 'card',
      transfer_group: p.transfer_group ?? null,
    };
    app.store.insert(ctx.account, tr);
    emit(ctx, 'transfer.created', tr);
    return tr;
  });
  r.get('/v1/transfers/:id', (ctx) => {
    validate({}, ctx.params);
    return requireTransfer(ctx, ctx.path[0]!);
  });
  r.post('/v1/transfers/:id', (ctx) => {
    const p = validate({ description: str, metadata }, ctx.params);
    const tr = requireTransfer(ctx, ctx.path[0]!);
    const before = snapshot(tr);
    if (p.description !== undefined) tr.description = p.description;
    tr.metadata = mergeMetadata(tr.metadata, p.metadata);
    ctx.app.store.changed();
    const prev = changes(before, tr);
    if (Object.keys(prev).length) emit(ctx, 'transfer.updated', tr, { previous: prev });
    return tr;
  });
  r.get('/v1/transfers', (ctx) => {
    const p = validate({ ...listParams, destination: str, transfer_group: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'transfer'), p, '/v1/transfers', (t) =>
      matchesSent(t, p, ['destination', 'transfer_group']),
    );
  });
  r.get('/v1/transfers/:id/reversals', (ctx) => {
    const p = validate(listParams, ctx.params);
    const tr = requireTransfer(ctx, ctx.path[0]!);
    return paginate(
      ctx.app.store.list(ctx.account, 'transfer_reversal'),
      p,
      `/v1/transfers/${tr.id}/reversals`,
      (x) => x.transfer === tr.id,
    );
  });
  r.post('/v1/transfers/:id/reversals', (ctx) => {
    // `description` is accepted as Stripe does; the reversal object has no field to show it.
    const p = validate({ amount: int, description: str, metadata, refund_application_fee: bool }, ctx.params);
    const tr = requireTransfer(ctx, ctx.path[0]!);
    const remaining = tr.amount - tr.amount_reversed;
    if (p.amount !== null && p.amount !== undefined && p.amount < 1) {
      throw paramError('Invalid positive integer', 'amount', 'parameter_invalid_integer');
    }
    if (remaining <= 0) throw invalidRequest(`The transfer ${tr.id} is already fully reversed.`);
    const amount = p.amount ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(
        `The amount to reverse (${amount}) is greater than the amount of transfer ${tr.id} that is not ` +
          `reversed yet (${remaining}).`,
        'amount',
      );
    }
    return reverseTransfer(ctx, tr, amount, {
      metadata: p.metadata,
      refundApplicationFee: p.refund_application_fee === true,
    });
  });
  r.get('/v1/transfers/:id/reversals/:rid', (ctx) => {
    validate({}, ctx.params);
    return requireReversal(ctx, requireTransfer(ctx, ctx.path[0]!), ctx.path[1]!);
  });
  r.post('/v1/transfers/:id/reversals/:rid', (ctx) => {
    const p = validate({ metadata }, ctx.params);
    const trr = requireReversal(ctx, requireTransfer(ctx, ctx.path[0]!), ctx.path[1]!);
    trr.metadata = mergeMetadata(trr.metadata, p.metadata);
    ctx.app.store.changed();
    return trr;
  });
}
