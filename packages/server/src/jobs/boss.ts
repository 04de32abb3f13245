import { sql } from 'drizzle-orm';
import {
  type ConstructorOptions,
  type DrizzleTransactionLike,
  fromDrizzle,
  fromPglite,
  type Job,
  PgBoss,
  type SendOptions,
} from 'pg-boss';
import type { Database, Tx } from '../db/client.ts';
import type { Logger } from '../logger.ts';

export const BOSS_SCHEMA = 'pgboss';

/** A background job: its queue, its retry policy and what it does. Domains add theirs to `jobRegistry`. */
export interface JobDefinition<T extends object = object> {
  queue: string;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** cron expression when the job runs on a schedule */
  cron?: string;
  batchSize?: number;
  /** how many batches this process works on at once */
  localConcurrency?: number;
  /** idle poll; a full batch fetches again at once */
  pollingIntervalSeconds?: number;
  handle(jobs: Job<T>[]): Promise<void>;
}

export const queueNames = [
  'maintenance',
  'stripe-event',
  'outbound-fanout',
  'outbound-deliver',
  // invoices and subscriptions (issue 8): Stripe calls that follow a webhook (refund a duplicate, fees)
  'billing-followup',
] as const;
export type QueueName = (typeof queueNames)[number];

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
    for (const name of queueNames) if (!existing.has(name)) await boss.createQueue(name);
  } finally {
    await boss.stop({ graceful: false, close: !database.pglite });
  }
}

export interface Jobs {
  boss: PgBoss;
  /** Enqueues inside the caller's transaction: the job exists only if the transaction commits. */
  sendInTx(tx: Tx, queue: QueueName, data: object, options?: Omit<SendOptions, 'db'>): Promise<string | null>;
  send(queue: QueueName, data: object): Promise<string | null>;
  stop(): Promise<void>;
}

export async function startJobs(
  database: Database,
  log: Logger,
  opts: {
    work: boolean;
    definitions: JobDefinition[];
    superviseIntervalSeconds?: number;
    /** called once the queue is up and before any worker starts (handlers may fetch jobs at once) */
    onStarted?: (jobs: Jobs) => void;
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
    boss,
    sendInTx: (tx, queue, data, options) =>
      boss.send(queue, data, { ...options, db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql) }),
    send: (queue, data) => boss.send(queue, data),
    stop: () => boss.stop({ graceful: true, close: !database.pglite, timeout: 10_000 }),
  };
  opts.onStarted?.(jobs);
  if (opts.work) {
    for (const def of opts.definitions) {
      await boss.updateQueue(def.queue, {
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelay ?? 30,
        retryBackoff: def.retryBackoff ?? true,
        expireInSeconds: def.expireInSeconds ?? 300,
      });
      const workOptions = {
        batchSize: def.batchSize ?? 1,
        localConcurrency: def.localConcurrency ?? 1,
        ...(def.pollingIntervalSeconds ? { pollingIntervalSeconds: def.pollingIntervalSeconds } : {}),
      };
      await boss.work(def.queue, workOptions, async (jobs) => {
        try {
          await def.handle(jobs as Job<object>[]);
        } catch (err) {
          log.warn({ err, queue: def.queue }, 'job failed; it will be retried');
          throw err;
        }
      });
      if (def.cron) await boss.schedule(def.queue, def.cron);
    }
  }
  return jobs;
}
