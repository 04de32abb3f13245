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
  stripeFeePercentBps: number;
  stripeFeeFixed: number;
  asyncPaymentDelayMs: number;
  asyncRefundDelayMs: number;
  availabilityDays: number;
}
