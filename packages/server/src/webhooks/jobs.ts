import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { JobDefinition, Jobs } from '../jobs/boss.ts';
import type { Logger } from '../logger.ts';
import type { StripeRef } from '../stripe/client.ts';
import { stripeEventBatchJob } from './batch.ts';
import { outboundJobs } from './outbound/deliver.ts';

/**
 * The webhook pipeline's jobs. Definitions exist before the queue starts, so they reach it through
 * `jobs()` (set once started): see runtime.ts.
 */
export function webhookJobs(deps: {
  db: Db;
  config: Config;
  stripe: StripeRef;
  log: Logger;
  jobs: () => Jobs;
}): JobDefinition[] {
  return [stripeEventBatchJob(deps) as unknown as JobDefinition, ...outboundJobs(deps)];
}

/** A late-bound Jobs reference for job definitions created before the queue starts. */
export function lateJobs(): { get: () => Jobs; set: (j: Jobs) => void } {
  let jobs: Jobs | null = null;
  return {
    get: () => {
      if (!jobs) throw new Error('job queue not started');
      return jobs;
    },
    set: (j) => {
      jobs = j;
    },
  };
}
