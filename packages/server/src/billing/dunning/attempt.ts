import { and, desc, eq } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { dunningAttempts } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { defaultMethodOf, listMethods, retrieveCustomer, retrieveInvoice } from '../account/stripe-calls.ts';
import type { DunningCaseRow } from './cases.ts';
import { payWith } from './stripe-calls.ts';

// One method tried in one attempt. Its row is written before the Stripe call and its outcome after, so a
// worker that dies between the two resumes the same call with the same idempotency key (Stripe replays it).

export interface AttemptDeps {
  db: Db;
  config: Config;
  stripe: StripeRef;
}

export type MethodOutcome =
  | { kind: 'paid'; invoice: Stripe.Invoice }
  | { kind: 'declined'; declineCode: string | null; hard: boolean }
  /** Stripe did not answer (5xx, timeout, rate limit): the attempt does not count and is made again later */
  | { kind: 'interrupted' };

/** Declines after which a method is never tried again in the case (a generic decline stays retryable). */
const HARD_DECLINES: ReadonlySet<string> = new Set([
  'expired_card',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'incorrect_number',
]);

/** Refusals about the invoice's state, not the payment method. */
const INVOICE_NOT_PAYABLE: ReadonlySet<string> = new Set([
  'invoice_already_paid',
  'invoice_not_open',
  'payment_intent_unexpected_state',
]);

export const isHard = (declineCode: string | null, adviceCode: string | null) =>
  adviceCode === 'do_not_try_again' || (declineCode !== null && HARD_DECLINES.has(declineCode));

/** The customer's saved methods in the order an attempt tries them: the default, then the newest first. */
export async function methodsInOrder(stripe: StripeRef, customer: string): Promise<string[]> {
  const [c, methods] = await Promise.all([retrieveCustomer(stripe, customer), listMethods(stripe, customer)]);
  const def = defaultMethodOf(c);
  return methods
    .sort((a, b) => Number(b.id === def) - Number(a.id === def) || b.created - a.created)
    .map((m) => m.id);
}

type AttemptRow = typeof dunningAttempts.$inferSelect;

/** Which call: the attempt `number`, the invoice it pays and the method it pays with. */
export interface AttemptKey {
  invoice: string;
  number: number;
  paymentMethod: string;
}

function latestRow(deps: AttemptDeps, c: DunningCaseRow, k: AttemptKey) {
  return withTenant(deps.db, c.tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(dunningAttempts)
      .where(
        and(
          eq(dunningAttempts.caseId, c.id),
          eq(dunningAttempts.stripeInvoiceId, k.invoice),
          eq(dunningAttempts.number, k.number),
          eq(dunningAttempts.paymentMethod, k.paymentMethod),
        ),
      )
      .orderBy(desc(dunningAttempts.retry))
      .limit(1);
    return row ?? null;
  });
}

function startRow(deps: AttemptDeps, c: DunningCaseRow, k: AttemptKey, retry: number, at: Date) {
  return withTenant(deps.db, c.tenantId, async (tx) => {
    await tx
      .insert(dunningAttempts)
      .values({
        tenantId: c.tenantId,
        caseId: c.id,
        stripeInvoiceId: k.invoice,
        number: k.number,
        paymentMethod: k.paymentMethod,
        retry,
        at,
      })
      .onConflictDoNothing();
  });
}

function settleRow(
  deps: AttemptDeps,
  c: DunningCaseRow,
  row: Pick<AttemptRow, 'stripeInvoiceId' | 'number' | 'paymentMethod' | 'retry'>,
  set: Partial<AttemptRow>,
) {
  return withTenant(deps.db, c.tenantId, async (tx) => {
    await tx
      .update(dunningAttempts)
      .set({ ...set, updatedAt: new Date() })
      .where(
        and(
          eq(dunningAttempts.caseId, c.id),
          eq(dunningAttempts.stripeInvoiceId, row.stripeInvoiceId),
          eq(dunningAttempts.number, row.number),
          eq(dunningAttempts.paymentMethod, row.paymentMethod),
          eq(dunningAttempts.retry, row.retry),
        ),
      );
  });
}

/** The status of the invoice's latest payment's intent (expanded by payWith), if any. */
function intentStatus(inv: Stripe.Invoice): string | null {
  const list = inv.payments?.data ?? [];
  const pi = list.at(-1)?.payment?.payment_intent;
  return pi && typeof pi === 'object' ? pi.status : null;
}

/** The call `k` of the case, at Stripe's time `now`. */
export async function tryMethod(
  deps: AttemptDeps,
  c: DunningCaseRow,
  k: AttemptKey,
  now: Date,
): Promise<MethodOutcome> {
  const { invoice, number: n, paymentMethod: pm } = k;
  const last = await latestRow(deps, c, k);
  if (last?.status === 'failed')
    return {
      kind: 'declined',
      declineCode: last.declineCode,
      hard: isHard(last.declineCode, last.adviceCode),
    };
  let retry = last?.retry ?? 0;
  if (last?.status === 'succeeded' || last?.status === 'unavailable') {
    // Stripe keeps a 5xx under its key for 24 hours: the invoice says whether the call was done after all
    const inv = await retrieveInvoice(deps.stripe, invoice);
    if (inv?.status === 'paid') return { kind: 'paid', invoice: inv };
    if (last.status === 'unavailable') {
      retry = last.retry + 1;
      await startRow(deps, c, k, retry, now);
    }
  } else if (!last) {
    await startRow(deps, c, k, retry, now);
  }
  const key = { stripeInvoiceId: invoice, number: n, paymentMethod: pm, retry };
  let inv: Stripe.Invoice;
  try {
    inv = await payWith(deps.stripe, { invoice, attempt: n, paymentMethod: pm, retry });
  } catch (err) {
    if (!(err instanceof StripeFailure)) throw err;
    if (err.kind === 'timeout') return { kind: 'interrupted' };
    if (err.kind === 'unavailable' || err.kind === 'rate_limited') {
      await settleRow(deps, c, key, { status: 'unavailable', message: err.message.slice(0, 500) });
      return { kind: 'interrupted' };
    }
    // the invoice is no longer open (paid, voided or written off meanwhile: its event settles the case), or a
    // payment is already in flight on it (a bank debit clearing): the method is not at fault. The attempt waits
    // like one Stripe did not answer; Stripe keeps this answer under the key, so the next try reads the
    // invoice, then calls under the next retry number
    if (err.kind === 'invalid_request' && INVOICE_NOT_PAYABLE.has(err.code ?? '')) {
      const now = await retrieveInvoice(deps.stripe, invoice);
      if (now?.status === 'paid') return { kind: 'paid', invoice: now };
      await settleRow(deps, c, key, { status: 'unavailable', message: err.message.slice(0, 500) });
      return { kind: 'interrupted' };
    }
    if (err.kind !== 'card_error' && err.kind !== 'invalid_request') throw err;
    // a decline, or a method Stripe refuses (detached since): not tried again in this case when hard
    const declineCode = err.declineCode ?? err.code;
    const adviceCode = err.kind === 'invalid_request' ? 'do_not_try_again' : err.adviceCode;
    await settleRow(deps, c, key, {
      status: 'failed',
      declineCode,
      adviceCode,
      message: err.message.slice(0, 500),
    });
    return { kind: 'declined', declineCode, hard: isHard(declineCode, adviceCode) };
  }
  if (deps.config.TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY && deps.config.NODE_ENV === 'test') {
    // the crash test's worker dies here: paid at Stripe, not yet recorded
    process.kill(process.pid, 'SIGKILL');
  }
  if (inv.status === 'paid') {
    await settleRow(deps, c, key, { status: 'succeeded' });
    return { kind: 'paid', invoice: inv };
  }
  // a bank debit clearing (days): nothing to decline or retry until it is paid or fails; the case waits
  if (intentStatus(inv) === 'processing') {
    await settleRow(deps, c, key, { status: 'unavailable', message: 'payment processing' });
    return { kind: 'interrupted' };
  }
  // not paid off-session (the bank asks for authentication): the tenant pays on the recovery page
  await settleRow(deps, c, key, { status: 'failed', declineCode: 'authentication_required' });
  return { kind: 'declined', declineCode: 'authentication_required', hard: false };
}
