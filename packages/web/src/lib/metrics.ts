import { formatMoney } from './money';

// Platform billing's metrics as the dashboard names and shows them (the usage bars, the notices).

const metricLabels: Record<string, string> = {
  payment_volume: 'Payment volume',
  seats: 'Seats',
};

export const metricLabel = (metric: string) =>
  metricLabels[metric] ?? metric.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** A metric's quantity as text: money in its currency, counts with grouping. */
export function formatQuantity(value: number, currency: string | null): string {
  return currency ? formatMoney(value, currency) : new Intl.NumberFormat().format(value);
}

/**
 * A notice's sentence: "You have used 80% of your payment volume limit ($40,000.00 of $50,000.00)". The
 * figures are those when the threshold was reached.
 */
export function noticeText(a: {
  metric: string;
  threshold: number;
  used: number;
  limit: number;
  currency: string | null;
}) {
  return `You have used ${a.threshold}% of your ${metricLabel(a.metric).toLowerCase()} limit (${formatQuantity(a.used, a.currency)} of ${formatQuantity(a.limit, a.currency)})`;
}
