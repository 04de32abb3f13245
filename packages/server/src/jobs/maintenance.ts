import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import {
  dashboardLinks,
  idempotencyKeys,
  payments,
  refunds,
  sessions,
  subscriptions,
} from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import { defineJob } from './define.ts';

/** Forgets idempotency records past their TTL and sessions and links that can no longer be used. */
export async function purgeExpired(
  db: Db,
  config: Config,
): Promise<{ idempotency: number; sessions: number; links: number }> {
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const idem = await tx
      .delete(idempotencyKeys)
      .where(
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${config.IDEMPOTENCY_TTL_HOURS})`),
      )
      .returning({ k: idempotencyKeys.key });
    const sess = await tx
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, sql`now()`), isNotNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    const links = await tx
      .delete(dashboardLinks)
      .where(lt(dashboardLinks.expiresAt, sql`now() - interval '7 days'`))
      .returning({ id: dashboardLinks.id });
    return { idempotency: idem.length, sessions: sess.length, links: links.length };
  });
}

const UNREACHABLE = 'stripe_unreachable';

/**
 * Rows a request left pending because Stripe could not be reached, with no Stripe object since: past the
 * idempotency window (a retry can no longer reuse them) and with no event naming them, they were never made.
 * A held refund amount is freed.
 */
export async function abandonUnanswered(db: Db, config: Config): Promise<number> {
  const before = sql`now() - make_interval(hours => ${config.IDEMPOTENCY_TTL_HOURS + 1})`;
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const p = await tx
      .update(payments)
      .set({
        status: 'canceled',
        failureCode: UNREACHABLE,
        failureMessage: 'Stripe could not be reached; the payment was not made.',
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(payments.status, 'pending'),
          isNull(payments.stripePaymentIntentId),
          lt(payments.createdAt, before),
        ),
      )
      .returning({ id: payments.id });
    const r = await tx
      .update(refunds)
      .set({ status: 'failed', failureReason: UNREACHABLE, updatedAt: sql`now()` })
      .where(
        and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), lt(refunds.createdAt, before)),
      )
      .returning({ id: refunds.id });
    const s = await tx
      .update(subscriptions)
      .set({ status: 'canceled', updatedAt: sql`now()` })
      .where(
        and(
          eq(subscriptions.status, 'pending'),
          isNull(subscriptions.stripeSubscriptionId),
          lt(subscriptions.createdAt, before),
        ),
      )
      .returning({ id: subscriptions.id });
    return p.length + r.length + s.length;
  });
}

/**
 * Open rows (a PaymentIntent's attempt without a charge) left behind when concurrent batches applied a
 * PaymentIntent we did not start and its charge at once: once the PaymentIntent has succeeded (final) on
 * another row, no charge can come for them.
 */
export async function dropLeftoverOpenPayments(db: Db): Promise<number> {
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const res = (await tx.execute(sql`
      delete from payments p
      where p.stripe_charge_id is null and p.stripe_payment_intent_id is not null
        and p.updated_at < now() - interval '1 hour'
        and exists (select 1 from payments s
                    where s.tenant_id = p.tenant_id and s.stripe_payment_intent_id = p.stripe_payment_intent_id
                      and s.id <> p.id and s.status = 'succeeded')
      returning p.id`)) as unknown as { rows: unknown[] };
    return res.rows.length;
  });
}

/** Rows deleted per table and run: a large backlog goes over several runs without long locks. */
const PURGE_BATCH = 10_000;

/**
 * Forgets Stripe events handled (processed or ignored) more than EVENT_RETENTION_DAYS ago, with their
 * attempts, and outbound events older than that whose deliveries are all settled. Failed, dead and pending
 * events stay for the operator. A redelivery of a forgotten event is stored and applied again, which the
 * guards make harmless (Stripe redelivers for 3 days; the retention is at least 7).
 */
export async function purgeOldEvents(db: Db, config: Config): Promise<{ stripe: number; outbound: number }> {
  if (config.EVENT_RETENTION_DAYS === 0) return { stripe: 0, outbound: 0 };
  const before = sql`now() - make_interval(days => ${config.EVENT_RETENTION_DAYS})`;
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const stripe = (await tx.execute(sql`
      delete from stripe_events where id in (
        select id from stripe_events
        where received_at < ${before} and status in ('processed', 'ignored')
        limit ${PURGE_BATCH})
      returning id`)) as unknown as { rows: unknown[] };
    const outbound = (await tx.execute(sql`
      delete from outbound_events where id in (
        select e.id from outbound_events e
        where e.created_at < ${before}
          and not exists (select 1 from outbound_deliveries d where d.event_id = e.id and d.status = 'pending')
        limit ${PURGE_BATCH})
      returning id`)) as unknown as { rows: unknown[] };
    return { stripe: stripe.rows.length, outbound: outbound.rows.length };
  });
}

export const maintenanceJob = defineJob({
  queue: 'maintenance',
  // a scheduled run carries no data; anything sent by hand is ignored
  payload: z.looseObject({}).nullish(),
  retry: { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 },
  work: { cron: '*/15 * * * *' },
  handle: async ({ db, config }) => {
    await purgeExpired(db, config);
    await abandonUnanswered(db, config);
    await dropLeftoverOpenPayments(db);
    await purgeOldEvents(db, config);
  },
});
