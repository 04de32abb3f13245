import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { prepareSetup } from './auth/service.ts';
import { acquireDataDirLock } from './cli/lock.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { assertUnprivilegedLogin } from './db/login-check.ts';
import { migrateDatabase } from './db/migrate.ts';
import { jobRegistry } from './job-registry.ts';
import { type Jobs, startJobs } from './jobs/boss.ts';
import { WorkerPacing } from './jobs/pacing.ts';
import { createLogger, type Logger } from './logger.ts';
import { StripeRef } from './stripe/client.ts';
import { resolveStripeTarget, type StripeTarget } from './stripe/target.ts';

export interface OpenedDatabase {
  database: Database;
  release(): Promise<void>;
}

/** Opens (and locks, for PGlite) the configured database, migrated and switched to the app role. */
export async function openMigrated(config: Config, purpose: string, log?: Logger): Promise<OpenedDatabase> {
  const unlock = config.database.kind === 'pglite' ? acquireDataDirLock(config.DATA_DIR, purpose) : () => {};
  try {
    const database = await openDatabase(
      config.database.kind === 'pg'
        ? { ...config.database, poolSize: config.DATABASE_POOL_SIZE }
        : config.database,
      log,
    );
    await migrateDatabase(database, log);
    await database.dropToAppRole();
    return {
      database,
      release: async () => {
        await database.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * The database for `serve` and `worker`: migrated, then refused when the session user could bypass
 * row-level security (superuser, BYPASSRLS, a table's owner). A login without a password is said aloud.
 */
export async function openForServing(config: Config, purpose: string, log: Logger): Promise<OpenedDatabase> {
  const opened = await openMigrated(config, purpose, log);
  await checkedLogin(opened.database, log).catch(async (err) => {
    await opened.release();
    throw err;
  });
  return opened;
}

async function checkedLogin(database: Database, log: Logger): Promise<void> {
  await assertUnprivilegedLogin(database);
  if (database.login?.managed && !database.login.password) {
    log.warn(
      `DATABASE_APP_PASSWORD is not set: the server logs in to Postgres as ${database.login.name} without a password, which works only where pg_hba.conf trusts it (trust or peer). Set it (required with NODE_ENV=production) or DATABASE_APP_URL.`,
    );
  }
}

export interface Running {
  app: FastifyInstance;
  url: string;
  jobs: Jobs;
  database: Database;
  stripe: StripeTarget;
  setupUrl: string | null;
  stop(): Promise<void>;
}

/** The job queue with every job definition (job-registry.ts); `work` false only sends (an API-only replica). */
export async function startWorker(
  config: Config,
  database: Database,
  log: Logger,
  opts: { work?: boolean; stripe?: StripeRef; pacing?: WorkerPacing } = {},
): Promise<Jobs> {
  return startJobs(database, log, {
    work: opts.work ?? true,
    // the supervisor returns expired jobs (a crashed worker's) to the queue: check at least twice per expiry
    superviseIntervalSeconds: Math.min(
      60,
      Math.max(
        1,
        Math.ceil(Math.min(config.WEBHOOK_JOB_EXPIRE_SECONDS, config.NOTIFICATION_JOB_EXPIRE_SECONDS) / 2),
      ),
    ),
    definitions: jobRegistry,
    handlerDeps: { config, stripe: opts.stripe ?? new StripeRef(config), pacing: opts.pacing },
  });
}

/** `tributary serve`: API, dashboard and (unless `work` is false) the job worker in one process. */
export async function serve(
  config: Config,
  opts: { log?: Logger; work?: boolean; database?: Database; sandbox?: boolean } = {},
): Promise<Running> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, config.LOG_PRETTY ?? Boolean(process.stdout.isTTY));
  const opened = opts.database
    ? { database: opts.database, release: async () => {} }
    : await openForServing(config, 'serve', log);
  const { database } = opened;
  if (opts.database) await checkedLogin(database, log);
  const stripeRef = new StripeRef(config);
  const work = opts.work ?? true;
  // the worker yields to the webhook ingest of its own process (jobs/pacing.ts)
  // never waiting long enough for its fetched jobs to expire (at most a quarter of their expiry)
  const maxLagSeconds = Math.min(config.WEBHOOK_YIELD_MAX_LAG_SECONDS, config.WEBHOOK_JOB_EXPIRE_SECONDS / 4);
  const pacing = work ? new WorkerPacing({ maxLagSeconds }) : undefined;
  const jobs = await startWorker(config, database, log, { work, stripe: stripeRef, pacing });
  const app = await buildApp({ config, database, log, jobs, stripe: stripeRef, pacing });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const setupUrl = await prepareSetup(database.db, config);
  // after listen: the sandbox delivers webhooks to this server
  const stripe = await resolveStripeTarget(config, { startSandbox: opts.sandbox ?? true });
  stripeRef.use(stripe);
  return {
    app,
    url: address,
    jobs,
    database,
    stripe,
    setupUrl,
    stop: async () => {
      await stripe.sandbox?.close();
      await app.close();
      await jobs.stop();
      await opened.release();
    },
  };
}
