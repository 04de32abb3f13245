import type { z } from 'zod';
import { invoiceFollowups } from '../invoices/jobs.ts';
import { paymentFollowups } from '../payments/jobs.ts';
import { subscriptionFollowups } from '../subscriptions/jobs.ts';
import { webhookJobs } from '../webhooks/jobs.ts';
import { followupQueue } from './define.ts';
import { maintenanceJob } from './maintenance.ts';

/**
 * `billing-followup`: Stripe calls a webhook handler or a request decides on but cannot make inside its
 * transaction, for invoices, payments and subscriptions. One queue since issue 8; jobs already queued keep
 * their name and payload (`kind` and the kind's fields), so they are handled after an upgrade.
 */
export const billingFollowupJob = followupQueue({
  queue: 'billing-followup',
  kinds: [...invoiceFollowups, ...paymentFollowups, ...subscriptionFollowups],
  retry: { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
});

/**
 * Every job the server runs, each with its handler: the worker registers exactly these, the migration
 * creates their queues, and `Jobs.sendInTx` takes only their queues and payloads.
 */
export const jobRegistry = [maintenanceJob, ...webhookJobs, billingFollowupJob] as const;

type Registered = (typeof jobRegistry)[number];
/** A queue some definition handles. */
export type JobQueue = Registered['queue'];
/** What may be sent to `queue`: its schema's input. */
export type JobInput<Q extends JobQueue> = z.input<Extract<Registered, { queue: Q }>['payload']>;
/** What its handler is given: its schema's output. */
export type JobPayload<Q extends JobQueue> = z.output<Extract<Registered, { queue: Q }>['payload']>;

export const jobQueues: readonly JobQueue[] = jobRegistry.map((d) => d.queue);
