import { z } from 'zod';
import { defineJob, type PayloadsOf } from '../jobs/define.ts';
import { runLedgerCheck } from './ledger-check.ts';

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

export const analyticsJobs = [ledgerCheckJob] as const;

declare module '../jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<typeof analyticsJobs> {}
}
