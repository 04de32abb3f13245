import { and, eq, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { dunningCases } from '../../db/schema/index.ts';
import { insertAudit } from '../../scope/audit.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import { billingOf } from '../core.ts';
import {
  announce,
  type DunningCaseRow,
  type DunningDeps,
  invoicesOf,
  openCaseOf,
  setBillingState,
} from './cases.ts';
import { attemptDue, suspendAt } from './schedule.ts';

// Day 0: a plan renewal invoice of the tenant failed (`invoice.payment_failed`). Only a renewal starts dunning:
// a pending update's invoice (an upgrade's proration) failing leaves the plan and the state as they were.

/**
 * Opens a case for the failed renewal invoice (state `past_due`, `tenant.billing.past_due`, and the job that
 * takes the invoice off Stripe's retries, plans Tributary's and sends the e-mail), or joins the open one: a
 * later renewal failing while in dunning is owed with the first (each attempt pays both, oldest first) and
 * changes neither the state nor the dates. Returns the case opened, else null.
 */
export async function openCase(
  tx: Tx,
  deps: DunningDeps,
  tenantId: string,
  inv: Stripe.Invoice,
  failedAt: Date,
): Promise<DunningCaseRow | null> {
  if (inv.billing_reason !== 'subscription_cycle' || inv.status !== 'open' || !inv.id) return null;
  const customer = idOf(inv.customer);
  const row = await billingOf(tx, tenantId);
  if (!customer || !row || row.stripeCustomerId !== customer) return null;
  const open = await openCaseOf(tx, tenantId);
  if (open) {
    await joinCase(tx, deps, open, inv.id, inv.amount_remaining ?? inv.amount_due, inv.currency);
    return null;
  }
  const base = { openedAt: failedAt, delaySeconds: 0 };
  const [opened] = await tx
    .insert(dunningCases)
    .values({
      tenantId,
      stripeInvoiceId: inv.id,
      stripeCustomerId: customer,
      testClock: idOf((inv as unknown as { test_clock?: unknown }).test_clock) ?? null,
      amountDue: inv.amount_remaining ?? inv.amount_due,
      currency: inv.currency,
      openedAt: failedAt,
      nextAttemptAt: attemptDue(deps.config, base, 1),
      suspendAt: suspendAt(deps.config, base),
    })
    .onConflictDoNothing()
    .returning();
  if (!opened) return null;
  if (row.state !== 'warning' && row.state !== 'suspended') await setBillingState(tx, tenantId, 'past_due');
  // its e-mail waits for the first run, which reads Stripe's time and the decline (Stripe calls)
  await announce(tx, deps, opened, 'past_due', null);
  await deps.jobs.sendInTx(tx, 'billing-followup', { kind: 'dunning_run', tenantId });
  return opened;
}

/** A renewal failed while the case was open: owed with it from now on, taken off Stripe's retries by the run. */
async function joinCase(
  tx: Tx,
  deps: DunningDeps,
  c: DunningCaseRow,
  invoice: string,
  amount: number,
  currency: string,
): Promise<void> {
  if (invoicesOf(c).includes(invoice) || currency !== c.currency) return;
  const joined = await tx
    .update(dunningCases)
    .set({
      joinedInvoices: sql`${dunningCases.joinedInvoices} || ${JSON.stringify([{ id: invoice, amount, held: false }])}::jsonb`,
      amountDue: sql`${dunningCases.amountDue} + ${amount}`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(dunningCases.id, c.id),
        ne(dunningCases.phase, 'closed'),
        sql`not ${dunningCases.joinedInvoices} @> ${JSON.stringify([{ id: invoice }])}::jsonb`,
      ),
    )
    .returning({ id: dunningCases.id });
  if (joined.length === 0) return;
  await insertAudit(tx, { kind: 'system', label: 'dunning' }, null, {
    tenantId: c.tenantId,
    action: 'billing.dunning_invoice_joined',
    data: { invoice, amount, currency, case_invoice: c.stripeInvoiceId },
  });
  await deps.jobs.sendInTx(tx, 'billing-followup', { kind: 'dunning_run', tenantId: c.tenantId });
}
