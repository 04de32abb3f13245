// /v1/customers/:id/balance_transactions: create (an adjustment), list, retrieve, update (description and
// metadata only; the ledger itself is immutable).
import type { Ctx } from '../../app.ts';
import { atCustomerTime } from '../../billing/scheduler.ts';
import type { CustomerBalanceTransaction } from '../../objects/customer_balance.ts';
import type { Router } from '../../router.ts';
import { invalidRequest, notFound } from '../../wire/errors.ts';
import { paginate } from '../../wire/list.ts';
import { int, listParams, mergeMetadata, metadata, str, validate } from '../../wire/schema.ts';
import { recordBalance } from './balance.ts';
import { requireCustomer } from './model.ts';

function requireBalanceTransaction(ctx: Ctx, customer: string, id: string): CustomerBalanceTransaction {
  const txn = ctx.app.store.get(ctx.account, id, 'customer_balance_transaction');
  if (!txn || txn.customer !== customer) throw notFound('customer balance transaction', id);
  return txn;
}

export function registerCustomerBalance(r: Router): void {
  r.post('/v1/customers/:id/balance_transactions', (ctx) => {
    const p = validate({ amount: int, currency: str, description: str, metadata }, ctx.params, [
      'amount',
      'currency',
    ]);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    const currency = p.currency.toLowerCase();
    // One balance per customer here (Stripe keeps one per currency in `invoice_credit_balance`).
    if (cus.currency && cus.currency !== currency && cus.balance !== 0) {
      throw invalidRequest(
        `The customer's balance is in ${cus.currency}; a balance transaction in ${currency} cannot be added to it.`,
        'currency',
      );
    }
    return atCustomerTime(ctx.app, ctx.account, cus.id, () =>
      recordBalance(ctx, cus, {
        amount: p.amount,
        currency,
        type: 'adjustment',
        description: p.description ?? null,
        metadata: mergeMetadata({}, p.metadata),
      }),
    );
  });
  r.get('/v1/customers/:id/balance_transactions', (ctx) => {
    const p = validate({ ...listParams, invoice: str }, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    return paginate(
      ctx.app.store.list(ctx.account, 'customer_balance_transaction'),
      p,
      `/v1/customers/${cus.id}/balance_transactions`,
      (t) => t.customer === cus.id && (!p.invoice || t.invoice === p.invoice),
    );
  });
  r.get('/v1/customers/:id/balance_transactions/:txn', (ctx) => {
    validate({}, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    return requireBalanceTransaction(ctx, cus.id, ctx.path[1]!);
  });
  r.post('/v1/customers/:id/balance_transactions/:txn', (ctx) => {
    const p = validate({ description: str, metadata }, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    const txn = requireBalanceTransaction(ctx, cus.id, ctx.path[1]!);
    if (p.description !== undefined) txn.description = p.description;
    if (p.metadata !== undefined) txn.metadata = mergeMetadata(txn.metadata, p.metadata);
    ctx.app.store.changed();
    return txn;
  });
}
