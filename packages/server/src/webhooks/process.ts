import { and, eq, sql } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import { stripeEvents } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { JobDefinition, Jobs } from '../jobs/boss.ts';
import type { Logger } from '../logger.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import { retrieveObject } from '../stripe/refetch.ts';
import { handlerFor } from './handlers.ts';
import { eventJobOptions, STRIPE_EVENT_QUEUE, type StripeEventJob } from './inbox.ts';
import { emitOutbound } from './outbound/emit.ts';
import type { HandlerContext, StripeObject } from './registry.ts';

export interface ProcessDeps {
  db: Db;
  config: Config;
  stripe: StripeRef;
  jobs: () => Jobs;
  log: Logger;
}

type EventRow = typeof stripeEvents.$inferSelect;

/** The full snapshot event: stored as delivered, or fetched from Stripe for a thin notification. */
async function fullEvent(deps: ProcessDeps, row: EventRow): Promise<Stripe.Event> {
  if (row.kind !== 'thin') return row.payload as unknown as Stripe.Event;
  const thin = row.payload as { id: string; type: string; context?: string; created: string };
  const full = (await deps.stripe.stripe.v2.core.events.retrieve(
    thin.id,
    {},
    row.account ? { stripeContext: row.account } : undefined,
  )) as unknown as { data?: { object?: StripeObject }; related_object?: { id: string; type: string } };
  const type = thin.type.startsWith('v1.') ? thin.type.slice(3) : thin.type;
  const object =
    full.data?.object ??
    ({ id: full.related_object?.id ?? '', object: full.related_object?.type ?? '' } as StripeObject);
  return {
    id: thin.id,
    object: 'event',
    type,
    account: row.account ?? undefined,
    created: Math.floor(row.created.getTime() / 1000),
    livemode: row.livemode,
    data: { object },
  } as unknown as Stripe.Event;
}

/** Marks the event's outcome inside `tx` (the tenant's or the system transaction). */
async function mark(tx: Tx, id: string, status: EventRow['status'], error: string | null): Promise<void> {
  await tx
    .update(stripeEvents)
    .set({
      status,
      lastError: error,
      processedAt: status === 'processed' || status === 'ignored' ? sql`now()` : null,
    })
    .where(eq(stripeEvents.id, id));
}

function inEventScope<T>(deps: ProcessDeps, row: EventRow, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return row.tenantId
    ? withTenant(deps.db, row.tenantId, fn)
    : withSystem(deps.db, 'webhooks.platform_events', fn);
}

/**
 * Processes one stored event: claim (count the attempt), resolve the full event, refetch the stateful object
 * (outside any transaction), apply it and mark it processed in one transaction. A failure is recorded on the
 * event and rethrown so pg-boss retries with backoff; past the retry limit the event is dead-lettered.
 */
export async function processEvent(deps: ProcessDeps, eventId: string): Promise<EventRow['status'] | null> {
  const [row] = await withSystem(deps.db, 'webhooks.claim', (tx) =>
    tx
      .update(stripeEvents)
      .set({ attempts: sql`${stripeEvents.attempts} + 1` })
      .where(eq(stripeEvents.id, eventId))
      .returning(),
  );
  if (!row) return null;
  // a second job for a finished event (a crashed batch's retry) has nothing to do; replay resets the status
  if (row.status === 'processed' || row.status === 'ignored') return row.status;
  try {
    const handler = handlerFor(row.type);
    if (!handler) {
      await inEventScope(deps, row, (tx) => mark(tx, row.id, 'ignored', null));
      return 'ignored';
    }
    const event = await fullEvent(deps, row);
    let object = (event.data?.object ?? {}) as unknown as StripeObject;
    let deleted = event.type.endsWith('.deleted');
    let syncedAt = new Date(event.created * 1000);
    if (handler.refetch && deps.config.WEBHOOK_REFETCH && object.id) {
      const account = handler.refetch === 'account' ? null : row.account;
      const fetchedAt = new Date();
      const fetched = await retrieveObject(deps.stripe.stripe, handler.refetch, object.id, account);
      syncedAt = fetchedAt;
      if (fetched) object = fetched;
      else deleted = true;
    }
    await inEventScope(deps, row, async (tx) => {
      const ctx: HandlerContext = {
        tx,
        event,
        tenantId: row.tenantId,
        account: row.account,
        object,
        deleted,
        syncedAt,
        emit: async (type, data, opts) => {
          const tenantId = opts?.tenantId ?? row.tenantId;
          await emitOutbound(tx, deps.jobs(), { tenantId, type, data, sourceEventId: row.id });
        },
        enqueue: async (queue, data) => {
          await deps.jobs().sendInTx(tx, queue, data);
        },
      };
      await handler.apply(ctx);
      await mark(tx, row.id, 'processed', null);
    });
    return 'processed';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const dead = row.attempts > deps.config.WEBHOOK_RETRY_LIMIT;
    await inEventScope(deps, row, (tx) => mark(tx, row.id, dead ? 'dead' : 'failed', message.slice(0, 2000)));
    if (dead) {
      deps.log.error({ err, event: row.id, attempts: row.attempts }, 'stripe event dead-lettered');
      return 'dead';
    }
    throw err;
  }
}

export function stripeEventJob(deps: ProcessDeps): JobDefinition<StripeEventJob> {
  const opts = eventJobOptions(deps.config);
  return {
    queue: STRIPE_EVENT_QUEUE,
    retryLimit: opts.retryLimit,
    retryDelay: opts.retryDelay,
    retryBackoff: true,
    expireInSeconds: opts.expireInSeconds,
    // batches keep the fetch loop busy under a backlog (pg-boss polls again at once after a full batch)
    batchSize: 20,
    localConcurrency: deps.config.WEBHOOK_WORKER_CONCURRENCY,
    pollingIntervalSeconds: 0.5,
    handle: async (jobs: Job<StripeEventJob>[]) => {
      const results = await Promise.allSettled(jobs.map((job) => processEvent(deps, job.data.eventId)));
      // a failure retries the batch; its finished events are skipped on the retry
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Replays an event: resets it to pending and enqueues a job in the same transaction. Returns false when
 * there is no such event.
 */
export async function enqueueReplay(tx: Tx, jobs: Jobs, config: Config, eventId: string): Promise<boolean> {
  const [row] = await tx
    .update(stripeEvents)
    .set({ status: 'pending', lastError: null, attempts: 0 })
    .where(and(eq(stripeEvents.id, eventId)))
    .returning({ id: stripeEvents.id });
  if (!row) return false;
  await jobs.sendInTx(tx, STRIPE_EVENT_QUEUE as never, { eventId, replay: true }, eventJobOptions(config));
  return true;
}
