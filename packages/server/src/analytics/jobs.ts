import { z } from 'zod';
import { defineJob, type PayloadsOf } from '../jobs/define.ts';
import { runLedgerCheck } from './ledger-check.ts';
import { refreshMarkedSnapshots } from './snapshot-job.ts';

/** The nightly ledger check, at 03:17 UTC. */
export const ledgerCheckJob = defineJob({
  queue: 'analytics-ledger-check',
  // a scheduled run carries no data; anything sent by hand is ignored
  payload: z.looseObject({}).nullish(),
  retry: { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 900 },
  work: { cron: '17 3 * * *' },
  handle: async (deps) => {
    await runLedgerCheck(deps);
  },
});

/**
 * The snapshot job (docs/analytics.md, "Snapshots"): every minute, each scope whose change rows moved since
 * its snapshots (a restate marker is pending) has them recomputed from the marker on. A read of a scope with a
 * pending marker refreshes it first, so the job only keeps reads from having to.
 */
export const snapshotJob = defineJob({
  queue: 'analytics-snapshots',
  payload: z.looseObject({}).nullish(),
  retry: { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 900 },
  work: { cron: '* * * * *' },
  handle: async (deps) => {
    await refreshMarkedSnapshots(deps);
  },
});

export const analyticsJobs = [ledgerCheckJob, snapshotJob] as const;

declare module '../jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<typeof analyticsJobs> {}
}
