import { eq } from 'drizzle-orm';
import { recordPlanRecovery } from '../../analytics/service.ts';
import type { Config } from '../../config.ts';
import type { Tx } from '../../db/client.ts';
import { tenantBilling } from '../../db/schema/index.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Stripe } from '../../stripe/client.ts';
import {
  announce,
  caseOfInvoice,
  type DunningCaseRow,
  outstandingOf,
  setBillingState,
  updateCase,
} from './cases.ts';

// How a case closes other than by its schedule: its invoice paid (a retry, the recovery page, the hosted
// invoice page, the operator), or voided or written off at Stripe.

/** When Stripe paid, voided or wrote off the invoice (its test clock's time), else now. */
function settledAt(
  invoice: Stripe.Invoice,
  transition: 'paid_at' | 'voided_at' | 'marked_uncollectible_at',
): Date {
  const at = invoice.status_transitions?.[transition];
  return at ? new Date(at * 1000) : new Date();
}

/**
 * The sync guard's time for a recovery: when the invoice was seen paid, but never after Stripe paid it (its
 * subscription's own snapshot read since, already `active`, must still apply: the two events of a payment
 * are often refetched in the other order) nor in the future (a test clock's frozen time). A snapshot read
 * before it is from before the payment.
 */
function guardTimeOfPayment(invoice: Stripe.Invoice, observedAt: Date): Date {
  const paidAt = invoice.status_transitions?.paid_at;
  return new Date(
    Math.min(observedAt.getTime(), Date.now(), paidAt ? paidAt * 1000 : Number.POSITIVE_INFINITY),
  );
}

/**
 * `invoice` of the open case `c` paid or voided: recorded as settled; null when the case has more to collect,
 * else the case as it was read (its other invoices settled before).
 */
async function settleInvoice(tx: Tx, c: DunningCaseRow, invoice: string): Promise<DunningCaseRow | null> {
  const settled = c.settledInvoices.includes(invoice) ? c.settledInvoices : [...c.settledInvoices, invoice];
  if (outstandingOf({ ...c, settledInvoices: settled }).length === 0) return c;
  if (settled !== c.settledInvoices) {
    const moved = await updateCase(tx, c, { settledInvoices: settled });
    if (!moved) {
      const again = await caseOfInvoice(tx, c.tenantId, invoice);
      return again && again.phase !== 'closed' ? settleInvoice(tx, again, invoice) : null;
    }
  }
  return null;
}

/**
 * The case of `invoice` closed as recovered when the invoice is paid and with it every other invoice of the
 * case: the tenant `active` (`trialing` when its subscription is), the "payment recovered" e-mail and
 * `tenant.billing.recovered`, each once. Idempotent: a closed case, another tenant's invoice or an unpaid one
 * change nothing. Returns whether it closed a case. `observedAt`: when the invoice was read paid (before the
 * call that read it).
 */
export async function settleRecovered(
  tx: Tx,
  deps: { config: Config; jobs: Jobs },
  tenantId: string,
  invoice: Stripe.Invoice,
  observedAt: Date,
): Promise<boolean> {
  if (!invoice.id || invoice.status !== 'paid') return false;
  const open = await caseOfInvoice(tx, tenantId, invoice.id);
  if (!open || open.phase === 'closed') return false;
  const c = await settleInvoice(tx, open, invoice.id);
  if (!c) return false;
  const closed = await updateCase(tx, c, {
    settledInvoices: [...new Set([...c.settledInvoices, invoice.id])],
    phase: 'closed',
    outcome: 'recovered',
    nextAttemptAt: null,
    closedAt: new Date(),
  });
  if (!closed) return settleRecovered(tx, deps, tenantId, invoice, observedAt);
  await recordPlanRecovery(tx, { tenantId, caseId: closed.id, at: settledAt(invoice, 'paid_at') });
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (row)
    await setBillingState(
      tx,
      tenantId,
      row.stripeStatus === 'trialing' ? 'trialing' : 'active',
      guardTimeOfPayment(invoice, observedAt),
    );
  await announce(tx, deps, closed, 'recovered', {
    template: 'plan_recovered',
    data: { amount: c.amountDue, currency: closed.currency },
    key: `plan_recovered:${closed.id}`,
  });
  return true;
}

/**
 * An invoice of the case voided or marked uncollectible at Stripe: once nothing is left to collect, the case
 * closes (`voided`) and the tenant's restrictions end with it.
 */
export async function settleVoided(tx: Tx, tenantId: string, invoice: Stripe.Invoice): Promise<boolean> {
  if (!invoice.id || (invoice.status !== 'void' && invoice.status !== 'uncollectible')) return false;
  const open = await caseOfInvoice(tx, tenantId, invoice.id);
  if (!open || open.phase === 'closed') return false;
  const c = await settleInvoice(tx, open, invoice.id);
  if (!c) return false;
  const closed = await updateCase(tx, c, {
    settledInvoices: [...new Set([...c.settledInvoices, invoice.id])],
    phase: 'closed',
    outcome: 'voided',
    nextAttemptAt: null,
    closedAt: new Date(),
  });
  if (!closed) return settleVoided(tx, tenantId, invoice);
  const when = invoice.status === 'void' ? 'voided_at' : 'marked_uncollectible_at';
  await recordPlanRecovery(tx, { tenantId, caseId: closed.id, at: settledAt(invoice, when) });
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (row && (row.state === 'past_due' || row.state === 'warning' || row.state === 'suspended'))
    await setBillingState(tx, tenantId, row.stripeStatus === 'trialing' ? 'trialing' : 'active');
  return true;
}
