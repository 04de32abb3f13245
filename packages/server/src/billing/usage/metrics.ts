import type { Config } from '../../config.ts';
import type { JobInput, JobQueue, Jobs } from '../../jobs/define.ts';

// The metrics usage is counted in, and what a usage event may be.

/** Metrics Tributary measures itself: the platform's app cannot report them. */
export const builtInMetrics = ['payment_volume', 'seats'] as const;
export type BuiltInMetric = (typeof builtInMetrics)[number];
export const isBuiltInMetric = (m: string): m is BuiltInMetric =>
  (builtInMetrics as readonly string[]).includes(m);

/** A gauge: `used` is the latest value (the current count), not a sum of events. */
export const gaugeMetrics: ReadonlySet<string> = new Set(['seats']);

/** A custom metric's name (docs/platform-billing.md). */
export const METRIC_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Stripe meters take events up to 35 days old and 5 minutes ahead; so do we. */
export const MAX_EVENT_AGE_SECONDS = 35 * 24 * 3600;
export const MAX_EVENT_AHEAD_SECONDS = 5 * 60;

/** Events in one batch request (as Stripe's meter event streams). */
export const MAX_BATCH_EVENTS = 1000;

export type UsageSource = 'api' | 'payment' | 'refund' | 'seats';

/** One usage event to count for a tenant. */
export interface UsageEvent {
  /** the reporter's id (`payment:<ch_…>` for one Tributary measures): one per tenant, a repeat counts once */
  id: string;
  metric: string;
  /** a positive integer for a counter (negative only for a refund of payment volume); a gauge's value */
  quantity: number;
  occurredAt: Date;
  source: UsageSource;
}

/** Why an event did not count: `duplicate` (its id was seen), `no_plan`, `outside_period`. */
export type UsageOutcome = 'recorded' | 'duplicate' | 'no_plan' | 'outside_period';

/** What the usage transaction writes with: the outbox and outbound webhooks enqueue jobs in it. */
export interface UsageDeps {
  config: Config;
  jobs: Jobs;
}

/** The metric's event name on Stripe's meter. */
export const meterEventName = (metric: string) => `tributary_${metric}`;

/** A webhook handler's way of enqueueing (one job per call), as the usage transaction's `Jobs`. */
export function usageDepsFrom(h: {
  config: Config;
  enqueue<Q extends JobQueue>(queue: Q, data: JobInput<Q>): Promise<void>;
}): UsageDeps {
  const jobs: Jobs = {
    sendInTx: async (_tx, queue, data) => {
      for (const d of (Array.isArray(data) ? data : [data]) as JobInput<typeof queue>[])
        await h.enqueue(queue, d);
    },
    stop: async () => {},
  };
  return { config: h.config, jobs };
}
