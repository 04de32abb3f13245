import type { Config } from '../../config.ts';
import type { Tx } from '../../db/client.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Stripe } from '../../stripe/client.ts';
import { openCaseOf, outstandingOf } from './cases.ts';
import { type RunDeps, type RunResult, runDue } from './run.ts';
import { settleRecovered as settle } from './settle.ts';

// Dunning's front door (docs/platform-billing.md, "Dunning"): the recovery page, the dashboard and the
// operator reach the engine only through these.

export type { DunningCaseRow } from './cases.ts';
export { openCaseOf } from './cases.ts';
export { sweepDunning } from './jobs.ts';
// a method saved during dunning, tried at once by the request confirming it: once per case and method
export { attemptWithNewMethod, type NewMethodOutcome } from './new-method.ts';
export type { RunDeps } from './run.ts';

/**
 * The case of `invoice` closed as recovered once the invoice is paid (the recovery page calls it in the
 * request that paid, the `invoice.paid` webhook again later): state `active` (or `trialing`), one "payment
 * recovered" e-mail and one `tenant.billing.recovered`. Returns whether it closed a case.
 */
export function settleRecovered(
  tx: Tx,
  deps: { config: Config; jobs: Jobs },
  tenantId: string,
  invoice: Stripe.Invoice,
  observedAt: Date,
): Promise<boolean> {
  return settle(tx, deps, tenantId, invoice, observedAt);
}

/**
 * An attempt on the tenant's open case now, outside its schedule (the operator's "retry now", a method saved
 * during dunning): with `paymentMethod`, that method only; else whatever is due runs. Not run while another
 * run holds the case (`ran: false`).
 */
export function attemptNow(deps: RunDeps, tenantId: string, paymentMethod?: string): Promise<RunResult> {
  return runDue(deps, tenantId, { now: true, method: paymentMethod });
}

/** The invoices the tenant's open case is owed, oldest first (none without an open case). */
export async function owedInvoicesOf(tx: Tx, tenantId: string): Promise<string[]> {
  const c = await openCaseOf(tx, tenantId);
  return c ? outstandingOf(c) : [];
}
