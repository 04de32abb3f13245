import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { defineJob, type PayloadsOf } from '../jobs/define.ts';
import { processEventBatch } from './batch.ts';
import type { EventHandlerTable } from './handlers.ts';
import {
  EVENTS_PER_BATCH,
  EVENTS_PER_JOB,
  eventJobOptions,
  JOBS_PER_BATCH,
  STRIPE_EVENT_QUEUE,
} from './inbox.ts';
import { deliverOnce, fanOut } from './outbound/deliver.ts';
import { OUTBOUND_DELIVER_QUEUE, OUTBOUND_FANOUT_QUEUE } from './outbound/emit.ts';

/**
 * The webhook pipeline's jobs: applying stored Stripe events, and fanning out and delivering outbound events
 * to the platform's endpoints. Each is idempotent: an event is claimed and applied behind its guards, a
 * delivery exists once per event and endpoint and is attempted only while pending.
 */

/** The ids a `stripe-event` job names: one (a replay, or a release before group jobs) or a group commit's. */
const stripeEventPayload = z.union([
  z.object({ eventId: z.string().min(1), replay: z.boolean().optional() }),
  z.object({ eventIds: z.array(z.string().min(1)).min(1).max(EVENTS_PER_JOB) }),
]);
export const eventIdsOf = (p: z.infer<typeof stripeEventPayload>): string[] =>
  'eventIds' in p ? p.eventIds : [p.eventId];

/**
 * `stripe-event`: stored Stripe events to apply, by the handlers of the domains (`handlers`, built by the
 * composition root). The inbox writes one job per group commit (up to EVENTS_PER_JOB events), so under load
 * the queue costs one job row, one fetch and one completion per group, not per event; a replay is a job of
 * its own. pg-boss hands a worker up to JOBS_PER_BATCH jobs at once, their events applied in batches of
 * up to EVENTS_PER_BATCH.
 */
const stripeEventJob = (handlers: EventHandlerTable) =>
  defineJob({
    queue: STRIPE_EVENT_QUEUE,
    payload: stripeEventPayload,
    retry: (config) => eventJobOptions(config),
    // under a backlog pg-boss fetches again at once after a full batch; the interval only paces an idle queue
    work: (config) => ({
      batchSize: JOBS_PER_BATCH,
      localConcurrency: config.WEBHOOK_WORKER_CONCURRENCY,
      pollingIntervalSeconds: 0.5,
    }),
    handle: async (deps, payloads, jobs) => {
      // half the jobs' expiry: past it no more events are fetched, the rest is left to the retry
      const expiry = Math.min(...jobs.map((j) => j.expireInSeconds));
      const deadline = Date.now() + (expiry * 1000) / 2;
      const ids = [...new Set(payloads.flatMap(eventIdsOf))];
      // every batch is attempted whatever an earlier one met (each failure counts against all the fetched
      // jobs, so a batch left out could use up its jobs' retries untried); the first failure fails the fetch
      let failure: unknown = null;
      for (let i = 0; i < ids.length; i += EVENTS_PER_BATCH) {
        if (i > 0 && Date.now() > deadline) {
          // not claimed: their attempts are not counted, the retry takes them
          failure ??= new Error(`${ids.length - i} events were not started before the fetch's deadline`);
          break;
        }
        try {
          await processEventBatch({ ...deps, handlers }, ids.slice(i, i + EVENTS_PER_BATCH), { deadline });
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure) throw failure;
    },
  });

/** `outbound-fanout`: an outbound event to turn into one delivery per subscribed endpoint. */
export const outboundFanoutJob = defineJob({
  queue: OUTBOUND_FANOUT_QUEUE,
  payload: z.object({ outboundEventId: z.guid() }),
  retry: { retryLimit: 10, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  // a backlog of Stripe events emits many outbound events: fan them out 50 per transaction
  work: { batchSize: 50, localConcurrency: 2, pollingIntervalSeconds: 0.5 },
  handle: async (deps, payloads) => {
    await fanOut(
      deps,
      payloads.map((p) => p.outboundEventId),
    );
  },
});

/** `outbound-deliver`: one HTTP attempt of a delivery. */
export const outboundDeliverJob = defineJob({
  queue: OUTBOUND_DELIVER_QUEUE,
  payload: z.object({ deliveryId: z.guid() }),
  // HTTP failures are rescheduled by deliverOnce; pg-boss retries only crashes and database errors
  retry: (config) => ({
    retryLimit: 5,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: Math.ceil(config.OUTBOUND_TIMEOUT_MS / 1000) + 60,
  }),
  work: { localConcurrency: 8 },
  handle: async (deps, payloads) => {
    for (const p of payloads) await deliverOnce(deps, p.deliveryId);
  },
});

export const webhookJobs = (handlers: EventHandlerTable) =>
  [stripeEventJob(handlers), outboundFanoutJob, outboundDeliverJob] as const;

/**
 * Retention (run by maintenance.ts in its system transaction): forgets Stripe events handled (processed
 * or ignored) more than `days` ago, with their attempts, and outbound events older than that whose
 * deliveries are all settled, at most `limit` of each. Failed, dead and pending events stay for the operator. A
 * redelivery of a forgotten event is stored and applied again, which the guards make harmless.
 */
export async function forgetHandledEvents(
  tx: Tx,
  days: number,
  limit: number,
): Promise<{ stripe: number; outbound: number }> {
  const before = sql`now() - make_interval(days => ${days})`;
  const stripe = (await tx.execute(sql`
    delete from stripe_events where id in (
      select id from stripe_events
      where received_at < ${before} and status in ('processed', 'ignored')
      limit ${limit})
    returning id`)) as unknown as { rows: unknown[] };
  const outbound = (await tx.execute(sql`
    delete from outbound_events where id in (
      select e.id from outbound_events e
      where e.created_at < ${before}
        and not exists (select 1 from outbound_deliveries d where d.event_id = e.id and d.status = 'pending')
      limit ${limit})
    returning id`)) as unknown as { rows: unknown[] };
  return { stripe: stripe.rows.length, outbound: outbound.rows.length };
}

declare module '../jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<ReturnType<typeof webhookJobs>> {}
}
