// The front door of platform billing: what other domains may use (a domain reaches another only here).

// Dunning (billing/dunning)
export { attemptNow, openCaseOf, recoveryUrl, settleRecovered, sweepDunning } from './dunning/service.ts';
export { entitlementsCacheChannel } from './entitlements-cache.ts';
// Usage, alerts and the built-in metrics (billing/usage)
export { rebaseAlerts } from './usage/alerts.ts';
export { getEntitlements } from './usage/entitlements.ts';
export type { UsageDeps, UsageEvent, UsageOutcome } from './usage/metrics.ts';
export { usageDepsFrom } from './usage/metrics.ts';
export {
  type PaymentVolumeChange,
  recordPaymentVolume,
  reverseRefundVolume,
} from './usage/payment-volume.ts';
export { recordUsageInTx } from './usage/record.ts';
export { ensureSeatFor, recordSeats, recordSeatsFor } from './usage/seats.ts';
