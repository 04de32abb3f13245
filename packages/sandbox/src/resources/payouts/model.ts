// A payout from an account's available balance to its bank account: the `po_` object, its `payout` balance
// transaction (the money leaves at once) and `payout.created`. The lifecycle (lifecycle.ts) moves it on.
import type { Ctx } from '../../app.ts';
import { emit } from '../../events.ts';
import { createBalanceTransaction, DAY } from '../../money/balance.ts';
import type { Metadata } from '../../objects/common.ts';
import type { BankAccount } from '../../objects/connect.ts';
import type { Payout } from '../../objects/money.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';

export interface PayoutInput {
  amount: number;
  currency: string;
  destination: BankAccount | null;
  automatic: boolean;
  description?: string | null;
  metadata?: Metadata;
  method?: string;
  statement_descriptor?: string | null;
}

/** A standard payout arrives two days after it is made (at midnight UTC, as Stripe dates arrivals). */
export function arrivalDate(created: number, method: string): number {
  return method === 'instant' ? created : Math.floor(created / DAY) * DAY + 2 * DAY;
}

export function newPayout(ctx: Ctx, i: PayoutInput): Payout {
  const { app } = ctx;
  const id = newId('po');
  const method = i.method ?? 'standard';
  const bt = createBalanceTransaction(app, ctx.account, {
    amount: -i.amount,
    currency: i.currency,
    type: 'payout',
    reporting_category: 'payout',
    source: id,
    description: i.description ?? 'STRIPE PAYOUT',
  });
  const created = nowSeconds();
  const payout: Payout = {
    id,
    object: 'payout',
    amount: i.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: arrivalDate(created, method),
    automatic: i.automatic,
    balance_transaction: bt.id,
    created,
    currency: i.currency,
    description: i.description ?? 'STRIPE PAYOUT',
    destination: i.destination?.id ?? null,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: i.metadata ?? {},
    method,
    original_payout: null,
    payout_method: null,
    reconciliation_status: i.automatic ? 'in_progress' : 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: i.statement_descriptor ?? null,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
  };
  app.store.insert(ctx.account, payout);
  emit(ctx, 'payout.created', payout);
  return payout;
}
