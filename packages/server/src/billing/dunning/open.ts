import type { Tx } from '../../db/client.ts';
import { dunningCases } from '../../db/schema/index.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import { billingOf } from '../core.ts';
import { announce, type DunningCaseRow, type DunningDeps, openCaseOf, setBillingState } from './cases.ts';
import { attemptDue, suspendAt } from './schedule.ts';

// Day 0: a plan renewal invoice of the tenant failed (`invoice.payment_failed`). Only a renewal starts dunning:
// a pending update's invoice (an upgrade's proration) failing leaves the plan and the state as they were.

/**
 * Opens a case for the failed renewal invoice (state `past_due`, `tenant.billing.past_due`, and the job that
 * takes the invoice off Stripe's retries, plans Tributary's and sends the e-mail), or joins the open one: a
 * failure while in dunning changes nothing. Returns the case opened, else null.
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
  if (await openCaseOf(tx, tenantId)) return null;
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
