import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { accountHolderSql } from '../db/account-holder.ts';
import type { Db, Tx } from '../db/client.ts';
import { stripeEvents } from '../db/schema/index.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { WorkerPacing } from '../jobs/pacing.ts';
import type { Logger } from '../logger.ts';
import type { StripeRef } from '../stripe/client.ts';
import type { EventHandlerTable } from './handlers.ts';
import { eventJobOptions, STRIPE_EVENT_QUEUE } from './inbox.ts';

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

/**
 * Replays an event: resets it to pending and enqueues a job in the same transaction. Returns false when
 * there is no such event.
 */
/** The tenant an event's account belongs to now, else the last one that held it (as the inbox routes). */
const holder = () => accountHolderSql(sql`${stripeEvents.account}`);

export async function enqueueReplay(tx: Tx, jobs: Jobs, config: Config, eventId: string): Promise<boolean> {
  const [row] = await tx
    .update(stripeEvents)
    .set({
      status: 'pending',
      lastError: null,
      attempts: 0,
      // an account unknown when the event came may be linked since: the replay reaches its tenant
      tenantId: sql`coalesce(${stripeEvents.tenantId}, ${holder()})`,
      unknownAccount: sql`${stripeEvents.account} is not null and coalesce(${stripeEvents.tenantId}, ${holder()}) is null`,
    })
    .where(and(eq(stripeEvents.id, eventId)))
    .returning({ id: stripeEvents.id });
  if (!row) return false;
  await jobs.sendInTx(tx, STRIPE_EVENT_QUEUE, { eventId, replay: true }, eventJobOptions(config));
  return true;
}
