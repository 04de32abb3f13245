// How payouts move: `pending` → `in_transit` → `paid` on the arrival date, or `failed` when the bank account
// is one of Stripe's failing test numbers (the money comes back with a `payout_failure` BT and the bank
// account is marked `errored`, so automatic payouts stop until it is replaced). As on Stripe, a failure
// may follow `paid`: a payout to a closed account (000111111113) is paid, then returned a day later. Each step is a scheduler
// job (on the test clock the funds came from, if any); `/_sandbox/balance/release` runs them all now.
// Automatic payouts: the day's payout run (booked by money/balance.ts) makes due funds available and pays
// the available balance out to the account's default bank account unless its schedule is `manual`.
import { type App, type Ctx, systemCtx } from '../../app.ts';
import { type Job, onJob, pending, runNow, schedule, unschedule } from '../../billing/scheduler.ts';
import { payoutFailureOf } from '../../connect/external_accounts.ts';
import { changes, emit, snapshot } from '../../events.ts';
import {
  balanceOf,
  createBalanceTransaction,
  markPaidOut,
  PAYOUT_RUN,
  releaseFunds,
  unpaidAvailable,
} from '../../money/balance.ts';
import type { Account, BankAccount } from '../../objects/connect.ts';
import type { Payout } from '../../objects/money.ts';
import { nowSeconds, randomString } from '../../wire/ids.ts';
import { newPayout, type PayoutInput } from './model.ts';

const IN_TRANSIT = 'payout_in_transit';
const ARRIVE = 'payout_arrive';
const RETURN = 'payout_return';
const PAYOUT_STEPS = [IN_TRANSIT, ARRIVE, RETURN];
/** Failures the bank reports only after it accepted the payout: `paid`, then `failed`. */
const RETURNED_AFTER_PAID = new Set(['account_closed']);
const RETURN_DELAY_SECONDS = 86_400;

const FAILURE_MESSAGES: Record<string, string> = {
  no_account:
    'The bank account details on file are probably incorrect. No bank account could be located with those details.',
  account_closed: 'The bank account has been closed.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  debit_not_authorized: 'Debit transactions are not approved on the bank account.',
  invalid_currency: 'The bank was unable to process this payout because of its currency.',
};

/** The bank account automatic payouts go to: the default one for the currency. */
export function defaultBankAccount(acct: Account, currency: string): BankAccount | undefined {
  const all = acct.external_accounts.data;
  return (
    all.find((b) => b.currency === currency && b.default_for_currency) ??
    all.find((b) => b.currency === currency)
  );
}

/** Make a payout and book its steps: in transit shortly after, arrived on its arrival date. */
export function startPayout(ctx: Ctx, i: PayoutInput, clock: string | null = null): Payout {
  const { app } = ctx;
  const po = newPayout(ctx, i);
  const transit = po.created + Math.max(1, Math.ceil(app.config.asyncPaymentDelayMs / 1000));
  const base = { owner: ctx.account, clock, target: po.id };
  schedule(app, { ...base, at: transit, kind: IN_TRANSIT });
  schedule(app, { ...base, at: Math.max(transit, po.arrival_date), kind: ARRIVE });
  return po;
}

function update(ctx: Ctx, po: Payout, change: (po: Payout) => void): void {
  const before = snapshot(po);
  change(po);
  ctx.app.store.changed();
  emit(ctx, 'payout.updated', po, { previous: changes(before, po) });
}

function toInTransit(ctx: Ctx, po: Payout): void {
  if (po.status === 'pending') update(ctx, po, (p) => (p.status = 'in_transit'));
}

/** The money comes back: a BT of `type` (`payout_failure`, `payout_cancel`) for the payout's amount. */
function giveBack(ctx: Ctx, po: Payout, type: string): string {
  return createBalanceTransaction(ctx.app, ctx.account, {
    amount: po.amount,
    currency: po.currency,
    type,
    reporting_category: 'payout_reversal',
    source: po.id,
    description: type === 'payout_cancel' ? 'Payout canceled' : 'Payout failure',
    available: true,
  }).id;
}

function bankAccountOf(ctx: Ctx, po: Payout): BankAccount | undefined {
  const acct = ctx.app.store.get(ctx.app.config.platformAccountId, ctx.account, 'account');
  return acct?.external_accounts.data.find((b) => b.id === po.destination);
}

function markPaid(ctx: Ctx, po: Payout): void {
  update(ctx, po, (p) => {
    p.status = 'paid';
    if (p.automatic) p.reconciliation_status = 'completed';
    p.trace_id = { status: 'supported', value: randomString(15).toUpperCase() };
  });
  emit(ctx, 'payout.paid', po);
}

function arrive(ctx: Ctx, po: Payout, job: Job): void {
  toInTransit(ctx, po);
  if (po.status !== 'in_transit') return;
  const ba = bankAccountOf(ctx, po);
  const failure = ba ? payoutFailureOf(ba) : null;
  if (failure && !RETURNED_AFTER_PAID.has(failure)) {
    fail(ctx, po, failure, ba);
    return;
  }
  markPaid(ctx, po);
  if (!failure) return;
  const at = job.at + RETURN_DELAY_SECONDS;
  schedule(ctx.app, { owner: ctx.account, clock: job.clock, target: po.id, at, kind: RETURN });
}

function returned(ctx: Ctx, po: Payout): void {
  if (po.status !== 'paid') return;
  const ba = bankAccountOf(ctx, po);
  const failure = ba ? payoutFailureOf(ba) : null;
  if (failure) fail(ctx, po, failure, ba);
}

function fail(ctx: Ctx, po: Payout, failure: string, ba: BankAccount | undefined): void {
  update(ctx, po, (p) => {
    p.status = 'failed';
    p.failure_code = failure;
    p.failure_message = FAILURE_MESSAGES[failure] ?? null;
    p.failure_balance_transaction = giveBack(ctx, p, 'payout_failure');
    if (p.trace_id?.status !== 'supported') p.trace_id = { status: 'unsupported', value: null };
  });
  emit(ctx, 'payout.failed', po);
  if (ba && ba.status !== 'errored') {
    const previous = { status: ba.status };
    ba.status = 'errored';
    emit(ctx, 'account.external_account.updated', ba, { previous });
  }
}

/** Cancel a payout still `pending`: the money comes back with a `payout_cancel` BT. */
export function cancelPayout(ctx: Ctx, po: Payout): boolean {
  if (po.status !== 'pending') return false;
  unschedule(ctx.app, po.id);
  update(ctx, po, (p) => {
    p.status = 'canceled';
    p.failure_balance_transaction = giveBack(ctx, p, 'payout_cancel');
  });
  emit(ctx, 'payout.canceled', po);
  return true;
}

function step(app: App, owner: string, id: string, fn: (ctx: Ctx, po: Payout) => void): void {
  const po = app.store.get(owner, id, 'payout');
  if (po) fn(systemCtx(app, owner), po);
}

onJob(IN_TRANSIT, (app, job) => step(app, job.owner, job.target, toInTransit));
onJob(ARRIVE, (app, job) => step(app, job.owner, job.target, (ctx, po) => arrive(ctx, po, job)));
onJob(RETURN, (app, job) => step(app, job.owner, job.target, returned));

/** Pay out a connected account's available balance, per currency, unless it pays out manually. */
function payAvailable(app: App, owner: string, clock: string | null): void {
  const acct = app.store.get(app.config.platformAccountId, owner, 'account');
  const payouts = acct?.settings.payouts as { schedule?: { interval?: unknown } } | undefined;
  if (!acct || payouts?.schedule?.interval === 'manual') return;
  for (const row of balanceOf(app, owner).available) {
    const ba = defaultBankAccount(acct, row.currency);
    if (row.amount <= 0 || !ba || ba.status === 'errored') continue;
    const covered = unpaidAvailable(app, owner, row.currency);
    const ctx = systemCtx(app, owner);
    const input = { amount: row.amount, currency: row.currency, destination: ba, automatic: true };
    const po = startPayout(ctx, input, clock);
    const bt = app.store.get(owner, po.balance_transaction, 'balance_transaction');
    markPaidOut(app, bt ? [...covered, bt] : covered, po.id);
  }
}

function release(app: App, owner: string, now: number | null): number {
  const released = releaseFunds(app, owner, now);
  if (released.length) emit(systemCtx(app, owner), 'balance.available', balanceOf(app, owner));
  return released.length;
}

onJob(PAYOUT_RUN, (app, job) => {
  release(app, job.owner, nowSeconds());
  payAvailable(app, job.owner, job.clock);
});

export interface ReleaseResult {
  released: number;
  payouts: string[];
}

/** Every pending fund available now, the day's payouts made, and every payout in flight arrived. */
export function releaseAndPayOut(app: App, account?: string): ReleaseResult {
  const platform = app.config.platformAccountId;
  const owners = account ? [account] : [platform, ...app.store.list(platform, 'account').map((a) => a.id)];
  const result: ReleaseResult = { released: 0, payouts: [] };
  for (const owner of owners) {
    result.released += release(app, owner, null);
    payAvailable(app, owner, null);
    for (const po of app.store.list(owner, 'payout')) {
      const inFlight = po.status === 'pending' || po.status === 'in_transit';
      if (!inFlight && !pending(app, po.id, RETURN)) continue;
      runNow(app, PAYOUT_STEPS, po.id);
      runNow(app, [RETURN], po.id);
      result.payouts.push(po.id);
    }
  }
  return result;
}
