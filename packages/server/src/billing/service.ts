// The platform billing's front door: what other domains may use (a domain reaches another only here).
export { rebaseAlerts } from './usage/alerts.ts';
export type { UsageDeps, UsageEvent, UsageOutcome } from './usage/metrics.ts';
export { usageDepsFrom } from './usage/metrics.ts';
export { type PaymentVolumeChange, recordPaymentVolume } from './usage/payment-volume.ts';
export { recordUsageInTx } from './usage/record.ts';
export { recordSeats, recordSeatsFor } from './usage/seats.ts';
