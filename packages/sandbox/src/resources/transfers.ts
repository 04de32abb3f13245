// Transfers from the platform to connected accounts (created by destination charges or directly).
import type { Ctx } from '../app.ts';
import { emit } from '../events.ts';
import { balanceOf, createBalanceTransaction } from '../money/balance.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { isConnected } from '../wire/auth.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { enm, int, listParams, mergeMetadata, metadata, str, validate } from '../wire/schema.ts';

function requireTransfer(ctx: Ctx, id: string): Obj {
  const tr = ctx.app.store.get(ctx.account, id, 'transfer');
  if (!tr) throw notFound('transfer', id);
  return tr;
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
    const amount = p.amount as number | null;
    if (!amount || amount <= 0)
      throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
    const currency = String(p.currency).toLowerCase();
    if (!p.source_transaction) {
      const available = (
        balanceOf(app, ctx.account).available as { amount: number; currency: string }[]
      ).find((b) => b.currency === currency);
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
    const tr: Obj = {
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
    if (p.description !== undefined) tr.description = p.description;
    tr.metadata = mergeMetadata(tr.metadata as Record<string, string>, p.metadata);
    ctx.app.store.changed();
    return tr;
  });
  r.get('/v1/transfers', (ctx) => {
    const p = validate({ ...listParams, destination: str, transfer_group: str }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'transfer'),
      p,
      '/v1/transfers',
      (t) =>
        (!p.destination || t.destination === p.destination) &&
        (!p.transfer_group || t.transfer_group === p.transfer_group),
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
}
