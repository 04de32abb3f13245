import { sql } from 'drizzle-orm';
import {
  type ConstructorOptions,
  type DrizzleTransactionLike,
  fromDrizzle,
  fromPglite,
  type Job,
  type JobResult,
  PgBoss,
} from 'pg-boss';
import type { Config } from '../config.ts';
import type { Database, Tx } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { StripeRef } from '../stripe/client.ts';
import { fromConfig, type JobDefinition, type JobDeps, type Jobs, jobQueues } from './define.ts';
import type { WorkerPacing } from './pacing.ts';

export type { Jobs, SendInTxOptions } from './define.ts';

export const BOSS_SCHEMA = 'pgboss';

function bossOptions(database: Database, asOwner: boolean): ConstructorOptions {
  const common: ConstructorOptions = { schema: BOSS_SCHEMA, openTelemetry: { enabled: false } };
  if (database.pglite) return { ...common, db: fromPglite(database.pglite), backend: 'pglite' };
  const url = asOwner ? database.ownerConnectionString : database.appConnectionString;
  return { ...common, connectionString: url ?? undefined, max: asOwner ? 2 : 4 };
}

/**
 * pg-boss reports what fails in its background loops (polling, supervision, its pool) only as 'error'
 * events: log each with what was running, never drop it. A worker's failure carries its queue.
 */
function logBossErrors(boss: PgBoss, log: Logger, operation: string): void {
  boss.on('error', (err) => {
    const { queue, worker } = err as { queue?: string; worker?: string };
    log.error({ err, operation, queue, worker }, 'job queue error');
  });
}

/** Installs or upgrades pg-boss's schema and creates every queue; runs as the owner during migration. */
export async function ensureJobSchema(database: Database, log: Logger): Promise<void> {
  const boss = new PgBoss({
    ...bossOptions(database, true),
    supervise: false,
    schedule: false,
    migrate: true,
  });
  logBossErrors(boss, log, 'job schema migration');
  await boss.start();
  try {
    const existing = new Set((await boss.getQueues()).map((q) => q.name));
    for (const name of jobQueues) if (!existing.has(name)) await boss.createQueue(name);
  } finally {
    await boss.stop({ graceful: false, close: !database.pglite });
  }
}

/** pg-boss's way into a Drizzle transaction: the one place our `Tx` is handed to it. */
function inTx(tx: Tx): ReturnType<typeof fromDrizzle> {
  return fromDrizzle(tx as unknown as DrizzleTransactionLike, sql);
}

/**
 * The worker of one definition: each job's payload is checked against the definition's schema first. One
 * that fails it can never succeed, so it is dead-lettered at once (failed, no retries, the reason in its
 * output) and logged, and the rest of its batch is handled; a handler that throws fails the whole batch,
 * which pg-boss retries by the queue's policy.
 */
function worker(def: JobDefinition, deps: JobDeps, log: Logger) {
  return async (jobs: Job<unknown>[]): Promise<JobResult[]> => {
    const valid: { job: Job<unknown>; payload: unknown }[] = [];
    const results: JobResult[] = [];
    for (const job of jobs) {
      const parsed = def.payload.safeParse(job.data);
      if (parsed.success) valid.push({ job, payload: parsed.data });
      else {
        const reason = `invalid ${def.queue} payload: ${parsed.error.message}`;
        log.error(
          { queue: def.queue, job: job.id, issues: parsed.error.issues },
          'job payload invalid; not retried',
        );
        results.push({ id: job.id, status: 'deadletter', output: { message: reason } });
      }
    }
    if (valid.length > 0) {
      try {
        await def.handle(
          deps,
          valid.map((v) => v.payload),
          valid.map((v) => ({ id: v.job.id, expireInSeconds: v.job.expireInSeconds })),
        );
      } catch (err) {
        log.warn({ err, queue: def.queue }, 'job failed; it will be retried');
        throw err;
      }
    }
    for (const v of valid) results.push({ id: v.job.id, status: 'completed' });
    return results;
  };
}

export async function startJobs(
  database: Database,
  log: Logger,
  opts: {
    work: boolean;
    definitions: readonly JobDefinition[];
    /** what handlers need besides the database, the log and the queue (required to work) */
    handlerDeps?: { config: Config; stripe: StripeRef; pacing?: WorkerPacing };
    superviseIntervalSeconds?: number;
  },
): Promise<Jobs> {
  const boss = new PgBoss({
    ...bossOptions(database, false),
    ...(opts.superviseIntervalSeconds ? { superviseIntervalSeconds: opts.superviseIntervalSeconds } : {}),
    migrate: false,
    createSchema: false,
    supervise: opts.work,
    schedule: opts.work,
  });
  logBossErrors(boss, log, opts.work ? 'job worker' : 'job queue (send only)');
  await boss.start();
  const jobs: Jobs = {
    sendInTx: async (tx, queue, data, options) => {
      if (!Array.isArray(data)) {
        await boss.send(queue, data as object | null, { ...options, db: inTx(tx) });
        return;
      }
      if (data.length === 0) return;
      await boss.insert(
        queue,
        data.map((d) => ({ data: d as object, ...options })),
        { db: inTx(tx) },
      );
    },
    stop: async () => {
      await boss.stop({ graceful: true, close: !database.pglite, timeout: 10_000 });
      for (const def of opts.definitions) await def.close?.();
    },
  };
  if (opts.work && opts.definitions.length > 0) {
    if (!opts.handlerDeps) throw new Error("a job worker needs its handlers' config and Stripe client");
    const deps: JobDeps = { db: database.db, log, ...opts.handlerDeps, jobs: () => jobs };
    for (const def of opts.definitions) {
      const work = def.work ? fromConfig(def.work, deps.config) : {};
      await boss.updateQueue(def.queue, fromConfig(def.retry, deps.config));
      await boss.work(
        def.queue,
        {
          batchSize: work.batchSize ?? 1,
          localConcurrency: work.localConcurrency ?? 1,
          ...(work.pollingIntervalSeconds ? { pollingIntervalSeconds: work.pollingIntervalSeconds } : {}),
          perJobResults: true,
        },
        worker(def, deps, log),
      );
      if (work.cron) await boss.schedule(def.queue, work.cron);
    }
  }
  return jobs;
}
