// The front door of platform billing: what other domains may use (a domain reaches another only here).

// Dunning (billing/dunning)
export { attemptNow, openCaseOf, settleRecovered, sweepDunning } from './dunning/service.ts';
// the state dunning's restrictions are decided by (http/dunning.ts)
export { billingStateOf } from './dunning.ts';
export { entitlementsCacheChannel } from './entitlements-cache.ts';
// The recovery page's signed link, for the e-mails of a tenant whose plan invoice is unpaid
export { RECOVERY_TOKEN_DAYS, recoveryUrl } from './recovery/token.ts';
// `tributary sync mrr`: the tenant's plan subscriptions at Stripe into the platform's MRR history
export { backfillPlanMrr } from './tenant-plan/mrr-backfill.ts';
// Plan quotes (billing/tenant-plan)
export { purgeExpiredQuotes } from './tenant-plan/quotes.ts';
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
