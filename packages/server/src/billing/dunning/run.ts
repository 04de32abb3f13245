import { and, asc, eq, gte } from 'drizzle-orm';
import { recordPlanSuspension } from '../../analytics/service.ts';
import type { Tx } from '../../db/client.ts';
import { dunningAttempts, tenantBilling } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Logger } from '../../logger.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { retrieveInvoice } from '../account/stripe-calls.ts';
import { billingOf } from '../core.ts';
import { intentOf, readInvoice, stripeNow } from '../tenant-plan/quote-calls.ts';
import { applySubscription } from '../tenant-plan/sync.ts';
import { type AttemptDeps, type MethodOutcome, methodsInOrder, tryMethod } from './attempt.ts';
import {
  announce,
  type DunningCaseRow,
  mailOwners,
  openCaseOf,
  outstandingOf,
  owed,
  setBillingState,
  updateCase,
} from './cases.ts';
import { askHolderToRerun, type Lease, RUN_LEASE_SECONDS, takeLease } from './lease.ts';
import { attemptDue, finalAt, INTERRUPTED_RETRY_MS, suspendAt } from './schedule.ts';
import { settleRecovered, settleVoided } from './settle.ts';
import { cancelForDunning, stopAutoAdvance } from './stripe-calls.ts';

// The dunning engine: what is due on a tenant's open case at Stripe's time for its customer (a test clock's
// frozen time, else now), done step by step, each step's state written in the tenant's transaction after its
// Stripe calls. Run by the `dunning_run` job (after a failure, a clock's advance, the periodic sweep, a saved
// method) and safe to run twice: a step already done is found done.

export interface RunDeps extends AttemptDeps {
  jobs: Jobs;
  log: Logger;
}

/** Attempts outside the schedule are numbered from here (the scheduled ones are 1…n). */
export const EXTRA_ATTEMPT_FROM = 100;

export type RunResult =
  | { ran: true }
  /**
   * another run holds the case until `busyUntil` (renewed while it runs); `asked`: it was asked to run once
   * more, and does unless it dies first (then its lease lapses at `busyUntil`)
   */
  | { ran: false; busyUntil: Date; asked: boolean };

/**
 * Runs the tenant's open case; `method`: an attempt at once with this method (one saved during dunning).
 * One run at a time per case (`lease.ts`): a run holds it while it runs, for `leaseSeconds` at most without
 * renewing it (its job's expiry, when shorter than the lease). A run due while another holds the case is left
 * to the holder, which runs again before it lets go; an attempt at once is not made then. `afterHolder`: the
 * run asked of a holder, made only if that holder died first (its lease lapsed).
 */
export async function runDue(
  deps: RunDeps,
  tenantId: string,
  opts: { now?: boolean; method?: string; leaseSeconds?: number; afterHolder?: boolean },
): Promise<RunResult> {
  let now = opts.now ?? false;
  const seconds = Math.min(RUN_LEASE_SECONDS, opts.leaseSeconds ?? RUN_LEASE_SECONDS);
  let onlyIfLapsed = opts.afterHolder ?? false;
  for (;;) {
    const c = await openCaseUnlessEnded(deps, tenantId);
    if (!c) return { ran: true };
    const took = await takeLease(deps, c, seconds, { onlyIfLapsed });
    if (took.kind === 'served') return { ran: true };
    if (took.kind === 'busy') {
      if (now) return { ran: false, busyUntil: took.until, asked: false };
      if (await askHolderToRerun(deps, c)) return { ran: false, busyUntil: took.until, asked: true };
      continue;
    }
    let again = false;
    try {
      await runSteps(deps, c, took.lease, { now, method: opts.method });
    } finally {
      again = await took.release();
    }
    if (!again) return { ran: true };
    now = false;
    onlyIfLapsed = false;
  }
}

/** Enqueues the write-off of every invoice the closed case still owed. */
function writeOffOutstanding(tx: Tx, deps: RunDeps, c: DunningCaseRow): Promise<void> {
  return deps.jobs.sendInTx(
    tx,
    'billing-followup',
    outstandingOf(c).map((invoice) => ({
      kind: 'dunning_write_off' as const,
      tenantId: c.tenantId,
      invoice,
    })),
  );
}

/** The tenant's open case, closed (`ended`) instead when its plan's subscription ended another way. */
function openCaseUnlessEnded(deps: RunDeps, tenantId: string): Promise<DunningCaseRow | null> {
  return withTenant(deps.db, tenantId, async (tx) => {
    const open = await openCaseOf(tx, tenantId);
    // canceled, or a move to a free plan: nothing is owed on it any more, and a later plan's failure opens a
    // case of its own
    const row = await billingOf(tx, tenantId);
    const status = row?.stripeStatus;
    if (open && (!row?.stripeSubscriptionId || status === 'canceled' || status === 'incomplete_expired')) {
      const done = await updateCase(tx, open, {
        phase: 'closed',
        outcome: 'ended',
        nextAttemptAt: null,
        closedAt: new Date(),
      });
      if (!done) return null;
      // what it still owed is written off, as by the final action (paying it could no longer restore the
      // plan), and the restrictions end with the case (the plan's sync left the state to it while it was open)
      await writeOffOutstanding(tx, deps, done);
      if (row && row.state !== 'active' && row.state !== 'trialing')
        await setBillingState(tx, tenantId, 'active');
      return null;
    }
    return open;
  });
}

/** Stripe's time for the case: its test clock's (one deleted since: real time, as the customer's then is). */
async function caseNow(deps: RunDeps, c: DunningCaseRow): Promise<Date> {
  try {
    return new Date((await stripeNow(deps.stripe, c.testClock)) * 1000);
  } catch (err) {
    if (err instanceof StripeFailure && err.kind === 'invalid_request' && err.code === 'resource_missing')
      return new Date();
    throw err;
  }
}

async function runSteps(
  deps: RunDeps,
  first: DunningCaseRow,
  lease: Lease,
  opts: { now?: boolean; method?: string },
) {
  const now = await caseNow(deps, first);
  let c: DunningCaseRow | null = first;
  if (!c.scheduled) c = await plan(deps, c, now);
  if (c && c.phase !== 'closed') c = await holdJoined(deps, c, now);
  if (c && opts.now && c.phase !== 'closed' && !lease.lost) c = await extraAttempt(deps, c, opts.method, now);
  // a run that lost its lease (another took the case after it lapsed) stops at the next step
  for (let steps = 0; c && c.phase !== 'closed' && !lease.lost && steps < 20; steps++) {
    const n = deps.config.dunningRetryDays.length;
    if (c.phase === 'past_due' && c.attemptsMade < n && c.nextAttemptAt && c.nextAttemptAt <= now)
      c = await attempt(deps, c, now);
    else if (c.phase === 'warning' && now >= c.suspendAt) c = await suspend(deps, c);
    else if (c.phase === 'suspended' && c.finalAt && now >= c.finalAt) c = await finalAction(deps, c);
    else return;
  }
}

/**
 * Renewals that failed while the case was open, taken off Stripe's retries (Tributary's attempts pay them);
 * one paid or voided meanwhile is settled.
 */
async function holdJoined(deps: RunDeps, c: DunningCaseRow, now: Date): Promise<DunningCaseRow | null> {
  const unheld = c.joinedInvoices.filter((j) => !j.held);
  if (unheld.length === 0) return c;
  for (const j of unheld) {
    try {
      await stopAutoAdvance(deps.stripe, j.id, now);
    } catch (err) {
      if (!(err instanceof StripeFailure) || err.kind !== 'invalid_request') throw err;
      const readAt = new Date();
      const inv = await retrieveInvoice(deps.stripe, j.id);
      if (inv)
        await withTenant(deps.db, c.tenantId, async (tx) => {
          (await settleRecovered(tx, deps, c.tenantId, inv, readAt)) ||
            (await settleVoided(tx, c.tenantId, inv));
        });
    }
  }
  return withTenant(deps.db, c.tenantId, async (tx) => {
    const now = await openCaseOf(tx, c.tenantId);
    if (!now || now.id !== c.id) return null;
    const ids = new Set(unheld.map((j) => j.id));
    const held = now.joinedInvoices.map((j) => (ids.has(j.id) ? { ...j, held: true } : j));
    return (await updateCase(tx, now, { joinedInvoices: held })) ?? openCaseOf(tx, c.tenantId);
  });
}

/**
 * The case's first run: the invoice taken off Stripe's retries, the dates planned from Stripe's time now, and
 * the failure's e-mail with its reason (the decline of the invoice's payment).
 */
async function plan(deps: RunDeps, c: DunningCaseRow, now: Date): Promise<DunningCaseRow | null> {
  try {
    await stopAutoAdvance(deps.stripe, c.stripeInvoiceId, now);
  } catch (err) {
    // no longer open (paid, voided meanwhile): its event closes the case; settled here too if paid
    if (!(err instanceof StripeFailure) || err.kind !== 'invalid_request') throw err;
    return closeIfSettled(deps, c);
  }
  const inv = await readInvoice(deps.stripe, c.stripeInvoiceId);
  const error = intentOf(inv)?.last_payment_error;
  const declineCode = error?.decline_code ?? error?.code ?? null;
  return withTenant(deps.db, c.tenantId, async (tx) => {
    // dated from the failure (its event's time, Stripe's); a first run later than that changes no date
    const base = { openedAt: c.openedAt, delaySeconds: c.delaySeconds };
    const planned = await updateCase(tx, c, {
      scheduled: true,
      declineCode,
      nextAttemptAt: attemptDue(deps.config, base, 1),
      suspendAt: suspendAt(deps.config, base),
    });
    if (!planned) return openCaseOf(tx, c.tenantId);
    await announce(tx, deps, planned, 'past_due', {
      template: 'plan_payment_failed',
      data: { ...owed(deps.config, planned), declineCode, nextAttemptAt: planned.nextAttemptAt },
      key: `plan_payment_failed:${planned.id}`,
    });
    return planned;
  });
}

async function closeIfSettled(deps: RunDeps, c: DunningCaseRow): Promise<null> {
  const readAt = new Date();
  const inv = await retrieveInvoice(deps.stripe, c.stripeInvoiceId);
  if (inv)
    await withTenant(deps.db, c.tenantId, async (tx) => {
      (await settleRecovered(tx, deps, c.tenantId, inv, readAt)) || (await settleVoided(tx, c.tenantId, inv));
    });
  return null;
}

type Tried =
  | { kind: 'paid' }
  | { kind: 'interrupted' }
  | { kind: 'declined'; declineCode: string | null; skip: string[] };

/**
 * The case's unpaid invoices, oldest first, each with every method not ruled out, in order, until one pays
 * it; an invoice no method pays ends the attempt (a later one is not paid before it). Stripe not answering
 * any call of it (a read included) interrupts the attempt.
 */
async function tryMethods(
  deps: RunDeps,
  c: DunningCaseRow,
  n: number,
  now: Date,
  only?: string[],
): Promise<Tried> {
  try {
    const methods = only ?? (await methodsInOrder(deps.stripe, c.stripeCustomerId));
    const skip = [...c.skippedMethods];
    for (const invoice of outstandingOf(c)) {
      let declineCode: string | null = methods.length === 0 ? 'no_payment_method' : null;
      let paid = false;
      for (const pm of methods.filter((m) => !skip.includes(m))) {
        const triedAt = new Date();
        const out: MethodOutcome = await tryMethod(deps, c, { invoice, number: n, paymentMethod: pm }, now);
        if (out.kind === 'paid') {
          await withTenant(deps.db, c.tenantId, (tx) =>
            settleRecovered(tx, deps, c.tenantId, out.invoice, triedAt),
          );
          paid = true;
          break;
        }
        if (out.kind === 'interrupted') return out;
        declineCode ??= out.declineCode;
        if (out.hard && !skip.includes(pm)) skip.push(pm);
      }
      if (!paid) return { kind: 'declined', declineCode, skip };
    }
    return { kind: 'paid' };
  } catch (err) {
    if (err instanceof StripeFailure && err.transient) return { kind: 'interrupted' };
    throw err;
  }
}

/** The next scheduled attempt; counted (and e-mailed) only when Stripe answered every call of it. */
async function attempt(deps: RunDeps, c: DunningCaseRow, now: Date): Promise<DunningCaseRow | null> {
  const n = c.attemptsMade + 1;
  const of = deps.config.dunningRetryDays.length;
  const tried = await tryMethods(deps, c, n, now);
  if (tried.kind === 'paid') return null;
  if (tried.kind === 'interrupted') {
    await withTenant(deps.db, c.tenantId, (tx) =>
      updateCase(tx, c, {
        interruptedAt: c.interruptedAt ?? now,
        nextAttemptAt: new Date(now.getTime() + INTERRUPTED_RETRY_MS),
      }),
    );
    return null;
  }
  const declined = tried;
  return withTenant(deps.db, c.tenantId, async (tx) => {
    // the time Stripe could not be reached moves every later date
    const delaySeconds =
      c.delaySeconds + (c.interruptedAt ? Math.round((now.getTime() - c.interruptedAt.getTime()) / 1000) : 0);
    const dated = { openedAt: c.openedAt, delaySeconds };
    const last = n >= of;
    const next = last ? null : attemptDue(deps.config, dated, n + 1);
    const done = await updateCase(tx, c, {
      attemptsMade: n,
      phase: last ? 'warning' : 'past_due',
      nextAttemptAt: next,
      interruptedAt: null,
      delaySeconds,
      suspendAt: suspendAt(deps.config, dated),
      skippedMethods: declined.skip,
    });
    if (!done) return openCaseOf(tx, c.tenantId);
    const mail = {
      template: 'plan_attempt_failed' as const,
      data: {
        ...owed(deps.config, done),
        attempt: n,
        of,
        declineCode: declined.declineCode,
        nextAttemptAt: next,
        suspendAt: done.suspendAt,
      },
      key: `plan_attempt_failed:${done.id}:${n}`,
    };
    if (last) {
      await setBillingState(tx, c.tenantId, 'warning');
      await announce(tx, deps, done, 'warning', mail);
    } else {
      await mailOwners(tx, deps, done, mail);
    }
    return done;
  });
}

/**
 * An attempt outside the schedule (a method saved during dunning, the operator's "retry now"), under an
 * attempt number of its own (past the scheduled ones): it pays the invoice or changes nothing (no e-mail,
 * not counted). A saved `method` is tried once per case: the recovery page's confirmation, the dashboard's
 * and the `setup_intent.succeeded` follow-up all ask for it, and only the first makes the call.
 */
async function extraAttempt(deps: RunDeps, c: DunningCaseRow, method: string | undefined, now: Date) {
  const n = await extraNumber(deps, c, method);
  if (n === null) return c;
  const tried = await tryMethods(deps, c, n, now, method ? [method] : undefined);
  if (tried.kind === 'paid') return null;
  if (tried.kind === 'declined' && tried.skip.length > c.skippedMethods.length)
    return withTenant(
      deps.db,
      c.tenantId,
      async (tx) => (await updateCase(tx, c, { skippedMethods: tried.skip })) ?? openCaseOf(tx, c.tenantId),
    );
  return c;
}

/**
 * The number of an attempt outside the schedule: a number of its own each time (100, 101, …: a second "retry
 * now" is a new call at Stripe, not a replay of the first one's decline under the same key); one that did not
 * finish (no outcome) is resumed. For a saved `method`: the number it was tried under when that did not
 * finish, or paid an invoice with more owed after it; null when it was tried already.
 */
function extraNumber(deps: RunDeps, c: DunningCaseRow, method: string | undefined) {
  return withTenant(deps.db, c.tenantId, async (tx): Promise<number | null> => {
    const rows = await tx
      .select({
        number: dunningAttempts.number,
        status: dunningAttempts.status,
        paymentMethod: dunningAttempts.paymentMethod,
      })
      .from(dunningAttempts)
      .where(and(eq(dunningAttempts.caseId, c.id), gte(dunningAttempts.number, EXTRA_ATTEMPT_FROM)))
      .orderBy(asc(dunningAttempts.createdAt), asc(dunningAttempts.retry));
    if (method) {
      const own = rows.filter((r) => r.paymentMethod === method).at(-1);
      if (own) return own.status === 'failed' ? null : own.number;
    }
    if (rows.length === 0) return EXTRA_ATTEMPT_FROM;
    const last = Math.max(...rows.map((r) => r.number));
    const unfinished = rows.some(
      (r) => r.number === last && (r.status === 'pending' || r.status === 'unavailable'),
    );
    return unfinished ? last : last + 1;
  });
}

async function suspend(deps: RunDeps, c: DunningCaseRow): Promise<DunningCaseRow | null> {
  return withTenant(deps.db, c.tenantId, async (tx) => {
    const done = await updateCase(tx, c, { phase: 'suspended', finalAt: finalAt(deps.config, c.suspendAt) });
    if (!done) return openCaseOf(tx, c.tenantId);
    await setBillingState(tx, c.tenantId, 'suspended');
    // the platform's MRR from the plan ends at the suspension's date (Stripe's time), however late this run
    const billing = await billingOf(tx, c.tenantId);
    if (billing?.stripeSubscriptionId && billing.stripeCustomerId)
      await recordPlanSuspension(tx, {
        tenantId: c.tenantId,
        caseId: done.id,
        subscription: billing.stripeSubscriptionId,
        customer: billing.stripeCustomerId,
        at: done.suspendAt,
      });
    await announce(tx, deps, done, 'suspended', {
      template: 'plan_suspended',
      data: owed(deps.config, done),
      key: `plan_suspended:${done.id}`,
    });
    return done;
  });
}

/**
 * DUNNING_FINAL_ACTION: the subscription canceled at Stripe, nothing credited, and what the case still owed
 * written off (marked uncollectible by a job enqueued as the case closes: nothing collects it any more, and
 * paying it could no longer restore the plan). `downgrade_to_free` then moves the tenant to the default plan
 * at once, as the subscription's end would; `cancel` leaves that to the `customer.subscription.deleted` event.
 */
async function finalAction(deps: RunDeps, c: DunningCaseRow): Promise<null> {
  const action = deps.config.DUNNING_FINAL_ACTION;
  if (action === 'none') return null;
  const sub = await withTenant(deps.db, c.tenantId, async (tx) => {
    const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, c.tenantId));
    return row?.stripeSubscriptionId ?? null;
  });
  const canceled = sub ? await cancelForDunning(deps.stripe, { caseId: c.id, subscription: sub }) : null;
  await withTenant(deps.db, c.tenantId, async (tx) => {
    const done = await updateCase(tx, c, {
      phase: 'closed',
      outcome: action === 'cancel' ? 'canceled' : 'downgraded',
      nextAttemptAt: null,
      closedAt: new Date(),
    });
    if (!done) return;
    await writeOffOutstanding(tx, deps, done);
    if (!canceled || action !== 'downgrade_to_free') return;
    await applySubscription(tx, c.tenantId, canceled, new Date(), deps.jobs);
    const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, c.tenantId));
    if (row && !row.stripeSubscriptionId && row.state !== 'active')
      await setBillingState(tx, c.tenantId, 'active');
  });
  return null;
}
