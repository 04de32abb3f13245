import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/client.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import { defineFollowup, type FollowupIn, type JobDeps } from '../../jobs/define.ts';
import { insertAudit } from '../../scope/audit.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { retrieveInvoice } from '../account/stripe-calls.ts';
import { runDue } from './run.ts';
import { voidPlanInvoice, writeOffInvoice } from './stripe-calls.ts';

const runDeps = (deps: JobDeps) => ({ ...deps, jobs: deps.jobs() });

const BUSY_RECHECK_MS = 2_000;
/** after a lease's end, for the database's clock and the app's to differ a little */
const LAPSE_MARGIN_MS = 1_000;

/**
 * The periodic sweep (the maintenance job): every tenant whose open case may have something due gets a
 * `dunning_run`. A case on a test clock is checked too (its clock's time decides, read by the run).
 */
export async function sweepDunning(
  deps: Pick<JobDeps, 'db' | 'jobs'>,
  now = new Date(),
  clock?: string,
): Promise<number> {
  const due = await withSystem(deps.db, 'billing.dunning_due', (tx) =>
    queryRows<{ tenant_id: string }>(
      tx,
      clock
        ? sql`select tenant_id::text as tenant_id from dunning_cases where phase <> 'closed' and test_clock = ${clock}`
        : sql`select tenant_id::text as tenant_id from dunning_cases
            where phase <> 'closed' and (test_clock is not null or not scheduled
              or (phase = 'past_due' and next_attempt_at <= ${now})
              or (phase = 'warning' and suspend_at <= ${now})
              or (phase = 'suspended' and final_at <= ${now}))`,
    ),
  );
  for (const d of due)
    await withTenant(deps.db, d.tenant_id, (tx) =>
      deps.jobs().sendInTx(tx, 'billing-followup', { kind: 'dunning_run', tenantId: d.tenant_id }),
    );
  return due.length;
}

/** A pending update's invoice left open when Stripe dropped the change: voided (it is owed by nobody). */
async function voidExpiredUpdate(deps: JobDeps, job: { tenantId: string; invoice: string }): Promise<void> {
  const inv = await retrieveInvoice(deps.stripe, job.invoice);
  if (inv?.status !== 'open' || inv.billing_reason !== 'subscription_update') return;
  try {
    await voidPlanInvoice(deps.stripe, inv.id!, new Date());
  } catch (err) {
    // paid or voided meanwhile
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return;
    throw err;
  }
  await withTenant(deps.db, job.tenantId, (tx) =>
    insertAudit(tx, { kind: 'system', label: 'dunning' }, `job_void_update_${inv.id}`, {
      tenantId: job.tenantId,
      action: 'billing.pending_update_invoice_voided',
      data: { invoice: inv.id },
    }),
  );
}

/**
 * The final action's write-off of an invoice its case still owed: marked uncollectible at Stripe (paid or
 * voided meanwhile: nothing to do). Its event finds the case closed and changes nothing.
 */
async function writeOff(deps: JobDeps, job: { tenantId: string; invoice: string }): Promise<void> {
  try {
    await writeOffInvoice(deps.stripe, job.invoice, new Date());
  } catch (err) {
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return;
    throw err;
  }
}

/** Dunning's `billing-followup` kinds. */
export const dunningFollowups = [
  defineFollowup({
    kind: 'dunning_run',
    // with a payment method: one saved during dunning, tried at once; `afterHolder`: the run asked of the
    // run that held the case, made only if that one died first
    fields: {
      tenantId: z.guid(),
      paymentMethod: z.string().min(1).max(255).optional(),
      afterHolder: z.boolean().optional(),
    },
    handle: async (deps, job, meta) => {
      const run = await runDue(runDeps(deps), job.tenantId, {
        now: Boolean(job.paymentMethod),
        method: job.paymentMethod,
        leaseSeconds: meta.expireInSeconds,
        afterHolder: job.afterHolder,
      });
      if (run.ran) return;
      // another run holds the case (a second worker, a request's "retry now"). Asked to run again, it does
      // unless it dies first: then its lease lapses, and this job's successor runs the case. The attempt with
      // a saved method is made once the holder lets go (looked at again every few seconds).
      const next = run.asked
        ? {
            payload: { kind: 'dunning_run' as const, tenantId: job.tenantId, afterHolder: true },
            at: run.busyUntil,
          }
        : { payload: job, at: new Date(Math.min(run.busyUntil.getTime(), Date.now() + BUSY_RECHECK_MS)) };
      await withTenant(deps.db, job.tenantId, (tx) =>
        deps.jobs().sendInTx(tx, 'billing-followup', next.payload, {
          startAfter: new Date(next.at.getTime() + LAPSE_MARGIN_MS),
        }),
      );
    },
  }),
  defineFollowup({
    // a test clock moved on: every tenant's open case on it runs (the event itself went to one of them)
    kind: 'dunning_clock_ready',
    fields: { tenantId: z.guid(), clock: z.string().regex(/^clock_[A-Za-z0-9]{1,250}$/) },
    handle: async (deps, job) => {
      await sweepDunning(deps, new Date(), job.clock);
    },
  }),
  defineFollowup({
    kind: 'dunning_write_off',
    fields: { tenantId: z.guid(), invoice: z.string().min(1).max(255) },
    handle: writeOff,
  }),
  defineFollowup({
    kind: 'dunning_void_update',
    fields: { tenantId: z.guid(), invoice: z.string().min(1).max(255) },
    handle: voidExpiredUpdate,
  }),
] as const;

declare module '../../jobs/define.ts' {
  interface FollowupKinds {
    dunning: FollowupIn<(typeof dunningFollowups)[number]>;
  }
}
