// The settings of one running sandbox (resolved from SandboxOptions at start) and the API version it speaks.
export const API_VERSION = '2026-10-28.endive';

export interface Config {
  url: string;
  publicUrl: string;
  platformAccountId: string;
  connectClientId: string;
  platformName: string;
  webhookRetrySchedule: number[];
  webhookTimeoutMs: number;
  /** Stripe's card price by "COUNTRY/currency" (`*` any country); other pairs: percent + fixed[currency] */
  stripeFeeRates: Record<string, { percentBps: number; fixed: number }>;
  stripeFeePercentBps: number;
  stripeFeeFixed: Record<string, number>;
  asyncPaymentDelayMs: number;
  asyncRefundDelayMs: number;
  availabilityDays: number;
}
