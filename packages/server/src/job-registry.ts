import type { z } from 'zod';
import { analyticsJobs } from './analytics/jobs.ts';
import { accountFollowups } from './billing/account/jobs.ts';
import { dunningFollowups } from './billing/dunning/jobs.ts';
import { billingHandlers, platformBillingHandlers } from './billing/handlers.ts';
import { billingJobs } from './billing/jobs.ts';
import { leftoverFollowups, planDiscountFollowups } from './billing/tenant-plan/jobs.ts';
import { connectHandlers } from './connect/handlers.ts';
import { invoiceHandlers } from './invoices/handlers.ts';
import { invoiceFollowups } from './invoices/jobs.ts';
import { type FollowupKinds, followupQueue, type JobQueue } from './jobs/define.ts';
import { maintenanceJob } from './maintenance.ts';
import { notificationJobs } from './notifications/jobs.ts';
import { paymentHandlers } from './payments/handlers.ts';
import { paymentFollowups } from './payments/jobs.ts';
import { subscriptionHandlers } from './subscriptions/handlers.ts';
import { subscriptionFollowups } from './subscriptions/jobs.ts';
import { eventHandlerTable } from './webhooks/handlers.ts';
import { webhookJobs } from './webhooks/jobs.ts';

/**
 * `billing-followup`: Stripe calls a webhook handler or a request decides on but cannot make inside its
 * transaction, for invoices, payments and subscriptions. Jobs already queued keep
 * their name and payload (`kind` and the kind's fields), so they are handled after an upgrade.
 */
export const billingFollowupJob = followupQueue({
  queue: 'billing-followup',
  kinds: [
    ...invoiceFollowups,
    ...paymentFollowups,
    ...subscriptionFollowups,
    ...accountFollowups,
    ...leftoverFollowups,
    ...planDiscountFollowups,
    ...dunningFollowups,
  ],
  retry: { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
});

/**
 * Every job the server runs, each with its handler: the worker registers exactly these, the migration
 * creates their queues, and `Jobs.sendInTx` takes only their queues and payloads.
 */
export const jobRegistry = [
  maintenanceJob,
  ...webhookJobs(
    eventHandlerTable(
      {
        connect: connectHandlers,
        payments: paymentHandlers,
        invoices: invoiceHandlers,
        subscriptions: subscriptionHandlers,
        billing: billingHandlers,
      },
      platformBillingHandlers,
    ),
  ),
  billingFollowupJob,
  ...notificationJobs,
  ...billingJobs,
  ...analyticsJobs,
] as const;

type Registered = (typeof jobRegistry)[number];

export { type JobInput, type JobQueue, jobQueues } from './jobs/define.ts';

// Compile-time: every queue has a definition, and every `billing-followup` kind a domain declares
// (FollowupKinds) is one the queue above lists, so none is without its handler.
type Unhandled = Exclude<JobQueue, Registered['queue']>;
type UnhandledKinds = Exclude<
  FollowupKinds[keyof FollowupKinds]['kind'],
  z.input<(typeof billingFollowupJob)['payload']>['kind']
>;
export const everyJobHandled: [Unhandled, UnhandledKinds] extends [never, never] ? true : never = true;
