import { z } from 'zod';
import { purgeDeadSessions } from './auth/service.ts';
import { purgeExpiredQuotes, sweepDunning } from './billing/service.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { withSystem } from './db/tenant.ts';
import { purgeIdempotencyKeys } from './http/idempotency.ts';
import { defineJob, type JobDeps, type PayloadsOf } from './jobs/define.ts';
import { recoverStuck, stuckSending } from './notifications/jobs.ts';
import {
  abandonUnansweredPayments,
  dropLeftoverOpenPayments as dropLeftovers,
  purgeExpiredCardLinks,
  warnExpiringCards,
} from './payments/jobs.ts';
import { cancelUnansweredSubscriptions, remindRenewals } from './subscriptions/jobs.ts';
import { forgetHandledEvents } from './webhooks/jobs.ts';
import { routeStoredPlatformEvents } from './webhooks/service.ts';

/**
 * The `maintenance` job, every 15 minutes. It holds no rule of its own: each domain says what it forgets or
 * gives up on, and this opens the one system transaction (across tenants) each runs in.
 */

/**
 * Forgets idempotency records past their TTL, and sessions, sign-in links, customers' card update links and
 * plan quotes that can no longer be used.
 */
export async function purgeExpired(
  db: Db,
  config: Config,
): Promise<{ idempotency: number; sessions: number; links: number; cardLinks: number; quotes: number }> {
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const idempotency = await purgeIdempotencyKeys(tx, config.IDEMPOTENCY_TTL_HOURS);
    const cardLinks = await purgeExpiredCardLinks(tx);
    const quotes = await purgeExpiredQuotes(tx);
    return { idempotency, ...(await purgeDeadSessions(tx)), cardLinks, quotes };
  });
}

/**
 * Rows a request left pending because Stripe could not be reached, with no Stripe object since: past the
 * idempotency window (a retry can no longer reuse them) and with no event naming them, they were never made.
 */
export async function abandonUnanswered(db: Db, config: Config): Promise<number> {
  const hours = config.IDEMPOTENCY_TTL_HOURS + 1;
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const payments = await abandonUnansweredPayments(tx, hours);
    return payments + (await cancelUnansweredSubscriptions(tx, hours));
  });
}

/** Payment attempts no charge can come for any more (payments/jobs.ts). */
export async function dropLeftoverOpenPayments(db: Db): Promise<number> {
  return withSystem(db, 'jobs.maintenance', (tx) => dropLeftovers(tx));
}

/** Rows deleted per table and run: a large backlog goes over several runs without long locks. */
const PURGE_BATCH = 10_000;

/**
 * Forgets Stripe events handled more than EVENT_RETENTION_DAYS ago and settled outbound events as old
 * (webhooks/jobs.ts); 0 keeps everything. Stripe redelivers for 3 days; the retention is at least 7.
 */
export async function purgeOldEvents(db: Db, config: Config): Promise<{ stripe: number; outbound: number }> {
  if (config.EVENT_RETENTION_DAYS === 0) return { stripe: 0, outbound: 0 };
  return withSystem(db, 'jobs.maintenance', (tx) =>
    forgetHandledEvents(tx, config.EVENT_RETENTION_DAYS, PURGE_BATCH),
  );
}

/**
 * E-mails left `sending` past their job's expiry (a worker died, pg-boss gave the job up): queued again with
 * the same Message-ID, or failed once their attempts are spent (notifications/stuck.ts).
 */
export async function recoverStuckNotifications(
  deps: Pick<JobDeps, 'db' | 'config' | 'jobs'>,
): Promise<{ requeued: number; failed: number }> {
  const stuck = await withSystem(deps.db, 'jobs.maintenance', (tx) =>
    stuckSending(tx, deps.config.NOTIFICATION_JOB_EXPIRE_SECONDS),
  );
  const done = { requeued: 0, failed: 0 };
  for (const s of stuck) {
    const outcome = await recoverStuck(deps, s);
    if (outcome) done[outcome]++;
  }
  return done;
}

export const maintenanceJob = defineJob({
  queue: 'maintenance',
  // a scheduled run carries no data; anything sent by hand is ignored
  payload: z.looseObject({}).nullish(),
  retry: { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 },
  work: { cron: '*/15 * * * *' },
  handle: async (deps) => {
    const { db, config, log } = deps;
    await routeStoredPlatformEvents(db, log);
    await purgeExpired(db, config);
    await abandonUnanswered(db, config);
    await dropLeftoverOpenPayments(db);
    await purgeOldEvents(db, config);
    await remindRenewals(deps);
    await warnExpiringCards(deps);
    await recoverStuckNotifications(deps);
    await sweepDunning(deps);
  },
});

declare module './jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<[typeof maintenanceJob]> {}
}
