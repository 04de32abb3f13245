// /v1/payouts: manual payouts from the available balance (on a connected account: Stripe-Account), list,
// retrieve, update metadata, cancel while pending. Automatic payouts come from lifecycle.ts.
import type { Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import { balanceOf } from '../../money/balance.ts';
import type { Payout } from '../../objects/money.ts';
import type { Router } from '../../router.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { matchCreated, matchesSent, paginate } from '../../wire/list.ts';
import {
  createdFilter,
  enm,
  int,
  listParams,
  mergeMetadata,
  metadata,
  str,
  strOf,
  validate,
} from '../../wire/schema.ts';
import { updateMetadataOnly } from '../metadata_update.ts';
import { cancelPayout, defaultBankAccount, startPayout } from './lifecycle.ts';

const createShape = {
  amount: int,
  currency: str,
  description: str,
  destination: str,
  metadata,
  method: enm('standard', 'instant'),
  payout_method: str,
  source_type: enm('bank_account', 'card', 'fpx'),
  statement_descriptor: strOf(22),
};

function create(ctx: Ctx): Payout {
  const p = validate(createShape, ctx.params, ['amount', 'currency']);
  const { app } = ctx;
  const currency = p.currency.toLowerCase();
  if (p.amount <= 0) throw invalidRequest('Invalid positive integer', 'amount', 'parameter_invalid_integer');
  const acct = app.store.get(app.config.platformAccountId, ctx.account, 'account');
  const ba = p.destination
    ? acct?.external_accounts.data.find((b) => b.id === p.destination)
    : acct && defaultBankAccount(acct, currency);
  if (p.destination && !ba) {
    throw invalidRequest(
      `No such external account: '${p.destination}'`,
      'destination',
      'resource_missing',
      404,
    );
  }
  if (!ba) {
    throw invalidRequest(`You have no external accounts in that currency (${currency}).`, 'currency');
  }
  const available = balanceOf(app, ctx.account).available.find((b) => b.currency === currency);
  if ((available?.amount ?? 0) < p.amount) {
    throw invalidRequest(
      'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. ' +
        'You can use the /v1/balance endpoint to view your Stripe balance (for more details, see ' +
        'stripe.com/docs/api#balance).',
      'amount',
      'balance_insufficient',
    );
  }
  return startPayout(ctx, {
    amount: p.amount,
    currency,
    destination: ba,
    automatic: false,
    description: p.description ?? null,
    metadata: mergeMetadata({}, p.metadata),
    method: p.method ?? 'standard',
    statement_descriptor: p.statement_descriptor ?? null,
  });
}

const requirePayout = (ctx: Ctx, id: string) => requireOwn(ctx, 'payout', id);

export function registerPayouts(r: Router): void {
  r.post('/v1/payouts', create);
  r.get('/v1/payouts/:id', (ctx) => {
    validate({}, ctx.params);
    return requirePayout(ctx, ctx.path[0]!);
  });
  r.post('/v1/payouts/:id', (ctx) =>
    updateMetadataOnly(ctx, requirePayout(ctx, ctx.path[0]!), 'payout.updated'),
  );
  r.post('/v1/payouts/:id/cancel', (ctx) => {
    validate({}, ctx.params);
    const po = requirePayout(ctx, ctx.path[0]!);
    if (po.automatic) {
      throw invalidRequest("You can't cancel automatic Stripe payouts.", undefined, 'payout_not_cancelable');
    }
    if (!cancelPayout(ctx, po)) {
      throw invalidRequest(
        `Payouts can only be canceled while they are pending. This payout is ${po.status}.`,
        undefined,
        'payout_not_cancelable',
      );
    }
    return po;
  });
  r.get('/v1/payouts', (ctx) => {
    const p = validate(
      {
        ...listParams,
        arrival_date: createdFilter,
        destination: str,
        status: enm('pending', 'paid', 'failed', 'canceled', 'in_transit'),
      },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'payout'),
      p,
      '/v1/payouts',
      (po) => matchesSent(po, p, ['destination', 'status']) && matchCreated(po.arrival_date, p.arrival_date),
    );
  });
}
