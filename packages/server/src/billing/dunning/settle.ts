import { eq } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Tx } from '../../db/client.ts';
import { tenantBilling } from '../../db/schema/index.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Stripe } from '../../stripe/client.ts';
import { announce, caseOfInvoice, setBillingState, updateCase } from './cases.ts';

// How a case closes other than by its schedule: its invoice paid (a retry, the recovery page, the hosted
// invoice page, the operator), or voided or written off at Stripe.

/**
 * The case of `invoice` closed as recovered when the invoice is paid: the tenant `active` (`trialing` when its
 * subscription is), the "payment recovered" e-mail and `tenant.billing.recovered`, each once. Idempotent: a
 * closed case, another tenant's invoice or an unpaid one change nothing. Returns whether it closed a case.
 */
export async function settleRecovered(
  tx: Tx,
  deps: { config: Config; jobs: Jobs },
  tenantId: string,
  invoice: Stripe.Invoice,
): Promise<boolean> {
  if (!invoice.id || invoice.status !== 'paid') return false;
  const c = await caseOfInvoice(tx, tenantId, invoice.id);
  if (!c || c.phase === 'closed') return false;
  const closed = await updateCase(tx, c, {
    phase: 'closed',
    outcome: 'recovered',
    nextAttemptAt: null,
    closedAt: new Date(),
  });
  if (!closed) return settleRecovered(tx, deps, tenantId, invoice);
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (row) await setBillingState(tx, tenantId, row.stripeStatus === 'trialing' ? 'trialing' : 'active');
  await announce(tx, deps, closed, 'recovered', {
    template: 'plan_recovered',
    data: { amount: closed.amountDue, currency: closed.currency },
    key: `plan_recovered:${closed.id}`,
  });
  return true;
}

/**
 * The case of an invoice voided or marked uncollectible at Stripe: nothing is left to collect, so it closes
 * (`voided`) and the tenant's restrictions end with it.
 */
export async function settleVoided(tx: Tx, tenantId: string, invoice: Stripe.Invoice): Promise<boolean> {
  if (!invoice.id || (invoice.status !== 'void' && invoice.status !== 'uncollectible')) return false;
  const c = await caseOfInvoice(tx, tenantId, invoice.id);
  if (!c || c.phase === 'closed') return false;
  const closed = await updateCase(tx, c, {
    phase: 'closed',
    outcome: 'voided',
    nextAttemptAt: null,
    closedAt: new Date(),
  });
  if (!closed) return settleVoided(tx, tenantId, invoice);
  const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenantId));
  if (row && (row.state === 'past_due' || row.state === 'warning' || row.state === 'suspended'))
    await setBillingState(tx, tenantId, row.stripeStatus === 'trialing' ? 'trialing' : 'active');
  return true;
}
