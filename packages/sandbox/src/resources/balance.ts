// Balance (computed from balance transactions) and balance transactions.

import { balanceOf, paidOutBy, refreshStatus } from '../money/balance.ts';
import type { Router } from '../router.ts';
import { notFound } from '../wire/errors.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import { listParams, str, validate } from '../wire/schema.ts';

export function registerBalance(r: Router): void {
  r.get('/v1/balance', (ctx) => {
    validate({}, ctx.params);
    return balanceOf(ctx.app, ctx.account);
  });
  r.get('/v1/balance_transactions/:id', (ctx) => {
    validate({}, ctx.params);
    const bt = ctx.app.store.get(ctx.account, ctx.path[0]!, 'balance_transaction');
    if (!bt) throw notFound('balance transaction', ctx.path[0]!);
    return refreshStatus(bt);
  });
  r.get('/v1/balance_transactions', (ctx) => {
    const p = validate(
      {
        ...listParams,
        type: str,
        source: str,
        currency: str,
        payout: str,
        available_on: listParams.created,
      },
      ctx.params,
    );
    const list = paginate(
      ctx.app.store.list(ctx.account, 'balance_transaction'),
      p,
      '/v1/balance_transactions',
      (bt) =>
        matchesSent(bt, p, ['type', 'source', 'currency']) &&
        (!p.payout || paidOutBy(ctx.app, bt.id) === p.payout),
    );
    for (const bt of list.data) refreshStatus(bt);
    return list;
  });
}
