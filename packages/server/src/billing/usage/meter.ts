import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { meterReports } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import { defineJob, type JobDeps, type PayloadsOf } from '../../jobs/define.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { meterEventName } from './metrics.ts';
import { seatCount } from './seats.ts';

// `billing-meter-report`: a meter event owed to Stripe for usage under a soft limit (record.ts writes the
// row in the usage transaction), sent on the platform account. Its `identifier` makes Stripe count it once:
// a retry after a lost answer is refused as a duplicate identifier, which means it was counted.

const seatsEvent = meterEventName('seats');

async function sendReport(deps: JobDeps, job: { tenantId: string; meterReportId: string }) {
  const [report] = await withTenant(deps.db, job.tenantId, async (tx) => {
    const rows = await tx.select().from(meterReports).where(eq(meterReports.id, job.meterReportId));
    // A gauge's report is sent as its value when sent, stamped then (or at the period start it was made
    // for, if later): Stripe's `last` meter orders events by their timestamp, and these jobs run
    // concurrently, so reports of the joins of one second sent as they were could reach it out of order.
    const r = rows[0];
    return r?.eventName === seatsEvent && r.status !== 'sent'
      ? [
          {
            ...r,
            value: await seatCount(tx, job.tenantId),
            occurredAt: new Date(Math.max(r.occurredAt.getTime(), Date.now())),
          },
        ]
      : rows;
  });
  if (!report || report.status === 'sent') return;
  let error: string | null = null;
  try {
    await deps.stripe.call(
      {
        action: 'report usage to the billing meter',
        account: null,
        movesMoney: false,
        purpose: 'meter_event',
        record: report.id,
      },
      (stripe, opts) =>
        stripe.billing.meterEvents.create(
          {
            event_name: report.eventName,
            identifier: report.identifier,
            timestamp: Math.floor(report.occurredAt.getTime() / 1000),
            payload: { stripe_customer_id: report.stripeCustomerId, value: String(report.value) },
          },
          opts,
        ),
    );
  } catch (err) {
    const duplicate =
      err instanceof StripeFailure && err.kind === 'invalid_request' && err.param === 'identifier';
    if (!duplicate) error = err instanceof Error ? err.message : String(err);
    if (!duplicate && (!(err instanceof StripeFailure) || err.transient)) {
      await mark(deps, report.tenantId, report.id, { lastError: error });
      throw err; // pg-boss retries with backoff
    }
  }
  await mark(
    deps,
    report.tenantId,
    report.id,
    error
      ? { status: 'failed', lastError: error }
      : { status: 'sent', sentAt: new Date(), lastError: null, value: report.value },
  );
}

function mark(
  deps: JobDeps,
  tenantId: string,
  id: string,
  set: Partial<Pick<typeof meterReports.$inferInsert, 'status' | 'sentAt' | 'lastError' | 'value'>>,
) {
  return withTenant(deps.db, tenantId, (tx) =>
    tx
      .update(meterReports)
      .set({ ...set, attempts: sql`${meterReports.attempts} + 1` })
      .where(and(eq(meterReports.id, id), eq(meterReports.tenantId, tenantId))),
  );
}

export const meterReportJob = defineJob({
  queue: 'billing-meter-report',
  payload: z.object({ tenantId: z.guid(), meterReportId: z.guid() }),
  retry: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  work: { batchSize: 20, localConcurrency: 2, pollingIntervalSeconds: 1 },
  handle: async (deps, payloads) => {
    for (const p of payloads) await sendReport(deps, p);
  },
});

export const usageJobs = [meterReportJob] as const;

declare module '../../jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<typeof usageJobs> {}
}
