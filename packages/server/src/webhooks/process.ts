import { inArray, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { accountHolderSql } from '../db/account-holder.ts';
import type { Db, Tx } from '../db/client.ts';
import { stripeEvents } from '../db/schema/index.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { WorkerPacing } from '../jobs/pacing.ts';
import type { Logger } from '../logger.ts';
import type { StripeRef } from '../stripe/client.ts';
import type { EventHandlerTable } from './handlers.ts';
import { EVENTS_PER_JOB, eventJobOptions, STRIPE_EVENT_QUEUE } from './inbox.ts';

export interface ProcessDeps {
  db: Db;
  config: Config;
  stripe: StripeRef;
  jobs: () => Jobs;
  log: Logger;
  handlers: EventHandlerTable;
  /** in `serve`: how the worker yields to the process's webhook ingest */
  pacing?: WorkerPacing;
}

/** The tenant an event's account belongs to now, else the last one that held it (as the inbox routes). */
const holder = () => accountHolderSql(sql`${stripeEvents.account}`);

/**
 * Replays an event: resets it to pending and enqueues a job in the same transaction. Returns false when
 * there is no such event.
 */
export async function enqueueReplay(tx: Tx, jobs: Jobs, config: Config, eventId: string): Promise<boolean> {
  return (await enqueueReplays(tx, jobs, config, [eventId])) === 1;
}

/**
 * Replays up to EVENTS_PER_JOB events in one transaction: each reset to pending, and one job naming those
 * that exist (applied together, as a group commit's are). Returns how many exist.
 */
export async function enqueueReplays(
  tx: Tx,
  jobs: Jobs,
  config: Config,
  eventIds: readonly string[],
): Promise<number> {
  if (eventIds.length === 0) return 0;
  if (eventIds.length > EVENTS_PER_JOB) throw new Error(`at most ${EVENTS_PER_JOB} events per replay job`);
  const rows = await tx
    .update(stripeEvents)
    .set({
      status: 'pending',
      lastError: null,
      attempts: 0,
      // an account unknown when the event came may be linked since: the replay reaches its tenant
      tenantId: sql`coalesce(${stripeEvents.tenantId}, ${holder()})`,
      unknownAccount: sql`${stripeEvents.account} is not null and coalesce(${stripeEvents.tenantId}, ${holder()}) is null`,
    })
    .where(inArray(stripeEvents.id, [...eventIds]))
    .returning({ id: stripeEvents.id });
  if (rows.length === 0) return 0;
  const [one] = rows;
  const job = rows.length === 1 ? { eventId: one!.id, replay: true } : { eventIds: rows.map((r) => r.id) };
  await jobs.sendInTx(tx, STRIPE_EVENT_QUEUE, job, eventJobOptions(config));
  return rows.length;
}
