import { z } from 'zod';
import { defineJob, type PayloadsOf } from '../jobs/define.ts';
import { NOTIFICATION_SEND_QUEUE } from './outbox.ts';
import { sendNotification } from './send.ts';
import { recoverStuck, stuckSending } from './stuck.ts';
import { closeTransports } from './transport.ts';

export { recoverStuck, stuckSending };

/**
 * `notification-send`: one send of an outbox row (send.ts). SMTP failures are rescheduled by the handler
 * with backoff (NOTIFICATION_RETRY_*); pg-boss's own retries cover crashes (a job active past
 * NOTIFICATION_JOB_EXPIRE_SECONDS) and database errors.
 */
export const notificationSendJob = defineJob({
  queue: NOTIFICATION_SEND_QUEUE,
  payload: z.object({ tenantId: z.guid(), notificationId: z.guid() }),
  retry: (config) => ({
    retryLimit: 10,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: config.NOTIFICATION_JOB_EXPIRE_SECONDS,
  }),
  work: { localConcurrency: 4, pollingIntervalSeconds: 0.5 },
  handle: async (deps, payloads) => {
    for (const p of payloads) await sendNotification(deps, p);
  },
  close: closeTransports,
});

export const notificationJobs = [notificationSendJob] as const;

declare module '../jobs/define.ts' {
  interface JobPayloads extends PayloadsOf<typeof notificationJobs> {}
}
