import type { Config } from '../../config.ts';
import type { DunningCaseRow } from './cases.ts';

// The case's dates, from the failure (`opened_at`, Stripe's time) and the delay Stripe's outages added.

const DAY = 86_400_000;

/** When the attempt `n` (1…) is due; null past the last. */
export function attemptDue(config: Config, c: Pick<DunningCaseRow, 'openedAt' | 'delaySeconds'>, n: number) {
  const days = config.dunningRetryDays[n - 1];
  return days === undefined ? null : new Date(c.openedAt.getTime() + days * DAY + c.delaySeconds * 1000);
}

export function suspendAt(config: Config, c: Pick<DunningCaseRow, 'openedAt' | 'delaySeconds'>): Date {
  return new Date(c.openedAt.getTime() + config.DUNNING_GRACE_DAYS * DAY + c.delaySeconds * 1000);
}

/** When the final action is due after a suspension at `suspended`; null when there is none. */
export function finalAt(config: Config, suspended: Date): Date | null {
  return config.DUNNING_FINAL_ACTION === 'none'
    ? null
    : new Date(suspended.getTime() + config.DUNNING_FINAL_AFTER_DAYS * DAY);
}

/** How long an attempt Stripe could not answer waits before it is made again. */
export const INTERRUPTED_RETRY_MS = 3_600_000;
