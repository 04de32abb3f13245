// Balance transactions and the balance computed from them. Positive amounts (charges, payments) become
// available after `availabilityDays` (default two; the 4000 0000 0000 0077 card: at once); debits are
// available immediately. Each credit on a connected account books the payout run of the day it becomes
// available (a job on the customer's test clock when there is one), which releases the funds due by then and
// pays the available balance out (resources/payouts).
import type { App } from '../app.ts';
import { pending, schedule } from '../billing/scheduler.ts';
import type { Balance, BalanceTransaction, FeeDetail } from '../objects/money.ts';
import { newId, nowSeconds } from '../wire/ids.ts';

export type { FeeDetail };

export interface BtInput {
  amount: number;
  currency: string;
  type: string;
  reporting_category: string;
  source: string | null;
  description?: string | null;
  feeDetails?: FeeDetail[];
  available?: boolean;
  /** The test clock of the customer whose payment this is: the payout run follows that clock. */
  clock?: string | null;
}

export const DAY = 24 * 60 * 60;
/** Job kind: make an account's due funds available and run its automatic payouts (resources/payouts). */
export const PAYOUT_RUN = 'payout_run';

export function createBalanceTransaction(app: App, owner: string, i: BtInput): BalanceTransaction {
  const created = nowSeconds();
  const feeDetails = i.feeDetails ?? [];
  const fee = feeDetails.reduce((s, f) => s + f.amount, 0);
  const delay = app.config.availabilityDays * DAY;
  const availableOn = i.available || i.amount < 0 ? created : created + delay;
  const bt: BalanceTransaction = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: i.amount,
    available_on: availableOn,
    balance_type: 'payments',
    created,
    currency: i.currency,
    description: i.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: feeDetails,
    net: i.amount - fee,
    reporting_category: i.reporting_category,
    source: i.source,
    status: availableOn <= created ? 'available' : 'pending',
    type: i.type,
  };
  app.store.insert(owner, bt);
  if (bt.amount > 0 && owner !== app.config.platformAccountId) {
    bookPayoutRun(app, owner, availableOn, i.clock ?? null);
  }
  return bt;
}

/** One payout run per account, day and clock: at the end of the day the funds become available. */
function bookPayoutRun(app: App, owner: string, availableOn: number, clock: string | null): void {
  const at = Math.ceil(availableOn / DAY) * DAY;
  const target = `${owner}@${at}${clock ? `@${clock}` : ''}`;
  if (!pending(app, target, PAYOUT_RUN)) schedule(app, { at, owner, clock, kind: PAYOUT_RUN, target });
}

/** Balance transaction id → the automatic payout that paid it out (`?payout=` on the BT list). */
const PAID_OUT = 'paid_out_by';

/** The available transactions of a currency no automatic payout has covered yet. */
export function unpaidAvailable(app: App, owner: string, currency: string): BalanceTransaction[] {
  const paid = app.store.table<string>(PAID_OUT);
  return app.store
    .list(owner, 'balance_transaction')
    .filter((bt) => bt.currency === currency && refreshStatus(bt).status === 'available' && !paid.has(bt.id));
}

export function markPaidOut(app: App, txns: BalanceTransaction[], payout: string): void {
  for (const bt of txns) app.store.table<string>(PAID_OUT).set(bt.id, payout);
}

export function paidOutBy(app: App, txn: string): string | undefined {
  return app.store.table<string>(PAID_OUT).get(txn);
}

/** Make pending funds available: those due by `now`, or all of them (`now` null). Returns the BTs. */
export function releaseFunds(app: App, owner: string, now: number | null): BalanceTransaction[] {
  const released: BalanceTransaction[] = [];
  const t = now ?? nowSeconds();
  for (const bt of app.store.list(owner, 'balance_transaction')) {
    if (bt.status !== 'pending' || (now !== null && bt.available_on > now)) continue;
    bt.status = 'available';
    bt.available_on = Math.min(bt.available_on, t);
    released.push(bt);
  }
  if (released.length) app.store.changed();
  return released;
}

/** One side of money moving between the platform and a connected account. */
export interface Side {
  account: string;
  type: string;
  reporting_category: string;
  source: string;
}

/**
 * `amount` into the platform's balance (negative: out of it) and its opposite on a connected account's, the
 * platform's entry first. `undo` (the reason) marks the counter-entries of an earlier pair: both described
 * and available at once. Returns the platform's entry.
 */
export function platformAndAccount(
  app: App,
  amount: number,
  currency: string,
  platform: Side,
  account: Side,
  undo?: string,
): BalanceTransaction {
  const entry = (side: Side, value: number) =>
    createBalanceTransaction(app, side.account, {
      amount: value,
      currency,
      type: side.type,
      reporting_category: side.reporting_category,
      source: side.source,
      description: undo,
      available: undo !== undefined,
    });
  const bt = entry(platform, amount);
  entry(account, -amount);
  return bt;
}

/** Refresh `status` from `available_on` (time passes between reads). */
export function refreshStatus(bt: BalanceTransaction): BalanceTransaction {
  if (bt.status === 'pending' && bt.available_on <= nowSeconds()) bt.status = 'available';
  return bt;
}

export function balanceOf(app: App, owner: string): Balance {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const bt of app.store.list(owner, 'balance_transaction')) {
    refreshStatus(bt);
    const m = bt.status === 'available' ? available : pending;
    m.set(bt.currency, (m.get(bt.currency) ?? 0) + bt.net);
  }
  const currencies = new Set([...available.keys(), ...pending.keys(), 'usd']);
  const rows = (m: Map<string, number>) =>
    [...currencies].map((c) => ({
      amount: m.get(c) ?? 0,
      currency: c,
      source_types: { card: m.get(c) ?? 0 },
    }));
  return {
    object: 'balance',
    available: rows(available),
    connect_reserved: [...currencies].map((c) => ({ amount: 0, currency: c })),
    livemode: false,
    pending: rows(pending),
  };
}
