import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
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
import type { JobDefinition } from './boss.ts';

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

export function maintenanceJob(db: Db, config: Config): JobDefinition {
  return {
    queue: 'maintenance',
    cron: '*/15 * * * *',
    retryLimit: 2,
    handle: async () => {
      await purgeExpired(db, config);
      await abandonUnanswered(db, config);
      await dropLeftoverOpenPayments(db);
    },
  };
}
